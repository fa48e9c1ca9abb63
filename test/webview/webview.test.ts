import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { reportHtml } from '../../src/report/html';
import { toColumns, type EventColumns } from '../../src/shared/columns';
import { traceMessage, type HostToWebview } from '../../src/shared/protocol';
import type { Trace } from '../../src/shared/trace';

const root = path.resolve(__dirname, '..', '..', '..');
const results = path.join(root, 'test-results');
const trace = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'traces', 'canonical.json'), 'utf8')) as Trace;
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * Posts the host's trace message into the page. Typed arrays go across as plain arrays and are
 * rebuilt in the page: the webview receives exactly what TimelinePanel posts.
 */
async function postTrace(target: Page, key: string, shown: Trace = trace): Promise<void> {
  await postWithColumns(target, traceMessage(shown, key));
}

/**
 * Posts a host message whose `columns` (one or a list) are typed arrays: they go across as plain
 * arrays and are rebuilt in the page, so the webview receives exactly what the host posts.
 */
async function postWithColumns(target: Page, message: Extract<HostToWebview, { columns: unknown }>): Promise<void> {
  const plainOf = (c: EventColumns) => ({ t: [...c.t], worker: [...c.worker], line: [...c.line], stream: [...c.stream], thread: [...c.thread], textEnd: [...c.textEnd], text: c.text });
  const plain = { ...message, columns: Array.isArray(message.columns) ? message.columns.map(plainOf) : plainOf(message.columns) };
  await target.evaluate((m) => {
    type Plain = { t: number[]; worker: number[]; line: number[]; stream: number[]; thread: number[]; textEnd: number[]; text: string };
    const typed = (c: Plain) => ({
      t: Float64Array.from(c.t), worker: Uint16Array.from(c.worker), line: Int32Array.from(c.line),
      stream: Uint8Array.from(c.stream), thread: Uint8Array.from(c.thread), textEnd: Uint32Array.from(c.textEnd), text: c.text,
    });
    const columns = Array.isArray(m.columns) ? (m.columns as Plain[]).map(typed) : typed(m.columns as Plain);
    window.postMessage({ ...m, columns }, '*');
  }, plain);
}

let browser: Browser;
let page: Page;
let dir: string;
const pageErrors: string[] = [];

/** The webview as VS Code hosts it: the built bundle, our CSS, and an acquireVsCodeApi that records messages. */
function webviewPage(): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://${path.join(root, 'media', 'timeline.css')}">
<style>body { --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-font-family: sans-serif; --vscode-font-size: 13px; background: #1e1e1e; }</style>
<script>
  window.__posted = [];
  let state;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } });
</script></head>
<body class="vscode-dark"><div id="app"></div><script src="file://${path.join(root, 'dist', 'webview.js')}"></script></body></html>`;
}

before(async () => {
  fs.mkdirSync(results, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-webview-'));
  fs.writeFileSync(path.join(dir, 'webview.html'), webviewPage());
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`file://${path.join(dir, 'webview.html')}`);
  await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
  await postTrace(page, 'k1');
  await page.locator('.event-row').first().waitFor();
});

after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const posted = () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);

test('the webview says ready first, then shows one section per run with its figures', async () => {
  assert.deepEqual((await posted())[0], { type: 'ready' });
  assert.deepEqual(await page.locator('section.run').evaluateAll((els) => els.map((e) => e.getAttribute('data-model'))), ['sequential', 'thread', 'process']);
  const headers = await page.locator('.run-header h2').allTextContents();
  assert.equal(headers[0], 'Sequential × 2');
  assert.match(headers[2], /^Processes × 2 \((fork|spawn|forkserver)\)$/);
  const figures = await page.locator('section.run[data-model="thread"] .figure dt').allTextContents();
  for (const name of ['Wall', 'CPU', 'Speedup', 'Overlap', 'Switches', 'Events']) assert.ok(figures.includes(name), name);
  assert.equal(await page.locator('section.run[data-model="thread"] .figure', { hasText: 'Events' }).locator('dd').textContent(), '10');
  assert.ok((await page.locator('.verdict').first().textContent())!.length > 10);
  assert.match((await page.locator('.toolbar .python').textContent())!, /CPython 3\.\d+\.\d+ · GIL on/);
});

test('lanes are named after the workers', async () => {
  const labels = await page.locator('.lane-label').allTextContents();
  const pids = trace.runs[2].workerInfo.map((w) => w.pid);
  assert.deepEqual(labels, ['Call 1', 'Call 2', 'Thread 1', 'Thread 2', `Process 1 · pid ${pids[0]}`, `Process 2 · pid ${pids[1]}`]);
});

test('the event list has every event as text: 10 Number: i events per model', async () => {
  for (const model of ['sequential', 'thread', 'process']) {
    const texts = await page.locator(`.event-row[data-model="${model}"] .text`).allTextContents();
    assert.equal(texts.length, 10, model);
    assert.deepEqual([...texts].sort(), ['Number: 0', 'Number: 0', 'Number: 1', 'Number: 1', 'Number: 2', 'Number: 2', 'Number: 3', 'Number: 3', 'Number: 4', 'Number: 4']);
  }
  assert.equal(await page.locator('.event-list-body').getAttribute('role'), 'grid');
  assert.equal(await page.locator('.event-list-body').getAttribute('aria-rowcount'), '30');
});

/** Page coordinates of an event's mark on its lane (the fit view: domain [0, end × 1.02]). */
async function markPosition(runIndex: number, eventIndex: number): Promise<{ x: number; y: number }> {
  const end = Math.max(...trace.runs.map((r) => Math.max(r.wallNs, ...r.events.map((e) => e.t))));
  const run = trace.runs[runIndex];
  const e = run.events[eventIndex];
  const box = (await page.locator('canvas.lanes').nth(runIndex).boundingBox())!;
  return { x: box.x + (e.t / (end * 1.02)) * box.width, y: box.y + e.worker * 30 + 12 };
}

test('hover shows the event; click on a mark asks the host to reveal its line', async () => {
  await page.locator('button[data-action="fit"]').click();
  const p = await markPosition(2, 0);
  await page.mouse.move(p.x, p.y);
  await page.locator('.tooltip:not([hidden])').waitFor();
  assert.match((await page.locator('.tooltip').textContent())!, /Number: 0.*Process 1.*line 6/);
  await page.mouse.click(p.x, p.y);
  const messages = await posted();
  assert.deepEqual(messages.at(-1), { type: 'reveal', line: 6 });
  assert.equal(await page.locator('.event-row[aria-selected="true"] .text').textContent(), 'Number: 0');
});

test('keyboard: the event list moves with arrows and reveals with Enter; + zooms the timeline', async () => {
  await page.locator('.event-list-body').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted()).at(-1), { type: 'reveal', line: 6 });
  assert.equal(await page.locator('.event-row[aria-selected="true"]').getAttribute('aria-rowindex'), '2');
  const before = await page.locator('svg.axis .tick text').allTextContents();
  await page.locator('.timeline').focus();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.waitForFunction((b) => [...document.querySelectorAll('svg.axis .tick text')].map((t) => t.textContent).join() !== b, before.join());
  await page.keyboard.press('0');
});

test("the editor's cursor line highlights that line's events", async () => {
  await page.evaluate(() => window.postMessage({ type: 'highlightLine', line: 6 }, '*'));
  await page.locator('.event-row.highlighted').first().waitFor();
  assert.equal(await page.locator('.event-row.highlighted').count(), await page.locator('.event-row').count(), 'every event is on line 6');
  await page.evaluate(() => window.postMessage({ type: 'highlightLine', line: 3 }, '*'));
  await page.locator('.event-row.highlighted').first().waitFor({ state: 'detached' });
  await page.evaluate(() => window.postMessage({ type: 'highlightLine', line: null }, '*'));
});

test('colours follow the theme variables', async () => {
  const p = await markPosition(2, 0);
  const box = (await page.locator('canvas.lanes').nth(2).boundingBox())!;
  const pixel = () =>
    page.evaluate(({ x, y }) => {
      const canvas = document.querySelectorAll('canvas.lanes')[2] as HTMLCanvasElement;
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      const d = canvas.getContext('2d')!.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data;
      return [d[0], d[1], d[2]];
    }, { x: p.x - box.x, y: p.y - box.y });
  assert.deepEqual(await pixel(), [0x37, 0x94, 0xff], 'worker 1 is --vscode-charts-blue');
  await page.evaluate(() => document.body.style.setProperty('--vscode-charts-blue', '#00aa00'));
  await page.waitForTimeout(50); // one animation frame for the redraw the theme change scheduled
  assert.deepEqual(await pixel(), [0, 0xaa, 0]);
  await page.evaluate(() => document.body.style.removeProperty('--vscode-charts-blue'));
});

test('a screenshot of the panel is saved', async () => {
  await page.waitForTimeout(50);
  await page.screenshot({ path: path.join(results, 'webview.png'), fullPage: true });
  assert.ok(fs.statSync(path.join(results, 'webview.png')).size > 10_000);
  assert.deepEqual(pageErrors, []);
});

test('while a run goes on, events streamed in are drawn on provisional lanes; the trace replaces them', async () => {
  const live = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await live.goto(`file://${path.join(dir, 'webview.html')}`);
  await live.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  const thread = trace.runs[1];
  await live.evaluate(() => window.postMessage({ type: 'running', title: 'Interleave: print_numbers', models: ['thread'], workers: 2 }, '*'));
  // two chunks, the later one holding an earlier event: the live view sorts them
  await postWithColumns(live, { type: 'events', model: 'thread', columns: toColumns(thread.events.slice(2, 6)) });
  await postWithColumns(live, { type: 'events', model: 'thread', columns: toColumns(thread.events.slice(0, 2)) });
  await live.locator('body[data-state="running"] .run-header.live .verdict', { hasText: 'Running… 6 events so far' }).waitFor();
  assert.deepEqual(await live.locator('.event-row .text').allTextContents(), thread.events.slice(0, 6).map((e) => e.text), 'in time order');
  assert.deepEqual(await live.locator('.lane-label').allTextContents(), ['Thread 1', 'Thread 2']);
  await postTrace(live, 'k2');
  await live.locator('body[data-state="done"] .run-header:not(.live)').first().waitFor();
  assert.equal(await live.locator('.event-row').count(), 30);
  await live.close();
});

test('the CLI report is one self-contained HTML file that renders offline', async () => {
  const file = path.join(dir, 'report.html');
  fs.writeFileSync(file, reportHtml(trace));
  const report = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const requests: string[] = [];
  const errors: string[] = [];
  report.on('request', (r) => requests.push(r.url()));
  report.on('pageerror', (e) => errors.push(e.message));
  await report.goto(`file://${file}`);
  await report.locator('.event-row').first().waitFor();
  assert.equal(await report.locator('.lane-label').count(), 6);
  assert.equal(await report.locator('.event-row').count(), 30);
  assert.deepEqual(requests.filter((u) => u !== `file://${file}`), [], 'no other request');
  assert.deepEqual(errors, []);
  await report.screenshot({ path: path.join(results, 'report.png'), fullPage: true });
  await report.close();
});

test("a worker's own threads get sub-lanes; output read below Python is marked approximate", async () => {
  const thread = structuredClone(trace.runs[1]);
  const last = thread.events.at(-1)!;
  thread.workerInfo[0].threads = [{ thread: 1, name: 'downloader' }];
  thread.events.push(
    { ...last, t: last.t + 1000, worker: 0, thread: 1, text: 'from the helper', line: 9 },
    { ...last, t: last.t + 2000, worker: 1, text: 'from C printf', line: null, approximate: true },
  );
  const shown: Trace = { ...trace, runs: [thread] };
  const sub = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  await sub.goto(`file://${path.join(dir, 'webview.html')}`);
  await sub.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  await postTrace(sub, 'k3', shown);
  await sub.locator('body[data-state="done"] .event-row').first().waitFor();
  assert.deepEqual(await sub.locator('.lane-label').allTextContents(), ['Thread 1', '↳ downloader', 'Thread 2']);
  const helperRow = sub.locator('.event-row', { hasText: 'from the helper' });
  assert.match((await helperRow.textContent())!, /Thread 1 ↳ downloader/);
  const approximate = sub.locator('.event-row.approximate');
  assert.equal(await approximate.count(), 1);
  assert.match((await approximate.textContent())!, /≈ .*from C printf/);
  await sub.screenshot({ path: path.join(results, 'webview-sublanes.png'), fullPage: true });
  await sub.close();
});
