/** The live preview: at most LIVE_PER_POLL events a poll, shared among the workers, nothing shown twice. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventSource } from '../../src/runner/eventStore';
import { LIVE_PER_POLL, LivePreview } from '../../src/runner/livePreview';
import type { WorkerState } from '../../src/runner/records';
import type { OutputEvent } from '../../src/shared/trace';

const T0 = 1_000;

function worker(n: number, lines: number): WorkerState {
  const state: WorkerState = { begin: { ns: T0, pid: 100 + n }, sources: [new EventSource(n, false), new EventSource(n, true)], threads: [], truncated: false, locks: [] };
  for (let i = 0; i < lines; i++) {
    const buf = Buffer.from(`w${n} ${i}`);
    state.sources[0].push(T0 + i, 1, 7, buf, 0, buf.length, 0, false);
  }
  return state;
}

test('a flood is previewed in shares: each worker its part, each event at most once, new events next poll', () => {
  const shown: OutputEvent[][] = [];
  const preview = new LivePreview((events) => shown.push(events));
  const workers = [worker(0, 10_000), worker(1, 3)];
  preview.progress({ t0: T0, workers });
  assert.equal(shown.length, 1);
  assert.ok(shown[0].length <= LIVE_PER_POLL);
  assert.equal(shown[0].filter((e) => e.worker === 1).length, 3, 'the quiet worker is not crowded out');
  assert.equal(shown[0][0].t, 0, 'times relative to the run start');
  assert.equal(shown[0][0].pid, 100);
  preview.progress({ t0: T0, workers });
  assert.equal(shown.length, 1, 'nothing new: nothing shown');
  const buf = Buffer.from('late');
  workers[1].sources[0].push(T0 + 50_000, 1, 8, buf, 0, buf.length, 0, false);
  preview.progress({ t0: T0, workers });
  assert.deepEqual(shown[1].map((e) => e.text), ['late']);
});
