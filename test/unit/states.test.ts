/** Thread states: what /proc's text says (fed fake text), and from samples to the trace's spans. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_WCHAN, NO_SYSCALL, RUNNING, UNSEEN, codeOfSyscall, decode, schedstatOf, stateLetter, stateOf, syscallCode, wchanText, type CodeBook } from '../../src/runner/states/classify';
import { syscallNames, waitKind } from '../../src/runner/states/syscalls';
import { coarsen, runStates, type StateRun } from '../../src/runner/states/spans';
import { busyMachine, cpuWaitShare } from '../../src/runner/states/modelStates';
import type { SampledThread } from '../../src/runner/states/sampler';
import { JOINING, sharesText, stateShares, stateWords, workersStates } from '../../src/shared/states';
import type { LockSpan, StateSpan, WorkerInfo } from '../../src/shared/trace';

const x64 = syscallNames('x64');
const book: CodeBook = { syscalls: x64, wchans: ['futex_wait_queue', 'hrtimer_nanosleep', 'anon_pipe_read', 'do_wait', 'stopped'] };
const shared = { gilShared: true, inLockWait: false };
const alone = { gilShared: false, inLockWait: false };
/** /proc/…/syscall of a thread blocked in `nr` with these arguments (then sp and pc). */
const syscallText = (nr: number, ...args: string[]) => `${nr} ${[...args, '0x0', '0x0', '0x0', '0x0', '0x0', '0x0'].slice(0, 6).join(' ')} 0x7ffd5a0 0x7f3e21\n`;
/** The sampler reads /proc's text as bytes. */
const code = (text: string) => codeOfSyscall(Buffer.from(text, 'latin1'), text.length, x64);
const stateFor = (text: string, ctx = shared) => stateOf(decode(code(text), book), ctx);

test('the system call tables know each architecture by its own numbers', () => {
  assert.equal(x64?.get(202), 'futex');
  assert.equal(x64?.get(230), 'clock_nanosleep');
  assert.equal(x64?.get(0), 'read');
  const arm = syscallNames('arm64');
  assert.equal(arm?.get(98), 'futex');
  assert.equal(arm?.get(115), 'clock_nanosleep');
  assert.equal(arm?.get(63), 'read');
  assert.equal(syscallNames('ia32'), null, 'an architecture we have no table for: states come from wchan');
  assert.deepEqual(['futex', 'nanosleep', 'recvfrom', 'epoll_wait', 'wait4'].map(waitKind), ['futex', 'sleep', 'io', 'io', 'other']);
});

test('/proc/…/syscall: running, not in a system call, and a futex wait with and without a timeout', () => {
  assert.equal(code('running\n'), RUNNING);
  assert.equal(code('-1 0x7ffd5a0 0x7f3e21\n'), NO_SYSCALL);
  assert.equal(code(''), NO_SYSCALL);
  assert.equal(code(syscallText(202, '0x55da47750310', '0x189', '0x0', '0x0')), syscallCode(202, false), 'Lock.acquire(): no timeout');
  assert.equal(code(syscallText(202, '0x55da47750310', '0x89', '0x0', '0x7f767f7fdb40')), syscallCode(202, true), "the GIL's timed wait");
  assert.equal(code(syscallText(202, '0x55da47750310', '0x89', '0x0', '0x0a')), syscallCode(202, true), 'a timeout pointer that starts like a null one');
  assert.equal(code(syscallText(0, '0x3', '0x7f3e2124b800', '0xa')), syscallCode(0, false));
  assert.equal(code(syscallText(0, '0x3', '0x7f3e2124b800', '0x1')), syscallCode(0, false), 'only a futex wait has a timeout that counts');
});

test('each wait is classified: the GIL, sleeping, I/O, other with its name', () => {
  assert.deepEqual(stateFor('running\n'), { state: 'running', detail: null });
  assert.deepEqual(stateFor(syscallText(202, '0x55', '0x89', '0x0', '0x7f76')), { state: 'gil', detail: 'futex' });
  assert.deepEqual(stateFor(syscallText(202, '0x55', '0x189', '0x0', '0x0')), { state: 'other', detail: 'futex' }, 'an untimed futex wait is a lock, join or event: never the GIL');
  assert.deepEqual(stateFor(syscallText(202, '0x55', '0x89', '0x0', '0x7f76'), alone), { state: 'other', detail: 'futex' }, 'no other thread shares its GIL');
  assert.deepEqual(stateOf(decode(syscallCode(202, true), book), { gilShared: true, inLockWait: true }), { state: 'lock', detail: 'futex' }, 'inside a recorded lock wait');
  const inWait = { gilShared: false, inLockWait: true, lockName: 'Process-1' };
  assert.deepEqual(stateFor(syscallText(61, '0x4'), inWait), { state: 'lock', detail: 'Process-1' }, "waitpid inside a Process.join is the join's");
  assert.deepEqual(stateFor(syscallText(0, '0x3'), inWait), { state: 'lock', detail: 'Process-1' }, "a pipe read inside a multiprocessing Queue's get is the get's");
  assert.deepEqual(stateFor('running\n', inWait), { state: 'running', detail: null }, 'running inside a wait is running');
  assert.deepEqual(stateFor(syscallText(230, '0x1', '0x1', '0x7f3e1bffec40')), { state: 'sleep', detail: 'clock_nanosleep' });
  assert.deepEqual(stateFor(syscallText(0, '0x3')), { state: 'io', detail: 'read' });
  assert.deepEqual(stateFor(syscallText(232, '0x4')), { state: 'io', detail: 'epoll_wait' });
  assert.deepEqual(stateFor(syscallText(61, '0x4')), { state: 'other', detail: 'wait4' });
  assert.deepEqual(stateFor(syscallText(999, '0x4')), { state: 'other', detail: 'syscall 999' });
  assert.deepEqual(stateFor('-1 0x7ffd5a0 0x7f3e21\n'), { state: 'other', detail: 'not in a system call' });
});

test('without /proc/…/syscall: the state letter and wchan, where a futex wait of a GIL-sharing thread is the GIL', () => {
  assert.equal(stateLetter('4242 (python3) S 4200 4242 0 0 -1 4194368'), 'S');
  assert.equal(stateLetter('4242 (my (odd) name) R 1 2 3'), 'R', 'the letter is after the last ")"');
  assert.equal(wchanText('R', '0'), null);
  assert.equal(wchanText('S', 'futex_wait_queue\n'), 'futex_wait_queue');
  assert.equal(wchanText('S', '0'), 'unknown', 'a kernel that hides wchan');
  assert.equal(wchanText('t', 'ptrace_stop'), 'stopped');
  const wchan = (i: number, ctx = shared) => stateOf(decode(FIRST_WCHAN - i, book), ctx);
  assert.deepEqual(wchan(0), { state: 'gil', detail: 'futex' });
  assert.deepEqual(wchan(0, alone), { state: 'other', detail: 'futex' });
  assert.deepEqual(wchan(1), { state: 'sleep', detail: 'hrtimer_nanosleep' });
  assert.deepEqual(wchan(2), { state: 'io', detail: 'anon_pipe_read' });
  assert.deepEqual(wchan(3), { state: 'other', detail: 'do_wait' });
});

test('/proc/…/schedstat: time on a CPU and time waiting for one', () => {
  const sched = (text: string) => schedstatOf(Buffer.from(text), text.length);
  assert.deepEqual(sched('74833502 13836992 56\n'), { runNs: 74833502, waitNs: 13836992 });
  assert.deepEqual(sched('0 0 0\n'), { runNs: 0, waitNs: 0 }, 'a kernel without schedstats');
  assert.equal(sched(''), null);
  assert.equal(sched('12'), null);
});

const MS = 1_000_000;
const T0 = 5_000 * MS; // the run's start on the monotonic clock
const FUTEX_TIMED = syscallCode(202, true);
const SLEEP = syscallCode(230, false);

function worker(n: number, extra: Partial<WorkerInfo> = {}): WorkerInfo {
  return { worker: n, pid: 100, tid: 200 + n, startNs: 10 * MS, endNs: 90 * MS, cpuNs: null, status: 'ok', ...extra };
}

function series(tid: number, points: Array<[number, number]>, endMs: number): SampledThread {
  return { pid: 100, tid, t: points.map(([ms]) => T0 + ms * MS), code: points.map(([, c]) => c), end: T0 + endMs * MS, onCpuNs: 0, readyNs: 0 };
}

function stateRun(threads: SampledThread[], workerInfo: WorkerInfo[], extra: Partial<StateRun> = {}): StateRun {
  return {
    run: { wallNs: 100 * MS, workerInfo }, t0: T0, syscalls: x64, gilShared: () => true, maxSpans: 1000,
    sampled: { threads, samples: 0, blockedBy: 'syscall', wchans: [], hz: 1000 },
    ...extra,
  };
}

test("spans: a worker's samples cut to its body, equal neighbours merged, the unseen left out", () => {
  const t = series(200, [[5, RUNNING], [12, RUNNING], [20, FUTEX_TIMED], [30, FUTEX_TIMED], [40, UNSEEN], [50, RUNNING]], 95);
  const { states, stateNs } = runStates(stateRun([t], [worker(0)]));
  const ms = (s: StateSpan) => [s.t / MS, s.dur / MS, s.state];
  assert.deepEqual(states.map(ms), [[10, 10, 'running'], [20, 20, 'gil'], [50, 40, 'running']], 'from startNs (10) to endNs (90)');
  assert.deepEqual(stateNs[0], { running: 50 * MS, gil: 20 * MS, lock: 0, sleep: 0, io: 0, other: 0 });
  assert.ok(states.every((s) => s.worker === 0 && s.thread === null));
});

test('spans: a thread shared by calls one after another (sequential) is split between them by their bodies', () => {
  const t = series(200, [[0, RUNNING], [40, SLEEP], [60, RUNNING]], 100);
  const calls = [worker(0, { tid: 200, startNs: 5 * MS, endNs: 50 * MS }), worker(1, { tid: 200, startNs: 50 * MS, endNs: 95 * MS })];
  const { states } = runStates(stateRun([t], calls, { gilShared: () => false }));
  assert.deepEqual(states.map((s) => [s.worker, s.t / MS, s.dur / MS, s.state]), [[0, 5, 35, 'running'], [0, 40, 10, 'sleep'], [1, 50, 10, 'sleep'], [1, 60, 35, 'running']]);
});

test("spans: a helper thread is the worker's sub-lane (thread n); a futex wait is the GIL only where threads share one", () => {
  const own = series(200, [[10, FUTEX_TIMED]], 90);
  const helper = series(300, [[20, FUTEX_TIMED]], 99);
  const w = worker(0, { threads: [{ thread: 1, name: 'helper', tid: 300 }] });
  const withHelpers = runStates(stateRun([own, helper], [w]));
  assert.deepEqual(withHelpers.states.map((s) => [s.thread, s.t / MS, s.dur / MS, s.state]), [[null, 10, 80, 'gil'], [1, 20, 79, 'gil']], "a helper's lane runs to the run's end");
  const processes = runStates(stateRun([own], [worker(0)], { gilShared: () => false }));
  assert.deepEqual(processes.states.map((s) => [s.state, s.detail]), [['other', 'futex']]);
});

test("spans: a futex wait inside the thread's recorded lock wait is `lock`, named by the lock", () => {
  const FUTEX_UNTIMED = syscallCode(202, false);
  const t = series(200, [[10, RUNNING], [20, FUTEX_UNTIMED], [30, FUTEX_TIMED], [40, RUNNING], [50, FUTEX_TIMED], [60, RUNNING]], 90);
  const lock = (waitT: number, acquiredT: number | null, thread: number | null = null) => ({ worker: 0, thread, lock: 'a (line 3)', kind: 'Lock', line: 5, waitT: waitT * MS, acquiredT: acquiredT === null ? null : acquiredT * MS, releasedT: null });
  const r = stateRun([t], [worker(0)]);
  const { states } = runStates({ ...r, run: { ...r.run, locks: [lock(18, 40), lock(45, null, 1)] } });
  assert.deepEqual(
    states.map((s) => [s.t / MS, s.dur / MS, s.state, s.detail]),
    [[10, 10, 'running', null], [20, 20, 'lock', 'a (line 3)'], [40, 10, 'running', null], [50, 10, 'gil', 'futex'], [60, 30, 'running', null]],
    "within the wait (18–40 ms) both futex waits are the lock's; a helper thread's wait is not the worker's",
  );
});

test('spans: a lock wait recorded a moment after the sample that saw its futex (stamped at its tick, read after) is still the lock\'s', () => {
  const FUTEX_UNTIMED = syscallCode(202, false);
  const t = series(200, [[10, RUNNING], [20, FUTEX_UNTIMED], [60, RUNNING]], 90);
  const r = stateRun([t], [worker(0)], { gilShared: () => false });
  const wait = { worker: 0, thread: null, lock: 'a (line 3)', kind: 'Lock', line: 5, waitT: 20.1 * MS, acquiredT: 59.9 * MS, releasedT: null };
  const { states } = runStates({ ...r, run: { ...r.run, locks: [wait] } });
  const lock = states.filter((s) => s.state === 'lock');
  assert.equal(lock.reduce((n, s) => n + s.dur, 0), 39.8 * MS, `the wait's 39.8 ms are the lock's: ${JSON.stringify(states.map((s) => [s.t / MS, s.dur / MS, s.state]))}`);
  assert.ok(states.filter((s) => s.state === 'other').every((s) => s.dur <= 0.1 * MS + 1), 'only the slivers outside the recorded wait are not');
});

test('spans: a run with more spans than allowed is coarsened, short spans going to their longer neighbour', () => {
  const points: Array<[number, number]> = [];
  for (let i = 0; i < 60; i++) points.push([10 + i, i % 10 === 9 ? SLEEP : RUNNING]); // a 1 ms sleep every 10 ms
  const t = series(200, points, 70);
  const exact = runStates(stateRun([t], [worker(0, { endNs: 70 * MS })]));
  assert.equal(exact.states.length, 12);
  assert.equal(exact.coarsenedBelowNs, null);
  const small = runStates(stateRun([t], [worker(0, { endNs: 70 * MS })], { maxSpans: 5 }));
  assert.ok(small.states.length <= 5, `${small.states.length} spans`);
  assert.equal(small.coarsenedBelowNs, 2 * MS, 'spans under two sample periods');
  assert.deepEqual(small.states.map((s) => [s.t / MS, s.dur / MS, s.state]), [[10, 60, 'running']], 'no time lost or added');
});

test('coarsen: a short span between a long and a shorter one goes to the long one; spans that do not touch stay', () => {
  const span = (t: number, dur: number, state: StateSpan['state']): StateSpan => ({ worker: 0, thread: null, t, dur, state, detail: null });
  assert.deepEqual(coarsen([span(0, 10, 'running'), span(10, 1, 'gil'), span(11, 5, 'sleep')], 2), [span(0, 11, 'running'), span(11, 5, 'sleep')]);
  assert.deepEqual(coarsen([span(0, 3, 'running'), span(3, 1, 'gil'), span(4, 5, 'sleep')], 2), [span(0, 3, 'running'), span(3, 6, 'sleep')]);
  assert.deepEqual(coarsen([span(0, 1, 'gil'), span(5, 1, 'sleep')], 2), [span(0, 1, 'gil'), span(5, 1, 'sleep')]);
});

test("shares: each lane's part of its observed time in each state, in words", () => {
  const span = (worker: number, thread: number | null, dur: number, state: StateSpan['state']): StateSpan => ({ worker, thread, t: 0, dur, state, detail: null });
  const lanes = stateShares({ states: [span(1, null, 10, 'sleep'), span(0, 1, 4, 'io'), span(0, null, 49, 'running'), span(0, null, 48, 'gil'), span(0, null, 3, 'sleep')] });
  assert.deepEqual(lanes.map((l) => [l.worker, l.thread, l.observedNs]), [[0, null, 100], [0, 1, 4], [1, null, 10]]);
  assert.equal(sharesText(lanes[0].shares), 'running 49% · waiting for the GIL 48% · sleeping 3%');
  assert.equal(sharesText(lanes[1].shares), 'waiting for I/O 100%');
  assert.deepEqual(stateShares({}), [], 'no states, no lanes');
});

test("shares: a lane's joins (lock spans inside its recorded Thread.join / Process.join) are its own share, left out of the workers' together", () => {
  const span = (worker: number, t: number, dur: number, state: StateSpan['state']): StateSpan => ({ worker, thread: null, t, dur, state, detail: null });
  const join: LockSpan = { worker: 0, thread: null, lock: 'Thread-1 (nap)', kind: 'Thread.join', line: 9, waitT: 10, acquiredT: 100, releasedT: null };
  const wait: LockSpan = { worker: 1, thread: null, lock: 'a (line 3)', kind: 'Lock', line: 5, waitT: 0, acquiredT: 50, releasedT: 60 };
  const run = {
    states: [span(0, 0, 10, 'running'), span(0, 10, 90, 'lock'), span(1, 0, 50, 'lock'), span(1, 50, 50, 'sleep')],
    locks: [join, wait],
  };
  const [main, thread] = stateShares(run);
  assert.deepEqual([main.observedNs, main.joining, main.shares.lock, main.shares.running], [100, 0.9, 0, 0.1]);
  assert.deepEqual([thread.joining, thread.shares.lock], [0, 0.5], 'a lock wait stays a lock wait');
  assert.equal(sharesText(main.shares, main.joining), `running 10% · ${JOINING} 90%`);
  // a join that timed out ends there: the lock wait after it is a lock wait, not more joining
  const gaveUp = { ...run, locks: [{ ...join, acquiredT: null, gaveUpT: 50 }, wait], states: [span(0, 0, 10, 'running'), span(0, 10, 40, 'lock'), span(0, 50, 50, 'lock')] };
  assert.deepEqual(stateShares(gaveUp).filter((l) => l.worker === 0).map((l) => [l.joining, l.shares.lock]), [[0.4, 0.5]]);
  const together = workersStates(run)!.together;
  assert.deepEqual([together.running, together.lock, together.sleep], [10 / 110, 50 / 110, 50 / 110], 'of the time not spent joining');
});

test('a busy machine is said when threads waited for a CPU a fifth or more of the time they were ready, and of the time sampled', () => {
  const th = (onCpuNs: number, readyNs: number, sampledNs = 100) => ({ ...series(1, [[0, RUNNING]], sampledNs / MS), onCpuNs, readyNs });
  assert.match(busyMachine({ threads: [th(25, 58), th(25, 58)] }), /busy: its threads spent 70% of the time they were ready to run waiting for a CPU/);
  assert.equal(busyMachine({ threads: [th(90, 10)] }), '');
  assert.equal(busyMachine({ threads: [th(1, 3, 300)] }), '', 'sleepers: a few µs of waiting for a CPU is not a busy machine');
  assert.equal(busyMachine({ threads: [] }), '');
  assert.equal(cpuWaitShare({ threads: [th(25, 58), th(25, 58)] }), 0.699, 'the trace keeps the share (stateSource.cpuWait)');
  assert.equal(cpuWaitShare({ threads: [th(0, 0)] }), null, 'no schedstat, no share');
});

test('stateWords: a state in words, with the call it was in', () => {
  assert.equal(stateWords('gil', null), 'waiting for the GIL');
  assert.equal(stateWords('sleep', 'clock_nanosleep'), 'sleeping (clock_nanosleep)');
  assert.equal(stateWords('io', 'read'), 'blocked reading (read)');
  assert.equal(stateWords('io', 'epoll_wait'), 'waiting for I/O (epoll_wait)');
  assert.equal(stateWords('other', 'futex'), 'blocked (futex)');
  assert.match(stateWords('running', null), /^running/);
});
