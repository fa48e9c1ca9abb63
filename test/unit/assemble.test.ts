import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeByTime } from '../../src/runner/assemble';
import type { OutputEvent } from '../../src/shared/trace';

const ev = (t: number, worker: number, text = `${worker}@${t}`): OutputEvent => ({ t, worker, pid: 1, stream: 'stdout', text, line: 1 });

test('mergeByTime: per-worker lists into global order, ties by worker, nothing lost', () => {
  // worker 1's second line was written in pieces: its time (of the first piece) is earlier than the line before it
  const lists = [[ev(10, 0), ev(20, 0), ev(30, 0)], [ev(5, 1), ev(25, 1), ev(15, 1)], [], [ev(20, 3)]];
  const merged = mergeByTime(lists.map((l) => [...l]));
  assert.deepEqual(merged.map((e) => `${e.worker}@${e.t}`), ['1@5', '0@10', '1@15', '0@20', '3@20', '1@25', '0@30']);
  assert.deepEqual(mergeByTime([]), []);
});
