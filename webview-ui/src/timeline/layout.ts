/**
 * Pure layout for the timeline: where lanes sit, which events are visible, how they collapse into
 * pixel columns when dense, which labels fit, and which event a pointer is over. No DOM here.
 */
import { lowerBound, upperBound, type Times } from '../../../src/shared/sortedTimes';

export const LANE_HEIGHT = 30;
/** A process group's heading (a script run's): a row of its own above the group's lanes. */
export const HEADING_HEIGHT = 24;
export const STRIP_HEIGHT = 16;
export const STRIP_GAP = 8;
/** Above this many visible marks per lane, draw one bar per pixel column (level of detail). */
export const MARKS_PER_PIXEL_LIMIT = 1;

/** The lane-label column: as wide as its longest label needs, within these bounds. */
export const LABEL_COLUMN = {
  /** Never narrower: a swatch and a few characters ("Thread 1" is ellipsised below this). */
  min: 64,
  /** Never wider: long thread names are ellipsised (the full name is in the hover). */
  max: 200,
  /** At most this share of the panel, so a narrow panel keeps most of its width for the plot. */
  share: 0.3,
};
/** Space between the label column and the plot, and the plot's right margin. */
export const PLOT_MARGIN = 8;
/** The fewest pixels between two time-axis ticks (a label such as "12.5 ms" fits). */
export const TICK_SPACING = 64;

/**
 * Width of the lane-label column for a panel `panelWidth` wide whose widest label needs
 * `widestLabel` pixels: what the labels need, capped at a share of the panel.
 */
export function labelColumnWidth(panelWidth: number, widestLabel: number): number {
  const cap = Math.max(LABEL_COLUMN.min, Math.min(LABEL_COLUMN.max, Math.floor(panelWidth * LABEL_COLUMN.share)));
  return Math.max(LABEL_COLUMN.min, Math.min(cap, Math.ceil(widestLabel)));
}

/** The plot's width beside a label column of `labelWidth` in a panel `panelWidth` wide. */
export function plotWidth(panelWidth: number, labelWidth: number): number {
  return Math.max(50, panelWidth - labelWidth - PLOT_MARGIN);
}

/** How many ticks to ask the time axis for across a plot `width` pixels wide. */
export function tickCount(width: number): number {
  return Math.max(2, Math.floor(width / TICK_SPACING));
}

/** Where things sit inside a lane (px from its top): the marks, the thread's observed states, the worker's life bar. */
export const LANE_PARTS = {
  markTop: 4,
  markHeight: 13,
  /** A thin band under the marks: each sampled state's span (states.ts), lock waits and holds over it. */
  stateTop: 18,
  stateHeight: 4,
  /** Tall enough to see in a dark theme, and to point at (its phases have a hover). */
  lifeTop: 23,
  lifeHeight: 6,
};

/** Which part of a lane a y coordinate (from the lane's top) is in. */
export function lanePartAt(y: number): 'marks' | 'states' | 'life' {
  if (y >= LANE_PARTS.lifeTop - 0.5) return 'life';
  return y >= LANE_PARTS.stateTop - 1 ? 'states' : 'marks';
}

/** A stretch of time in one state (a thread's span), as the strip needs it. */
export interface TimedState<S extends string> {
  t: number;
  dur: number;
  state: S;
}

/** Pixel columns [x0, x1) drawn in one state. */
export interface StateRun<S extends string> {
  x0: number;
  x1: number;
  state: S;
}

/**
 * A lane's state spans (in time order, not overlapping) as runs of pixel columns across [0, width):
 * spans outside the view are skipped (found by binary search), and a column several spans share
 * takes the state that covers most of it, so a dense stretch reads as what it mostly was.
 */
export function stateRuns<S extends string>(spans: readonly TimedState<S>[], xOf: (t: number) => number, tOf: (x: number) => number, width: number): StateRun<S>[] {
  const columns = Math.max(0, Math.ceil(width));
  const best = new Array<S | null>(columns).fill(null);
  const cover = new Float64Array(columns);
  const shares = new Map<S, Float64Array>();
  for (let i = firstEndingAfter(spans, tOf(0)); i < spans.length; i++) {
    const a = Math.max(0, xOf(spans[i].t));
    const b = Math.min(columns, xOf(spans[i].t + spans[i].dur));
    if (a >= columns) break;
    if (b <= a) continue;
    let share = shares.get(spans[i].state);
    if (!share) shares.set(spans[i].state, (share = new Float64Array(columns)));
    for (let c = Math.floor(a); c < b; c++) {
      share[c] += Math.min(b, c + 1) - Math.max(a, c);
      if (share[c] > cover[c]) {
        cover[c] = share[c];
        best[c] = spans[i].state;
      }
    }
  }
  const runs: StateRun<S>[] = [];
  for (let c = 0; c < columns; c++) {
    const state = best[c];
    if (state === null) continue;
    const last = runs.at(-1);
    if (last && last.x1 === c && last.state === state) last.x1 = c + 1;
    else runs.push({ x0: c, x1: c + 1, state });
  }
  return runs;
}

/** The first span that ends after `t` (spans in time order, not overlapping). */
export function firstEndingAfter(spans: readonly { t: number; dur: number }[], t: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid].t + spans[mid].dur <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The span that covers most of [t0, t1] (a pixel column's time), if any: what the strip drew there. */
export function spanAt<T extends { t: number; dur: number }>(spans: readonly T[], t0: number, t1: number): T | null {
  let found: T | null = null;
  let most = 0;
  for (let i = firstEndingAfter(spans, t0); i < spans.length && spans[i].t <= t1; i++) {
    const covers = Math.min(t1, spans[i].t + spans[i].dur) - Math.max(t0, spans[i].t);
    if (covers > most || (found === null && covers >= 0)) {
      found = spans[i];
      most = covers;
    }
  }
  return found;
}

/**
 * The time keyboard zoom keeps still: the event nearest the middle of the view [t0, t1], held
 * inside the view, so `+` never zooms into empty space while there are events to look at.
 */
export function keyAnchor(times: Times, t0: number, t1: number): number {
  const middle = (t0 + t1) / 2;
  const i = lowerBound(times, middle);
  let best = middle;
  let distance = Infinity;
  for (const j of [i - 1, i]) {
    const t = j >= 0 && j < times.length ? times.at(j)! : NaN;
    if (Math.abs(t - middle) < distance) {
      best = t;
      distance = Math.abs(t - middle);
    }
  }
  return Math.min(t1, Math.max(t0, best));
}

/** The count of a lane's events beyond an edge of the view: "◀ 12", "8 ▶". */
export function offscreenText(count: number, side: 'before' | 'after'): string {
  const n = count.toLocaleString('en-US');
  return side === 'before' ? `◀ ${n}` : `${n} ▶`;
}

/** The segment that time `t` falls in, if any (segments in time order, as a life bar's phases). */
export function segmentAt<S extends { t0: number; t1: number }>(segments: readonly S[], t: number): S | null {
  return segments.find((s) => t >= s.t0 && t <= s.t1) ?? null;
}

export interface RunLayout {
  height: number;
  /** The lanes shown, in order (a collapsed group's summary lane is one of them). */
  lanes: Array<{ y: number; height: number }>;
  /** The process groups' headings, in order (none but in a script run). */
  headings: Array<{ y: number; height: number }>;
  strip: { y: number; height: number };
}

/** A row of a run's canvas, top to bottom. */
export type RowKind = 'heading' | 'lane';

/**
 * Vertical positions inside one run's canvas: its rows — a lane per worker (`laneCount`), or
 * lanes under process headings — then the interleaving strip.
 */
export function layoutRun(rows: number | readonly RowKind[]): RunLayout {
  const kinds: readonly RowKind[] = typeof rows === 'number' ? new Array<RowKind>(rows).fill('lane') : rows;
  const lanes: RunLayout['lanes'] = [];
  const headings: RunLayout['headings'] = [];
  let y = 0;
  for (const kind of kinds) {
    const height = kind === 'lane' ? LANE_HEIGHT : HEADING_HEIGHT;
    (kind === 'lane' ? lanes : headings).push({ y, height });
    y += height;
  }
  const stripY = y + STRIP_GAP;
  return { height: stripY + STRIP_HEIGHT + 4, lanes, headings, strip: { y: stripY, height: STRIP_HEIGHT } };
}

/** Which row a y coordinate is in: a lane index, 'strip', or null. */
export function rowAt(layout: RunLayout, y: number): number | 'strip' | null {
  for (let i = 0; i < layout.lanes.length; i++) {
    const l = layout.lanes[i];
    if (y >= l.y && y < l.y + l.height) return i;
  }
  if (y >= layout.strip.y - 2 && y < layout.strip.y + layout.strip.height + 2) return 'strip';
  return null;
}

/** Index range [lo, hi) of the times inside [t0, t1]. */
export function visibleRange(times: Times, t0: number, t1: number): [number, number] {
  return [lowerBound(times, t0), upperBound(times, t1)];
}

/** Level of detail: how many of times[lo..hi) fall in each pixel column of [0, width). */
export function bucketColumns(times: Times, lo: number, hi: number, xOf: (t: number) => number, width: number): Uint32Array {
  const columns = new Uint32Array(Math.max(0, Math.ceil(width)));
  for (let i = lo; i < hi; i++) {
    const x = Math.floor(xOf(times.at(i)!));
    if (x >= 0 && x < columns.length) columns[x]++;
  }
  return columns;
}

/** True when the visible marks are too dense to draw one by one. */
export function needsBuckets(visible: number, width: number): boolean {
  return visible > width * MARKS_PER_PIXEL_LIMIT;
}

/**
 * Labels that fit: left to right, a label is shown when it starts after the previous shown label
 * ended (plus a gap) and ends before the next mark of the lane and the plot's right edge `right`.
 * `widths` as a function is asked only for a label that has room to start: measuring text is the
 * cost, and a lane of marks a pixel or two apart (a program of 100 threads) has room for none.
 */
export function fittingLabels(xs: ArrayLike<number>, widths: ArrayLike<number> | ((i: number) => number), gap = 6, right = Infinity): boolean[] {
  const widthOf = typeof widths === 'function' ? widths : (i: number) => widths[i];
  const shown: boolean[] = new Array(xs.length).fill(false);
  let lastEnd = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const start = xs[i] + 4;
    const next = Math.min(right + 2, i + 1 < xs.length ? xs[i + 1] : Infinity);
    if (start < lastEnd + gap || start > next - 2) continue;
    const end = start + widthOf(i);
    if (end <= next - 2) {
      shown[i] = true;
      lastEnd = end;
    }
  }
  return shown;
}

/** The index of the time nearest `t`, if within `maxDistance`; else -1. */
export function nearestIndex(times: Times, t: number, maxDistance: number): number {
  const i = lowerBound(times, t);
  let best = -1;
  let bestDistance = maxDistance;
  for (const j of [i - 1, i]) {
    if (j >= 0 && j < times.length) {
      const d = Math.abs(times.at(j)! - t);
      if (d <= bestDistance) {
        best = j;
        bestDistance = d;
      }
    }
  }
  return best;
}

/** The interleaving strip: equal cells in global order; the event under x. */
export function stripIndexAt(x: number, count: number, width: number): number {
  if (count === 0 || x < 0 || x >= width) return -1;
  return Math.min(count - 1, Math.floor((x / width) * count));
}

// The worker's life phases are shared with the Chrome trace export.
export { lifeSegments, type LifePhase } from '../../../src/shared/workerLife';
