/**
 * Predict, then see (issue 15, item 6) in the built webview: off by default; on, each run's lanes
 * and Order strip (and the event list) wait until the student built a prediction — by clicking
 * workers, their number keys, or a preset — then the real order appears under it, matches marked,
 * with the explanation from the trace's facts. The toggle is kept in the webview's state.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { modelOrders, orderSignature } from '../../src/shared/orders';
import { explainOrder, matchOrders, presetOrder, PREDICT_EVENTS, repeatedText, type RunFacts } from '../../src/shared/prediction';
import type { Run, Trace } from '../../src/shared/trace';
import { traceMessage } from '../../src/shared/protocol';
import { openPanel, posted, postWithColumns, readTrace, THEMES, webviewPage, results, startPanelPage, type PanelPage } from './panelPage';

const trace = readTrace('canonical.json');
let panel: PanelPage | undefined;
let browser: Browser;
let dir: string;
let file: string;

before(async () => {
  panel = await startPanelPage();
  ({ browser, dir, file } = panel);
});

after(() => panel?.close());

const section = (page: Page, model: string) => page.locator(`section.run[data-model="${model}"]`);
const facts = (t: Trace, run: Run): RunFacts => ({ model: run.model, workerInfo: run.workerInfo, workers: run.events.map((e) => e.worker), times: run.events.map((e) => e.t), aligned: run.aligned, switchInterval: run.switchInterval, cpuCount: t.python.cpuCount });
const workersIn = (page: Page, model: string, row: 'predicted' | 'actual') => section(page, model).locator(`.predict-row[data-row="${row}"] .predict-cell:not(.empty)`).evaluateAll((cells) => cells.map((c) => Number((c as HTMLElement).dataset.worker)));
const savedState = (page: Page) => page.evaluate(() => (window as unknown as { acquireVsCodeApi(): { getState(): { predict?: boolean } | undefined } }).acquireVsCodeApi().getState());

/** The panel with "Predict first" switched on by its checkbox. */
async function predicting(t: Trace = trace, target = file): Promise<Page> {
  const page = await openPanel(browser, target, t);
  assert.equal(await page.locator('#predict-first').isChecked(), false, 'off by default');
  assert.equal(await page.locator('.predict').count(), 0);
  await page.locator('#predict-first').check();
  return page;
}

test('on, each run waits for a prediction: its lanes and Order strip are hidden, so is the event list; the choice is saved', async () => {
  const page = await predicting();
  for (const run of trace.runs) {
    assert.equal(await section(page, run.model).locator('.predict').count(), 1, `${run.model}: a prediction to make`);
    assert.equal(await section(page, run.model).locator('.run-body').isVisible(), false, `${run.model}: the order is hidden`);
    assert.equal(await section(page, run.model).locator('.verdict').isVisible(), false, `${run.model}: so is the verdict that tells it`);
  }
  assert.equal(await page.locator('.event-list').isVisible(), false, 'the list would give the order away');
  assert.equal(await page.locator('.comparison').isVisible(), false, 'so would the ranking of the runs (which was fastest, the advice)');
  assert.equal((await savedState(page))?.predict, true);
  await page.locator('button[data-replay="next"]').click();
  assert.equal(await page.locator('.replay-position').textContent(), '', 'the replay does not step through a hidden order');
  assert.deepEqual((await posted(page)).filter((m) => (m as { type: string }).type === 'reveal'), []);
  await section(page, 'thread').locator('button[data-predict="skip"]').click();
  await page.locator('button[data-replay="next"]').click();
  assert.match((await page.locator('.replay-position').textContent())!, /^1 of 10: Thread 1/, 'it replays the first run shown');
  await page.locator('#predict-first').uncheck();
  assert.equal(await page.locator('.predict').count(), 0);
  assert.equal(await page.locator('.comparison').isVisible(), true, 'the ranking is back');
  assert.equal(await section(page, 'thread').locator('.run-body').isVisible(), true);
  assert.equal((await savedState(page))?.predict, false);
  await page.close();
});

test('a prediction built by clicks and number keys: then the real order under it, matches marked, and why', async () => {
  const page = await predicting();
  const threads = trace.runs.find((r) => r.model === 'thread')!;
  const block = section(page, 'thread').locator('.predict');
  const check = block.locator('button[data-predict="check"]');
  const mine = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
  await block.locator('button[data-predict="worker"][data-worker="1"]').click();
  await block.locator('button[data-predict="worker"][data-worker="0"]').click();
  await block.locator('button[data-predict="worker"][data-worker="0"]').focus();
  for (const w of mine.slice(2)) await page.keyboard.press(String(w + 1));
  await page.keyboard.press('Backspace');
  assert.equal(await check.isDisabled(), true, 'nine of ten: not yet');
  await page.keyboard.press('1');
  assert.deepEqual(await workersIn(page, 'thread', 'predicted'), mine);
  assert.equal(await block.locator('button[data-predict="worker"][aria-disabled="false"]').count(), 0, 'ten predicted: no more');
  await page.keyboard.press('2');
  assert.deepEqual(await workersIn(page, 'thread', 'predicted'), mine, 'an eleventh is not taken');
  await check.click();
  assert.equal(await section(page, 'thread').locator('.run-body').isVisible(), true, 'the real strip appears under the prediction');
  assert.equal(await section(page, 'thread').locator('.verdict').isVisible(), true);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('predict')), true, 'the keyboard stays in the block');
  const label = section(page, 'thread').locator('.lane-label').first();
  assert.ok(await label.evaluate((e) => e.scrollWidth <= e.clientWidth), 'lane labels measured once shown, not cut');
  const actual = threads.events.slice(0, PREDICT_EVENTS).map((e) => e.worker);
  assert.deepEqual(await workersIn(page, 'thread', 'actual'), actual);
  const marks = await block.locator('.predict-row[data-row="actual"] .predict-cell').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.match === 'true'));
  assert.deepEqual(marks, matchOrders(mine, actual));
  assert.equal(await block.locator('.predict-explanation').textContent(), explainOrder(facts(trace, threads), mine));
  assert.match((await block.locator('.predict-explanation').textContent())!, /start-up \(.+\) was longer than the work/);
  assert.equal(await page.locator('.event-list').isVisible(), false, 'two runs still to predict');
  for (const model of ['sequential', 'process']) await section(page, model).locator('button[data-predict="skip"]').click();
  assert.equal(await page.locator('.event-list').isVisible(), true, 'every run predicted or skipped: the list is back');
  await page.close();
});

test('presets fill the prediction; an interleaved run is explained by the switch interval it ran with', async () => {
  const interleaved = structuredClone(trace);
  const threads = interleaved.runs.find((r) => r.model === 'thread')!;
  const order = [0, 1, 1, 0, 1, 0, 0, 1, 0, 1];
  threads.events = threads.events.map((e, i) => ({ ...e, worker: order[i] }));
  threads.switchInterval = 0.0001;
  const page = await predicting(interleaved);
  const block = section(page, 'thread').locator('.predict');
  const counts = [5, 5];
  for (const [shape, name] of [['one-first', 'All of one first'], ['mixed', 'Mixed'], ['alternating', 'Strictly alternating']] as const) {
    await block.getByRole('button', { name }).click();
    assert.deepEqual(await workersIn(page, 'thread', 'predicted'), presetOrder(shape, counts, PREDICT_EVENTS), name);
  }
  await block.locator('button[data-predict="check"]').click();
  const line = (await block.locator('.predict-explanation').textContent())!;
  assert.equal(line, explainOrder(facts(interleaved, threads), presetOrder('alternating', counts, PREDICT_EVENTS)));
  assert.match(line, /took turns on the GIL.*switch interval \(100 µs\)/);
  await page.close();
});

test('with --repeat, one prediction per model: its repetitions wait on it, then say how many began as predicted', async () => {
  const threads = trace.runs.find((r) => r.model === 'thread')!;
  const orders = [[0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]];
  const runs = orders.map((order, repetition) => ({ ...threads, repetition, events: threads.events.map((e, i) => ({ ...e, worker: order[i] })) }));
  const repeated: Trace = { ...trace, runs, orders: [modelOrders('thread', orders.map((o) => orderSignature(o, 2)))] };
  const page = await predicting(repeated);
  assert.equal(await page.locator('.predict').count(), 1, 'one prediction for the three repetitions');
  assert.match((await page.locator('.predict-ask').textContent())!, /in each of its 3 repetitions/);
  assert.equal(await page.locator('section.run .run-body:visible').count(), 0, 'the repetition shown waits');
  assert.equal(await page.locator('.order-view').count(), 1, 'the model has an order view');
  assert.equal(await page.locator('.order-view:visible').count(), 0, 'its strips and counts give the orders away: they wait too');
  await page.getByRole('button', { name: 'All of one first' }).click();
  await page.locator('button[data-predict="check"]').click();
  assert.equal(await page.locator('section.run .run-body:visible').count(), 1);
  assert.equal(await page.locator('.order-view:visible').count(), 1);
  assert.equal(await page.locator('.predict-repeats').textContent(), repeatedText(repeated.orders![0], 2, presetOrder('one-first', [5, 5], PREDICT_EVENTS)));
  assert.match((await page.locator('.predict-repeats').textContent())!, /came up in 2 of 3 repetitions/);
  assert.equal(await page.locator('.event-list').isVisible(), true);
  await page.locator('.order-view .order-row').nth(1).click(); // another repetition: no second prediction
  await page.locator('section.run .run-body:visible').first().waitFor();
  assert.equal(await page.locator('.predict-ask:visible').count(), 0, 'predicted once for the model');
  await page.close();
});

test('the saved choice holds after a reload: the next trace opens hidden', async () => {
  const remembered = path.join(dir, 'remembered.html');
  fs.writeFileSync(remembered, webviewPage(THEMES.dark).replace('let state;', 'let state = { predict: true };'));
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`file://${remembered}`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  await postWithColumns(page, traceMessage(trace, 'remembered'));
  await page.locator('body[data-state="done"] section.run[data-model="thread"] .predict').waitFor();
  assert.equal(await page.locator('#predict-first').isChecked(), true);
  assert.equal(await section(page, 'thread').locator('.run-body').isVisible(), false);
  await page.close();
});

test('while a run goes on, its live order is hidden too (Predict first on)', async () => {
  const remembered = path.join(dir, 'live.html');
  fs.writeFileSync(remembered, webviewPage(THEMES.dark).replace('let state;', 'let state = { predict: true };'));
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`file://${remembered}`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  await page.evaluate(() => {
    window.postMessage({ type: 'running', title: 'print_numbers()', models: ['thread'], workers: 2 }, '*');
    const columns = { t: Float64Array.from([1000, 2000, 3000]), worker: Uint16Array.from([0, 1, 0]), line: Int32Array.from([5, 5, 5]), stream: Uint8Array.from([1, 1, 1]), thread: Uint8Array.from([0, 0, 0]), textEnd: Uint32Array.from([1, 2, 3]), text: 'abc' };
    window.postMessage({ type: 'events', model: 'thread', columns }, '*');
  });
  await page.locator('section.run[data-model="thread"]').waitFor();
  assert.equal(await section(page, 'thread').locator('.run-body').isVisible(), false, 'the lanes and strip of a live run');
  assert.equal(await page.locator('.event-list').isVisible(), false, 'and the list');
  await page.close();
});

test('screenshots: a prediction checked, in dark and high contrast', async () => {
  for (const [name, theme] of [['dark', THEMES.dark], ['high-contrast', THEMES.highContrast]] as const) {
    const themed = path.join(dir, `${name}.html`);
    fs.writeFileSync(themed, webviewPage(theme));
    const page = await predicting(trace, themed);
    const block = section(page, 'thread').locator('.predict');
    await block.getByRole('button', { name: 'Strictly alternating' }).click();
    await block.locator('button[data-predict="check"]').click();
    await section(page, 'thread').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(results, `predict-${name}.png`), fullPage: true });
    await page.close();
  }
});

test('GIL on and GIL off are predicted apart: skipping one leaves the other to predict, when the runs are drawn again', async () => {
  const thread = trace.runs.find((r) => r.model === 'thread')!;
  const rep = (k: number, gil: boolean, order: number[]): Run => ({ ...thread, gil, repetition: k, events: thread.events.map((e, i) => ({ ...e, worker: order[i % order.length] })) });
  const on = [0, 1].map((k) => rep(k, true, [0, 1]));
  const off = [0, 1].map((k) => rep(k, false, k ? [1, 0] : [0, 1]));
  const signatures = (runs: Run[]) => runs.map((r) => orderSignature(r.events.map((e) => e.worker), 2));
  const orders = [{ ...modelOrders('thread', signatures(on)), gil: true }, { ...modelOrders('thread', signatures(off)), gil: false }];
  const page = await predicting({ ...trace, python: { ...trace.python, freeThreaded: true, gil: false }, runs: [...on, ...off], orders });
  const runs = section(page, 'thread');
  assert.equal(await runs.count(), 2, 'a run of each shown');
  assert.equal(await page.locator('.predict').count(), 2, 'each way to predict');
  await runs.nth(1).locator('button[data-predict="skip"]').click(); // GIL off
  await page.locator('.order-view[data-model="thread"]').nth(1).locator('.order-row').nth(1).click(); // another of its runs: drawn again
  assert.equal(await runs.nth(0).locator('.predict').count(), 1, 'GIL on: still to predict');
  assert.equal(await runs.nth(0).locator('.run-body').isVisible(), false, 'GIL on: its order still hidden');
  await page.close();
});
