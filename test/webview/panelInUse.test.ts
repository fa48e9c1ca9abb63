/**
 * The panel as people use it, over several runs: the history of recordings and Run again, which
 * model is running, the axis at deep zoom, workers that all fail alike, the report's hover.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { reportHtml } from '../../src/report/html';
import { recordingLabel, type Recording } from '../../src/shared/recording';
import { post, posted, postTrace, readTrace, readyPage, results, startPanelPage, type PanelPage } from './panelPage';

const canonical = readTrace('canonical.json');
const allRaise = readTrace('all_raise.json');

let panels: PanelPage;
const pageErrors: string[] = [];

before(async () => {
  panels = await startPanelPage();
});

after(async () => {
  await panels?.close();
  assert.deepEqual(pageErrors, []);
});

/** A fresh panel that has said ready. */
async function panel(width = 1100, height = 800): Promise<Page> {
  const page = await panels.browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`file://${panels.file}`);
  await readyPage(page);
  return page;
}

const recording = (key: string, target: string, at: number, models = 3): Recording => ({
  key, target, fileName: 'seed.py', startedAt: new Date(2024, 4, 17, 11, 2, at).getTime(), models: ['sequential', 'thread', 'process', 'thread-pool', 'process-pool'].slice(0, models) as Recording['models'], workers: 2,
});
const RECORDINGS = [recording('k3', 'print_numbers', 31), recording('k2', 'greet', 10, 1), recording('k1', 'print_numbers', 2)];

test('the history lists the recordings kept, newest first; picking one asks the host for it, by keyboard too', async () => {
  const page = await panel();
  await postTrace(page, 'k3', canonical);
  await post(page, { type: 'history', recordings: RECORDINGS, shown: 'k3' });
  const select = page.locator('.toolbar .history select');
  await select.waitFor();
  assert.deepEqual(await select.locator('option').allTextContents(), ['print_numbers · 11:02:31 · 3 models', 'greet · 11:02:10 · sequential', 'print_numbers · 11:02:02 · 3 models']);
  assert.deepEqual(await select.locator('option').allTextContents(), RECORDINGS.map(recordingLabel));
  assert.equal(await select.inputValue(), 'k3', 'the one shown is selected');
  // the keyboard: Tab reaches the drop-down, ↓ picks the next recording
  await page.locator('.toolbar .title').click();
  for (let i = 0; i < 10 && !(await select.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
  assert.ok(await select.evaluate((e) => e === document.activeElement), 'Tab reaches the drop-down');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'showRecording'));
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'showRecording'), [{ type: 'showRecording', key: 'k2' }]);
  // its colours are the theme's drop-down colours
  assert.equal(await select.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(49, 49, 49)');
  await page.screenshot({ path: path.join(results, 'webview-history.png'), clip: { x: 0, y: 0, width: 1100, height: 220 } });
  await page.close();
});

test('in a 320-px panel the history, Run again and Run ×20 wrap onto their own line and stay inside it', async () => {
  const page = await panel(320, 700);
  await postTrace(page, 'k3', canonical);
  await post(page, { type: 'history', recordings: RECORDINGS, shown: 'k3' });
  await page.locator('.history select').waitFor();
  for (const control of ['.history select', '.history button[data-action="run-again"]', '.history button[data-action="run-many"]']) {
    const box = (await page.locator(control).boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 320, `${control}: ${JSON.stringify(box)}`);
  }
  await page.screenshot({ path: path.join(results, 'webview-history-320.png'), clip: { x: 0, y: 0, width: 320, height: 260 } });
  await page.close();
});

test('Run again asks the host to run the recording shown; it waits while a run goes on', async () => {
  const page = await panel();
  await postTrace(page, 'k1', canonical);
  await post(page, { type: 'history', recordings: RECORDINGS, shown: 'k1' });
  const again = page.getByRole('button', { name: 'Run again' });
  await again.focus();
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted(page)).at(-1), { type: 'runAgain', key: 'k1' });
  await post(page, { type: 'running', title: 'Interleave: print_numbers', models: ['sequential', 'thread', 'process'], workers: 2 });
  await page.locator('body[data-state="running"]').waitFor();
  assert.equal(await again.isDisabled(), true, 'no second run while one goes on');
  assert.equal(await page.locator('.history select').isDisabled(), true);
  await postTrace(page, 'k4', canonical);
  await post(page, { type: 'history', recordings: [recording('k4', 'print_numbers', 45), ...RECORDINGS], shown: 'k4' });
  await page.locator('body[data-state="done"]').waitFor();
  assert.equal(await again.isDisabled(), false);
  assert.equal(await page.locator('.history select').inputValue(), 'k4', 'the new recording is first and shown');
  await page.close();
});

test('while running, the panel says which model is going: "2 of 5: thread"', async () => {
  const page = await panel();
  await post(page, { type: 'running', title: 'Interleave: print_numbers', models: ['sequential', 'thread', 'process', 'thread-pool', 'process-pool'], workers: 2 });
  await post(page, { type: 'progress', model: 'thread', index: 1, total: 5 });
  await page.locator('.status', { hasText: 'Running 2 of 5: thread' }).waitFor();
  await page.screenshot({ path: path.join(results, 'webview-progress.png'), clip: { x: 0, y: 0, width: 1100, height: 120 } });
  await page.close();
});

test('at deep zoom every tick of the time axis has its own label (precision follows the zoom)', async () => {
  const page = await panel();
  await postTrace(page, 'k1', canonical);
  await page.locator('body[data-state="done"] canvas.lanes').first().waitFor();
  await page.locator('.timeline').focus();
  for (let i = 0; i < 24; i++) await page.keyboard.press('+'); // 1.6^24 ≈ 80 000×: a few hundred ns across
  await page.waitForTimeout(100);
  const ticks = await page.locator('svg.axis .tick text').allTextContents();
  assert.ok(ticks.length >= 3, ticks.join(', '));
  assert.equal(new Set(ticks).size, ticks.length, `distinct labels: ${ticks.join(', ')}`);
  await page.screenshot({ path: path.join(results, 'webview-deep-zoom.png'), clip: { x: 0, y: 0, width: 1100, height: 200 } });
  await page.close();
});

test('workers that all raise the same exception: one line and one traceback per run, the lanes stay on screen, the verdict is about the failure', async () => {
  const page = await panel(1100, 800);
  await postTrace(page, 'raise', allRaise);
  await page.locator('body[data-state="done"] .event-row').first().waitFor();
  for (const [model, noun] of [['sequential', 'calls'], ['thread', 'threads'], ['process', 'processes']]) {
    const failures = page.locator(`section.run[data-model="${model}"] .failure`);
    assert.equal(await failures.count(), 1, model);
    assert.equal(await failures.locator('> span').textContent(), `8 ${noun} raised ValueError: boom`);
    assert.equal(await failures.locator('details').count(), 1, 'one traceback');
    const verdict = await page.locator(`section.run[data-model="${model}"] .verdict`).textContent();
    assert.match(verdict!, new RegExp(`^All 8 ${noun} raised ValueError: boom, so the times measure the failure`));
    assert.doesNotMatch(verdict!, /Starting|sequential speed/);
  }
  const thread = page.locator('section.run[data-model="thread"] .failure');
  assert.match((await thread.locator('> span').getAttribute('title'))!, /^Thread 1, Thread 2, .*Thread 8$/, 'which workers, in the hover');
  await thread.locator('summary').click();
  assert.match((await thread.locator('.traceback').textContent())!, /raises\.py", line 4, in fail_after_two/);
  assert.equal(await thread.locator('.traceback a[data-line="4"]').count(), 1, "the traceback's frame links to its line");
  const lanes = (await page.locator('canvas.lanes').first().boundingBox())!;
  assert.ok(lanes.y + lanes.height < 800, `the first run's lanes are on screen: ${JSON.stringify(lanes)}`);
  await page.screenshot({ path: path.join(results, 'webview-failures.png'), fullPage: true });
  await page.close();
});

test("the HTML report's hover says nothing about clicking: there is no editor to show the line in", async () => {
  const file = path.join(panels.dir, 'report.html');
  fs.writeFileSync(file, reportHtml(canonical));
  const page = await panels.browser.newPage({ viewport: { width: 1000, height: 700 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`file://${file}`);
  await page.locator('.event-row').first().waitFor();
  assert.equal(await page.locator('.history').count(), 0, 'no history in a report');
  const canvas = (await page.locator('canvas.lanes').nth(1).boundingBox())!;
  // each run on a time axis of its own: this run's end sets the scale
  const run = canonical.runs[1];
  const end = Math.max(run.wallNs, ...run.events.map((e) => e.t));
  const e = run.events[0];
  await page.mouse.move(canvas.x + (e.t / (end * 1.02)) * canvas.width, canvas.y + e.worker * 30 + 12);
  await page.locator('.tooltip:not([hidden])').waitFor();
  const hover = (await page.locator('.tooltip').textContent())!;
  assert.match(hover, /line 6/);
  assert.doesNotMatch(hover, /click/i);
  await page.screenshot({ path: path.join(results, 'report-hover.png'), clip: { x: 0, y: 0, width: 1000, height: 500 } });
  await page.close();
});
