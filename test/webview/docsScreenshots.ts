/**
 * The README's screenshots of the panel (docs/panel-*.png), taken from the webview test page in
 * Dark Modern, Light Modern and High Contrast: the seed example, cpu_bound with 4 workers under
 * 5 models, and a 320-px panel. Traces from real runs, kept in test/fixtures/traces/.
 * Run with `npm run docs:screenshots` (builds first). Not a test: it writes files we commit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium, openPanel, readTrace, root, THEMES, webviewPage } from './panelPage';

const SCENES = [
  { name: 'seed', trace: 'seed.json', viewport: { width: 1000, height: 1400 } },
  { name: 'cpu-bound', trace: 'cpu_bound_5_models.json', viewport: { width: 1000, height: 2000 } },
  { name: '320px', trace: 'seed.json', viewport: { width: 320, height: 2400 } },
];

const FILE_NAMES: Record<keyof typeof THEMES, string> = { dark: 'dark', light: 'light', highContrast: 'high-contrast' };

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-docs-'));
  const browser = await launchChromium();
  try {
    for (const [theme, fileName] of Object.entries(FILE_NAMES) as Array<[keyof typeof THEMES, string]>) {
      const page = path.join(dir, `${theme}.html`);
      fs.writeFileSync(page, webviewPage(THEMES[theme]));
      for (const scene of SCENES) {
        const panel = await openPanel(browser, page, readTrace(scene.trace), scene.viewport);
        await panel.waitForTimeout(100); // the first frame
        // the panel down to the end of the last run (the event list below is text)
        const bottom = await panel.locator('.timeline').evaluate((e) => e.getBoundingClientRect().bottom);
        const out = path.join(root, 'docs', `panel-${scene.name}-${fileName}.png`);
        await panel.screenshot({ path: out, clip: { x: 0, y: 0, width: scene.viewport.width, height: Math.ceil(bottom) + 8 } });
        console.log(`${path.relative(root, out)} (${fs.statSync(out).size} bytes)`);
        await panel.close();
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
