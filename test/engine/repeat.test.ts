import assert from 'node:assert/strict';
import { test } from 'node:test';
import { example, fixture, runCli } from './helpers';
import { orderSignature } from '../../src/shared/orders';
import type { Run, Trace } from '../../src/shared/trace';
import type { LineEnding } from '../../src/shared/endings';

const runsOf = (trace: Trace, model: Run['model']) => trace.runs.filter((r) => r.model === model);
const signatureOf = (run: Run) => orderSignature(run.events.map((e) => e.worker), run.workers);
/** Some event of a worker came between two events of another. */
const interleaved = (run: Run) => /^0+1+$|^1+0+$/.test(signatureOf(run)) === false;

test('--repeat N: N runs per model, repetition 0..N−1 in order, one harness per model, fresh workers, orders that account for every run', () => {
  const n = 4;
  const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--models', 'thread,process', '--repeat', String(n)]);
  assert.equal(r.status, 0, r.stderr);
  const trace = r.trace!;
  assert.deepEqual(trace.runs.map((run) => `${run.model}:${run.repetition}`), [...['thread', 'process'].flatMap((m) => Array.from({ length: n }, (_, k) => `${m}:${k}`))]);
  // threads are in the harness process: one pid for every repetition is one harness for the model
  const threads = runsOf(trace, 'thread');
  assert.equal(new Set(threads.flatMap((run) => run.workerInfo.map((w) => w.pid))).size, 1, 'one harness process runs all the thread repetitions');
  // processes are started anew for each repetition
  const processPids = runsOf(trace, 'process').flatMap((run) => run.workerInfo.map((w) => w.pid));
  assert.equal(new Set(processPids).size, processPids.length, 'each repetition has processes of its own');
  assert.deepEqual(trace.orders!.map((o) => o.model), ['thread', 'process']);
  for (const orders of trace.orders!) {
    const runs = runsOf(trace, orders.model);
    assert.equal(orders.repetitions, n);
    assert.equal(orders.distinct, orders.orders.length);
    assert.equal(orders.orders.reduce((sum, o) => sum + o.count, 0), n, 'the counts add up to the repetitions');
    assert.deepEqual(orders.orders.flatMap((o) => o.repetitions).sort(), runs.map((run) => run.repetition).sort());
    runs.forEach((run) => assert.ok(orders.orders.find((o) => o.signature === signatureOf(run))!.repetitions.includes(run.repetition!), `repetition ${run.repetition}'s order is listed under it`));
    for (let i = 1; i < orders.orders.length; i++) assert.ok(orders.orders[i - 1].count >= orders.orders[i].count, 'most frequent first');
  }
  assert.match(r.stdout, /thread: \d+ (distinct orders|order) in 4 runs \(of 252 possible\)/);
  assert.match(r.stdout, /process +4 runs: wall median/);
  // the comparison the panel shows, over each model's medians
  assert.match(r.stdout, /^(Threads|Processes) ran .* \(medians of 4 runs each\)/m);
});

test('--align: processes begin together and interleave in at least one of 10 repetitions', () => {
  const r = runCli(['run', fixture('spins_between_prints.py'), '--function', 'print_with_spins', '--models', 'process', '--repeat', '10', '--align', '--args', 'ms=4']);
  assert.equal(r.status, 0, r.stderr);
  const runs = runsOf(r.trace!, 'process');
  assert.equal(runs.length, 10);
  for (const run of runs) {
    assert.equal(run.aligned, true);
    assert.ok(run.workerInfo.every((w) => w.status === 'ok'));
  }
  assert.ok(runs.some(interleaved), `no repetition interleaved: ${runs.map(signatureOf).join(' ')}`);
});

test('--switch-interval: threads with a 0.1 ms interval interleave in at least one of 10 repetitions; it is recorded for thread models only', () => {
  const r = runCli(['run', fixture('spins_between_prints.py'), '--function', 'print_with_spins', '--models', 'thread,sequential', '--repeat', '10', '--switch-interval', '0.0001', '--args', 'ms=1.5']);
  assert.equal(r.status, 0, r.stderr);
  const runs = runsOf(r.trace!, 'thread');
  assert.equal(runs.length, 10);
  for (const run of runs) assert.equal(run.switchInterval, 0.0001);
  assert.ok(runs.every((run) => run.aligned === undefined), 'not aligned unless asked');
  assert.ok(runsOf(r.trace!, 'sequential').every((run) => run.switchInterval === undefined));
  assert.ok(runs.some(interleaved), `no repetition interleaved: ${runs.map(signatureOf).join(' ')}`);
});

test('--repeat with failing workers still gives N runs, each with its failures', () => {
  const r = runCli(['run', fixture('raises.py'), '--function', 'fail_after_two', '--models', 'thread,process', '--repeat', '3']);
  assert.equal(r.status, 0, r.stderr);
  for (const model of ['thread', 'process'] as const) {
    const runs = runsOf(r.trace!, model);
    assert.deepEqual(runs.map((run) => run.repetition), [0, 1, 2]);
    for (const run of runs) assert.deepEqual(run.workerInfo.map((w) => w.error?.type), ['ValueError', 'ValueError'], `${model} ${run.repetition}`);
  }
  assert.match(r.stdout, /3 of its runs had a worker that did not end ok/);
});

test('bad --repeat and --switch-interval values are refused with exit 2 and what is allowed', () => {
  for (const [option, value, message] of [
    ['--repeat', '0', /--repeat must be a whole number from 1 to 1000/],
    ['--repeat', '2.5', /--repeat must be a whole number/],
    ['--repeat', 'many', /--repeat must be a whole number/],
    ['--switch-interval', '0', /--switch-interval must be a number of seconds from 0\.000001 to 1/],
    ['--switch-interval', '2', /--switch-interval must be a number of seconds/],
    ['--switch-interval', 'fast', /--switch-interval must be a number of seconds/],
  ] as const) {
    const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', option, value]);
    assert.equal(r.status, 2, `${option} ${value}`);
    assert.match(r.stderr, message);
    assert.equal(r.trace, undefined, 'nothing ran');
  }
});

/** Repetition `i` of an ending's line, put back together from its parts and numbers. */
const endingLine = (e: LineEnding, i: number) => e.parts.map((p, g) => (g ? String(e.numbers[g - 1][i]) : '') + p).join('');
/** Each worker's last line in each run of a model, by repetition. */
const lastLinesOf = (trace: Trace, model: Run['model']) => runsOf(trace, model).map((run) => Array.from({ length: run.workers }, (_, w) => run.events.filter((e) => e.worker === w).at(-1)?.text ?? null));

test('--repeat: endings keep what every run printed the same and give the varying numbers run by run (thread and process)', () => {
  const r = runCli(['run', fixture('ends_with_a_varying_number.py'), '--function', 'finish', '--models', 'thread,process', '--repeat', '4']);
  assert.equal(r.status, 0, r.stderr);
  const trace = r.trace!;
  assert.deepEqual(trace.endings!.map((e) => [e.model, e.repetitions, e.workers.length]), [['thread', 4, 2], ['process', 4, 2]]);
  for (const endings of trace.endings!) {
    const last = lastLinesOf(trace, endings.model);
    for (const w of endings.workers) {
      assert.equal(w.endings.length, 1, 'one form: the lines differ only in their numbers');
      const e = w.endings[0];
      assert.deepEqual(e.parts, ['done: 3 steps, token ', ''], 'the 3 printed in every run stays text');
      e.repetitions.forEach((k, i) => assert.equal(endingLine(e, i), last[k][w.worker], `repetition ${k}, worker ${w.worker}`));
    }
  }
  assert.match(r.stdout, /Thread 1 ended with "done: 3 steps, token N" in all 4 runs; N: /);
  assert.match(r.stdout, /Process 2 ended with "done: 3 steps, token N" in all 4 runs; N: /);
});

test('--repeat on the lost update: the summary and trace say what the additions came to in each run (with the Lock: 0 in all)', () => {
  const unsafe = runCli(['run', example('lost_update.py'), '--function', 'add_unsafely', '--models', 'thread', '--repeat', '4', '--switch-interval', '0.0001']);
  assert.equal(unsafe.status, 0, unsafe.stderr);
  const last = lastLinesOf(unsafe.trace!, 'thread');
  for (const w of unsafe.trace!.endings![0].workers) {
    const [e] = w.endings;
    assert.equal(w.endings.length, 1);
    assert.match(e.parts.join('N'), /^(N|\d+) of my 100000 additions overwrote another thread's$/);
    e.repetitions.forEach((k, i) => assert.equal(endingLine(e, i), last[k][w.worker]));
  }
  assert.match(unsafe.stdout, /Thread 2 ended with "(N|\d+) of my 100000 additions overwrote another thread's"/);
  const safe = runCli(['run', example('lost_update.py'), '--function', 'add_safely', '--models', 'thread', '--repeat', '3']);
  assert.equal(safe.status, 0, safe.stderr);
  assert.match(safe.stdout, /Thread 1 ended with "0 of my 100000 additions overwrote another thread's" same in all 3 runs/);
  assert.match(safe.stdout, /Thread 2 ended with "0 of my 100000 additions overwrote another thread's" same in all 3 runs/);
});
