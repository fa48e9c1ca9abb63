/** The built webview in a page as VS Code hosts it, and the host's messages posted into it. */
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { EventColumns } from '../../src/shared/columns';
import { traceMessage, type HostToWebview } from '../../src/shared/protocol';
import type { Trace } from '../../src/shared/trace';

export const root = path.resolve(__dirname, '..', '..', '..');

/** Headless Chromium as the webview tests run it. */
export function launchChromium(): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
}

/** Colours of VS Code's Dark Modern theme that the panel reads (as VS Code sets them on the webview's body). */
export const DARK_MODERN: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-errorForeground': '#f85149',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-list-activeSelectionBackground': '#04395e',
  '--vscode-list-activeSelectionForeground': '#ffffff',
  '--vscode-widget-border': '#313131',
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
};

/** The webview page: the built bundle, our CSS, and an acquireVsCodeApi that records what the webview posts. */
export function webviewPage(): string {
  const vars = Object.entries(DARK_MODERN).map(([k, v]) => `${k}: ${v};`).join(' ');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body { ${vars} background: #1f1f1f; margin: 0; padding: 0 20px; }</style>
<link rel="stylesheet" href="file://${path.join(root, 'media', 'timeline.css')}">
<script>
  window.__posted = [];
  let state;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } });
</script></head>
<body class="vscode-dark"><div id="app"></div><script src="file://${path.join(root, 'dist', 'webview.js')}"></script></body></html>`;
}

/** What the webview has posted to the host so far. */
export function posted(page: Page): Promise<Array<{ type: string } & Record<string, unknown>>> {
  return page.evaluate(() => (window as unknown as { __posted: Array<{ type: string } & Record<string, unknown>> }).__posted);
}

/** Posts a host message (plain JSON: no typed arrays in it). */
export async function post(page: Page, message: HostToWebview): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
}

/** Posts the host's trace message: its typed columns go across as plain arrays and are rebuilt in the page. */
export async function postTrace(page: Page, key: string, trace: Trace): Promise<void> {
  const message = traceMessage(trace, key);
  const plainOf = (c: EventColumns) => ({ t: [...c.t], worker: [...c.worker], line: [...c.line], stream: [...c.stream], thread: [...c.thread], textEnd: [...c.textEnd], text: c.text });
  await page.evaluate((m) => {
    type Plain = { t: number[]; worker: number[]; line: number[]; stream: number[]; thread: number[]; textEnd: number[]; text: string };
    const columns = (m.columns as Plain[]).map((c) => ({
      t: Float64Array.from(c.t), worker: Uint16Array.from(c.worker), line: Int32Array.from(c.line),
      stream: Uint8Array.from(c.stream), thread: Uint8Array.from(c.thread), textEnd: Uint32Array.from(c.textEnd), text: c.text,
    }));
    window.postMessage({ ...m, columns }, '*');
  }, { ...message, columns: message.columns.map(plainOf) });
}
