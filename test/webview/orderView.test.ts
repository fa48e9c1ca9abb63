/**
 * Repeated runs in the panel (issue 15): Run ×20, one order view per model (distinct orders as
 * strips with counts) instead of a section per repetition, a repetition's timeline on a click or
 * Enter, the runs compared on medians with ranges, and the diff of two repetitions.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { modelOrders } from '../../src/shared/orders';
import type { Recording } from '../../src/shared/recording';
import type { Model, OutputEvent, Run, Trace } from '../../src/shared/trace';
import { launchChromium, post, posted, postTrace, root, THEMES, webviewPage } from './panelPage';

const results = path.join(root, 'test-results');
let browser: Browser;
let dir: string;
const pageErrors: string[] = [];

before(async () => {
  fs.mkdirSync(results, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-orders-'));
  for (const [name, theme] of Object.entries(THEMES)) fs.writeFileSync(path.join(dir, `${name}.html`), webviewPage(theme));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(pageErrors, []);
});

/** A run of 2 workers whose events ("Number: k" per worker, 1 µs apart) came in the order of `signature`. */
function repetition(model: Model, k: number, signature: string, wallNs: number): Run {
  const seen = [0, 0];
  const events: OutputEvent[] = [...signature].map((c, i) => {
    const worker = Number(c);
    return { t: 1000 * (i + 1), worker, pid: 100, stream: 'stdout', text: `Number: ${seen[worker]++}`, line: 5 };
  });
  const end = 1000 * (signature.length + 1);
  const workerInfo = [0, 1].map((worker) => ({ worker, pid: 100, createdNs: 0, startNs: 500, endNs: end, joinedNs: end, cpuNs: end / 2, status: 'ok' as const }));
  return { model, workers: 2, startMethod: null, wallNs, workerInfo, events, repetition: k };
}

/** A trace of each model run `signatures.length` times, in those orders, with those wall times. */
function repeatedTrace(models: Array<{ model: Model; signatures: string[]; walls: number[] }>): Trace {
  return {
    schema: 'interleave.trace/1',
    target: { file: '/w/threads_example.py', function: 'print_numbers', line: 4 },
    python: { version: '3.11.7', implementation: 'CPython', executable: 'python3', gil: true, cpuCount: 2, platform: 'linux' },
    runs: models.flatMap(({ model, signatures, walls }) => signatures.map((s, k) => repetition(model, k, s, walls[k]))),
    orders: models.map(({ model, signatures }) => modelOrders(model, signatures)),
  };
}

const APART = '0000011111';
const SWITCHED = '0001101011';
const OTHER_FIRST = '1111100000';
/** 20 thread runs: 9 apart, 7 switching after Thread 1's third print (first in run 2), 4 with Thread 2 first. */
const THREAD_ORDERS = Array.from({ length: 20 }, (_, k) => (k % 5 === 4 ? OTHER_FIRST : [1, 3, 6, 8, 11, 13, 16].includes(k) ? SWITCHED : APART));
/** Sequential's first run stalled (100 ms against 2 ms): with it as the baseline, threads would look 33× faster. */
const SEQUENTIAL_WALLS = Array.from({ length: 20 }, (_, k) => (k === 0 ? 100e6 : 2e6 + k * 1e3));
const THREAD_WALLS = Array.from({ length: 20 }, (_, k) => 3e6 + k * 40e3);
const trace = repeatedTrace([
  { model: 'sequential', signatures: Array(20).fill(APART), walls: SEQUENTIAL_WALLS },
  { model: 'thread', signatures: THREAD_ORDERS, walls: THREAD_WALLS },
]);

async function panel(theme: keyof typeof THEMES = 'dark', width = 1100, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`file://${path.join(dir, `${theme}.html`)}`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  return page;
}

async function showRepeated(page: Page, shown: Trace = trace): Promise<void> {
  await postTrace(page, 'k-repeat', shown);
  await page.locator('body[data-state="done"] .order-view').first().waitFor();
}

const threads = (page: Page) => page.locator('.order-view[data-model="thread"]');
const threadSection = (page: Page) => page.locator('section.run[data-model="thread"]');

test('a repeated model is one order view (its distinct orders as strips with counts) and one repetition, not a section per run', async () => {
  const page = await panel();
  await showRepeated(page);
  assert.equal(await page.locator('section.run').count(), 2, 'one timeline per model, not 40');
  assert.equal(await page.locator('.order-view').count(), 2);
  const view = threads(page);
  assert.equal(await view.locator('.orders-text').textContent(), '3 distinct orders in 20 runs (of 252 possible).');
  assert.deepEqual(await view.locator('.order-count').allTextContents(), ['×9', '×7', '×4']);
  assert.deepEqual(await view.locator('.order-share').allTextContents(), ['45%', '35%', '20%']);
  const first = view.locator('.order-row').first();
  assert.equal(await first.getAttribute('aria-label'), 'Order 1: 9 of 20 runs (runs 1, 3, 6, 8, 11, 13, 16, 18, …): Thread 1 ×5, then Thread 2 ×5');
  assert.equal(await first.getAttribute('aria-selected'), 'true', 'the most frequent order is shown first');
  // its run nearest the median wall time (3.38 ms): run 11 (3.40 ms) — not simply the order's first run
  assert.equal(await threadSection(page).locator('h2').textContent(), 'Threads × 2 — run 11 of 20');
  // the strips are drawn in the workers' colours: Thread 1's first cell, Thread 2's last
  const [left, right] = await first.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const px = (x: number) => [...ctx.getImageData(x, c.height / 2, 1, 1).data.slice(0, 3)];
    return [px(2), px(c.width - 4)];
  });
  assert.notDeepEqual(left, right, 'two workers, two colours');
  assert.ok(left.some((v) => v > 40) && right.some((v) => v > 40), 'cells drawn, not background');
  await page.close();
});

test("a click, or Enter on an order, shows that order's run (one at a time, named); the keyboard stays on the list", async () => {
  const page = await panel();
  await showRepeated(page);
  await threads(page).locator('.order-row').nth(2).click();
  assert.equal(await threadSection(page).locator('h2').textContent(), 'Threads × 2 — run 5 of 20', 'the first run of the third order');
  assert.equal(await page.locator('section.run[data-model="thread"]').count(), 1);
  assert.equal(await page.locator('.event-row').first().locator('.text').textContent(), 'Number: 0');
  assert.equal(await threads(page).locator('.order-row').nth(2).getAttribute('aria-selected'), 'true');
  // by keyboard: Home goes to the first order, ↓ to the second, Enter shows it
  await threads(page).locator('.orders').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await threadSection(page).locator('h2').textContent(), 'Threads × 2 — run 2 of 20');
  assert.equal(await threads(page).locator('.orders').evaluate((e) => e === document.activeElement), true, 'focus kept on the orders');
  assert.equal(await threads(page).locator('.orders').getAttribute('aria-activedescendant'), 'order-thread-1');
  // any run, rare orders too, by its number; one that does not exist is put back
  const runShown = threads(page).locator('input[aria-label^="Run shown"]');
  await runShown.fill('17');
  await runShown.press('Tab');
  assert.equal(await threadSection(page).locator('h2').textContent(), 'Threads × 2 — run 17 of 20');
  assert.equal(await threads(page).locator('.run-note').first().textContent(), ' of 20 — order 2', 'run 17 printed in the second order');
  await runShown.fill('21');
  await runShown.press('Tab');
  assert.equal(await runShown.inputValue(), '17');
  assert.equal(await threadSection(page).locator('h2').textContent(), 'Threads × 2 — run 17 of 20');
  await page.close();
});

test('the runs are compared on medians with their ranges: one stalled baseline does not decide the advice', async () => {
  const page = await panel();
  await showRepeated(page);
  const advice = (await page.locator('.comparison .advice').textContent())!;
  // medians: sequential 2.0105 ms (its stalled 100 ms run is one of 20), threads 3.38 ms
  assert.match(advice, /^Sequential ran 1\.7× faster than threads \(medians of 20 runs each\)/);
  const cells = page.locator('.comparison tr[data-model="thread"] td');
  assert.equal(await cells.nth(1).textContent(), '3.38 ms (3.00–3.76)');
  assert.equal(await cells.nth(2).textContent(), '0.59× (0.53×–0.67×)', "each run against sequential's median: never 33×");
  assert.match((await threads(page).locator('.verdict').textContent())!, /1\.7× slower than sequential \(medians of 20 runs\)/);
  assert.equal(await threads(page).locator('.figure dd').first().textContent(), '3.38 ms (3.00–3.76)');
  await page.close();
});

test('a diff of two runs: Shift+click (or Compare with) aligns their strips, marks the first divergence and says it', async () => {
  const page = await panel();
  await showRepeated(page);
  await threads(page).locator('.order-row').nth(1).click({ modifiers: ['Shift'] });
  const diff = threads(page).locator('.order-diff');
  assert.deepEqual(await diff.locator('.diff-label').allTextContents(), ['run 11', 'run 2']);
  assert.equal(await diff.locator('.diff-text').textContent(), 'After Number: 2 of Thread 1, run 2 switched to Thread 2; run 11 did not (event 4).');
  assert.equal(await threadSection(page).locator('h2').textContent(), 'Threads × 2 — run 11 of 20', 'the run shown stays');
  // the 4th cell of both strips is outlined in the focus colour (dark theme: #0078d4)
  const marked = await diff.locator('canvas').evaluateAll((canvases: HTMLCanvasElement[]) =>
    canvases.map((c) => {
      const cell = c.width / 10;
      const px = (x: number) => [...c.getContext('2d')!.getImageData(Math.round(x), 1, 1, 1).data.slice(0, 3)];
      return [px(3 * cell + cell / 2), px(6 * cell + cell / 2)];
    }),
  );
  for (const [atDivergence, later] of marked) {
    assert.deepEqual(atDivergence, [0, 120, 212], 'the first divergence outlined');
    assert.notDeepEqual(later, [0, 120, 212], 'no other cell');
  }
  // "Compare with run" by keyboard: the same for any run, and emptied it ends the diff
  const compare = threads(page).locator('input[aria-label^="Compare with run"]');
  assert.equal(await compare.inputValue(), '2');
  await compare.fill('5');
  await compare.press('Tab');
  assert.equal(await diff.locator('.diff-text').textContent(), 'Run 11 began with Thread 1; run 5 with Thread 2.');
  await compare.fill('');
  await compare.press('Tab');
  assert.equal(await diff.isHidden(), true);
  await page.screenshot({ path: path.join(results, 'webview-orders-dark.png'), fullPage: true });
  await page.close();
});

test('Run ×20 in the toolbar (keyboard too) asks the host to run the recording shown again with each model 20 times', async () => {
  const page = await panel();
  await showRepeated(page);
  const recording: Recording = { key: 'k-repeat', target: 'print_numbers', fileName: 'threads_example.py', startedAt: Date.now(), models: ['sequential', 'thread'], workers: 2 };
  await post(page, { type: 'history', recordings: [recording], shown: 'k-repeat' });
  const button = page.locator('.toolbar button[data-action="run-many"]');
  assert.equal(await button.textContent(), 'Run ×20');
  await button.focus();
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'runAgain'), [{ type: 'runAgain', key: 'k-repeat', repeat: 20 }]);
  await page.locator('.toolbar button[data-action="run-again"]').click();
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'runAgain').at(-1), { type: 'runAgain', key: 'k-repeat' }, 'Run again keeps the recorded repeat');
  await post(page, { type: 'running', title: 'Interleave: print_numbers', models: ['sequential', 'thread'], workers: 2 });
  assert.equal(await button.isDisabled(), true, 'not while a run goes on');
  await page.close();
});

test('while the repetitions run, the live view shows each one alone (they have clocks of their own), named in the status', async () => {
  const page = await panel();
  await post(page, { type: 'running', title: 'Interleave: print_numbers', models: ['thread'], workers: 2 });
  /** Posts `run`'s events as the host's live preview does (typed columns), as repetition `repetition`. */
  const stream = (run: Run, repetition: number) =>
    page.evaluate(({ es, repetition }) => {
      let end = 0;
      const textEnd = es.map((e) => (end += e.text.length));
      const columns = { t: Float64Array.from(es.map((e) => e.t)), worker: Uint16Array.from(es.map((e) => e.worker)), line: Int32Array.from(es.map((e) => e.line ?? 0)), stream: Uint8Array.from(es.map(() => 1)), thread: new Uint8Array(es.length), textEnd: Uint32Array.from(textEnd), text: es.map((e) => e.text).join('') };
      window.postMessage({ type: 'events', model: 'thread', columns, ...(repetition ? { repetition } : {}) }, '*');
    }, { es: run.events, repetition });
  const threadRuns = trace.runs.filter((r) => r.model === 'thread');
  await stream(threadRuns[0], 0);
  await page.locator('.run-header.live .verdict', { hasText: 'Running… 10 events so far' }).waitFor();
  await stream({ ...threadRuns[1], events: threadRuns[1].events.slice(0, 4) }, 1);
  await page.locator('.run-header.live .verdict', { hasText: 'Running… 4 events so far' }).waitFor();
  assert.deepEqual(await page.locator('.event-row .text').allTextContents(), ['Number: 0', 'Number: 1', 'Number: 2', 'Number: 0'], 'run 2 alone: its first four events');
  assert.match((await page.locator('.status').textContent())!, /thread run 2: 4 events/);
  await page.close();
});

test('high contrast: the strips are numbered and hatched, the rows outlined (a look at it, and the cost of 1,000 repetitions)', async () => {
  const page = await panel('highContrast');
  await showRepeated(page);
  await threads(page).locator('.order-row').nth(1).click({ modifiers: ['Shift'] });
  await threads(page).screenshot({ path: path.join(results, 'webview-orders-high-contrast.png') });
  await page.close();
  // 1,000 repetitions of 20 events in many orders: the order view stays a list of the most frequent
  const many = Array.from({ length: 1000 }, (_, k) => (k % 4 ? shuffled('00000000001111111111', k) : '00000000001111111111'));
  const big = repeatedTrace([{ model: 'thread', signatures: many, walls: many.map((_, k) => 1e6 + k) }]);
  const large = await panel();
  await showRepeated(large, big);
  const rows = await threads(large).locator('.order-row').count();
  const distinct = big.orders![0].distinct;
  assert.equal(rows, Math.min(40, distinct));
  if (distinct > 40) assert.match((await threads(large).locator('.orders-more').textContent())!, new RegExp(`and ${distinct - 40} rarer orders`));
  assert.equal(await threads(large).locator('input[aria-label^="Run shown"]').getAttribute('max'), '1000');
  // strips are drawn as they scroll into view: the last row's once the list is scrolled to it
  const lastStrip = threads(large).locator('.order-row').last().locator('canvas');
  const inked = () => lastStrip.evaluate((c: HTMLCanvasElement) => c.width > 0 && c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.some((v) => v > 0));
  await threads(large).locator('.orders').evaluate((e) => (e.scrollTop = e.scrollHeight));
  await large.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
  assert.equal(await inked(), true, 'the last row drawn once in view');
  // opened twice more (warm, as a second Run ×20 is): a figure for the log, never a timing assert
  for (const key of ['k-again-1', 'k-again-2']) {
    await postTrace(large, key, big);
    await large.waitForFunction((n) => performance.getEntriesByName('interleave:orders').length > n, key === 'k-again-1' ? 1 : 2);
  }
  const ms = await large.evaluate(() => performance.getEntriesByName('interleave:orders').map((m) => m.duration));
  console.log(`order view of 1,000 repetitions (${distinct} distinct orders), built and drawn: ${ms.map((x) => x.toFixed(1)).join(' ms, ')} ms (first open, then two more; goal ≤ 50 ms, not asserted)`);
  await large.close();
});

/** `s`'s characters shuffled (Fisher–Yates with a small LCG seeded by `seed`): another order of the same events. */
function shuffled(s: string, seed: number): string {
  const chars = [...s];
  let x = seed;
  for (let i = chars.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
