/**
 * What repeated runs ended with, in the panel (issue 15, item 8): under each order view, every
 * worker's last line across the runs — "same in all N runs", or its form with the varying
 * number's distribution as dots and in words; and a model that ran in two ways (GIL on and off)
 * has an order view per way, each with its own runs.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { modelOrders } from '../../src/shared/orders';
import type { OutputEvent, Run, Trace } from '../../src/shared/trace';
import { openPanel, results, startPanelPage, type PanelPage } from './panelPage';

let panel: PanelPage | undefined;
let browser: Browser;
let file: string;

before(async () => {
  panel = await startPanelPage();
  ({ browser, file } = panel);
});

after(() => panel?.close());

const LOST = (n: number) => `${n} of my 100000 additions overwrote another thread's`;

/** Repetition k of a 2-thread run: each worker printed "start", then `last[w]`; `order`: the workers in output order. */
function repetition(k: number, last: [string, string], order: string, gil?: boolean): Run {
  const seen = [0, 0];
  const events: OutputEvent[] = [...order].map((c, i) => {
    const worker = Number(c);
    return { t: 1000 * (i + 1), worker, pid: 100, stream: 'stdout', text: seen[worker]++ ? last[worker] : 'start', line: 5 };
  });
  const end = 1000 * (order.length + 1);
  const workerInfo = [0, 1].map((worker) => ({ worker, pid: 100, startNs: 500, endNs: end, cpuNs: end / 2, status: 'ok' as const }));
  return { model: 'thread', workers: 2, startMethod: null, wallNs: 5000 + k, workerInfo, events, repetition: k, ...(gil === undefined ? {} : { gil }) };
}

function trace(runs: Run[], orders: Trace['orders']): Trace {
  return {
    schema: 'interleave.trace/1',
    target: { file: '/w/lost_update.py', function: 'add_unsafely', line: 30 },
    python: { version: '3.13.1', implementation: 'CPython', executable: 'python3.13t', gil: false, freeThreaded: true, cpuCount: 2, platform: 'linux' },
    runs,
    orders,
  };
}

const signature = (r: Run) => r.events.map((e) => e.worker).join('');

test('repeated runs: each worker\'s last line with the varying number\'s spread as dots and in words; a line the same every time says so', async () => {
  const lost = [812, 2431, 1204, 0, 977, 1830, 12, 1500, 640, 2100, 1204, 88, 1930, 700, 1111, 1401, 333, 2222, 1017, 905];
  const runs = lost.map((n, k) => repetition(k, [LOST(n), LOST(0)], k % 3 ? '0101' : '0011'));
  const page = await openPanel(browser, file, trace(runs, [modelOrders('thread', runs.map(signature))]));
  const endings = page.locator('.order-view .endings');
  assert.equal(await endings.count(), 1);
  const lines = await endings.locator('.ending').allTextContents();
  assert.deepEqual(lines, [`Thread 1 ended with N of my 100000 additions overwrote another thread's in all 20 runs`, `Thread 2 ended with ${LOST(0)} same in all 20 runs`]);
  const gap = endings.locator('.ending-gap');
  assert.equal(await gap.count(), 1, 'only the number that varied has a distribution');
  assert.equal(await gap.locator('circle').count(), 20, 'a dot per run');
  assert.equal(await gap.locator('.gap-values').textContent(), 'median 1,064 (0 – 2,431), 19 different values');
  await page.locator('.order-view').screenshot({ path: path.join(results, 'endings-lost-update.png') });
  await page.close();
});

test('few values: each with how many runs had it', async () => {
  const runs = [3, 3, 5, 3].map((n, k) => repetition(k, [`total ${n}`, 'done'], '0101'));
  const page = await openPanel(browser, file, trace(runs, [modelOrders('thread', runs.map(signature))]));
  assert.equal(await page.locator('.order-view .ending-gap .gap-values').textContent(), '3 in 3 runs, 5 in 1');
  await page.close();
});

test('a model run with the GIL on and off, repeated: an order view per way, each over its own runs and their endings', async () => {
  const on = [0, 1, 2].map((k) => repetition(k, [LOST(0), LOST(0)], '0011', true));
  const off = [0, 1, 2].map((k) => repetition(k, [LOST(k + 1), LOST(0)], '0101', false));
  const orders = [{ ...modelOrders('thread', on.map(signature)), gil: true }, { ...modelOrders('thread', off.map(signature)), gil: false }];
  const page = await openPanel(browser, file, trace([...on, ...off], orders));
  const views = page.locator('.order-view[data-model="thread"]');
  assert.equal(await views.count(), 2, 'one order view per way the model ran');
  assert.match((await views.nth(0).locator('h2').textContent())!, /GIL on.* — 3 runs$/);
  assert.match((await views.nth(1).locator('h2').textContent())!, /GIL off.* — 3 runs$/);
  assert.match((await views.nth(0).locator('.orders-text').textContent())!, /^1 order in 3 runs/);
  assert.equal(await views.nth(0).locator('.ending-gap').count(), 0, 'GIL on: nothing lost in any run');
  assert.equal(await views.nth(1).locator('.ending-gap .gap-values').textContent(), '1 in 1 run, 2 in 1, 3 in 1');
  // each view stands before the section of its own way
  const next = (k: number) => views.nth(k).evaluate((v) => v.nextElementSibling?.getAttribute('aria-label') ?? '');
  assert.match(await next(0), /GIL on.* — run \d of 3/);
  assert.match(await next(1), /GIL off.* — run \d of 3/);
  await page.close();
});
