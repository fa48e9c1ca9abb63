import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdEnd, isHeld, waitedFor } from '../../src/shared/lockKinds';

test('held after their wait: locks, semaphores and a Condition (threading\'s and multiprocessing\'s); not events, barriers, queues or joins', () => {
  for (const kind of ['Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'Condition', 'multiprocessing.Lock', 'multiprocessing.RLock', 'multiprocessing.BoundedSemaphore', 'multiprocessing.Condition']) {
    assert.ok(isHeld(kind), kind);
  }
  for (const kind of ['Event', 'Barrier', 'Queue', 'LifoQueue', 'PriorityQueue', 'SimpleQueue', 'multiprocessing.Event', 'multiprocessing.Queue', 'multiprocessing.JoinableQueue', 'Thread.join', 'Process.join']) {
    assert.ok(!isHeld(kind), kind);
  }
});

test('a hold ends at its release, or at the run\'s end; a wait that holds nothing (or never got it) has none', () => {
  assert.equal(holdEnd({ kind: 'Lock', acquiredT: 10, releasedT: 30 }, 100), 30);
  assert.equal(holdEnd({ kind: 'multiprocessing.Semaphore', acquiredT: 10, releasedT: null }, 100), 100);
  assert.equal(holdEnd({ kind: 'Lock', acquiredT: null, releasedT: null }, 100), null);
  assert.equal(holdEnd({ kind: 'Event', acquiredT: 10, releasedT: null }, 100), null);
  assert.equal(holdEnd({ kind: 'Process.join', acquiredT: 10, releasedT: null }, 100), null);
});

test('what a wait waited for, in words fitting its kind', () => {
  assert.equal(waitedFor('multiprocessing.Event', 'ready (line 3)'), 'for it to be set');
  assert.equal(waitedFor('SimpleQueue', 'q (line 3)'), 'for an item');
  assert.equal(waitedFor('Process.join', 'Process-1'), 'for Process-1 to end');
  assert.equal(waitedFor('SomethingNew', 'x (line 3)'), 'on it');
});
