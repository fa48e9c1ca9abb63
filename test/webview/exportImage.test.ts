import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { reportHtml } from '../../src/report/html';
import { postTrace, readTrace, readyPage, results, root, startPanelPage, type PanelPage } from './panelPage';

const trace = readTrace('canonical.json');

/** The webview as VS Code hosts it — under a policy like the panel's (images only from files and data:) — with a host that records messages. */
function cspPage(): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src file: 'unsafe-inline'; img-src file: data:; script-src file: 'unsafe-inline';">
<link rel="stylesheet" href="file://${path.join(root, 'media', 'timeline.css')}">
<style>body { --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-font-family: sans-serif; --vscode-font-size: 13px; background: #1e1e1e; }</style>
<script>
  window.__posted = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
</script></head>
<body class="vscode-dark"><div id="app"></div><script src="file://${path.join(root, 'dist', 'webview.js')}"></script></body></html>`;
}

let panels: PanelPage;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  panels = await startPanelPage(cspPage());
  page = await panels.browser.newPage({ viewport: { width: 1000, height: 500 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`file://${panels.file}`);
  await readyPage(page);
  await postTrace(page, 'export', trace);
  await page.locator('body[data-state="done"] .event-row').first().waitFor();
});

after(() => panels?.close());

interface ImageReply {
  type: string;
  requestId: number;
  bytes?: Uint8Array;
  error?: string;
}

/** Asks the webview for an image as the host does; decodes the bytes it sends back in an <img>. */
async function exported(format: 'png' | 'svg', requestId: number) {
  await page.evaluate((m) => window.postMessage(m, '*'), { type: 'exportImage', requestId, format });
  await page.waitForFunction((id) => (window as unknown as { __posted: ImageReply[] }).__posted.some((m) => m.type === 'image' && m.requestId === id), requestId);
  return page.evaluate(async ({ id, type }) => {
    const reply = (window as unknown as { __posted: ImageReply[] }).__posted.find((m) => m.type === 'image' && m.requestId === id)!;
    if (!reply.bytes) return { error: reply.error ?? 'no bytes', isBytes: false, head: [], text: '', base64: '', width: 0, height: 0, inked: 0 };
    const bytes = reply.bytes;
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    const img = new Image();
    const base64 = btoa(binary);
    img.src = `data:${type};base64,${base64}`;
    await img.decode();
    // how much of it is drawn on: not a blank page
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - 0x1e) + Math.abs(data[i + 1] - 0x1e) + Math.abs(data[i + 2] - 0x1e) > 60) inked++;
    return { error: null, isBytes: bytes instanceof Uint8Array, head: [...bytes.slice(0, 8)], text: type === 'image/svg+xml' ? new TextDecoder().decode(bytes) : '', base64, width: img.naturalWidth, height: img.naturalHeight, inked: inked / (data.length / 4) };
  }, { id: requestId, type: format === 'png' ? 'image/png' : 'image/svg+xml' });
}

test('the Export… button asks the host, by mouse and by keyboard', async () => {
  const button = page.locator('.toolbar button[data-action="export"]');
  assert.ok(await button.isVisible());
  const exports = () => page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.filter((m) => m.type === 'export').length);
  await button.click();
  assert.equal(await exports(), 1);
  await button.focus();
  await page.keyboard.press('Enter');
  assert.equal(await exports(), 2);
});

test('PNG export: a PNG of the whole timeline that Chromium decodes', async () => {
  const png = await exported('png', 1);
  assert.equal(png.error, null);
  assert.ok(png.isBytes, 'bytes travel as a Uint8Array');
  assert.deepEqual(png.head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
  const timeline = (await page.locator('.timeline').boundingBox())!;
  assert.ok(png.width >= timeline.width, `${png.width} px wide, the timeline ${timeline.width}`);
  assert.ok(png.height >= timeline.height, `${png.height} px high, the timeline ${timeline.height}`);
  assert.ok(png.inked > 0.01, `drawn on: ${(png.inked * 100).toFixed(1)} % of it`);
  fs.writeFileSync(path.join(results, 'export.png'), Buffer.from(png.base64, 'base64'));
});

test('SVG export: a standalone SVG with the labels and figures as text, the lanes and the axis, that Chromium decodes', async () => {
  const svg = await exported('svg', 2);
  assert.equal(svg.error, null);
  assert.ok(svg.width > 0 && svg.height > 0);
  assert.match(svg.text, /^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const texts = [...svg.text.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const label of ['Call 1', 'Thread 2', 'Process 1', 'Sequential × 2', 'Wall']) assert.ok(texts.includes(label), `${label} in ${texts.slice(0, 40).join(' | ')}`);
  const images = [...svg.text.matchAll(/<image [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(images.filter((h) => h >= 60).length, 3, "each run's lanes, as a picture");
  assert.ok(images.filter((h) => h < 20).length >= 6, "each lane label's swatch");
  assert.ok(!texts.includes('Export…') && !texts.includes('Fit'), 'no buttons');
  assert.ok(!texts.includes('Number: 0'), 'the event list is left out (the lanes are drawn, not text)');
  assert.ok(svg.inked > 0.01);
  fs.writeFileSync(path.join(results, 'export.svg'), svg.text);
  assert.deepEqual(pageErrors, []);
});

test('the standalone report has no host to save files: no Export… button', async () => {
  const file = path.join(panels.dir, 'report.html');
  fs.writeFileSync(file, reportHtml(trace));
  const report = await panels.browser.newPage({ viewport: { width: 1000, height: 600 } });
  await report.goto(`file://${file}`);
  await report.locator('.event-row').first().waitFor();
  assert.equal(await report.locator('.toolbar button[data-action="export"]').isVisible(), false);
  await report.close();
});

test("a user's exception message with markup and control characters stays text in a valid SVG", async () => {
  const failing = structuredClone(trace);
  failing.runs[1].workerInfo[0] = { ...failing.runs[1].workerInfo[0], status: 'error', error: { type: 'ValueError', message: 'bad \u0001 <b>value</b> & "more"', traceback: 'Traceback…' } };
  await postTrace(page, 'export', failing);
  await page.locator('.failures', { hasText: 'ValueError' }).waitFor();
  const svg = await exported('svg', 3);
  assert.equal(svg.error, null);
  assert.ok(svg.width > 0 && svg.height > 0, 'Chromium decodes it');
  assert.ok(svg.text.includes('&lt;b&gt;value&lt;/b&gt;') && svg.text.includes('&amp;'), 'markup is escaped');
  assert.ok(!svg.text.includes('\u0001'), 'no control character');
});
