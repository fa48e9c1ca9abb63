import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNs, formatSpeedup } from '../../src/shared/format';
import { overlapNs, summarizeRun, summarizeTrace, switchCount } from '../../src/shared/summary';
import { compareRuns } from '../../src/shared/comparison';
import { laneSharesText, stateShares } from '../../src/shared/states';
import type { Run, StateSpan, ThreadState, WorkerInfo } from '../../src/shared/trace';

function worker(i: number, startNs: number, endNs: number, cpuNs: number, createdNs = startNs): WorkerInfo {
  return { worker: i, pid: 100 + i, createdNs, startNs, endNs, joinedNs: endNs, cpuNs, status: 'ok' };
}
function run(model: Run['model'], wallNs: number, workers: WorkerInfo[], order: number[] = []): Run {
  return {
    model, workers: workers.length, startMethod: null, wallNs, workerInfo: workers,
    events: order.map((w, i) => ({ t: i, worker: w, pid: 100 + w, stream: 'stdout' as const, text: `e${i}`, line: 1 })),
  };
}

test('switchCount counts consecutive events from different workers', () => {
  assert.equal(switchCount(run('thread', 1, [], [0, 0, 1, 1, 0, 1])), 3);
  assert.equal(switchCount(run('thread', 1, [], [0, 0, 0])), 0);
  assert.equal(switchCount(run('thread', 1, [], [])), 0);
});

test('overlapNs is the time covered by two or more intervals', () => {
  assert.equal(overlapNs([[0, 10], [5, 15]]), 5);
  assert.equal(overlapNs([[0, 10], [10, 20]]), 0);
  assert.equal(overlapNs([[0, 100], [10, 20], [15, 30]]), 20);
  assert.equal(overlapNs([[0, 10]]), 0);
});

test('speedup is sequential wall ÷ run wall; CPU is the sum of workers', () => {
  const seq = run('sequential', 1000, [worker(0, 0, 500, 500), worker(1, 500, 1000, 500)]);
  const proc = run('process', 600, [worker(0, 50, 550, 500, 0), worker(1, 80, 580, 500, 10)]);
  const s = summarizeRun(proc, seq);
  assert.ok(Math.abs(s.speedup! - 1000 / 600) < 1e-9);
  assert.equal(s.cpuNs, 1000);
  assert.equal(s.overlapNs, 470);
  assert.equal(s.busyNs, 530, 'one sweep also gives the time any worker ran');
  assert.equal(s.startupNs, 60);
  assert.match(s.verdict, /parallel/);
  assert.equal(summarizeRun(seq, seq).speedup, null);
});

test('verdicts tell the GIL story, the I/O story and the no-overlap story', () => {
  const seq = run('sequential', 1000, [worker(0, 0, 500, 500), worker(1, 500, 1000, 500)]);
  const gil = run('thread', 1000, [worker(0, 0, 1000, 500), worker(1, 0, 1000, 500)]);
  assert.match(summarizeRun(gil, seq, true).verdict, /took turns.*GIL/);
  assert.doesNotMatch(summarizeRun(gil, seq, false).verdict, /GIL/);
  const io = run('thread', 500, [worker(0, 0, 500, 5), worker(1, 0, 500, 5)]);
  assert.match(summarizeRun(io, seq).verdict, /waiting/);
  const apart = run('thread', 1000, [worker(0, 0, 400, 400), worker(1, 500, 900, 400)]);
  assert.match(summarizeRun(apart, seq).verdict, /did not overlap/);
  const failed = run('thread', 1000, [{ ...worker(0, 0, 400, 400), status: 'error' }, worker(1, 500, 900, 400)]);
  assert.match(summarizeRun(failed, seq).verdict, /1 of 2 workers did not finish/);
});

test('summarizeTrace uses the sequential run as the baseline', () => {
  const seq = run('sequential', 1000, [worker(0, 0, 1000, 1000)]);
  const thr = run('thread', 500, [worker(0, 0, 500, 500)]);
  const s = summarizeTrace({ schema: 'interleave.trace/1', target: { file: 'f.py', function: 'f', line: 1 }, python: { version: '3.11.7', implementation: 'CPython', executable: 'python3', gil: true, cpuCount: 2, platform: 'linux' }, runs: [seq, thr] });
  assert.equal(s[1].speedup, 2);
});

test('formatNs picks the unit that fits', () => {
  assert.equal(formatNs(950), '950 ns');
  assert.equal(formatNs(12_345), '12.3 µs');
  assert.equal(formatNs(4_560_000), '4.56 ms');
  assert.equal(formatNs(1_230_000_000), '1.23 s');
  assert.equal(formatNs(250_000_000), '250 ms');
});

test('formatSpeedup keeps small speedups readable', () => {
  assert.equal(formatSpeedup(1.955), '1.96×');
  assert.equal(formatSpeedup(0.61), '0.61×');
  assert.equal(formatSpeedup(0.00276), '0.0028×');
});

test('a CPU-bound thread run is told by its own CPU use, not by a noisy speedup', () => {
  // the baseline happened to be slow (1250 vs 1000): the threads still computed all the time
  const slowSeq = run('sequential', 1250, [worker(0, 0, 625, 500), worker(1, 625, 1250, 500)]);
  const gil = run('thread', 1000, [worker(0, 0, 1000, 500), worker(1, 0, 1000, 500)]);
  const v = summarizeRun(gil, slowSeq, true).verdict;
  assert.match(v, /took turns on the CPU/);
  assert.doesNotMatch(v, /waiting|no faster/);
});

test('a deadlocked run says so in its verdict, with the cycle, and makes no claim about its speed', () => {
  const cycle = 'Thread 1 holds a (line 5) and waits for b (line 6); Thread 2 holds b (line 6) and waits for a (line 5)';
  const stuck = (i: number): WorkerInfo => ({ ...worker(i, 10, 0, 0), endNs: null, cpuNs: null, status: 'deadlock', deadlock: { cycle, stack: '  File "x.py", line 6, in f\n' } });
  const r = run('thread', 2_000_000_000, [stuck(0), stuck(1)]);
  const s = summarizeRun(r, run('sequential', 1_000_000, [worker(0, 0, 1_000_000, 1_000_000)]));
  assert.equal(s.verdict, `Deadlocked, so the run was ended early: ${cycle}.`);
  assert.equal(s.failed, 2);
});

test('a run whose workers all failed gets a verdict about the failure, not about start-up cost or overlap', () => {
  const seq = run('sequential', 1000, [worker(0, 0, 500, 500), worker(1, 500, 1000, 500)]);
  const boom = { type: 'ValueError', message: 'boom', traceback: 'Traceback …\nValueError: boom' };
  // quick failures after a slow start: the figures alone would read "starting cost more than the work"
  const raised = run('thread', 5000, [0, 1, 2].map((i) => ({ ...worker(i, 2000 + i, 2010 + i, 5, i), status: 'error' as const, error: boom })));
  const v = summarizeRun(raised, seq).verdict;
  assert.match(v, /^All 3 threads raised ValueError: boom, so the times measure the failure/);
  assert.doesNotMatch(v, /Starting|overlap|sequential speed/);
  const two = run('process', 5000, [0, 1].map((i) => ({ ...worker(i, 2000, 2010, 5, 0), status: 'exited' as const, exitCode: 3 })));
  assert.match(summarizeRun(two, seq).verdict, /^Both processes exited with code 3/);
  const mixed = run('thread', 5000, [{ ...worker(0, 10, 20, 5), status: 'error' as const, error: boom }, { ...worker(1, 10, 20, 5), status: 'killed' as const, signal: 'SIGKILL' }]);
  assert.match(summarizeRun(mixed, seq).verdict, /^Both threads failed \(first: ValueError: boom\)/);
  // a run we stopped at the time limit is not a failure of the function's own
  const stopped = run('thread', 5000, [0, 1].map((i) => ({ ...worker(i, 0, 5000, 5), status: 'timeout' as const })));
  assert.doesNotMatch(summarizeRun({ ...stopped, stopped: 'timeout' }, seq).verdict, /measure the failure/);
});

/** Spans for worker `w` over [0, total): `parts` are [state, ns, detail] one after another. */
function spans(w: number, parts: Array<[ThreadState, number, string?]>): StateSpan[] {
  let t = 0;
  return parts.map(([state, dur, detail]) => {
    const s: StateSpan = { worker: w, thread: null, t, dur, state, detail: detail ?? null };
    t += dur;
    return s;
  });
}
/** These made-up runs last a microsecond: sampled every 10 ns, each worker has dozens of samples. */
const sampled = { method: 'proc' as const, hz: 1e8, samples: 200, blockedBy: 'syscall' as const };

test('with thread states, a thread run that waited for the GIL says it took turns on the GIL, and how much each waited', () => {
  const seq = run('sequential', 1000, [worker(0, 0, 500, 500), worker(1, 500, 1000, 500)]);
  const gil = { ...run('thread', 1000, [worker(0, 0, 1000, 500), worker(1, 0, 1000, 500)]), stateSource: sampled, states: [...spans(0, [['running', 510], ['gil', 490]]), ...spans(1, [['running', 480], ['gil', 500], ['sleep', 20, 'clock_nanosleep']])] };
  const s = summarizeRun(gil, seq, true);
  assert.equal(s.waitedFor, 'gil');
  assert.match(s.verdict, /took turns on the GIL: each waited 50% of its time for it/);
  const apart = { ...gil, states: [...spans(0, [['running', 900], ['gil', 100]]), ...spans(1, [['running', 600], ['gil', 400]])] };
  assert.match(summarizeRun(apart, seq, true).verdict, /each waited 10–40% of its time/, 'shares that differ are given as a range');
  const little = { ...gil, states: [...spans(0, [['running', 950], ['gil', 50]]), ...spans(1, [['running', 950], ['gil', 50]])] };
  assert.doesNotMatch(summarizeRun(little, seq, true).verdict, /on the GIL:/, 'below 20% the GIL is not the story');
  assert.match(summarizeRun(gil, seq, true).verdict, /\(one run of each\)/, 'the speedup is one run against one run');
});

test("a script's verdict names what it made, tells the GIL story of its threads, and leaves the main thread's joins out", () => {
  // one CPU's worth between them (the threads' halves): not parallel, and not waiting
  // threads of one process (one GIL); a process of its own pid
  const lane = (i: number, kind: WorkerInfo['kind']): WorkerInfo => ({ ...worker(i, 0, 1000, kind === 'main' ? 10 : 500), kind, name: `w${i}`, pid: kind === 'process' ? 200 + i : 100 });
  const join = { worker: 0, thread: null, lock: 'w1', kind: 'Thread.join', line: 9, waitT: 10, acquiredT: 1000, releasedT: null };
  const main = spans(0, [['running', 10], ['lock', 990, 'w1']]);
  const threads = { ...run('script', 1000, [lane(0, 'main'), lane(1, 'thread'), lane(2, 'thread')]), stateSource: sampled, locks: [join],
    states: [...main, ...spans(1, [['running', 500], ['gil', 500]]), ...spans(2, [['running', 500], ['gil', 500]])] };
  const s = summarizeRun(threads, undefined, true);
  assert.equal(s.waitedFor, 'gil', 'the main thread joining is not a lock wait of the program');
  assert.match(s.verdict, /^The threads overlapped but took turns on the GIL: each waited 50% of its time for it/);
  const one = { ...threads, workerInfo: [...threads.workerInfo, { ...lane(3, 'thread'), cpuNs: 0 }], states: [...threads.states, ...spans(3, [['sleep', 1000]])] };
  assert.match(summarizeRun(one, undefined, true).verdict, /^The threads overlapped but 2 threads took turns on the GIL: each waited 50% of its time/, 'not the one that slept');
  const alone = { ...threads, workerInfo: [lane(0, 'main'), lane(1, 'process'), lane(2, 'process')] };
  assert.doesNotMatch(summarizeRun(alone, undefined, true).verdict, /GIL/, "each process's one thread has a GIL of its own: no turns");
  const mixed = { ...threads, workerInfo: [lane(0, 'main'), lane(1, 'process'), lane(2, 'thread'), lane(3, 'task')] };
  assert.match(summarizeRun(mixed, undefined, true).verdict, /^The threads, processes and tasks /);
});

test('a process forked amid its parent\'s threads is named as the likely cause only when it hung, or waits for a lock no one in the cycle holds', () => {
  const child = (status: WorkerInfo['status'], cycle?: string): WorkerInfo => ({ ...worker(1, 0, 1000, 5), kind: 'process', name: 'P-1', forkedAmidThreads: 3, status, ...(cycle ? { deadlock: { cycle, stack: '' } } : {}) });
  const hazard = /P-1 was forked while 3 other threads of its parent ran/;
  const verdictOf = (w: WorkerInfo) => summarizeRun(run('script', 1000, [{ ...worker(0, 0, 1000, 5), kind: 'main', name: 'MainThread' }, w]), undefined, true).verdict;
  assert.match(verdictOf(child('deadlock', 'P-1 waits for lock (line 7)')), hazard, 'a lock held by a thread it does not have');
  assert.match(verdictOf(child('timeout')), hazard, 'hung (sys.stdout\'s lock is not one of the recorded waits)');
  assert.doesNotMatch(verdictOf(child('deadlock', 'P-1 holds a (line 2) and waits for b (line 3); P-2 holds b (line 3) and waits for a (line 2)')), hazard, 'a lock-order deadlock');
  assert.doesNotMatch(verdictOf(child('deadlock', 'P-1 waits for its thread Thread-1 (work) to end; Thread-1 (work) waits for x (line 4)')), hazard, 'a join');
  assert.doesNotMatch(verdictOf({ ...child('ok'), forkedAmidThreads: 3 }), hazard, 'ended well: nothing to explain');
});

test('with thread states, waiting workers are said to sleep or wait for I/O only when samples saw it; without states, not guessed', () => {
  const seq = run('sequential', 1000, [worker(0, 0, 500, 5), worker(1, 500, 1000, 5)]);
  const idle = run('thread', 500, [worker(0, 0, 500, 5), worker(1, 0, 500, 5)]);
  const none = summarizeRun(idle, seq).verdict;
  assert.equal(summarizeRun(idle, seq).waitedFor, undefined);
  assert.match(none, /overlapped while waiting rather than computing .*; no thread states were sampled, so what they waited for is not known/);
  assert.doesNotMatch(none, /I\/O|sleep/, 'CPU time alone cannot tell sleep from I/O');
  const sleepy = { ...idle, stateSource: sampled, states: [...spans(0, [['running', 10], ['sleep', 490, 'clock_nanosleep']]), ...spans(1, [['running', 20], ['sleep', 480, 'clock_nanosleep']])] };
  assert.match(summarizeRun(sleepy, seq).verdict, /overlapped while sleeping \(97% of their time\)/);
  assert.doesNotMatch(summarizeRun(sleepy, seq).verdict, /I\/O|not known/);
  const reading = { ...idle, stateSource: sampled, states: [...spans(0, [['running', 10], ['io', 490, 'read']]), ...spans(1, [['running', 10], ['io', 490, 'read']])] };
  assert.match(summarizeRun(reading, seq).verdict, /overlapped while waiting for I\/O \(98% of their time\)/);
  const mixed = { ...idle, stateSource: sampled, states: [...spans(0, [['running', 100], ['io', 200, 'read'], ['sleep', 200]]), ...spans(1, [['running', 100], ['other', 400, 'futex']])] };
  const v = summarizeRun(mixed, seq);
  assert.equal(v.waitedFor, null, 'no one state covers most of their time');
  assert.match(v.verdict, /overlapped while using little CPU \(sampled: running 20% · sleeping 20% · waiting for I\/O 20% · blocked elsewhere 40%\)/);
});

test("the comparison names what the winner waited for only when states saw it", () => {
  const seq = run('sequential', 1000, [worker(0, 0, 500, 5), worker(1, 500, 1000, 5)]);
  const idle = run('thread', 500, [worker(0, 0, 500, 5), worker(1, 0, 500, 5)]);
  const sleepy = { ...idle, stateSource: sampled, states: [...spans(0, [['running', 10], ['sleep', 490]]), ...spans(1, [['running', 10], ['sleep', 490]])] };
  const trace = (r: Run) => ({ schema: 'interleave.trace/1' as const, target: { file: 'f.py', function: 'f', line: 1 }, python: { version: '3.11.7', implementation: 'CPython', executable: 'python3', gil: true, cpuCount: 2, platform: 'linux' }, runs: [seq, r] });
  assert.match(compareRuns(summarizeTrace(trace(sleepy)))!.sentence, /the work mostly waits \(sleeping\)/);
  assert.doesNotMatch(compareRuns(summarizeTrace(trace(idle)))!.sentence, /I\/O|sleep/);
});

test('states from too few samples (a run of a few ms at 1 kHz) are shown as such, and the verdict does not rest on them', () => {
  const seq = run('sequential', 1000, [worker(0, 0, 500, 5), worker(1, 500, 1000, 5)]);
  const idle = run('thread', 500, [worker(0, 0, 500, 5), worker(1, 0, 500, 5)]);
  const states = [...spans(0, [['running', 10], ['sleep', 490, 'clock_nanosleep']]), ...spans(1, [['running', 20], ['sleep', 480, 'clock_nanosleep']])];
  const enough = { ...idle, stateSource: sampled, states };
  assert.match(summarizeRun(enough, seq).verdict, /overlapped while sleeping/);
  const few = { ...enough, stateSource: { ...sampled, hz: 1e7 } }; // 5 samples a worker
  const s = summarizeRun(few, seq);
  assert.equal(s.waitedFor, undefined);
  assert.equal(s.tooShortToSample, true);
  assert.match(s.verdict, /overlapped while waiting rather than computing .*; the run was too short to sample what they waited for/);
  assert.doesNotMatch(s.verdict, /sleeping|running 100%|not known/);
  const [lane] = stateShares(few);
  assert.match(laneSharesText(few, lane), /^running 2% · sleeping 98% \(5 samples: too few to tell\)$/);
  assert.doesNotMatch(laneSharesText(enough, lane), /too few/);
});

test('a run that got little CPU while its workers were ready to run is put down to a busy machine, not to waiting', () => {
  const seq = run('sequential', 1000, [worker(0, 0, 500, 5), worker(1, 500, 1000, 5)]);
  const idle = run('process', 500, [worker(0, 0, 500, 5), worker(1, 0, 500, 5)]);
  const states = [...spans(0, [['running', 490], ['other', 10, 'futex']]), ...spans(1, [['running', 500]])];
  const starved = { ...idle, stateSource: { ...sampled, cpuWait: 0.82 }, states };
  const s = summarizeRun(starved, seq);
  assert.equal(s.starved, 0.82);
  assert.match(s.verdict, /^The processes were ready to run 99% of their time but got little CPU: the machine was busy, and they waited for a CPU 82% of the time they were ready to run/);
  assert.doesNotMatch(s.verdict, /using little CPU \(sampled|mostly waits/);
  const trace = { schema: 'interleave.trace/1' as const, target: { file: 'f.py', function: 'f', line: 1 }, python: { version: '3.11.7', implementation: 'CPython', executable: 'python3', gil: true, cpuCount: 2, platform: 'linux' }, runs: [seq, starved] };
  const sentence = compareRuns(summarizeTrace(trace))!.sentence;
  assert.match(sentence, /processes used little CPU, yet were mostly ready to run: the machine was busy/);
  assert.doesNotMatch(sentence, /the work mostly waits/);
  const quiet = { ...starved, stateSource: { ...sampled, cpuWait: 0.05 } };
  assert.equal(summarizeRun(quiet, seq).starved, undefined, 'a quiet machine: the states say running, the CPU time says little — no story is made up');
});
