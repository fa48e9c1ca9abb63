import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockSpans } from '../../src/runner/lockSpans';
import type { WorkerState } from '../../src/runner/records';
import type { LockRecord } from '../../src/runner/workerLog';

const T0 = 5_000_000_000;
function state(locks: LockRecord[]): WorkerState {
  return { sources: [], threads: [], truncated: false, locks };
}
const wait = (ns: number, id: string, name: string, thread = 0): LockRecord => ({ kind: 'lock', ns: T0 + ns, phase: 'wait', id, line: 9, thread, lockKind: 'Lock', name });
const step = (ns: number, id: string, phase: LockRecord['phase']): LockRecord => ({ kind: 'lock', ns: T0 + ns, phase, id, line: 10, thread: 0 });

test('lock spans join a wait to its acquire and release by id, across workers, in order of waitT, relative to the run', () => {
  const workers = [
    state([wait(300, 'a.1', 'counter_lock (line 3)'), step(500, 'a.1', 'acquired'), step(700, 'b.9', 'released')]),
    state([wait(100, 'b.9', 'mutex (line 4)', 2), step(200, 'b.9', 'acquired'), wait(800, 'b.10', 'mutex (line 4)'), step(900, 'b.10', 'gaveUp'), step(950, 'a.1', 'released')]),
  ];
  assert.deepEqual(lockSpans(workers, T0), [
    { worker: 1, thread: 2, lock: 'mutex (line 4)', kind: 'Lock', line: 9, waitT: 100, acquiredT: 200, releasedT: 700 },
    { worker: 0, thread: null, lock: 'counter_lock (line 3)', kind: 'Lock', line: 9, waitT: 300, acquiredT: 500, releasedT: 950 },
    { worker: 1, thread: null, lock: 'mutex (line 4)', kind: 'Lock', line: 9, waitT: 800, acquiredT: null, releasedT: null, gaveUpT: 900 },
  ]);
});

test('a wait still going when the run ended has neither acquiredT nor releasedT; steps without their wait are dropped', () => {
  assert.deepEqual(lockSpans([state([wait(10, 'x.1', 'a (line 5)'), step(20, 'x.0', 'released')])], T0), [
    { worker: 0, thread: null, lock: 'a (line 5)', kind: 'Lock', line: 9, waitT: 10, acquiredT: null, releasedT: null },
  ]);
});
