import * as fs from 'node:fs';
import * as path from 'node:path';
import { findAbove } from '../extensionRoot';
import type { Trace } from '../shared/trace';

/** Finds the built webview bundle and stylesheet (dist/ and media/ at the extension's root). */
export function webviewAssets(from: string = __dirname): { script: string; style: string } {
  const root = findAbove(path.join('dist', 'webview.js'), from);
  if (!root) throw new Error('The webview bundle (dist/webview.js) is missing: run `npm run build` first.');
  return { script: path.join(root, 'dist', 'webview.js'), style: path.join(root, 'media', 'timeline.css') };
}

/** `</script>` and friends cannot end the inline JSON early. */
function scriptSafe(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** One self-contained HTML file (no network) showing the trace with the webview's own bundle. */
export function reportHtml(trace: Trace, assets = webviewAssets()): string {
  const script = fs.readFileSync(assets.script, 'utf8').replace(/<\/script/gi, '<\\/script');
  const style = fs.readFileSync(assets.style, 'utf8');
  const title = `Interleave: ${trace.target.function ?? (trace.target.script ? 'script' : 'selection')} — ${path.basename(trace.target.file)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</title>
<style>${style}</style>
</head>
<body class="standalone">
<div id="app"></div>
<script id="interleave-trace" type="application/json">${scriptSafe(JSON.stringify(trace))}</script>
<script>${script}</script>
</body>
</html>
`;
}
