import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns } from '../../src/shared/comparison';
import { modelSummaries } from '../../src/shared/repetitions';
import { summarizeTrace } from '../../src/shared/summary';
import type { RunSummary } from '../../src/shared/runSummary';
import type { Model, Run, WorkerInfo } from '../../src/shared/trace';

/** A worker created at `createdNs`, running its body over [startNs, endNs] with `cpuNs` of CPU. */
function worker(i: number, createdNs: number, startNs: number, endNs: number, cpuNs: number): WorkerInfo {
  return { worker: i, pid: 100 + i, createdNs, startNs, endNs, joinedNs: endNs, cpuNs, status: 'ok' };
}
function run(model: Model, wallNs: number, workers: WorkerInfo[], extra: Partial<Run> = {}): Run {
  return { model, workers: workers.length, startMethod: null, wallNs, workerInfo: workers, events: [], ...extra };
}
function summaries(runs: Run[], gil = true): RunSummary[] {
  return summarizeTrace({ schema: 'interleave.trace/1', target: { file: 'f.py', function: 'f', line: 1 }, python: { version: '3.11.7', implementation: 'CPython', executable: 'python3', gil, cpuCount: 2, platform: 'linux' }, runs });
}
const sequential = (wall: number, cpuEach: number, calls = 2) =>
  run('sequential', wall, Array.from({ length: calls }, (_, i) => worker(i, (i * wall) / calls, (i * wall) / calls, ((i + 1) * wall) / calls, cpuEach)));
/** Two workers that ran their bodies over [start, end] at the same time. */
const together = (model: Model, wall: number, start: number, end: number, cpuEach: number) => run(model, wall, [worker(0, 0, start, end, cpuEach), worker(1, 0, start + 10, end, cpuEach)]);

test('CPU-bound: processes ranked first, and said as hyperfine would — with what the threads did', () => {
  const s = summaries([sequential(2000, 1000), together('thread', 2000, 0, 2000, 1000), together('process', 1050, 50, 1050, 1000)]);
  const c = compareRuns(s)!;
  assert.deepEqual(c.rows.map((r) => r.model), ['process', 'sequential', 'thread']);
  assert.equal(c.sentence, 'Processes ran 1.9× faster than threads and 1.9× faster than sequential (one run each): the work is CPU-bound — threads used 1.0 CPU, processes 1.9 CPUs.');
  assert.match(s[1].verdict, /took turns/, "the threads' own verdict says the same");
  assert.match(s[2].verdict, /in parallel.*1\.9× faster than sequential/);
});

test('I/O-bound: faster threads are said to win because the work waits, and start sooner', () => {
  const s = summaries([sequential(1000, 10), together('thread', 520, 10, 510, 5), together('process', 800, 300, 790, 5)]);
  const c = compareRuns(s)!;
  assert.equal(c.rows[0].model, 'thread');
  assert.match(c.sentence, /^Threads ran 1\.5× faster than processes and 1\.9× faster than sequential \(one run each\): the work mostly waits — threads used 0\.02 CPU, and threads start sooner/);
  assert.match(s[1].verdict, /waiting/);
});

test('a process pool slower than sequential is never called parallel or fast, by its verdict or the comparison', () => {
  // its workers computed at the same time (≈ 2 CPUs while they ran), but starting them cost more
  const pool = run('process-pool', 1075, [worker(0, 0, 300, 1000, 700), worker(1, 0, 310, 1010, 700)]);
  const s = summaries([sequential(1000, 500), pool]);
  assert.ok(s[1].speedup! < 1 && s[1].kind === 'parallel');
  assert.doesNotMatch(s[1].verdict, /parallel|faster|\bfast\b/);
  assert.match(s[1].verdict, /slower than sequential/);
  const c = compareRuns(s)!;
  assert.deepEqual(c.rows.map((r) => r.model), ['sequential', 'process-pool']);
  assert.match(c.sentence, /^Sequential ran 1\.1× faster than the process pool \(one run each\)/);
});

test("the seed's print_numbers: sequential wins, because starting a worker takes longer than a call's work", () => {
  // the figures of test/fixtures/traces/canonical.json, in µs
  const us = (w: WorkerInfo) => ({ ...w, createdNs: w.createdNs! * 1e3, startNs: w.startNs! * 1e3, endNs: w.endNs! * 1e3, joinedNs: w.joinedNs! * 1e3, cpuNs: w.cpuNs! * 1e3 });
  const threads = run('thread', 2955e3, [worker(0, 67, 1064, 1478, 440), worker(1, 1256, 2395, 2793, 277)].map(us));
  const processes = run('process', 56978e3, [worker(0, 42, 38682, 40852, 2256), worker(1, 15223, 50140, 52989, 1447)].map(us));
  const c = compareRuns(summaries([sequential(473e3, 200e3), threads, processes]))!;
  assert.equal(c.rows[0].model, 'sequential');
  assert.match(c.sentence, /^Sequential ran 6\.2× faster than threads and 120× faster than processes \(one run each\): each call's work \(\S+ µs\) is shorter than starting a worker \(\S+ ms for threads\)/);
});

test('runs that did not finish are ranked last and left out of the sentence; one run is no comparison', () => {
  const stopped = run('thread', 300, [worker(0, 0, 0, 300, 300), worker(1, 0, 0, 300, 300)], { stopped: 'timeout' });
  const c = compareRuns(summaries([sequential(1000, 500), stopped, together('process', 600, 50, 590, 500)]))!;
  assert.deepEqual(c.rows.map((r) => [r.model, r.note]), [['process', ''], ['sequential', ''], ['thread', 'stopped']]);
  assert.doesNotMatch(c.sentence, /threads/);
  // a run the deadlock watchdog ended: its time is the watchdog's, so it is not ranked on it
  const stuck = (i: number): WorkerInfo => ({ ...worker(i, 0, 0, 0, 0), endNs: null, cpuNs: null, status: 'deadlock', deadlock: { cycle: 'a cycle', stack: '' } });
  const deadlocked = compareRuns(summaries([sequential(1000, 500), run('thread', 300, [stuck(0), stuck(1)]), together('process', 600, 50, 590, 500)]))!;
  assert.deepEqual(deadlocked.rows.map((r) => [r.model, r.note]), [['process', ''], ['sequential', ''], ['thread', 'deadlocked']]);
  assert.doesNotMatch(deadlocked.sentence, /threads/);
  assert.equal(compareRuns(summaries([sequential(1000, 500)])), null);
  const unavailable = run('interpreter', 0, [], { unavailable: 'needs Python 3.13+' });
  assert.equal(compareRuns(summaries([sequential(1000, 500), unavailable])), null, 'a model that could not run is not compared');
});

test('within 5 % two runs are "about as fast"; a wall time ratio below 1 is never put in words', () => {
  const c = compareRuns(summaries([sequential(1000, 500), together('thread', 980, 0, 980, 490)]))!;
  assert.match(c.sentence, /^Threads ran about as fast as sequential \(one run each\)/);
  const s = summaries([sequential(1000, 500), together('thread', 1020, 0, 1020, 500)]);
  assert.match(s[1].verdict, /no faster than sequential/);
  assert.doesNotMatch(s[1].verdict, /0\.\d+× (faster|slower)/);
});

/**
 * Verdicts and the comparison never contradict each other, over a grid of runs: wall times, CPU
 * use and start-up from fast to slow against one baseline.
 */
test('over a grid of runs, no verdict contradicts the ranking or the sentence', () => {
  let checked = 0;
  for (const wall of [400, 900, 990, 1000, 1040, 1200, 3000]) {
    for (const cpuEach of [5, 300, 500, 900]) {
      for (const startup of [0, 100, 350]) {
        const end = Math.max(startup + 20, wall - 10);
        const runs = [sequential(1000, 500), together('thread', wall, startup, end, cpuEach), together('process-pool', Math.round(wall * 0.8), startup, Math.round(end * 0.8), cpuEach)];
        const s = summaries(runs);
        const c = compareRuns(s)!;
        const rank = (m: Model) => c.rows.findIndex((r) => r.model === m);
        for (const r of s.filter((x) => x.model !== 'sequential')) {
          const where = `${r.model} wall ${r.wallNs}, cpu ${cpuEach}, start-up ${startup}: ${r.verdict}`;
          if (r.speedup! < 1) assert.doesNotMatch(r.verdict, /parallel|\d× faster than/, where);
          if (/\d× faster than sequential/.test(r.verdict)) assert.ok(rank(r.model) < rank('sequential'), where);
          // "about as fast": a tie may rank either way
          if (/slower than sequential|no faster than sequential/.test(r.verdict)) assert.ok(rank(r.model) > rank('sequential'), where);
        }
        const winner = s[c.rows[0].run];
        if (/CPU-bound/.test(c.sentence)) assert.match(s[1].verdict, /took turns/, c.sentence);
        if (/mostly waits/.test(c.sentence)) assert.match(winner.verdict, /waiting/, c.sentence);
        for (const m of c.sentence.matchAll(/(\d+(?:\.\d+)?)× faster than (sequential|threads|the process pool)/g)) {
          const model = ({ sequential: 'sequential', threads: 'thread', 'the process pool': 'process-pool' } as Record<string, Model>)[m[2]];
          assert.ok(winner.wallNs < s[rank(model) >= 0 ? c.rows[rank(model)].run : 0].wallNs, c.sentence);
        }
        checked++;
      }
    }
  }
  assert.equal(checked, 84);
});

test('repeated runs (--repeat): medians with ranges decide the comparison and the verdicts, not one stalled baseline', () => {
  const rep = (r: Run, repetition: number): Run => ({ ...r, repetition });
  const runs = [
    ...[9000, 2000, 2100].map((wall, k) => rep(sequential(wall, 1000), k)), // repetition 0 stalled
    ...[2100, 2100, 2100].map((wall, k) => rep(together('thread', wall, 0, wall, 1000), k)),
    ...[1050, 5000, 1050].map((wall, k) => rep(together('process', wall, 50, wall, 1000), k)),
  ];
  const each = summaries(runs);
  assert.equal(each[3].speedup, 1, "a repetition's speedup is against the sequential runs' median (2100 ns), not the first run (9000 ns)");
  assert.equal(each[0].speedup, null, 'the baseline has none');
  assert.match(each[3].verdict, /about as fast as sequential \(this run against the median of 3 sequential runs\)/);
  const models = modelSummaries(runs, each);
  assert.deepEqual(models.map((s) => s.model), ['sequential', 'thread', 'process'], 'one summary per model');
  assert.deepEqual(models[2].repeated, { runs: 3, wallNs: { median: 1050, min: 1050, max: 5000 }, speedup: { median: 2, min: 0.42, max: 2 } });
  assert.equal(models[2].wallNs, 1050);
  assert.match(models[1].verdict, /took turns.*about as fast as sequential \(medians of 3 runs\)/);
  const c = compareRuns(models)!;
  assert.deepEqual(c.rows.map((r) => r.model), ['process', 'sequential', 'thread']);
  assert.deepEqual(c.rows[0].repeated?.wallNs, { median: 1050, min: 1050, max: 5000 }, 'the row carries its range');
  assert.match(c.sentence, /^Processes ran 2\.0× faster than threads and 2\.0× faster than sequential \(medians of 3 runs each\)/);
  assert.deepEqual(modelSummaries(runs.slice(0, 1).concat(runs[3]), [each[0], each[3]]), [each[0], each[3]], 'a model run once keeps its own summary');
});
