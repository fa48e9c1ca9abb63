import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gilVariants, gilVerdict, interpreterName, cpusBusy, modelComparisonRuns } from '../../src/shared/interpreters';
import { compareRuns } from '../../src/shared/comparison';
import { runTag, runTitle } from '../../src/shared/labels';
import { summarizeTrace } from '../../src/shared/summary';
import type { Model, PythonInfo, Run, Trace, WorkerInfo } from '../../src/shared/trace';

const py311: PythonInfo = { version: '3.11.7', implementation: 'CPython', executable: '/py/3.11', gil: true, freeThreaded: false, cpuCount: 2, platform: 'linux' };
const py313t: PythonInfo = { version: '3.13.5', implementation: 'CPython', executable: '/py/3.13t', gil: false, freeThreaded: true, cpuCount: 2, platform: 'linux' };

function worker(i: number, cpuNs: number, endNs: number): WorkerInfo {
  return { worker: i, pid: 1, createdNs: 0, startNs: 0, endNs, joinedNs: endNs, cpuNs, status: 'ok' };
}
/** Two workers, each using `cpuEach` of CPU, in a run of `wall`. */
function run(model: Model, wall: number, cpuEach: number, extra: Partial<Run> = {}): Run {
  return { model, workers: 2, startMethod: null, wallNs: wall, workerInfo: [worker(0, cpuEach, wall), worker(1, cpuEach, wall)], events: [], ...extra };
}
function trace(python: PythonInfo, runs: Run[]): Trace {
  return { schema: 'interleave.trace/1', target: { file: 'f.py', function: 'f', line: 1 }, python, runs };
}

test('a free-threaded build runs the thread models twice (GIL off, then on); other models and builds once', () => {
  assert.deepEqual(gilVariants('thread', py313t), [false, true]);
  assert.deepEqual(gilVariants('thread-pool', py313t), [false, true]);
  assert.deepEqual(gilVariants('process', py313t), [undefined]);
  assert.deepEqual(gilVariants('sequential', py313t), [undefined]);
  assert.deepEqual(gilVariants('thread', py311), [undefined]);
  assert.deepEqual(gilVariants('thread', { freeThreaded: undefined }), [undefined], 'a trace from before the field');
});

test('interpreters are named by version, "t" for free-threaded, the implementation when not CPython', () => {
  assert.equal(interpreterName(py311), '3.11');
  assert.equal(interpreterName(py313t), '3.13t');
  assert.equal(interpreterName({ version: '3.10.14', implementation: 'PyPy', freeThreaded: false }), 'PyPy 3.10');
});

test('titles and CLI tags name the GIL on a free-threaded build, and the interpreter only when several ran', () => {
  const off = run('thread', 100, 80, { gil: false });
  const on = run('thread', 200, 100, { gil: true });
  const alone = trace(py313t, [off, on]);
  assert.equal(runTitle(off, alone), 'Threads × 2 · GIL off');
  assert.equal(runTitle(on, alone), 'Threads × 2 · GIL on');
  assert.equal(runTitle(on), 'Threads × 2 · GIL on', 'without the trace too');
  assert.equal(runTag(off, alone), 'thread · GIL off');
  const other = run('thread', 100, 50, { python: py311 });
  const compared = trace(py313t, [off, on, other]);
  assert.equal(runTag(off, compared), '3.13t · thread · GIL off');
  assert.equal(runTag(other, compared), '3.11 · thread');
  assert.equal(runTitle(other, compared), '3.11 · Threads × 2');
  assert.equal(runTitle(run('process', 1, 1, { startMethod: 'spawn' }), trace(py311, [])), 'Processes × 2 (spawn)', 'nothing added to a plain trace');
});

test('the GIL verdict: CPUs without the GIL, how much faster, and each thread against the build with a GIL', () => {
  // GIL on: 2.35 s, 1 CPU; GIL off: 1.42 s, 1.6 CPUs; 3.11: each thread 1.8× less CPU than 3.13t
  const off = run('thread', 1_420_000_000, 1_136_000_000, { gil: false });
  const on = run('thread', 2_350_000_000, 1_175_000_000, { gil: true });
  const gil311 = run('thread', 1_300_000_000, 631_000_000, { python: py311 });
  assert.equal(cpusBusy(off)!.toFixed(1), '1.6');
  assert.equal(gilVerdict(trace(py313t, [off, on, gil311])), 'Without the GIL the two threads used 1.6 CPUs and finished 1.7× faster; each thread alone ran 1.8× slower than on 3.11.');
  assert.equal(gilVerdict(trace(py313t, [on, off])), 'Without the GIL the two threads used 1.6 CPUs and finished 1.7× faster.', 'no interpreter with a GIL: the first half');
  // the comparison the other way: 3.11 is the trace's interpreter, 3.13t the compared one
  const offThere = { ...off, python: py313t };
  const onThere = { ...on, python: py313t };
  assert.equal(gilVerdict(trace(py311, [run('thread', 1_300_000_000, 631_000_000), offThere, onThere])), 'Without the GIL the two threads used 1.6 CPUs and finished 1.7× faster; each thread alone ran 1.8× slower than on 3.11.');
});

test('the GIL verdict says when freeing the GIL did not help, and says nothing without both runs', () => {
  const off = run('thread', 1_000_000_000, 500_000_000, { gil: false });
  const on = run('thread', 1_000_000_000, 500_000_000, { gil: true });
  assert.equal(gilVerdict(trace(py313t, [off, on])), 'Without the GIL the two threads used 1.0 CPUs and finished about as fast as with it.');
  const slower = run('thread', 800_000_000, 400_000_000, { gil: true });
  assert.match(gilVerdict(trace(py313t, [off, slower]))!, /finished 1\.3× slower/);
  assert.equal(gilVerdict(trace(py311, [run('thread', 1, 1)])), null, 'a build with a GIL: nothing to say');
  assert.equal(gilVerdict(trace(py313t, [off])), null, 'only one of the two');
  assert.equal(gilVerdict(trace(py313t, [off, on]), 'thread-pool'), null, 'another model');
  const failed = { ...off, workerInfo: [{ ...off.workerInfo[0], status: 'error' as const }, off.workerInfo[1]] };
  assert.equal(gilVerdict(trace(py313t, [failed, on])), null, 'a failed worker: no fair figure');
});

test('a GIL turned on unasked: the verdict says why instead of comparing', () => {
  const forced = run('thread', 1, 1, { gil: true, gilNote: 'the GIL was on: PYTHON_GIL=1 in the environment turned it on; unset it to run without the GIL' });
  const on = run('thread', 1, 1, { gil: true });
  assert.equal(gilVerdict(trace(py313t, [forced, on])), 'No run without the GIL to compare: the GIL was on: PYTHON_GIL=1 in the environment turned it on; unset it to run without the GIL.');
});

test('each interpreter is measured against its own sequential run, and the GIL as that run had it', () => {
  const seq313 = run('sequential', 2000, 1000);
  const off = run('thread', 1000, 1000, { gil: false });
  const seq311 = run('sequential', 1000, 500, { python: py311 });
  const t311 = run('thread', 1000, 500, { python: py311 });
  const s = summarizeTrace(trace(py313t, [seq313, off, seq311, t311]));
  assert.equal(s[1].speedup, 2, "3.13t's threads against 3.13t's sequential");
  assert.equal(s[3].speedup, 1, "3.11's threads against 3.11's sequential");
});

test("the comparison of models speaks for one run per model: the trace's interpreter, a free-threaded build's thread models as they start", () => {
  const seq = run('sequential', 2_000, 1_000, { gil: false });
  const off = run('thread', 1_000, 1_000, { gil: false });
  const on = run('thread', 2_000, 1_000, { gil: true });
  const other = run('thread', 500, 250, { python: py311 });
  const runs = [seq, off, on, other];
  assert.deepEqual(modelComparisonRuns(runs), [true, true, false, false]);
  assert.deepEqual(modelComparisonRuns([run('thread', 1, 1, { gil: true, gilNote: 'PYTHON_GIL=1' }), run('thread', 1, 1, { gil: true })]), [true, true], 'no GIL-off run: nothing left out');
  const s = summarizeTrace(trace(py313t, runs));
  const c = compareRuns(s, modelComparisonRuns(runs))!;
  assert.equal(c.rows.length, 4, 'the ranking keeps every run');
  assert.doesNotMatch(c.sentence, /threads .* than threads/i);
  assert.match(c.sentence, /^Threads ran 2\.0× faster than sequential/);
  const pair = summarizeTrace(trace(py313t, [off, on]));
  assert.match(compareRuns(pair)!.sentence, /^Threads ran .*than threads/, 'without it, the sentence set a model against itself');
  assert.equal(compareRuns(pair, modelComparisonRuns([off, on]))!.sentence, '', 'one model left: no sentence of models (the GIL has its own)');
});
