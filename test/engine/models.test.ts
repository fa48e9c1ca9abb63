import assert from 'node:assert/strict';
import { test } from 'node:test';
import { example, fixture, pythonWithSubinterpreters, runCli, runOf } from './helpers';

const NUMBERS = ['Number: 0', 'Number: 1', 'Number: 2', 'Number: 3', 'Number: 4'];

test('thread-pool and process-pool run the canonical example: 5 events per worker, in order', () => {
  const r = runCli(['run', example('processes_example.py'), '--function', 'print_numbers', '--models', 'thread-pool,process-pool']);
  assert.equal(r.status, 0, r.stderr);
  const pool = runOf(r.trace!, 'thread-pool');
  const procPool = runOf(r.trace!, 'process-pool');
  for (const run of [pool, procPool]) {
    assert.equal(run.events.length, 10, run.model);
    for (const w of [0, 1]) assert.deepEqual(run.events.filter((e) => e.worker === w).map((e) => e.text), NUMBERS, `${run.model} worker ${w}`);
    assert.ok(run.workerInfo.every((w) => w.status === 'ok' && w.cpuNs! > 0), run.model);
  }
  const harnessPid = pool.events[0].pid;
  assert.ok(pool.events.every((e) => e.pid === harnessPid), 'pool threads live in the harness process');
  assert.ok(procPool.events.every((e) => e.pid !== harnessPid && e.pid === procPool.workerInfo[e.worker].pid), 'pool tasks run in pool processes');
  assert.ok(['fork', 'spawn', 'forkserver'].includes(procPool.startMethod!));
  assert.equal(pool.startMethod, null);
});

test('asyncio: one task per worker on one thread; their sleeps interleave', () => {
  const r = runCli(['run', fixture('async_target.py'), '--function', 'tick', '--models', 'sequential,asyncio']);
  assert.equal(r.status, 0, r.stderr);
  const run = runOf(r.trace!, 'asyncio');
  for (const w of [0, 1]) assert.deepEqual(run.events.filter((e) => e.worker === w).map((e) => [e.text, e.line]), [0, 1, 2].map((i) => [`tick ${i}`, 7]));
  assert.ok(run.events.every((e) => e.pid === run.events[0].pid));
  assert.ok(run.workerInfo.every((w) => w.status === 'ok' && w.cpuNs === null), 'per-task CPU time is unknown, not 0');
  let switches = 0;
  for (let i = 1; i < run.events.length; i++) if (run.events[i].worker !== run.events[i - 1].worker) switches++;
  assert.ok(switches >= 2, `tasks interleave at their awaits (${switches} switches)`);
  assert.ok(run.wallNs < runOf(r.trace!, 'sequential').wallNs, 'gathered tasks beat one after another');
});

test('asyncio with a plain def is bad input, said plainly', () => {
  const r = runCli(['run', example('processes_example.py'), '--function', 'print_numbers', '--models', 'asyncio']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /the asyncio model runs coroutines: print_numbers is not an async def/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('interpreter (subinterpreters) is feature-detected: a plain "not available", not an error', () => {
  const r = runCli(['run', example('processes_example.py'), '--function', 'print_numbers', '--models', 'sequential,interpreter']);
  assert.equal(r.status, 0, r.stderr);
  const run = runOf(r.trace!, 'interpreter');
  const version = r.trace!.python.version;
  if (Number(version.split('.')[1]) < 13) assert.match(run.unavailable!, new RegExp(`not available on Python ${version.split('.').slice(0, 2).join('\\.')}: the interpreter model needs Python 3\\.13\\+`));
  else assert.equal(run.events.length, 10);
  assert.equal(runOf(r.trace!, 'sequential').events.length, 10, 'the other models still run');
});

test('interpreter on Python 3.13+: one subinterpreter per worker, each loads the module, events in its lane', (t) => {
  const py = pythonWithSubinterpreters();
  if (!py) return t.skip('no Python 3.13+ on this machine');
  const r = runCli(['run', example('processes_example.py'), '--function', 'print_numbers', '--models', 'interpreter', '--python', py]);
  assert.equal(r.status, 0, r.stderr);
  const run = runOf(r.trace!, 'interpreter');
  assert.equal(run.unavailable, undefined);
  for (const w of [0, 1]) {
    assert.deepEqual(run.events.filter((e) => e.worker === w).map((e) => e.text), ['Number: 0', 'Number: 1', 'Number: 2', 'Number: 3', 'Number: 4']);
    assert.equal(run.workerInfo[w].status, 'ok');
    assert.equal(run.workerInfo[w].pid, run.workerInfo[0].pid, 'one process');
    assert.ok(run.workerInfo[w].cpuNs! > 0);
  }
  const raised = runCli(['run', fixture('raises.py'), '--function', 'fail_after_two', '--models', 'interpreter', '--python', py]);
  const failed = runOf(raised.trace!, 'interpreter');
  assert.deepEqual(failed.workerInfo.map((w) => w.error?.type), ['ValueError', 'ValueError']);
  assert.equal(failed.events.length, 4);
});
