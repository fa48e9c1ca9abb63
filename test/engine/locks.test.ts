/**
 * Locks, exactly, and the deadlock watchdog, on real Python through the real CLI: each fixture
 * shows one behaviour. After the suite, a case × model table of what was recorded.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { fixture, processesMentioning, root, runCli as runCliRaw, runOf, type CliResult } from './helpers';
import { JOIN_KINDS } from '../../src/shared/lockKinds';
import type { LockSpan, Run } from '../../src/shared/trace';

const MODELS = ['sequential', 'thread', 'process', 'thread-pool', 'process-pool', 'asyncio'];
const ALL = ['--models', MODELS.filter((m) => m !== 'asyncio').join(',')];
/** This worktree's harness: a process left running by these runs names it (forked workers too). */
const HARNESS = path.join(root, 'python', 'interleave_harness.py');

/** case × model → what the run recorded, printed after the suite (the acceptance table). */
const outcomes = new Map<string, Map<string, string>>();
function runCli(args: string[]): CliResult {
  const r = runCliRaw(args);
  const name = path.basename(args[1], '.py') + (args.includes('--deadlock-seconds') ? ` (${args[args.indexOf('--deadlock-seconds') + 1]} s)` : '');
  const row = outcomes.get(name) ?? new Map<string, string>();
  for (const run of r.trace?.runs ?? []) row.set(run.model, describe(run));
  if (!r.trace) row.set('cli', `exit ${r.status}`);
  outcomes.set(name, row);
  return r;
}

function describe(run: Run): string {
  const statuses = [...new Set(run.workerInfo.map((w) => w.status))].join('/');
  const kinds = [...new Set((run.locks ?? []).map((l) => l.kind))].join(',');
  return `${statuses}, ${run.locks?.length ?? '—'} lock${run.locks?.length === 1 ? '' : 's'}${kinds ? ` (${kinds})` : ''}, ${(run.wallNs / 1e9).toFixed(1)} s`;
}

after(() => {
  const lines = [['case', ...MODELS].map((c) => c.padEnd(36)).join(' ')];
  for (const [name, row] of outcomes) lines.push([name.padEnd(36), ...MODELS.map((m) => (row.get(m) ?? row.get('cli') ?? '—').padEnd(36))].join(' '));
  console.log(`locks and deadlocks: case × model → worker statuses, lock spans (kinds), wall\n${lines.join('\n')}`);
});

/**
 * The cycle of two workers that took two locks in opposite orders: which worker took which first
 * is up to the scheduler.
 */
function crossed(who: string, a: string, b: string): string[] {
  const words = (x: string, y: string) => `${who} 1 holds ${x} and waits for ${y}; ${who} 2 holds ${y} and waits for ${x}`;
  return [words(a, b), words(b, a)];
}

/** The spans of `run`, each checked to be in time order. */
function spansOf(run: Run): LockSpan[] {
  assert.ok(Array.isArray(run.locks), `${run.model}: runs[].locks is there`);
  for (const l of run.locks!) {
    if (l.acquiredT !== null) assert.ok(l.waitT <= l.acquiredT, `${run.model}: waited before it acquired`);
    if (l.releasedT !== null) assert.ok(l.acquiredT !== null && l.acquiredT <= l.releasedT, `${run.model}: acquired before it released`);
  }
  return run.locks!;
}

test('a contended lock: the waiting worker has one wait span (name and creation line, the with line) and its hold span', () => {
  const r = runCli(['run', fixture('contended_lock.py'), '--function', 'add_slowly', ...ALL]);
  assert.equal(r.status, 0, r.stderr);
  for (const model of ['thread', 'thread-pool']) {
    const [span, ...more] = spansOf(runOf(r.trace!, model as Run['model']));
    assert.equal(more.length, 0, `${model}: one worker waited, once`);
    assert.deepEqual({ ...span, waitT: 0, acquiredT: 0, releasedT: 0, worker: 0 }, { worker: 0, thread: null, lock: 'counter_lock (line 4)', kind: 'Lock', line: 11, waitT: 0, acquiredT: 0, releasedT: 0 });
    assert.ok(span.acquiredT! - span.waitT >= 100e6, `${model}: waited while the other slept 0.2 s holding it`);
    assert.ok(span.releasedT! - span.acquiredT! >= 150e6, `${model}: held it while it slept 0.2 s`);
  }
  for (const model of ['sequential', 'process', 'process-pool']) assert.deepEqual(spansOf(runOf(r.trace!, model as Run['model'])), [], `${model}: nobody waited (one at a time, or a lock per process)`);
});

test('acquire()/release() by hand: the wait is on the acquire line, the hold ends at release', () => {
  const r = runCli(['run', fixture('acquire_release.py'), '--function', 'take_and_give_back', '--models', 'thread']);
  assert.equal(r.status, 0, r.stderr);
  const [span, ...more] = spansOf(r.trace!.runs[0]);
  assert.equal(more.length, 0);
  assert.equal(span.lock, 'guard (line 4)');
  assert.equal(span.line, 9);
  assert.ok(span.releasedT! - span.acquiredT! >= 150e6);
});

test('RLock re-entry by its owner is not a wait', () => {
  const r = runCli(['run', fixture('reentrant_lock.py'), '--function', 'nested', '--workers', '1', ...ALL]);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    assert.deepEqual(run.events.map((e) => e.text), ['three deep'], run.model);
    assert.deepEqual(spansOf(run), [], run.model);
  }
});

test('an uncontended lock records nothing', () => {
  const r = runCli(['run', fixture('uncontended_lock.py'), '--function', 'alone', '--workers', '1', ...ALL]);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) assert.deepEqual(spansOf(run), [], run.model);
});

for (const [file, fn, lock, kind, line] of [
  ['condition_wait.py', 'wait_until_ready', 'ready (line 4)', 'Condition', 18],
  ['queue_get_wait.py', 'take_a_job', 'jobs (line 5)', 'Queue', 15],
  ['event_wait.py', 'wait_for_start', 'started (line 4)', 'Event', 14],
  ['simple_queue_get_wait.py', 'take_an_item', 'q (line 5)', 'SimpleQueue', 15],
] as const) {
  test(`a blocking ${kind} wait is a lock wait on the ${kind}, not on its internal locks`, () => {
    const r = runCli(['run', fixture(file), '--function', fn, ...ALL]);
    assert.equal(r.status, 0, r.stderr);
    for (const run of r.trace!.runs) {
      assert.ok(run.workerInfo.every((w) => w.status === 'ok'), run.model);
      const spans = spansOf(run);
      assert.ok(spans.length >= 1, `${run.model}: the first worker waits 0.2 s at least`);
      for (const s of spans) {
        assert.deepEqual([s.lock, s.kind, s.line], [lock, kind, line], run.model);
        assert.ok(s.acquiredT !== null && s.acquiredT - s.waitT >= 100e6, `${run.model}: waited for the thread it started`);
      }
    }
  });
}

// multiprocessing's, made at module level: under fork the workers of a process model share them.
for (const [file, fn, lock, kind, line, ...more] of [
  ['mp_queue_get_wait.py', 'take_a_job', 'jobs (line 5)', 'multiprocessing.Queue', 16],
  ['mp_event_wait.py', 'wait_for_start', 'started (line 5)', 'multiprocessing.Event', 16],
  ['mp_condition_wait.py', 'wait_until_ready', 'ready (line 5)', 'multiprocessing.Condition', 20],
  ['mp_barrier_wait.py', 'meet_at_the_gate', 'gate (line 5)', 'multiprocessing.Barrier', 16, '--workers', '1'],
] as const) {
  test(`a blocking ${kind} wait is a lock wait on it, in every model (fork), not on its internal locks`, () => {
    const r = runCli(['run', fixture(file), '--function', fn, ...ALL, '--start-method', 'fork', ...more]);
    assert.equal(r.status, 0, r.stderr);
    for (const run of r.trace!.runs) {
      assert.ok(run.workerInfo.every((w) => w.status === 'ok'), run.model);
      const spans = spansOf(run);
      assert.deepEqual([...new Set(spans.map((s) => `${s.lock} ${s.kind}`))], [`${lock} ${kind}`], run.model);
      // a Condition's own lock can be contended for a moment too (its `with` lines): the waits are on `line`
      const waits = spans.filter((s) => s.line === line);
      assert.ok(waits.length >= 1, `${run.model}: the first worker waits 0.2 s at least`);
      // the object is shared (fork): a worker that began late can find it set already by another's thread
      assert.ok(waits.every((s) => s.acquiredT !== null), `${run.model}: every wait ended`);
      assert.ok(waits.some((s) => s.acquiredT! - s.waitT >= 100e6), `${run.model}: the first waited for the thread it started`);
    }
  });
}

test("the standard library's own locks (a thread pool, logging, a Queue's mutex, join) are not the user's", () => {
  const r = runCli(['run', fixture('stdlib_internal_locks.py'), '--function', 'busy_standard_library', '--models', 'thread,thread-pool,process']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    const spans = spansOf(run);
    const locks = spans.filter((s) => !JOIN_KINDS.includes(s.kind));
    assert.deepEqual([...new Set(locks.map((s) => s.lock))], run.model === 'process' ? [] : ['user_lock (line 9)'], run.model);
    // the pool's shutdown at the end of the user's `with` waits for its threads to end: a join of theirs, at that line
    for (const join of spans.filter((s) => JOIN_KINDS.includes(s.kind))) {
      assert.equal(join.kind, 'Thread.join');
      assert.match(join.lock, /^ThreadPoolExecutor-\d+_\d+$/);
      assert.ok(join.line === 20 || join.line === 21, `the with (or, before 3.10, its last line): ${join.line}`);
    }
  }
});

test('the two-lock deadlock: ended in ≈ 2 s as deadlock, with the cycle and each stack; the next model still runs; nothing left', () => {
  const started = Date.now();
  const r = runCli(['run', fixture('two_locks_deadlock.py'), '--function', 'transfer']);
  const elapsed = Date.now() - started;
  assert.equal(r.status, 0, r.stderr);
  assert.ok(elapsed < 25_000, `three runs, one of them ≈ 2 s: took ${elapsed} ms, not the 30 s timeout`);
  const cycles = crossed('Thread', 'a (line 5)', 'b (line 6)');
  const thread = runOf(r.trace!, 'thread');
  assert.ok(thread.wallNs < 5e9, `ended in ${thread.wallNs / 1e9} s`);
  assert.ok(thread.wallNs >= 2e9, 'not before the 2 s of the setting');
  assert.equal(thread.stopped, undefined, 'not a timeout');
  for (const w of thread.workerInfo) {
    assert.equal(w.status, 'deadlock');
    assert.ok(cycles.includes(w.deadlock!.cycle), w.deadlock!.cycle);
    assert.equal(w.deadlock!.cycle, thread.workerInfo[0].deadlock!.cycle, 'one cycle for the run');
    assert.match(w.deadlock!.stack, /two_locks_deadlock\.py", line 15, in transfer\n {4}with second:\n$/);
    assert.doesNotMatch(w.deadlock!.stack, /interleave_/, 'the user\'s frames only');
  }
  assert.deepEqual(thread.locks!.map((l) => [l.worker, l.acquiredT]).sort(), [[0, null], [1, null]], 'each still waits');
  assert.deepEqual(thread.locks!.map((l) => l.lock).sort(), ['a (line 5)', 'b (line 6)']);
  for (const model of ['sequential', 'process'] as const) {
    assert.deepEqual(runOf(r.trace!, model).workerInfo.map((w) => w.status), ['ok', 'ok'], `${model} ran as before`);
  }
  assert.match(r.stdout, /Deadlocked, so the run was ended early: Thread 1 holds [ab] \(line [56]\) and waits for/);
  assert.match(r.stdout, /worker 1 stuck at two_locks_deadlock\.py:15 in transfer: with second:/);
  assert.deepEqual(processesMentioning(HARNESS), [], 'no harness or worker process left');
});

test('--repeat with a deadlock: a deadlock ends its harness, and the repetitions after it still run (in a new one)', () => {
  const r = runCli(['run', fixture('two_locks_deadlock.py'), '--function', 'transfer', '--models', 'thread', '--repeat', '3', '--deadlock-seconds', '0.5']);
  assert.equal(r.status, 0, r.stderr);
  const runs = r.trace!.runs.filter((run) => run.model === 'thread');
  assert.deepEqual(runs.map((run) => run.repetition), [0, 1, 2], 'every repetition asked for is a run');
  for (const run of runs) assert.deepEqual(run.workerInfo.map((w) => w.status), ['deadlock', 'deadlock'], `repetition ${run.repetition}`);
  assert.equal(r.trace!.orders?.[0]?.repetitions, 3);
  assert.deepEqual(processesMentioning(HARNESS), [], 'no harness or worker process left');
});

test("processes deadlocked on multiprocessing locks (fork): each process's part of the cycle; the workers are ended", () => {
  const r = runCli(['run', fixture('process_locks_deadlock.py'), '--function', 'transfer', '--models', 'process', '--start-method', 'fork']);
  assert.equal(r.status, 0, r.stderr);
  const run = r.trace!.runs[0];
  assert.ok(run.wallNs < 5e9, `ended in ${run.wallNs / 1e9} s`);
  for (const w of run.workerInfo) {
    assert.equal(w.status, 'deadlock');
    assert.ok(crossed('Process', 'a (line 4)', 'b (line 5)').includes(w.deadlock!.cycle), w.deadlock!.cycle);
    assert.match(w.deadlock!.stack, /process_locks_deadlock\.py", line 17, in transfer/);
  }
  assert.deepEqual(run.locks!.map((l) => l.kind), ['multiprocessing.Lock', 'multiprocessing.Lock']);
  assert.deepEqual(processesMentioning(HARNESS), [], 'no harness or worker process left');
});

test('processes that all wait on a multiprocessing Queue nobody fills (fork) are a deadlock, not a time-out', () => {
  const r = runCli(['run', fixture('mp_queue_deadlock.py'), '--function', 'wait_for_a_request', '--models', 'process,thread', '--start-method', 'fork', '--deadlock-seconds', '1', '--timeout', '20']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    assert.ok(run.wallNs < 10e9, `${run.model}: ended in ${run.wallNs / 1e9} s`);
    const who = run.model === 'process' ? 'Process' : 'Thread';
    for (const w of run.workerInfo) {
      assert.equal(w.status, 'deadlock', run.model);
      assert.equal(w.deadlock!.cycle, `${who} 1 waits for an item from requests (line 3); ${who} 2 waits for an item from requests (line 3)`);
    }
  }
  assert.deepEqual(processesMentioning(HARNESS), [], 'no harness or worker process left');
});

test('with --repeat, a deadlock of processes is found in its repetition (each has its own folder), and the next repetition still runs', () => {
  const r = runCli(['run', fixture('process_locks_deadlock.py'), '--function', 'transfer', '--models', 'process', '--start-method', 'fork', '--repeat', '2', '--deadlock-seconds', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.trace!.runs.map((run) => [run.repetition, run.workerInfo.map((w) => w.status)]), [[0, ['deadlock', 'deadlock']], [1, ['deadlock', 'deadlock']]]);
  assert.deepEqual(processesMentioning(HARNESS), [], 'no harness or worker process left');
});

test('a worker that waits for itself: deadlock; a sequential call after it never started', () => {
  const r = runCli(['run', fixture('self_deadlock.py'), '--function', 'lock_twice', '--models', 'sequential,thread', '--deadlock-seconds', '1']);
  assert.equal(r.status, 0, r.stderr);
  const [first, second] = runOf(r.trace!, 'sequential').workerInfo;
  assert.equal(first.status, 'deadlock');
  assert.equal(first.deadlock!.cycle, 'Call 1 holds door (line 3) and waits for door (line 3)');
  assert.deepEqual([second.status, second.startNs, second.deadlock], ['deadlock', null, undefined]);
  const thread = runOf(r.trace!, 'thread');
  const self = 'holds door (line 3) and waits for door (line 3)';
  assert.ok([`Thread 1 ${self}; Thread 2 waits for door (line 3)`, `Thread 1 waits for door (line 3); Thread 2 ${self}`].includes(thread.workerInfo[0].deadlock!.cycle), 'the one that took it first waits for itself');
  assert.ok(thread.wallNs < 4e9, `a 1 s limit: ended in ${thread.wallNs / 1e9} s`);
});

test('asyncio: a task blocking the event loop on a lock another task holds is a deadlock of both', () => {
  const r = runCli(['run', fixture('async_lock_deadlock.py'), '--function', 'lock_twice', '--models', 'asyncio']);
  assert.equal(r.status, 0, r.stderr);
  const [one, two] = r.trace!.runs[0].workerInfo;
  assert.deepEqual([one.status, two.status], ['deadlock', 'deadlock']);
  assert.equal(one.deadlock!.cycle, 'Task 1 holds door (line 3) and cannot run: the event loop it shares is blocked; Task 2 waits for door (line 3)');
  assert.match(one.deadlock!.stack, /line 9, in lock_twice\n {4}await asyncio\.sleep\(0\.1\)/, 'where the suspended task is');
  assert.match(two.deadlock!.stack, /line 8, in lock_twice\n {4}door\.acquire\(\)/);
});

test('--deadlock-seconds 0 turns the watchdog off: the deadlock runs into the time limit', () => {
  const r = runCli(['run', fixture('two_locks_deadlock.py'), '--function', 'transfer', '--models', 'thread', '--deadlock-seconds', '0', '--timeout', '3']);
  assert.equal(r.status, 0, r.stderr);
  const run = r.trace!.runs[0];
  assert.equal(run.stopped, 'timeout');
  assert.deepEqual(run.workerInfo.map((w) => w.status), ['timeout', 'timeout']);
});

test('a bad --deadlock-seconds is refused before anything runs', () => {
  const r = runCliRaw(['run', fixture('two_locks_deadlock.py'), '--function', 'transfer', '--deadlock-seconds=-1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--deadlock-seconds must be a number of seconds ≥ 0 \(0 turns the deadlock watchdog off\), not -1/);
});
