import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LANE_HEIGHT, bucketColumns, fittingLabels, layoutRun, lifeSegments, lowerBound, nearestIndex, needsBuckets, rowAt, stripIndexAt, upperBound, visibleRange,
} from '../../webview-ui/src/timeline/layout';

test('layoutRun stacks one lane per worker, then the strip', () => {
  const l = layoutRun(3);
  assert.deepEqual(l.lanes.map((x) => x.y), [0, LANE_HEIGHT, 2 * LANE_HEIGHT]);
  assert.ok(l.strip.y >= 3 * LANE_HEIGHT);
  assert.ok(l.height >= l.strip.y + l.strip.height);
  assert.equal(rowAt(l, 1), 0);
  assert.equal(rowAt(l, LANE_HEIGHT + 1), 1);
  assert.equal(rowAt(l, l.strip.y + 1), 'strip');
  assert.equal(rowAt(l, l.height + 50), null);
});

test('binary searches and visible ranges', () => {
  const t = Float64Array.from([10, 20, 20, 30, 40]);
  assert.equal(lowerBound(t, 20), 1);
  assert.equal(upperBound(t, 20), 3);
  assert.equal(lowerBound(t, 5), 0);
  assert.equal(lowerBound(t, 45), 5);
  assert.deepEqual(visibleRange(t, 20, 30), [1, 4]);
  assert.deepEqual(visibleRange(t, 41, 50), [5, 5]);
});

test('bucketColumns counts events per pixel column (level of detail)', () => {
  const times = Float64Array.from({ length: 1000 }, (_, i) => i);
  const x = (t: number) => t / 10; // 1000 ns over 100 px
  const columns = bucketColumns(times, 0, times.length, x, 100);
  assert.equal(columns.length, 100);
  assert.equal(columns.reduce((a, b) => a + b, 0), 1000);
  assert.ok(columns.every((c) => c === 10));
  assert.equal(needsBuckets(1000, 100), true);
  assert.equal(needsBuckets(50, 100), false);
});

test('fittingLabels shows labels that do not collide, left to right', () => {
  // marks at 0, 10, 200; labels 50 px wide: the second would collide with the first's
  const shown = fittingLabels([0, 100, 112, 400], [50, 50, 50, 50]);
  assert.deepEqual(shown, [true, false, true, true]);
  // a label that would run over the next mark is not shown
  assert.deepEqual(fittingLabels([0, 20], [50, 50]), [false, true]);
});

test('nearestIndex finds the closest time within reach only', () => {
  const t = Float64Array.from([100, 200, 300]);
  assert.equal(nearestIndex(t, 190, 20), 1);
  assert.equal(nearestIndex(t, 251, 60), 2);
  assert.equal(nearestIndex(t, 150, 10), -1);
  assert.equal(nearestIndex(new Float64Array(0), 1, 1), -1);
});

test('stripIndexAt maps x to the event in global order', () => {
  assert.equal(stripIndexAt(0, 10, 100), 0);
  assert.equal(stripIndexAt(99.9, 10, 100), 9);
  assert.equal(stripIndexAt(55, 10, 100), 5);
  assert.equal(stripIndexAt(-1, 10, 100), -1);
  assert.equal(stripIndexAt(10, 0, 100), -1);
});

test('lifeSegments: start-up, running, join; unfinished workers run to the end', () => {
  const w = { worker: 0, pid: 1, createdNs: 0, startNs: 10, endNs: 50, joinedNs: 60, cpuNs: 5, status: 'ok' as const };
  assert.deepEqual(lifeSegments(w, 100), [
    { phase: 'startup', t0: 0, t1: 10 },
    { phase: 'running', t0: 10, t1: 50 },
    { phase: 'join', t0: 50, t1: 60 },
  ]);
  assert.deepEqual(lifeSegments({ ...w, endNs: null, joinedNs: null, status: 'timeout' }, 100).at(-1), { phase: 'running', t0: 10, t1: 100 });
  assert.deepEqual(lifeSegments({ ...w, startNs: null, endNs: null, joinedNs: 30 }, 100), [{ phase: 'startup', t0: 0, t1: 30 }]);
});
