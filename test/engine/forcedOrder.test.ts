import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { runTrace } from '../../src/runner/engine';
import { LivePreview } from '../../src/runner/livePreview';
import { example, fixture, harnessRun, processesMentioning, python, runCli } from './helpers';
import { orderSignature } from '../../src/shared/orders';
import type { Run, Trace } from '../../src/shared/trace';

const signatureOf = (run: Run) => orderSignature(run.events.map((e) => e.worker), run.workers);
const runsOf = (trace: Trace, model: Run['model']) => trace.runs.filter((r) => r.model === model);

// Left alone, the first worker prints all five lines before the second has started (start-up ≫
// work): each of these orders happens only when the turnstile makes it happen.
for (const order of ['0101010101', '1100110010', '1111100000']) {
  test(`--order ${order}: threads and processes print in exactly that order, 5 times out of 5`, () => {
    const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--models', 'thread,process', '--repeat', '5', '--order', order]);
    assert.equal(r.status, 0, r.stderr);
    for (const model of ['thread', 'process'] as const) {
      const runs = runsOf(r.trace!, model);
      assert.equal(runs.length, 5);
      for (const run of runs) {
        assert.equal(signatureOf(run), order, `${model} repetition ${run.repetition}`);
        assert.deepEqual(run.forcedOrder, { signature: order, followed: true, note: 'followed, line by line' });
        assert.ok(run.workerInfo.every((w) => w.status === 'ok'));
      }
    }
  });
}

test('--order on the pools: thread-pool and process-pool take turns too', () => {
  const order = '0110100110';
  const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--models', 'thread-pool,process-pool', '--repeat', '3', '--order', order]);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) assert.equal(signatureOf(run), order, `${run.model} repetition ${run.repetition}`);
});

test('--order: the turnstile is no lock wait in the thread states, and a model that cannot take turns says so', () => {
  const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--models', 'sequential,thread', '--order', '1010101010']);
  assert.equal(r.status, 0, r.stderr);
  const [sequential, thread] = r.trace!.runs;
  assert.equal(signatureOf(sequential), '0000011111');
  assert.equal(sequential.forcedOrder?.followed, false);
  assert.match(sequential.forcedOrder!.note, /^not forced: .*sequential/);
  assert.equal(signatureOf(thread), '1010101010');
  assert.deepEqual(thread.locks ?? [], [], 'no lock span for the turnstile');
  for (const w of thread.workerInfo) assert.ok(!w.stateNs?.lock, `Thread ${w.worker + 1} shows no lock wait`);
  assert.match(r.stdout, /order 1010101010: followed, line by line/);
});

test('--order that cannot happen (a worker ends with turns left): its slots are skipped, the run ends and says so, in both models', () => {
  const r = runCli(['run', fixture('prints_unevenly.py'), '--function', 'prints_unevenly', '--models', 'thread,process', '--order', '0000011111', '--timeout', '30'], 60_000);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    assert.equal(signatureOf(run), '0011111', run.model);
    assert.equal(run.forcedOrder?.followed, false);
    assert.match(run.forcedOrder!.note, /printed 2 lines where the order gave it 5 turns: its last 3 were skipped/);
    assert.equal(run.stopped, undefined, 'ended by itself, not at the time limit');
  }
});

test('--order shorter than the run: the workers run free after its end', () => {
  const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--models', 'thread', '--order', '1100']);
  assert.equal(r.status, 0, r.stderr);
  const run = r.trace!.runs[0];
  assert.ok(signatureOf(run).startsWith('1100'), signatureOf(run));
  assert.equal(run.forcedOrder?.followed, true);
  assert.match(run.forcedOrder!.note, /after its 4 lines the workers ran free \(6 more\)/);
});

test('--order with the lost update: both threads read before either writes, every time', () => {
  const r = runCli(['run', example('lost_update.py'), '--function', 'add_in_steps', '--models', 'thread', '--order', '01010101', '--repeat', '5']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    assert.equal(signatureOf(run), '01010101');
    const wrote = run.events.filter((e) => e.text.startsWith('wrote')).map((e) => e.text);
    assert.equal(wrote.length, 2);
    assert.equal(wrote[0], wrote[1], `both wrote the same number: one addition lost (${wrote.join(', ')})`);
  }
});

test('--order that makes a worker wait for a turn while it holds the lock the other needs: a deadlock in words, not a hang', () => {
  const r = runCli(['run', fixture('prints_holding_a_lock.py'), '--function', 'prints_holding_a_lock', '--models', 'thread', '--order', '0101', '--deadlock-seconds', '1', '--timeout', '60'], 90_000);
  assert.equal(r.status, 0, r.stderr);
  const run = r.trace!.runs[0];
  assert.equal(run.stopped, undefined, 'ended by the watchdog, not the time limit');
  const stuck = run.workerInfo.filter((w) => w.status === 'deadlock');
  assert.equal(stuck.length, 2);
  assert.match(stuck[0].deadlock!.cycle, /its turn to print/);
  assert.equal(run.forcedOrder?.followed, false);
  assert.match(run.forcedOrder!.note, /a deadlock ended the run after 1 of the order's 4 lines/);
});

for (const [order, message] of [
  ['0102', /--order: worker 2 is not among the 2 workers; use indices from 0 to 1/],
  ['01a0', /--order: "a" is not a worker's index; use digits from 0 to 1/],
  ['', /--order is empty: give the workers' indices/],
  ['0,1,,0', /--order: "," is not a worker's index/],
] as const) {
  test(`--order "${order}": exit 2 with one line saying what to do, nothing run`, () => {
    const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--order', order]);
    assert.equal(r.status, 2);
    assert.match(r.stderr.split('\n')[0], message);
    assert.equal(r.trace, undefined);
  });
}

test('--order and a worker process that leaves with os._exit while it still has turns: the other goes on at once', () => {
  // the watchdog off: only the turnstile's own watch on the processes can let the other go on
  const r = runCli(['run', fixture('exits_between_prints.py'), '--function', 'exits_between_prints', '--models', 'process', '--order', '010101', '--deadlock-seconds', '0', '--timeout', '30'], 60_000);
  assert.equal(r.status, 0, r.stderr);
  const run = r.trace!.runs[0];
  assert.equal(run.stopped, undefined, 'ended by itself, not at the time limit');
  assert.deepEqual(run.workerInfo.map((w) => w.status), ['exited', 'ok']);
  assert.equal(signatureOf(run), '0111');
  assert.match(run.forcedOrder!.note, /Process 1 printed 1 line where the order gave it 3 turns: its last 2 were skipped/);
});

test('--order waiting for ever (the watchdog off): the time limit ends it and the note says so', () => {
  const r = runCli(['run', fixture('prints_holding_a_lock.py'), '--function', 'prints_holding_a_lock', '--models', 'thread', '--order', '0101', '--deadlock-seconds', '0', '--timeout', '2'], 60_000);
  assert.equal(r.status, 0, r.stderr);
  const run = r.trace!.runs[0];
  assert.equal(run.stopped, 'timeout');
  assert.match(run.forcedOrder!.note, /^not followed: the time limit ended the run after 1 of the order's 4 lines/);
});

test('Cancel while workers wait for their turns: the run ends at once, no process left, the note says so', async () => {
  for (const model of ['thread', 'process'] as const) {
    const controller = new AbortController();
    const started = Date.now();
    // the second worker prints and then hangs with a turn left: the first waits for it for ever
    const trace = await runTrace({
      python, file: fixture('hangs.py'), function: 'hang', models: [model], workers: 2, timeoutSeconds: 60, spawn, signal: controller.signal, order: [1, 1, 0],
      follow: () => [new LivePreview(() => controller.abort())],
    });
    assert.ok(Date.now() - started < 20_000, `${model}: cancelled long before the 60 s limit`);
    const run = trace.runs[0];
    assert.equal(run.stopped, 'cancelled');
    assert.deepEqual(run.events.map((e) => e.worker), [1], `${model}: only the second worker's line came`);
    assert.match(run.forcedOrder!.note, /^not followed: Cancel ended the run after 1 of the order's 3 lines/);
    assert.deepEqual(processesMentioning(harnessRun), []);
  }
});

test('--order and a pool task whose process cannot import the file: its turns are skipped, the other task does not wait for them', () => {
  // spawn: each of the pool's processes imports the file anew, and the first one fails to
  const r = runCli(['run', fixture('first_child_cannot_import.py'), '--function', 'print_numbers', '--models', 'process-pool', '--start-method', 'spawn', '--order', '010101', '--deadlock-seconds', '0', '--timeout', '30'], 60_000);
  assert.equal(r.status, 0, r.stderr);
  const run = r.trace!.runs[0];
  assert.equal(run.stopped, undefined, 'ended by itself, not at the time limit');
  assert.deepEqual(run.workerInfo.map((w) => w.status).sort(), ['error', 'ok']);
  assert.equal(run.events.length, 3);
  assert.match(run.forcedOrder!.note, /Pool task [12] printed 0 lines where the order gave it 3 turns: its last 3 were skipped/);
});
