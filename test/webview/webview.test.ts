import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { reportHtml } from '../../src/report/html';
import { toColumns } from '../../src/shared/columns';
import type { Trace } from '../../src/shared/trace';
import { LABEL_COLUMN } from '../../webview-ui/src/timeline/layout';
import { parseHex, WORKER_PALETTES } from '../../webview-ui/src/timeline/palette';
import { posted as postedTo, postTrace, postWithColumns, readTrace, readyPage, results, startPanelPage, THEMES, type PanelPage } from './panelPage';

const trace = readTrace('canonical.json');

let panels: PanelPage;
let page: Page;
const pageErrors: string[] = [];

const DARK_MODERN = THEMES.dark.vars;

before(async () => {
  panels = await startPanelPage();
  page = await panels.browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`file://${panels.file}`);
  await readyPage(page);
  await postTrace(page, 'k1', trace);
  await page.locator('.event-row').first().waitFor();
});

after(() => panels?.close());

const posted = () => postedTo(page);

test('the webview says ready first, then shows one section per run with its figures', async () => {
  assert.deepEqual((await posted())[0], { type: 'ready' });
  assert.deepEqual(await page.locator('section.run').evaluateAll((els) => els.map((e) => e.getAttribute('data-model'))), ['sequential', 'thread', 'process']);
  const headers = await page.locator('.run-header h2').allTextContents();
  assert.equal(headers[0], 'Sequential × 2');
  assert.match(headers[2], /^Processes × 2 \((fork|spawn|forkserver)\)$/);
  const figures = await page.locator('section.run[data-model="thread"] .figure dt').allTextContents();
  for (const name of ['Wall', 'CPU', 'Speedup', 'Overlap', 'Worker changes in output order', 'Events']) assert.ok(figures.includes(name), name);
  assert.equal(await page.locator('section.run[data-model="thread"] .figure', { hasText: 'Events' }).locator('dd').textContent(), '10');
  assert.ok((await page.locator('.verdict').first().textContent())!.length > 10);
  assert.match((await page.locator('.toolbar .python').textContent())!, /CPython 3\.\d+\.\d+ · GIL on/);
});

test("lanes are named after the workers; a process's pid is in the hover, not the label", async () => {
  const labels = await page.locator('.lane-label').allTextContents();
  assert.deepEqual(labels, ['Call 1', 'Call 2', 'Thread 1', 'Thread 2', 'Process 1', 'Process 2']);
  const pids = trace.runs[2].workerInfo.map((w) => w.pid);
  const titles = await page.locator('section.run[data-model="process"] .lane-label').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
  assert.deepEqual(titles, [`Process 1 · pid ${pids[0]} — finished`, `Process 2 · pid ${pids[1]} — finished`]);
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

/** Where a run ends: its wall time, or its last event when a late line came after it. */
const runEnd = (r: Trace['runs'][number]) => Math.max(r.wallNs, ...r.events.map((e) => e.t));

/**
 * Page coordinates of an event's mark on its lane, in the fit view: domain [0, end × 1.02] with
 * `end` the run's own end (each run has its own time axis), or the slowest run's (`shared`).
 */
async function markPosition(runIndex: number, eventIndex: number, shared = false, target: Page = page, shown: Trace = trace): Promise<{ x: number; y: number }> {
  const run = shown.runs[runIndex];
  const end = shared ? Math.max(...shown.runs.map(runEnd)) : runEnd(run);
  const e = run.events[eventIndex];
  const box = (await target.locator('canvas.lanes').nth(runIndex).boundingBox())!;
  return { x: box.x + (e.t / (end * 1.02)) * box.width, y: box.y + e.worker * 30 + 12 };
}

test('hover shows the event; click on a mark asks the host to reveal its line', async () => {
  await page.locator('button[data-action="fit"]').click();
  const p = await markPosition(2, 0);
  await page.mouse.move(p.x, p.y);
  await page.locator('.tooltip:not([hidden])').waitFor();
  assert.match((await page.locator('.tooltip').textContent())!, new RegExp(`Number: 0.*Process 1 · pid ${trace.runs[2].workerInfo[0].pid}.*line 6`));
  await page.mouse.click(p.x, p.y);
  const messages = await posted();
  assert.deepEqual(messages.at(-1), { type: 'reveal', line: 6, focus: false });
  assert.equal(await page.locator('.event-row[aria-selected="true"] .text').textContent(), 'Number: 0');
});

/** The time axis's tick labels (they change when the view zooms or pans). */
const axisTicks = () => page.locator('svg.axis .tick text').allTextContents();

test('a click on a mark keeps the keyboard in the panel: the next + zooms the timeline; a double click goes to the editor', async () => {
  await page.locator('button[data-action="fit"]').click();
  const p = await markPosition(1, 0);
  const before = (await posted()).length;
  await page.mouse.click(p.x, p.y);
  assert.deepEqual((await posted()).slice(before), [{ type: 'reveal', line: 6, focus: false }], 'the line is shown, the focus stays here');
  assert.ok(await page.evaluate(() => document.activeElement?.closest('.timeline') !== null), 'the timeline has the keyboard');
  const ticks = (await axisTicks()).join();
  await page.keyboard.press('+');
  await page.waitForFunction((b) => [...document.querySelectorAll('svg.axis .tick text')].map((t) => t.textContent).join() !== b, ticks);
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted()).at(-1), { type: 'reveal', line: 6, focus: true }, 'Enter goes to the selected event');
  await page.locator('button[data-action="fit"]').click();
  const q = await markPosition(1, 0);
  const mark = (await posted()).length;
  await page.mouse.dblclick(q.x, q.y);
  assert.deepEqual((await posted()).slice(mark), [{ type: 'reveal', line: 6, focus: false }, { type: 'reveal', line: 6, focus: true }], 'the second click of a double click moves the focus');
});

test('an event row: a click shows the line keeping the focus, a double click goes to it', async () => {
  const row = page.locator('.event-row[data-model="thread"]').first();
  const before = (await posted()).length;
  await row.click();
  assert.deepEqual((await posted()).slice(before), [{ type: 'reveal', line: 6, focus: false }]);
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'event-list-body');
  const mark = (await posted()).length;
  await row.dblclick();
  assert.deepEqual((await posted()).slice(mark).at(-1), { type: 'reveal', line: 6, focus: true });
});

test('a click on a row selects it even when the rows are redrawn between the press and the release', async () => {
  // the editor's cursor moving (each reveal moves it) redraws the rows; the click must still count
  const flat = String(Number(await page.locator('.event-row[data-model="process"]').first().getAttribute('data-flat')) + 1);
  await page.locator('.event-list-body').evaluate((list, top) => { list.scrollTop = top; }, Number(flat) * 22 - 44);
  await page.evaluate(() => new Promise(requestAnimationFrame)); // the rows for the new scroll
  const row = page.locator(`.event-row[data-flat="${flat}"]`);
  const box = (await row.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.evaluate((line) => window.postMessage({ type: 'highlightLine', line }, '*'), Number(await row.getAttribute('data-line')));
  await page.locator(`.event-row.highlighted[data-flat="${flat}"]`).waitFor(); // redrawn under the pressed button
  await page.mouse.up();
  assert.equal(await page.locator('.event-row[aria-selected="true"]').getAttribute('data-flat'), flat);
  await page.evaluate(() => window.postMessage({ type: 'highlightLine', line: null }, '*'));
});

test('keyboard: the event list moves with arrows, Space shows the line, Enter goes to it; + zooms the timeline', async () => {
  await page.locator('.event-list-body').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  const sent = (await posted()).length;
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  assert.equal((await posted()).length, sent, 'moving does not reveal');
  await page.keyboard.press(' ');
  assert.deepEqual((await posted()).at(-1), { type: 'reveal', line: 6, focus: false });
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted()).at(-1), { type: 'reveal', line: 6, focus: true });
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

/** sRGB of a pixel of run `runIndex`'s canvas, at page coordinates. */
function canvasPixel(target: Page, runIndex: number, at: { x: number; y: number }): Promise<[number, number, number]> {
  return target.evaluate(({ runIndex, x, y }) => {
    const canvas = document.querySelectorAll('canvas.lanes')[runIndex] as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    const scale = canvas.width / box.width;
    const d = canvas.getContext('2d')!.getImageData(Math.round((x - box.left) * scale), Math.round((y - box.top) * scale), 1, 1).data;
    return [d[0], d[1], d[2]] as [number, number, number];
  }, { runIndex, ...at });
}

/** Page x range of the pixels in `color` on a run's lanes (not its Order strip), or null when there are none. */
function colourOnLanes(target: Page, runIndex: number, color: string): Promise<{ left: number; right: number } | null> {
  return target.evaluate(({ runIndex, color }) => {
    const canvas = document.querySelectorAll('canvas.lanes')[runIndex] as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    const scale = canvas.width / box.width;
    const lanes = canvas.closest('section')!.querySelectorAll('.lane-label').length;
    const want = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    const { data, width } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, Math.round(lanes * 30 * scale));
    let left = Infinity;
    let right = -Infinity;
    for (let i = 0; i < data.length; i += 4) {
      if (want.every((c, k) => Math.abs(data[i + k] - c) <= 8)) {
        const x = (i / 4) % width;
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
    return left === Infinity ? null : { left: box.left + left / scale, right: box.left + right / scale };
  }, { runIndex, color });
}

test("the selection stands out from the cursor line's highlight: its own colours in the list, the only box on the timeline", async () => {
  await page.locator('button[data-action="fit"]').click();
  await page.evaluate(() => window.postMessage({ type: 'highlightLine', line: 6 }, '*'));
  await page.locator('.event-row.highlighted').first().waitFor();
  const row = page.locator('.event-row[data-model="thread"]').nth(3);
  await row.click();
  await page.waitForTimeout(50); // the redraw
  const look = (r: typeof row) => r.evaluate((e) => ({ background: getComputedStyle(e).backgroundColor, color: getComputedStyle(e).color, bar: getComputedStyle(e).boxShadow }));
  assert.deepEqual(await look(row), { background: 'rgb(4, 57, 94)', color: 'rgb(255, 255, 255)', bar: 'rgb(204, 204, 204) 3px 0px 0px 0px inset' }, 'list.activeSelection colours');
  const other = await look(page.locator('.event-row[data-model="thread"]').nth(4));
  assert.equal(other.background, 'rgba(0, 0, 0, 0)', 'the line highlight is no fill');
  assert.equal(other.bar, 'rgb(204, 204, 204) 3px 0px 0px 0px inset', 'but a bar at the start of the row');
  // on the timeline: the focus colour boxes the selected mark only; the line's other marks get a tick
  const selected = trace.runs[1].events.filter((e) => e.worker === 0)[3]; // rows are in time order per run
  const at = await markPosition(1, trace.runs[1].events.indexOf(selected));
  const box = await colourOnLanes(page, 1, DARK_MODERN['--vscode-focusBorder']);
  assert.ok(box && box.left >= at.x - 6 && box.right <= at.x + 6, `one box, around the selected mark at ${at.x}: ${JSON.stringify(box)}`);
  for (const run of [0, 2]) assert.equal(await colourOnLanes(page, run, DARK_MODERN['--vscode-focusBorder']), null, `no box on run ${run}`);
  const first = await markPosition(2, 0);
  assert.deepEqual(await canvasPixel(page, 2, { x: first.x, y: first.y - 10 }), [0xcc, 0xcc, 0xcc], 'a tick above a mark of the line');
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(results, 'webview-selection.png'), fullPage: true });
  await page.evaluate(() => window.postMessage({ type: 'highlightLine', line: null }, '*'));
});

test('selecting an event outside the zoomed view in the list pans the timeline to it', async () => {
  await page.locator('button[data-action="fit"]').click();
  const fit = await axisTicks();
  await page.locator('.timeline').focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('+'); // ≈ 1/40 of the run around its middle
  await page.waitForTimeout(50);
  await page.locator('.event-list-body').focus();
  await page.keyboard.press('Home'); // the first sequential event, 191 µs in: far left of the view
  await page.waitForTimeout(50);
  const box = await colourOnLanes(page, 0, DARK_MODERN['--vscode-focusBorder']);
  const plot = (await page.locator('canvas.lanes').first().boundingBox())!;
  assert.ok(box && box.left > plot.x && box.right < plot.x + plot.width, `the selected mark is on screen: ${JSON.stringify(box)}`);
  assert.notDeepEqual(await axisTicks(), fit, 'still zoomed in');
  await page.locator('button[data-action="fit"]').click();
});

test("workers' colours come from the palette for the theme's background, and change with it", async () => {
  await page.locator('button[data-action="fit"]').click();
  const p = await markPosition(2, 0);
  assert.deepEqual(await canvasPixel(page, 2, p), parseHex(WORKER_PALETTES.dark[0]), 'worker 1 on a dark background');
  await page.evaluate(() => document.body.style.setProperty('--vscode-editor-background', '#ffffff'));
  await page.waitForTimeout(50); // one animation frame for the redraw the theme change scheduled
  assert.deepEqual(await canvasPixel(page, 2, p), parseHex(WORKER_PALETTES.light[0]), 'worker 1 on a light background');
  await page.evaluate(() => document.body.style.removeProperty('--vscode-editor-background'));
  await page.waitForTimeout(50);
});

/** The distinct colours in a small square of a run's Order strip (page coordinates of its centre). */
function stripColours(target: Page, runIndex: number, at: { x: number; y: number }, half = 3): Promise<string[]> {
  return target.evaluate(({ runIndex, x, y, half }) => {
    const canvas = document.querySelectorAll('canvas.lanes')[runIndex] as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    const scale = canvas.width / box.width;
    const d = canvas.getContext('2d')!.getImageData(Math.round((x - box.left - half) * scale), Math.round((y - box.top - half) * scale), Math.round(2 * half * scale), Math.round(2 * half * scale)).data;
    const seen = new Set<string>();
    for (let i = 0; i < d.length; i += 4) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return [...seen];
  }, { runIndex, ...at, half });
}

test('the Order strip writes worker numbers in its cells; high contrast hatches each worker differently', async () => {
  const canvas = (await page.locator('canvas.lanes').first().boundingBox())!;
  const cell = canvas.width / 10; // 10 events: 5 of worker 1, then 5 of worker 2
  const y = canvas.y + 2 * 30 + 8 + 8; // the strip's middle, under two lanes
  const rgb = (hex: string) => parseHex(hex).join(',');
  const centre = await stripColours(page, 0, { x: canvas.x + 7.5 * cell, y }, 6);
  assert.ok(centre.some((c) => c.split(',').every((v) => Number(v) < 60)), `worker 2's number in black on its orange: ${centre.slice(0, 5)}`);
  const plain = await stripColours(page, 0, { x: canvas.x + 5.2 * cell, y });
  assert.deepEqual(plain, [rgb(WORKER_PALETTES.dark[1])], 'away from the number: the colour alone');
  await page.evaluate(() => {
    document.body.classList.replace('vscode-dark', 'vscode-high-contrast');
    document.body.style.setProperty('--vscode-editor-background', '#000000');
  });
  await page.waitForTimeout(50);
  const hatched = await stripColours(page, 0, { x: canvas.x + 5.2 * cell, y });
  assert.ok(hatched.includes('0,0,0') && hatched.includes(rgb(WORKER_PALETTES.dark[1])), `worker 2 hatched in the background colour: ${hatched.slice(0, 5)}`);
  await page.screenshot({ path: path.join(results, 'webview-high-contrast.png'), clip: { x: 0, y: 0, width: 1100, height: 600 } });
  await page.evaluate(() => {
    document.body.classList.replace('vscode-high-contrast', 'vscode-dark');
    document.body.style.removeProperty('--vscode-editor-background');
  });
  await page.waitForTimeout(50);
});

test('a screenshot of the panel is saved', async () => {
  await page.waitForTimeout(50);
  await page.screenshot({ path: path.join(results, 'webview.png'), fullPage: true });
  assert.ok(fs.statSync(path.join(results, 'webview.png')).size > 10_000);
  assert.deepEqual(pageErrors, []);
});

test('a 320-px panel: a narrow label column, full labels, a wide plot with 3+ ticks, an event list that fits', async () => {
  const narrow = await panels.browser.newPage({ viewport: { width: 320, height: 900 } });
  await narrow.goto(`file://${panels.file}`);
  await readyPage(narrow);
  await postTrace(narrow, 'k4', trace);
  await narrow.locator('body[data-state="done"] .event-row').first().waitFor();
  const labels = (await narrow.locator('.lane-labels').first().boundingBox())!;
  assert.ok(labels.width >= LABEL_COLUMN.min && labels.width <= 0.3 * 320, `label column ${labels.width} px`);
  const cut = await narrow.locator('.lane-label').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
  assert.deepEqual(cut, [], 'no label is cut off');
  const plot = (await narrow.locator('canvas.lanes').first().boundingBox())!;
  assert.ok(plot.width >= 0.6 * 320, `plot ${plot.width} px`);
  assert.ok(plot.x + plot.width <= 320, 'the plot fits in the panel');
  assert.ok((await narrow.locator('svg.axis .tick').count()) >= 3, 'at least 3 time ticks');
  const output = (await narrow.locator('.event-row .text').first().boundingBox())!;
  assert.ok(output.x + output.width <= 320 && output.width >= 60, `the Output column is on screen: ${JSON.stringify(output)}`);
  await narrow.screenshot({ path: path.join(results, 'webview-320.png'), fullPage: true });
  await narrow.close();
});

test('while a run goes on, events streamed in are drawn on provisional lanes; the trace replaces them', async () => {
  const live = await panels.browser.newPage({ viewport: { width: 1000, height: 700 } });
  await live.goto(`file://${panels.file}`);
  await readyPage(live);
  const thread = trace.runs[1];
  await live.evaluate(() => window.postMessage({ type: 'running', title: 'Interleave: print_numbers', models: ['thread'], workers: 2 }, '*'));
  // two chunks, the later one holding an earlier event: the live view sorts them
  await postWithColumns(live, { type: 'events', model: 'thread', columns: toColumns(thread.events.slice(2, 6)) });
  await postWithColumns(live, { type: 'events', model: 'thread', columns: toColumns(thread.events.slice(0, 2)) });
  await live.locator('body[data-state="running"] .run-header.live .verdict', { hasText: 'Running… 6 events so far' }).waitFor();
  assert.deepEqual(await live.locator('.event-row .text').allTextContents(), thread.events.slice(0, 6).map((e) => e.text), 'in time order');
  assert.deepEqual(await live.locator('.lane-label').allTextContents(), ['Thread 1', 'Thread 2']);
  await postTrace(live, 'k2', trace);
  await live.locator('body[data-state="done"] .run-header:not(.live)').first().waitFor();
  assert.equal(await live.locator('.event-row').count(), 30);
  await live.close();
});

test('the CLI report is one self-contained HTML file that renders offline', async () => {
  const file = path.join(panels.dir, 'report.html');
  fs.writeFileSync(file, reportHtml(trace));
  const report = await panels.browser.newPage({ viewport: { width: 1000, height: 800 } });
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
  const sub = await panels.browser.newPage({ viewport: { width: 1000, height: 600 } });
  await sub.goto(`file://${panels.file}`);
  await readyPage(sub);
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

test('a deadlocked run: its lanes say deadlock, the header names the cycle with each stack; lock spans load', async () => {
  const thread = structuredClone(trace.runs[1]);
  const cycle = 'Thread 1 holds a (line 5) and waits for b (line 6); Thread 2 holds b (line 6) and waits for a (line 5)';
  thread.workerInfo = thread.workerInfo.map((w) => ({ ...w, endNs: null, cpuNs: null, status: 'deadlock', deadlock: { cycle, stack: `  File "${trace.target.file}", line 6, in print_numbers\n    print(f"Number: {i}")\n` } }));
  thread.locks = [0, 1].map((worker) => ({ worker, thread: null, lock: worker ? 'a (line 5)' : 'b (line 6)', kind: 'Lock', line: 6, waitT: thread.wallNs / 2, acquiredT: null, releasedT: null }));
  const sequential = structuredClone(trace.runs[0]);
  sequential.workerInfo[1] = { ...sequential.workerInfo[1], startNs: null, endNs: null, cpuNs: null, status: 'deadlock' }; // never started
  const errors: string[] = [];
  const sub = await panels.browser.newPage({ viewport: { width: 1000, height: 700 } });
  sub.on('pageerror', (e) => errors.push(e.message));
  await sub.goto(`file://${panels.file}`);
  await readyPage(sub);
  await postTrace(sub, 'k4', { ...trace, runs: [sequential, thread] });
  await sub.locator('body[data-state="done"] .event-row').first().waitFor();
  assert.deepEqual(await sub.locator('.lane-status').allTextContents(), [' · never started', ' · deadlock', ' · deadlock']);
  const section = sub.locator('section.run[data-model="thread"]');
  assert.match((await section.locator('.verdict').textContent())!, /^Deadlocked, so the run was ended early: Thread 1 holds a \(line 5\)/);
  assert.deepEqual(await section.locator('.failure > span').allTextContents(), ['Thread 1 was deadlocked (the cycle is in the verdict above)', 'Thread 2 was deadlocked (the cycle is in the verdict above)']);
  assert.equal(await section.locator('.failure summary').first().textContent(), 'Stack at the deadlock');
  assert.equal(await section.locator('.failure a[data-line="6"]').count(), 2, "the stack's frames link to their line");
  assert.match((await sub.locator('section.run[data-model="sequential"] .failure').textContent())!, /Call 2 never started: the run was ended at a deadlock/);
  assert.deepEqual(errors, []);
  await sub.screenshot({ path: path.join(results, 'webview-deadlock.png'), fullPage: true });
  await sub.close();
});
