/** "Predict, then see": shapes, presets, matches, and the one-line explanation from the trace's facts. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { modelOrders } from '../../src/shared/orders';
import { explainOrder, matchOrders, orderShape, presetOrder, PREDICT_EVENTS, repeatedText, whyOrder, type RunFacts } from '../../src/shared/prediction';
import { formatNs } from '../../src/shared/format';
import type { Run, Trace } from '../../src/shared/trace';

const root = path.resolve(__dirname, '..', '..', '..');
const canonical = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'traces', 'canonical.json'), 'utf8')) as Trace;

function factsOf(run: Run, cpuCount: number | null = 2): RunFacts {
  return { model: run.model, workerInfo: run.workerInfo, workers: run.events.map((e) => e.worker), times: run.events.map((e) => e.t), aligned: run.aligned, switchInterval: run.switchInterval, cpuCount };
}

/** The canonical thread run with its events' workers and times replaced (the workers' lives kept). */
function withOrder(run: Run, workers: number[], times = workers.map((_, i) => 1e6 + i * 1e5)): Run {
  return { ...run, events: workers.map((w, i) => ({ ...run.events[0], worker: w, t: times[i] })) };
}

const threads = canonical.runs.find((r) => r.model === 'thread')!;

test('an order is all of one first, strictly alternating, or mixed', () => {
  assert.equal(orderShape([0, 0, 0, 1, 1]), 'one-first');
  assert.equal(orderShape([1, 1, 0, 0, 2]), 'one-first');
  assert.equal(orderShape([0, 1, 0, 1]), 'alternating');
  assert.equal(orderShape([0, 1, 2, 0, 1, 2]), 'alternating');
  assert.equal(orderShape([0, 0, 1, 0]), 'mixed');
  assert.equal(orderShape([0, 1, 1, 0]), 'mixed');
  assert.equal(orderShape([1, 1, 1]), 'one-first', 'one worker');
  assert.equal(orderShape([]), 'one-first');
});

test('presets are of the length asked, use each worker at most as often as it printed, and have their shape', () => {
  for (const counts of [[5, 5], [3, 7], [4, 4, 4], [1, 9], [0, 6, 6]]) {
    for (const shape of ['one-first', 'alternating', 'mixed'] as const) {
      const order = presetOrder(shape, counts, PREDICT_EVENTS);
      assert.equal(order.length, Math.min(PREDICT_EVENTS, counts.reduce((a, b) => a + b)), `${shape} ${counts}`);
      counts.forEach((c, w) => assert.ok(order.filter((x) => x === w).length <= c, `${shape} ${counts}: worker ${w} at most ${c}`));
      if (shape !== 'alternating' || Math.min(...counts.filter(Boolean)) * counts.filter(Boolean).length >= PREDICT_EVENTS) assert.equal(orderShape(order), shape, `${shape} ${counts}: ${order}`);
    }
  }
  assert.deepEqual(presetOrder('one-first', [5, 5], 10), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.deepEqual(presetOrder('alternating', [5, 5], 10), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  assert.deepEqual(presetOrder('mixed', [5, 5], 10), presetOrder('mixed', [5, 5], 10), 'the same mix every time');
});

test('matches are position by position; a missing prediction is no match', () => {
  assert.deepEqual(matchOrders([0, 1, 1], [0, 0, 1]), [true, false, true]);
  assert.deepEqual(matchOrders([0], [0, 1]), [true, false]);
});

test("the seed's threads: the first finished before the second had started, start-up longer than the work (figures from the trace)", () => {
  const [a, b] = threads.workerInfo;
  const alternating = presetOrder('alternating', [5, 5], 10);
  const line = explainOrder(factsOf(threads), alternating);
  const hits = matchOrders(alternating, threads.events.map((e) => e.worker)).filter(Boolean).length;
  const work = formatNs(a.endNs! - a.startNs!);
  const startup = formatNs(b.startNs! - b.createdNs!);
  assert.equal(line, `${hits} of 10 as predicted (you expected them to alternate): Thread 1 finished its 5 prints before Thread 2 had started: start-up (${startup}) was longer than the work (${work}).`);
  assert.match(explainOrder(factsOf(threads), presetOrder('one-first', [5, 5], 10)), /^All 10 as predicted: Thread 1 finished its 5 prints/);
  assert.match(explainOrder(factsOf(threads), []), /^The first 10 events: /);
});

test('processes that finished before the next began, without a longer start-up: the gap in words', () => {
  const run = canonical.runs.find((r) => r.model === 'process')!;
  const [a, b] = run.workerInfo;
  const quick = { ...run, workerInfo: [a, { ...b, createdNs: a.endNs! - 1000, startNs: a.endNs! + 500 }] };
  assert.equal(whyOrder(factsOf(quick), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]), `Process 1 finished its 5 prints (${formatNs(a.endNs! - a.startNs!)} of work) before Process 2 had started, ${formatNs(500)} later`);
});

test('a first worker done before the next was even created: said so, not blamed on start-up', () => {
  const [a, b] = threads.workerInfo;
  const late = { ...threads, workerInfo: [a, { ...b, createdNs: a.endNs! + 2000, startNs: a.endNs! + 900_000 }] };
  assert.equal(whyOrder(factsOf(late), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]), `Thread 1 finished its 5 prints (${formatNs(a.endNs! - a.startNs!)} of work) before Thread 2 had even been created (${formatNs(2000)} later)`);
});

test('threads that overlapped but did not interleave: the first kept the GIL, with the switch interval the run used', () => {
  const [a, b] = threads.workerInfo;
  const overlapping = { ...withOrder(threads, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]), switchInterval: 0.002, workerInfo: [a, { ...b, startNs: a.startNs! + 1 }] };
  assert.match(whyOrder(factsOf(overlapping), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]), /^Thread 1 and Thread 2 ran at the same time, but Thread 1 kept the GIL through its 5 prints \(400 µs\): a thread hands it over only every switch interval \(2\.00 ms\)/);
});

test('interleaved threads took turns on the GIL (switch interval named); processes on the CPUs; aligned starts said', () => {
  const order = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1];
  const turns = { ...withOrder(threads, order), switchInterval: 0.0001 };
  assert.match(whyOrder(factsOf(turns), order), /^Thread 1 and Thread 2 ran at the same time and took turns on the GIL: a waiting thread gets it after about one switch interval \(100 µs\)/);
  assert.match(whyOrder(factsOf(turns), [1, 0, 1]), /^Thread 1 and Thread 2 ran/, 'named in their order, whoever printed first');
  const processes = withOrder(canonical.runs.find((r) => r.model === 'process')!, order);
  assert.match(whyOrder(factsOf(processes, 2), order), /^Process 1 and Process 2 ran at the same time in processes of their own on 2 CPUs/);
  assert.match(whyOrder(factsOf(processes, 1), order), /on 1 CPU: the operating system took turns/);
  assert.match(whyOrder(factsOf({ ...processes, aligned: true }), order), /^they began together at the barrier \(--align\)/);
  assert.match(whyOrder(factsOf({ ...turns, model: 'asyncio' }), order), /Task 1 and Task 2 took turns on one event loop/);
});

test('a sequential run, one worker only, and no events', () => {
  const seq = canonical.runs.find((r) => r.model === 'sequential')!;
  assert.match(whyOrder(factsOf(seq), seq.events.map((e) => e.worker)), /^a sequential run makes one call after another: Call 2 began only when Call 1 had returned/);
  assert.equal(whyOrder(factsOf(threads), [1, 1, 1]), 'Thread 2 printed all 3 before any other worker printed');
  assert.equal(whyOrder(factsOf(withOrder(threads, [])), []), 'the run printed nothing');
});

test('with --repeat: how many repetitions began as predicted, and how many orders there were', () => {
  const orders = modelOrders('thread', ['0000011111', '0101010101', '0000011111', '0000101111']);
  assert.equal(repeatedText(orders, 2, [0, 0, 0, 0, 0]), 'Your first 5 came up in 2 of 4 repetitions; 3 distinct orders in 4 runs (of 252 possible).');
  assert.equal(repeatedText(orders, 2, [0, 1]), 'Your first 2 came up in 1 of 4 repetitions; 3 distinct orders in 4 runs (of 252 possible).');
  assert.equal(repeatedText(orders, 2, []), '3 distinct orders in 4 runs (of 252 possible).', 'skipped');
  const many = modelOrders('thread', ['10,0,10', '10,0,10']);
  assert.match(repeatedText(many, 11, [10, 0]), /^Your first 2 came up in 2 of 2 repetitions; 1 order in 2 runs/);
});
