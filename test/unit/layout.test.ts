import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LABEL_COLUMN, LANE_HEIGHT, LANE_PARTS, firstEndingAfter, spanAt, stateRuns, PLOT_MARGIN, bucketColumns, keyAnchor, lanePartAt, offscreenText, segmentAt, labelColumnWidth, plotWidth, tickCount, fittingLabels, layoutRun, lifeSegments, nearestIndex, needsBuckets, rowAt, stripIndexAt, visibleRange,
} from '../../webview-ui/src/timeline/layout';
import { lowerBound, upperBound } from '../../src/shared/sortedTimes';

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

test('fittingLabels measures only labels that have room to start: marks a pixel apart cost no measuring', () => {
  const asked: number[] = [];
  const width = (i: number) => (asked.push(i), 50);
  const dense = Array.from({ length: 1000 }, (_, i) => i * 1.5);
  assert.deepEqual(fittingLabels(dense, width), dense.map((_, i) => i === 999));
  assert.deepEqual(asked, [999], 'only the last mark, with nothing after it, has room');
  // the same labels as with every width given, wherever the marks are
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 50; round++) {
    const xs = Array.from({ length: 40 }, () => random() * 2000).sort((a, b) => a - b);
    const widths = xs.map(() => random() * 120);
    assert.deepEqual(fittingLabels(xs, (i) => widths[i], 6, 1500), fittingLabels(xs, widths, 6, 1500));
  }
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

test('a 320-px panel keeps 60 % of its width for the plot (was 35 %), with at least 3 time ticks', () => {
  const panel = 320 - 2 * 8; // the body's padding in a narrow panel
  const processLabel = 84; // "Process 1" with its swatch and padding, as measured in Chromium
  const labels = labelColumnWidth(panel, processLabel);
  assert.equal(labels, processLabel, 'the labels get what they need');
  const plot = plotWidth(panel, labels);
  assert.ok(plot >= 0.6 * 320, `plot ${plot} px`);
  assert.ok(tickCount(plot) >= 3, `${tickCount(plot)} ticks`);
  // longer labels ("Pool thread 12", a thread's name) are capped at a share of the panel and ellipsised
  assert.equal(labelColumnWidth(panel, 150), Math.floor(panel * LABEL_COLUMN.share));
  assert.ok(plotWidth(panel, labelColumnWidth(panel, 150)) >= 0.6 * 320);
});

test('the label column follows its labels on a wide panel, between its bounds', () => {
  assert.equal(labelColumnWidth(1060, 70), 70, 'short labels: no fixed 168 px');
  assert.equal(labelColumnWidth(1060, 20), LABEL_COLUMN.min);
  assert.equal(labelColumnWidth(1060, 400), LABEL_COLUMN.max, 'a long thread name does not take the plot');
  assert.equal(labelColumnWidth(150, 84), LABEL_COLUMN.min, 'a tiny panel keeps a usable label column');
  assert.equal(plotWidth(1060, 70), 1060 - 70 - PLOT_MARGIN);
  assert.ok(plotWidth(60, 64) >= 50, 'never below a minimum plot');
  for (let width = 50; width < 2000; width += 37) assert.ok(labelColumnWidth(width, 84) <= Math.max(LABEL_COLUMN.min, Math.floor(width * LABEL_COLUMN.share)), `${width} px`);
});

test('tickCount asks for one tick per 64 px, never fewer than 2', () => {
  assert.equal(tickCount(100), 2);
  assert.equal(tickCount(214), 3);
  assert.equal(tickCount(900), 14);
});

test('keyboard zoom keeps an event still, never the empty middle of a run whose events are elsewhere', () => {
  // the processes of the canonical example: events at 40–41 ms and 51–53 ms of a 57 ms run
  const times = Float64Array.from([39.8, 40.5, 40.6, 51.1, 52.6]);
  assert.equal(keyAnchor(times, 0, 58), 39.8, 'the event nearest the middle (29 ms), not 29 ms');
  assert.equal(keyAnchor(times, 45, 50), 50, 'none in view: the edge nearest the next event');
  assert.equal(keyAnchor(times, 40, 41), 40.5);
  assert.equal(keyAnchor(Float64Array.from([]), 10, 20), 15, 'no events: the middle');
});

test("off-screen counts read as arrows towards the lane's hidden events", () => {
  assert.equal(offscreenText(12, 'before'), '◀ 12');
  assert.equal(offscreenText(37615, 'after'), '37,615 ▶');
});

test("a lane's life bar is below its marks, and tall enough to point at", () => {
  assert.equal(lanePartAt(LANE_PARTS.markTop + 1), 'marks');
  assert.equal(lanePartAt(LANE_PARTS.lifeTop + 1), 'life');
  assert.ok(LANE_PARTS.lifeHeight >= 6, 'visible in a dark theme');
  assert.ok(LANE_PARTS.lifeTop + LANE_PARTS.lifeHeight <= LANE_HEIGHT);
  assert.ok(LANE_PARTS.markTop + LANE_PARTS.markHeight <= LANE_PARTS.lifeTop);
  const phases = [{ phase: 'startup', t0: 0, t1: 10 }, { phase: 'running', t0: 10, t1: 30 }];
  assert.equal(segmentAt(phases, 5)?.phase, 'startup');
  assert.equal(segmentAt(phases, 20)?.phase, 'running');
  assert.equal(segmentAt(phases, 31), null);
});

test("a label that the plot's right edge would cut is left out", () => {
  assert.deepEqual(fittingLabels([10, 200], [50, 50], 6, 230), [true, false]);
  assert.deepEqual(fittingLabels([10, 200], [50, 50], 6, 260), [true, true]);
});

test('stateRuns: spans become pixel runs; outside the view skipped, a shared column takes the state covering most of it', () => {
  type S = 'running' | 'gil' | 'sleep';
  const span = (t: number, dur: number, state: S) => ({ t, dur, state });
  // 1 px = 10 ns, the view [0, 100) ns over 10 px
  const x = (t: number) => t / 10;
  const t = (px: number) => px * 10;
  const spans = [span(-50, 40, 'sleep'), span(-10, 35, 'running'), span(25, 4, 'gil'), span(29, 31, 'running'), span(60, 60, 'gil'), span(200, 10, 'sleep')];
  assert.deepEqual(stateRuns(spans, x, t, 10), [
    { x0: 0, x1: 6, state: 'running' }, // column 2: running 5 + 1 ns of [20, 30) against gil's 4
    { x0: 6, x1: 10, state: 'gil' },
  ]);
  // many spans inside one column: the dominant one wins, and neighbours of one state merge
  const dense = Array.from({ length: 100 }, (_, i) => span(i, 1, (i % 4 === 0 ? 'gil' : 'running') as S));
  assert.deepEqual(stateRuns(dense, x, t, 10), [{ x0: 0, x1: 10, state: 'running' }]);
  assert.deepEqual(stateRuns([], x, t, 10), []);
  assert.deepEqual(stateRuns([span(0, 20, 'sleep')], x, t, 10), [{ x0: 0, x1: 2, state: 'sleep' }], 'a gap is left undrawn');
});

test('spanAt: the span that covers most of a pixel column; firstEndingAfter finds where the view begins', () => {
  const spans = [{ t: 0, dur: 10 }, { t: 10, dur: 2 }, { t: 12, dur: 30 }];
  assert.equal(firstEndingAfter(spans, 11), 1);
  assert.equal(firstEndingAfter(spans, 100), 3);
  assert.equal(spanAt(spans, 5, 11), spans[0]);
  assert.equal(spanAt(spans, 9, 13), spans[1], 'the middle one covers most of it');
  assert.equal(spanAt(spans, 10.5, 12.5), spans[1]);
  assert.equal(spanAt(spans, 50, 60), null);
  assert.equal(lanePartAt(LANE_PARTS.stateTop + 1), 'states');
});
