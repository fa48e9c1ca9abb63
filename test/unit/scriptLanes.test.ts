import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRunModel } from '../../webview-ui/src/timeline/model';
import { runMeta, toColumns } from '../../src/shared/columns';
import type { Run, WorkerInfo } from '../../src/shared/trace';

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
