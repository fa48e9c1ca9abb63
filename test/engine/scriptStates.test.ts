/**
 * The program as written (`interleave script`) gets what the function runs get from the
 * thread-states work: every thread and process of the program sampled from /proc, its locks'
 * contended waits, and the deadlock watchdog — on real Python through the real CLI.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { fixture, runCli, type CliResult } from './helpers';
import { JOIN_KINDS } from '../../src/shared/lockKinds';
import { stateShares } from '../../src/shared/states';
import { summarizeTrace } from '../../src/shared/summary';
import type { Run, ThreadState, WorkerInfo } from '../../src/shared/trace';

const linux = process.platform === 'linux';
const script = (name: string) => fixture(path.join('scripts', name));
/** Threads ready to run waited this share of the time for a CPU, at most, for "the load allows". */
const IDLE_ENOUGH = 0.2;

function traceScript(name: string, options: string[] = []): CliResult & { run: Run } {
  const r = runCli(['script', script(name), ...options]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.trace?.runs.length, 1);
  return { ...r, run: r.trace!.runs[0] };
}

const ofKind = (run: Run, kind: WorkerInfo['kind']) => run.workerInfo.filter((w) => w.kind === kind);
/** The run's waits on locks, Conditions, Events, queues; its joins are in joinsOf. */
const locksOnly = (run: Run) => (run.locks ?? []).filter((l) => !JOIN_KINDS.includes(l.kind));
const joinsOf = (run: Run) => (run.locks ?? []).filter((l) => JOIN_KINDS.includes(l.kind));

/** The shares of `state` of these workers' own threads, in their order. */
function shares(run: Run, workers: readonly WorkerInfo[], state: ThreadState): number[] {
  const lanes = stateShares(run).filter((l) => l.thread === null);
  return workers.map((w) => lanes.find((l) => l.worker === w.worker)?.shares[state] ?? -1);
}

test('a script with two CPU-bound threads: each thread is sampled, and each waits for the GIL part of the time', { skip: !linux }, () => {
  const { run, stdout } = traceScript('cpu_bound_threads.py');
  assert.equal(run.stateSource?.method, 'proc', run.stateNote);
  const threads = ofKind(run, 'thread');
  assert.equal(threads.length, 2);
  for (const w of [...threads, ...ofKind(run, 'main')]) {
    assert.equal(typeof w.tid, 'number', `${w.name} has its native thread id`);
    assert.ok(w.stateNs, `${w.name} has its state sums`);
  }
  const gil = shares(run, threads, 'gil');
  // ≈ 45–50% each on an idle machine; where the threads waited for a CPU (other load) that counts as running
  const idle = (run.stateSource!.cpuWait ?? 1) <= IDLE_ENOUGH;
  for (const g of gil) assert.ok(g >= (idle ? 0.3 : 0.08), `waiting for the GIL: ${gil.map((x) => x.toFixed(2))} (cpu wait ${run.stateSource!.cpuWait})`);
  assert.match(stdout, /Thread-1 \(spin\): running \d+% · waiting for the GIL \d+%/, 'the summary has each lane\'s shares');
  if (idle) assert.match(stdout, /^ {11}The threads overlapped but took turns on the GIL: each waited \d+(–\d+)?% of its time for it\.$/m, 'the verdict');
});

test('a script whose processes are sampled too: each spawned process runs on its own, no GIL wait', { skip: !linux }, () => {
  const { run } = traceScript('cpu_bound_processes.py');
  const processes = ofKind(run, 'process');
  assert.equal(processes.length, 2);
  for (const w of processes) assert.equal(w.tid, w.pid, `${w.name}: a process worker's thread is its main thread`);
  const running = shares(run, processes, 'running');
  for (const x of running) assert.ok(x >= 0.8, `running: ${running.map((v) => v.toFixed(2))}`);
  assert.deepEqual(shares(run, processes, 'gil'), [0, 0]);
});

test('a script with a contended lock: the wait and hold, named by the line that made the lock, and the waiter in state lock', { skip: !linux }, () => {
  const { run } = traceScript('contended_lock.py');
  const locks = locksOnly(run);
  assert.equal(locks.length, 1, JSON.stringify(locks));
  const [span] = locks;
  assert.equal(span.lock, 'counter_lock (line 5)');
  assert.equal(span.kind, 'Lock');
  assert.equal(span.line, 11, 'the line of the with');
  assert.equal(run.workerInfo[span.worker].kind, 'thread');
  assert.ok(span.acquiredT !== null && span.releasedT !== null && span.acquiredT - span.waitT >= 100e6, `waited ≈ 0.2 s: ${JSON.stringify(span)}`);
  const waiter = run.states!.filter((s) => s.worker === span.worker && s.thread === null && s.state === 'lock');
  assert.ok(waiter.reduce((n, s) => n + s.dur, 0) >= 100e6, 'the waiting thread is in state lock for its wait');
});

test("a lock made and taken in another file of the program: named with that file, its acquire's line and file as events carry them", () => {
  const { run } = traceScript('contended_lock_in_a_module.py');
  const locks = locksOnly(run);
  assert.equal(locks.length, 1, JSON.stringify(locks));
  assert.equal(locks[0].lock, 'counter_lock (counter_module.py, line 5)');
  assert.equal(locks[0].line, 9, 'the line of the with, in that file');
  assert.equal(locks[0].file, script('counter_module.py'));
  assert.ok(locks[0].acquiredT !== null && locks[0].acquiredT - locks[0].waitT >= 100e6, JSON.stringify(locks[0]));
});

test('the two-lock deadlock written as a script ends in ≈ 2 s as deadlock, with the cycle and each stack', () => {
  const started = Date.now();
  const { run, stdout } = traceScript('two_locks_deadlock.py');
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 15, `ended by the watchdog, not at the 30 s timeout: ${seconds.toFixed(1)} s`);
  assert.equal(run.stopped, undefined, 'not stopped at the time limit');
  const threads = ofKind(run, 'thread');
  assert.equal(threads.length, 2);
  for (const w of threads) {
    assert.equal(w.status, 'deadlock', w.name);
    assert.match(w.deadlock!.cycle, /Thread-1 \(transfer\) holds a \(line 5\) and waits for b \(line 6\)/);
    assert.match(w.deadlock!.cycle, /Thread-2 \(transfer\) holds b \(line 6\) and waits for a \(line 5\)/);
    assert.match(w.deadlock!.stack, /two_locks_deadlock\.py", line 12, in transfer\n {4}with second:\n$/);
    assert.doesNotMatch(w.deadlock!.stack, /interleave_/, "the user's frames only");
  }
  const main = ofKind(run, 'main')[0];
  assert.equal(main.status, 'deadlock', 'the main thread waits for a deadlocked thread');
  assert.match(main.deadlock!.stack, /line 21, in <module>\n {4}one\.join\(\)/);
  assert.deepEqual(locksOnly(run).map((l) => [l.lock, l.acquiredT]).sort(), [['a (line 5)', null], ['b (line 6)', null]]);
  const joins = joinsOf(run);
  assert.deepEqual(joins.map((l) => [l.kind, l.lock, l.line, l.acquiredT]), [['Thread.join', 'Thread-1 (transfer)', 21, null]], 'the main thread still joining');
  assert.match(stdout, /Thread-1 \(transfer\) stuck at two_locks_deadlock\.py:12 in transfer: with second:/, 'the summary names the lanes');
  assert.ok(!run.workerInfo.some((w) => w.name === 'interleave-watchdog'), 'our watchdog is no lane of the program');
});

test("a deadlock of a child process's threads ends the program in ≈ 2 s too: the child's lanes with the cycle in its names, the rest ended with it", () => {
  const started = Date.now();
  const { run } = traceScript('deadlock_in_a_child.py');
  assert.ok((Date.now() - started) / 1000 < 15, 'ended by the watchdog, not at the 30 s timeout');
  assert.equal(run.stopped, undefined);
  const child = ofKind(run, 'process')[0];
  assert.equal(child.name, 'SpawnProcess-1');
  const cycle = child.deadlock?.cycle ?? '';
  assert.match(cycle, /^SpawnProcess-1 waits for its thread Thread-1 \(transfer\) to end; /, 'the child named as its lane is');
  assert.match(cycle, /Thread-1 \(transfer\) holds a \(line 16\) and waits for b \(line 16\); Thread-2 \(transfer\) holds b \(line 16\) and waits for a \(line 16\)/);
  for (const w of ofKind(run, 'thread')) {
    assert.equal(w.pid, child.pid, "the deadlocked threads are the child's");
    assert.equal(w.status, 'deadlock');
    assert.match(w.deadlock!.stack, /deadlock_in_a_child\.py", line 11, in transfer\n {4}with second:\n$/);
  }
  const main = ofKind(run, 'main')[0];
  assert.equal(main.status, 'deadlock', 'the main process, waiting for the child, ended with the program');
  assert.equal(main.deadlock, undefined, 'it was in no cycle');
});

for (const method of ['fork', 'spawn', 'forkserver']) {
  test(`processes deadlocked on multiprocessing locks (${method}) end the program in ≈ 2 s: every process's word, the cycle across them`, { skip: !linux }, () => {
    const started = Date.now();
    const { run } = traceScript('processes_deadlock.py', ['--', method]);
    assert.ok((Date.now() - started) / 1000 < 15, 'ended by the watchdog, not at the 30 s timeout');
    assert.equal(run.stopped, undefined);
    const processes = ofKind(run, 'process');
    assert.equal(processes.length, 2);
    const [one, two] = processes.map((w) => w.name).sort(); // Process-1 first, whichever began first
    for (const w of [...processes, ...ofKind(run, 'main')]) {
      assert.equal(w.status, 'deadlock', w.name);
      const cycle = w.deadlock!.cycle;
      assert.match(cycle, new RegExp(`MainThread waits for its process ${one} to end`), cycle);
      assert.ok(cycle.includes(`${one} holds a (line 18) and waits for b (line 19)`), cycle);
      assert.ok(cycle.includes(`${two} holds b (line 19) and waits for a (line 18)`), cycle);
    }
    for (const w of processes) assert.match(w.deadlock!.stack, /processes_deadlock\.py", line 12, in transfer\n {4}with second:\n$/);
    const waits = locksOnly(run).filter((l) => l.kind === 'multiprocessing.Lock');
    assert.equal(waits.length, 2, JSON.stringify(run.locks));
    assert.ok(waits.every((l) => l.acquiredT === null));
    assert.deepEqual(joinsOf(run).map((l) => [l.kind, l.lock, l.line]), [['Process.join', one, 24]], "the main process's join of the first");
    assert.ok(processes.every((w) => w.joinedBy === undefined && w.joinedNs === undefined), 'a join that never returned joined nothing');
  });
}

test('a child forked while a thread of its parent held a lock hangs on it: ended as a deadlock, and the verdict says it was forked amid that thread', () => {
  const started = Date.now();
  const { run, trace } = traceScript('forks_while_a_thread_holds_a_lock.py', ['--deadlock-seconds', '1']);
  assert.ok((Date.now() - started) / 1000 < 15, 'ended by the watchdog');
  const child = ofKind(run, 'process')[0];
  assert.deepEqual([child.status, child.forkedAmidThreads], ['deadlock', 1]);
  assert.match(child.deadlock!.cycle, /ForkProcess-1 waits for lock \(line 7\)/);
  const [summary] = summarizeTrace(trace!);
  assert.match(summary.verdict, /ForkProcess-1 was forked while 1 other thread of its parent ran: a lock one of them held then .* start the processes before the threads, or use the spawn or forkserver start method\.$/);
});

test('a child waiting for a multiprocessing lock its live parent holds longer than --deadlock-seconds is no deadlock', () => {
  const { run } = traceScript('process_lock_held_long.py', ['--deadlock-seconds', '0.5']);
  assert.equal(run.stopped, undefined);
  assert.ok(run.workerInfo.every((w) => w.status === 'ok'), run.workerInfo.map((w) => `${w.name}: ${w.status} ${w.deadlock?.cycle ?? ''}`).join('; '));
  assert.ok(run.events.some((e) => e.text.startsWith('child got it')), 'the child went on');
  const [wait] = locksOnly(run);
  assert.equal(wait?.kind, 'multiprocessing.Lock', JSON.stringify(run.locks));
  assert.equal(run.workerInfo[wait.worker].kind, 'process');
  assert.ok(wait.acquiredT !== null && wait.acquiredT - wait.waitT >= 0.8e9, `waited until the parent let go: ${JSON.stringify(wait)}`);
});

test("a script's joins are waits of their own: on the joining lane, named for the thread joined, and left out of what the run waited for", { skip: !linux }, () => {
  const { run, stdout, trace } = traceScript('joins_its_threads.py');
  const main = ofKind(run, 'main')[0];
  const joins = joinsOf(run);
  assert.deepEqual(joins.map((l) => [l.worker, l.kind, l.lock, l.line]), [
    [main.worker, 'Thread.join', 'Thread-1 (nap)', 19],
    [main.worker, 'Thread.join', 'Thread-2 (nap)', 20],
  ]);
  for (const join of joins) {
    const joined = ofKind(run, 'thread').find((w) => w.name === join.lock)!; // lanes are in the order they began
    assert.ok(join.acquiredT !== null && join.acquiredT >= joined.endNs!, `${joined.name}: joined after it ended`);
    assert.equal(join.releasedT, null, 'nothing is held after a join');
    assert.deepEqual([joined.joinedBy, joined.joinedNs], [main.worker, join.acquiredT], `${joined.name}: its life ends at the join`);
  }
  const lane = stateShares(run).find((l) => l.worker === main.worker && l.thread === null)!;
  assert.ok(lane.joining >= 0.5, `the main thread mostly joins: ${lane.joining.toFixed(2)}`); // ≈ 0.97 idle; its start and polls grow under load
  assert.ok(lane.shares.lock < 0.05, 'a join is not a lock wait in the shares');
  assert.match(stdout, /MainThread: .*waiting for others to end \(join\) \d+%/);
  const [summary] = summarizeTrace(trace!);
  assert.equal(summary.waitedFor, 'sleep', `the threads' naps, not the main thread's join: ${summary.verdict}`);
});

test('--deadlock-seconds 0 for a script: no watchdog, the deadlock runs into the time limit', () => {
  const { run } = traceScript('two_locks_deadlock.py', ['--deadlock-seconds', '0', '--timeout', '3']);
  assert.equal(run.stopped, 'timeout');
  assert.ok(run.wallNs >= 2e9, `its wall runs to the time limit, not to its last line: ${run.wallNs / 1e9} s`);
  assert.ok(ofKind(run, 'thread').every((w) => w.status === 'timeout'));
});

test('a script with asyncio tasks: its thread has states, the tasks none, and the run says why', { skip: !linux }, () => {
  const { run } = traceScript('asyncio_tasks.py');
  assert.equal(run.stateSource?.method, 'proc');
  const tasks = ofKind(run, 'task');
  assert.ok(tasks.length >= 2);
  assert.ok(tasks.every((w) => w.stateNs === undefined), 'a task has no states of its own');
  assert.ok(!run.states!.some((s) => tasks.some((w) => w.worker === s.worker)));
  assert.ok(ofKind(run, 'main')[0].stateNs, 'the thread they run on has');
  assert.match(run.stateNote ?? '', /asyncio task has no states of its own/);
});

test('--sample-hz 0 for a script: no states, and the run says why', () => {
  const { run, stdout } = traceScript('cpu_bound_threads.py', ['--sample-hz', '0']);
  assert.equal(run.stateSource, null);
  assert.match(run.stateNote ?? '', /not sampled: sampling is off/);
  assert.equal(run.states, undefined);
  assert.doesNotMatch(stdout, /running \d+%/);
});
