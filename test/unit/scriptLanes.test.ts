import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunModel, laneHas, rowKinds, setCollapsed } from '../../webview-ui/src/timeline/model';
import { HEADING_HEIGHT, LANE_HEIGHT, layoutRun, rowAt } from '../../webview-ui/src/timeline/layout';
import { runMeta, toColumns } from '../../src/shared/columns';
import type { Run, WorkerInfo } from '../../src/shared/trace';
import { endedBadly } from '../../src/shared/workerLife';
import { groupFailures } from '../../webview-ui/src/timeline/failures';
import { statusText } from '../../webview-ui/src/timeline/header';

const worker = (w: number, pid: number, kind: WorkerInfo['kind'], name: string, parent: number | null): WorkerInfo => ({
  worker: w, pid, kind, name, parent, startNs: 0, endNs: 10, cpuNs: 1, status: 'ok',
});

test("a script run's lanes are grouped by process (in the order the processes appeared), by creation within one, and named by the program", () => {
  const run: Run = {
    model: 'script', workers: 5, startMethod: null, wallNs: 100,
    workerInfo: [
      worker(0, 100, 'main', 'MainThread', null),
      worker(1, 200, 'process', 'Process-1', 0),
      { ...worker(2, 100, 'thread', 'Thread-2 (work)', 0), createdNs: 50 }, // registered first, made second
      worker(3, 200, 'thread', 'Thread-1 (inner)', 1),
      { ...worker(4, 100, 'thread', 'Thread-1 (work)', 0), createdNs: 10 },
    ],
    events: [],
  };
  const model = buildRunModel(runMeta(run), toColumns([]), 0);
  assert.deepEqual(model.lanes.map((l) => l.worker), [0, 4, 2, 1, 3]);
  assert.deepEqual(model.lanes.map((l) => l.label), ['MainThread', 'Thread-1 (work)', 'Thread-2 (work)', 'Process-1 · pid 200', 'Thread-1 (inner)']);
});

test('the other models keep their lanes in worker order', () => {
  const run: Run = { model: 'process', workers: 2, startMethod: 'fork', wallNs: 100, workerInfo: [worker(0, 300, undefined, 'x', null), worker(1, 200, undefined, 'y', null)], events: [] };
  const model = buildRunModel(runMeta(run), toColumns([]), 0);
  assert.deepEqual(model.lanes.map((l) => [l.worker, l.label]), [[0, 'Process 1'], [1, 'Process 2']]);
});

test('collapsing a process group: its lanes become one summary lane of all their events in time order; the rows and layout follow', () => {
  const run: Run = {
    model: 'script', workers: 4, startMethod: null, wallNs: 100,
    workerInfo: [worker(0, 100, 'main', 'MainThread', null), worker(1, 200, 'process', 'Process-1', 0), worker(2, 200, 'thread', 'Thread-1 (a)', 1), worker(3, 100, 'thread', 'Thread-2 (b)', 0)],
    events: [],
  };
  const ev = (t: number, w: number, text: string) => ({ t, worker: w, pid: run.workerInfo[w].pid, stream: 'stdout' as const, text, line: 1 });
  const cols = toColumns([ev(1, 0, 'm'), ev(2, 2, 'c-thread'), ev(3, 1, 'c-main'), ev(4, 2, 'c-thread 2'), ev(5, 3, 'b')]);
  const model = buildRunModel(runMeta(run), cols, 0);
  assert.deepEqual(model.groups.map((g) => [g.key, g.label, g.lanes.length, g.events]), [['pid 100', 'Main process · pid 100', 2, 2], ['pid 200', 'Process-1 · pid 200', 2, 3]]);
  assert.deepEqual(rowKinds(model), ['heading', 'lane', 'lane', 'heading', 'lane', 'lane']);
  setCollapsed(model, new Set(['pid 200']));
  assert.deepEqual(rowKinds(model), ['heading', 'lane', 'lane', 'heading', 'lane']);
  const summary = model.shown[2];
  assert.equal(summary.label, '2 lanes · 3 events');
  assert.deepEqual(Array.from(summary.index), [1, 2, 3], "the child's events, in time order");
  assert.ok(laneHas(summary, 2, 0) && laneHas(summary, 1, 0) && !laneHas(summary, 0, 0));
  assert.equal(model.lanes.length, 4, 'every lane still names its writer');
  const layout = layoutRun(rowKinds(model));
  assert.deepEqual(layout.headings.map((h) => h.y), [0, HEADING_HEIGHT + 2 * LANE_HEIGHT]);
  assert.equal(layout.lanes[2].y, 2 * HEADING_HEIGHT + 2 * LANE_HEIGHT, 'the summary lane under its heading');
  assert.equal(rowAt(layout, layout.lanes[2].y + 1), 2, 'hit-testing finds it');
  assert.equal(rowAt(layout, layout.headings[1].y + 1), null, 'a heading is no lane');
  setCollapsed(model, new Set());
  assert.equal(model.shown.length, 4);
});

test('a run without worker info yet (live) or of another model has no headings', () => {
  const live = buildRunModel({ model: 'script', workers: 1, startMethod: null, wallNs: 0, workerInfo: [], eventCount: 0 }, toColumns([]), 0, undefined, new Set(['pid 1']));
  assert.deepEqual(rowKinds(live), ['lane']);
  assert.deepEqual(live.groups, []);
});

test('a process with one lane has no heading (its lane names it; nothing to collapse)', () => {
  const run: Run = { model: 'script', workers: 3, startMethod: null, wallNs: 100, workerInfo: [worker(0, 100, 'main', 'MainThread', null), worker(1, 100, 'thread', 'T', 0), worker(2, 200, 'process', 'Process-1', 0)], events: [] };
  const model = buildRunModel(runMeta(run), toColumns([]), 0, undefined, new Set(['pid 200']));
  assert.deepEqual(rowKinds(model), ['heading', 'lane', 'lane', 'lane']);
  assert.equal(model.shown[2].label, 'Process-1 · pid 200', 'not collapsed: there is nothing to merge');
});

test('a process the program ended itself (terminate(), a Pool at the end of its with) is no failure: not in the failures, its hover says who', () => {
  const ended: WorkerInfo = { worker: 1, pid: 11, kind: 'process', name: 'ForkPoolWorker-2', parent: 0, createdNs: 0, startNs: 1, endNs: null, cpuNs: null, status: 'killed', signal: 'SIGTERM', endedBy: { worker: 0, call: 'terminate()' } };
  const main: WorkerInfo = { worker: 0, pid: 10, kind: 'main', name: 'MainThread', parent: null, createdNs: 0, startNs: 0, endNs: 5, cpuNs: 1, status: 'ok' };
  const crashed: WorkerInfo = { ...ended, worker: 2, name: 'Process-3', endedBy: undefined, signal: 'SIGSEGV' };
  assert.deepEqual(groupFailures({ workerInfo: [main, ended, crashed] }).map((g) => g.workers.map((w) => w.name)), [['Process-3']]);
  assert.equal(statusText(ended, [main, ended]), "was ended by MainThread's terminate() (SIGTERM)");
  assert.equal(statusText(crashed), 'was killed (SIGSEGV)');
  assert.deepEqual([endedBadly(ended), endedBadly(crashed), endedBadly(main)], [false, true, false]);
});
