/**
 * The panel as people use it (issue 18, items 2–4): every run readable at first sight, counts of
 * what is off-screen, zoom that stays on the events; the runs compared at the top; the key, the
 * life bar's hover and the note on the script part that was not run.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { formatNs } from '../../src/shared/format';
import type { Trace } from '../../src/shared/trace';
import { contrastRatio, parseHex } from '../../webview-ui/src/timeline/palette';
import { openPanel, posted, postTrace, readTrace, readyPage, results, startPanelPage, THEMES, type PanelPage } from './panelPage';

const trace = readTrace('canonical.json');
let panels: PanelPage;

before(async () => {
  panels = await startPanelPage();
});

after(() => panels?.close());

const section = (page: Page, model: string) => page.locator(`section.run[data-model="${model}"]`);
const runEnd = (r: Trace['runs'][number]) => Math.max(r.wallNs, ...r.events.map((e) => e.t));
const UNITS: Record<string, number> = { ns: 1, µs: 1e3, ms: 1e6, s: 1e9 };

/** A run's time axis as drawn: its tick labels, and the times they stand for. */
async function ticks(page: Page, model: string): Promise<{ labels: string[]; ns: number[] }> {
  const labels = await section(page, model).locator('svg.axis .tick text').allTextContents();
  return { labels, ns: labels.map((l) => Number(l.split(' ')[0]) * UNITS[l.split(' ')[1]]) };
}

/** Whether time `t` is in a run's view: between its first and last tick, give or take a tick's step. */
async function inView(page: Page, model: string, t: number): Promise<boolean> {
  const { ns } = await ticks(page, model);
  const step = ns[1] - ns[0];
  return t >= ns[0] - step && t <= ns.at(-1)! + step;
}

/** Page coordinates of an event's mark in the fit view of its run's own time axis (or the shared one). */
async function markAt(page: Page, runIndex: number, eventIndex: number, shared = false): Promise<{ x: number; y: number }> {
  const run = trace.runs[runIndex];
  const end = shared ? Math.max(...trace.runs.map(runEnd)) : runEnd(run);
  const e = run.events[eventIndex];
  const box = (await page.locator('canvas.lanes').nth(runIndex).boundingBox())!;
  return { x: box.x + (e.t / (end * 1.02)) * box.width, y: box.y + e.worker * 30 + 12 };
}

async function tooltipAt(page: Page, at: { x: number; y: number }): Promise<string> {
  await page.mouse.move(at.x, at.y);
  await page.locator('.tooltip:not([hidden])').waitFor({ timeout: 2000 });
  return (await page.locator('.tooltip').textContent())!;
}

test('each run has a time axis of its own at first, so its events are readable; one shared axis is a tick away', async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  assert.match((await ticks(page, 'sequential')).labels.at(-1)!, /µs$/, 'the sequential run (473 µs) is on a µs axis');
  assert.match((await ticks(page, 'process')).labels.at(-1)!, /ms$/, 'the processes (57 ms) on a ms axis');
  const first = await markAt(page, 0, 0);
  const last = await markAt(page, 0, 9);
  const plot = (await page.locator('canvas.lanes').first().boundingBox())!;
  assert.ok(last.x - first.x > 0.4 * plot.width, 'the sequential events spread across the plot');
  assert.match(await tooltipAt(page, first), /Number: 0.*Call 1/);
  assert.match(await tooltipAt(page, last), /Number: 4.*Call 2/);
  await page.locator('#shared-axis').check();
  // the axes are redrawn on the next animation frame: wait until the sequential one has changed
  await page.waitForFunction(() => /ms$/.test([...document.querySelectorAll('section.run[data-model="sequential"] .axis .tick text')].at(-1)?.textContent ?? ''));
  const shared = await Promise.all(['sequential', 'thread', 'process'].map((m) => ticks(page, m)));
  assert.deepEqual(shared[0].labels, shared[2].labels, 'the same axis for every run');
  assert.match(await tooltipAt(page, await markAt(page, 2, 0, true)), /Number: 0.*Process 1/);
  await page.screenshot({ path: path.join(results, 'panel-shared-axis.png'), fullPage: true });
  await page.close();
});

test("on the shared axis, Zoom to run counts the other runs' events beyond the edge; a click on a count brings them in", async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  await page.locator('#shared-axis').check();
  await section(page, 'sequential').locator('button.zoom-to-run').click();
  await page.waitForTimeout(50);
  const lanes = (await section(page, 'thread').locator('canvas.lanes').boundingBox())!;
  const edge = { x: lanes.x + lanes.width - 6, y: lanes.y + 12 };
  assert.match(await tooltipAt(page, edge), /^5 ▶: 5 events of Thread 1 after the part of the run in view/);
  assert.ok(!(await inView(page, 'thread', trace.runs[1].events[0].t)), "the threads' first event is beyond the edge");
  await page.screenshot({ path: path.join(results, 'panel-offscreen-counts.png'), clip: { x: 0, y: 0, width: 1100, height: 900 } });
  await page.mouse.click(edge.x, edge.y);
  await page.waitForTimeout(50);
  assert.ok(await inView(page, 'thread', trace.runs[1].events[0].t), 'the click brought it into view');
  await page.close();
});

test('+ zooms around the selected event, or around the events in view — never into the empty middle of a run', async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  await page.locator('.timeline').focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('+'); // 1.6^8 ≈ 43×
  await page.waitForTimeout(50);
  for (const [i, model] of ['sequential', 'thread', 'process'].entries()) {
    const seen = await Promise.all(trace.runs[i].events.map((e) => inView(page, model, e.t)));
    assert.ok(seen.some(Boolean), `${model}: events still in view after zooming in (the middle of the processes' run, 28 ms, has none)`);
  }
  await page.keyboard.press('0');
  const pick = 7; // a thread event late in its run
  await page.mouse.click((await markAt(page, 1, pick)).x, (await markAt(page, 1, pick)).y);
  for (let i = 0; i < 8; i++) await page.keyboard.press('+');
  await page.waitForTimeout(50);
  assert.ok(await inView(page, 'thread', trace.runs[1].events[pick].t), 'the selected event stays in view');
  await page.keyboard.press('0');
  await page.waitForTimeout(50);
  const p = await markAt(page, 2, 0);
  await page.mouse.move(p.x, p.y);
  await page.mouse.wheel(0, -600); // the wheel zooms around the pointer
  await page.waitForTimeout(100);
  assert.match(await tooltipAt(page, p), /Number: 0.*Process 1/, 'the event under the pointer stays under it');
  assert.notDeepEqual((await ticks(page, 'process')).labels, (await ticks(page, 'thread')).labels);
  await page.close();
});

test('the runs compared at the top: ranked by wall time, speedup, CPUs busy, and one sentence of advice', async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  const rows = page.locator('.comparison tbody tr');
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-model'))), ['sequential', 'thread', 'process']);
  const cpus = trace.runs.map((r) => r.workerInfo.reduce((sum, w) => sum + w.cpuNs!, 0) / r.wallNs);
  const cells = await rows.evaluateAll((els) => els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(cells.map((c) => c[3]), cpus.map((c) => (c >= 0.095 ? c.toFixed(1) : c.toFixed(2))));
  assert.deepEqual(cells.map((c) => c[1]), trace.runs.map((r) => formatNs(r.wallNs)));
  assert.equal(cells[0][2], 'baseline');
  const advice = (await page.locator('.comparison .advice').textContent())!;
  assert.match(advice, /^Sequential ran 6\.3× faster than threads and 121× faster than processes \(one run each\): each call's work/);
  assert.match((await section(page, 'process').locator('.verdict').textContent())!, /121× slower than sequential/, 'the verdict says the same');
  await page.close();
});

test('the key explains the marks and the terms, a Tab and Enter away; each figure points to its entry', async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  await page.locator('body').focus();
  for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.matches('.key summary'))); i++) await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.activeElement?.matches('.key summary')), 'the key is reached with Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('details.key').getAttribute('open'), '');
  assert.equal(await page.locator('.key-marks li canvas').count(), 15, 'marks, hollow, stderr, life bar, failure, off-screen counts, Order, selection; the six thread states and a lock');
  assert.match((await page.locator('.key-marks').textContent())!, /Hollow: approximate.*start-up.*waiting to be joined.*Order: every event in output order/);
  assert.match((await page.locator('#term-switches').textContent())!, /Not the operating system's context switches/);
  const described = await page.locator('.figure dt').evaluateAll((els) => els.map((e) => [e.textContent, document.getElementById(e.getAttribute('aria-describedby') ?? '')?.textContent ?? null]));
  assert.ok(described.length >= 18);
  for (const [name, meaning] of described) assert.ok(meaning && meaning.length > 20, `${name} is explained`);
  assert.ok(described.some(([name]) => name === 'Worker changes in output order'), 'not "Switches"');
  await page.screenshot({ path: path.join(results, 'panel-key.png'), fullPage: true });
  await page.close();
});

test("a worker's life bar: a hover with each phase's duration, and a bar that stands out in Dark Modern", async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  const w = trace.runs[1].workerInfo[0];
  const box = (await section(page, 'thread').locator('canvas.lanes').boundingBox())!;
  const xOf = (t: number) => box.x + (t / (runEnd(trace.runs[1]) * 1.02)) * box.width;
  const text = await tooltipAt(page, { x: xOf((w.createdNs! + w.startNs!) / 2), y: box.y + 24 });
  assert.match(text, new RegExp(`^Thread 1 · start-up: ${formatNs(w.startNs! - w.createdNs!)}`));
  assert.match(text, new RegExp(`running: ${formatNs(w.endNs! - w.startNs!)}.*waiting to be joined: ${formatNs(w.joinedNs! - w.endNs!)}`));
  // the running phase, in a column of pixels across the lane's life bar: rows that stand out (3:1) from the background
  const x = xOf((w.startNs! + w.endNs!) / 2);
  const column = await page.evaluate(({ x, top }) => {
    const canvas = document.querySelectorAll('canvas.lanes')[1] as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    const scale = canvas.width / r.width;
    const d = canvas.getContext('2d')!.getImageData(Math.round((x - r.left) * scale), 0, 1, Math.round(30 * scale)).data;
    const rows: number[][] = [];
    for (let i = Math.round(top * scale); i < d.length / 4; i++) rows.push([d[4 * i], d[4 * i + 1], d[4 * i + 2], d[4 * i + 3]]);
    return { rows, scale };
  }, { x, top: 18 });
  const background = parseHex(THEMES.dark.background);
  const seen = column.rows.filter(([r, g, b, a]) => a > 0 && contrastRatio([(r * a) / 255 + background[0] * (1 - a / 255), (g * a) / 255 + background[1] * (1 - a / 255), (b * a) / 255 + background[2] * (1 - a / 255)], background) >= 3);
  assert.ok(seen.length / column.scale >= 6, `the running bar is ≥ 6 px of colour at 3:1 on #1f1f1f (${seen.length / column.scale} px)`);
  await page.close();
});

test('the script part that was not run is said in one line, its lines linked; a trace without one says nothing', async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  const note = page.locator('.skipped-note');
  assert.match((await note.textContent())!, /^Not run: line 9 of processes_example\.py — the script part.*print_numbers\(\) in workers of its own: the threads and processes below are not the ones your script starts\.$/);
  await note.locator('a[data-line="9"]').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', line: 9, focus: false });
  await page.close();
  const none = await openPanel(panels.browser, panels.file, { ...trace, target: { ...trace.target, skippedLines: [] } });
  assert.equal(await none.locator('.skipped-note').isHidden(), true);
  await none.close();
});

test('a 320-px panel: the comparison and the open key fit, nothing scrolls sideways', async () => {
  const page = await openPanel(panels.browser, panels.file, trace, { width: 320, height: 900 });
  await page.locator('.key summary').click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 320, `the page is ${overflow} px wide`);
  const table = (await page.locator('.comparison table').boundingBox())!;
  assert.ok(table.x + table.width <= 320, `the comparison fits: ${JSON.stringify(table)}`);
  await page.screenshot({ path: path.join(results, 'panel-320-key.png'), fullPage: true });
  await page.close();
});

test('while a run goes on, a zoom survives the redraws that new events bring', async () => {
  const page = await panels.browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.goto(`file://${panels.file}`);
  await readyPage(page);
  await page.evaluate(() => window.postMessage({ type: 'running', title: 'Interleave: print_numbers', models: ['thread'], workers: 2 }, '*'));
  const events = trace.runs[1].events;
  const chunk = async (from: number, to: number) => {
    const slice = events.slice(from, to);
    await page.evaluate((es) => {
      let end = 0;
      const textEnd = es.map((e) => (end += e.text.length));
      window.postMessage({ type: 'events', model: 'thread', columns: { t: Float64Array.from(es.map((e) => e.t)), worker: Uint16Array.from(es.map((e) => e.worker)), line: Int32Array.from(es.map((e) => e.line ?? 0)), stream: Uint8Array.from(es.map(() => 1)), thread: new Uint8Array(es.length), textEnd: Uint32Array.from(textEnd), text: es.map((e) => e.text).join('') } }, '*');
    }, slice);
    await page.locator('.run-header.live .verdict', { hasText: `Running… ${to} events so far` }).waitFor();
  };
  await chunk(0, 5);
  await page.locator('.timeline').focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('+');
  await page.waitForTimeout(50);
  const zoomed = (await ticks(page, 'thread')).ns;
  await chunk(5, 8);
  await page.waitForTimeout(300); // the live redraw
  const after = (await ticks(page, 'thread')).ns;
  assert.ok(after.at(-1)! - after[0] < 0.5 * events[7].t, `still zoomed in after the redraw: ${after.map((t) => formatNs(t))} (was ${zoomed.map((t) => formatNs(t))})`);
  await page.close();
});

test('the same trace shown again (a reload, a tab shown again) keeps the choice of axis and each run\'s zoom', async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  await page.locator('#shared-axis').check();
  await page.locator('.timeline').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('+');
  await page.waitForTimeout(50);
  const before = await Promise.all(['sequential', 'process'].map((m) => ticks(page, m)));
  const key = await page.evaluate(() => (window as unknown as { acquireVsCodeApi(): { getState(): { key: string } } }).acquireVsCodeApi().getState().key);
  await postTrace(page, key, trace);
  await page.waitForTimeout(100);
  assert.equal(await page.locator('#shared-axis').isChecked(), true);
  assert.deepEqual(await Promise.all(['sequential', 'process'].map((m) => ticks(page, m))), before);
  await page.close();
});
