/**
 * Draws one run on its canvas: per lane the worker's life bar and its output marks (one per event,
 * or one bar per pixel column when dense), labels where they fit, then the interleaving strip.
 */
import type { ScaleLinear } from 'd3-scale';
import { bucketColumns, fittingLabels, LANE_PARTS, layoutRun, lifeSegments, needsBuckets, offscreenText, stateRuns, visibleRange, type LifePhase, type RunLayout } from './layout';
import { APPROXIMATE, fileIndexIn, isAtLine, textAt, type EventColumns } from '../../../src/shared/columns';
import { holdEnd, waitEnd } from '../../../src/shared/lockKinds';
import type { ThreadState, WorkerInfo } from '../../../src/shared/trace';
import { endedBadly } from '../../../src/shared/workerLife';
import { laneHas, rowKinds, type LaneModel, type RunModel } from './model';
import { workerColor, workerFill, workerInk, type Theme } from './theme';

export interface DrawOptions {
  /** Scale from ns to canvas x (already zoomed). */
  x: ScaleLinear<number, number>;
  width: number;
  theme: Theme;
  /** Events of this source line are emphasised (the editor's cursor): of the traced file (`file` null) or another. */
  highlight: { line: number; file: string | null } | null;
  /** The selected event (index into the run's events), or -1. */
  selected: number;
  /** The replay's cursor: a line across the lanes at the selected event's time. */
  cursor?: boolean;
}

const { markTop: MARK_TOP, markHeight: MARK_HEIGHT, stateTop: STATE_TOP, stateHeight: STATE_HEIGHT, lifeTop: LIFE_TOP, lifeHeight: LIFE_HEIGHT } = LANE_PARTS;
/** Room a worker's number needs around it in an Order cell. */
const STRIP_NUMBER_PADDING = 4;

const labelWidths = new Map<string, number>();

function measure(ctx: CanvasRenderingContext2D, text: string): number {
  const key = `${ctx.font}\n${text}`;
  let w = labelWidths.get(key);
  if (w === undefined) {
    w = ctx.measureText(text).width;
    if (labelWidths.size > 50_000) labelWidths.clear();
    labelWidths.set(key, w);
  }
  return w;
}

/** A lane's events beyond the edges of the view, and how wide their drawn counts are (for the hover). */
export interface Offscreen {
  before: number;
  after: number;
  beforeWidth: number;
  afterWidth: number;
}

export interface DrawnRun extends RunLayout {
  offscreen: Offscreen[];
}

export function drawRun(ctx: CanvasRenderingContext2D, run: RunModel, o: DrawOptions): DrawnRun {
  const layout = layoutRun(rowKinds(run));
  const highlightFile = o.highlight ? fileIndexIn(run.cols, o.highlight.file) : -1; // -1: no event of this run is in that file
  ctx.clearRect(0, 0, o.width, layout.height);
  ctx.textBaseline = 'middle';
  for (const heading of layout.headings) if (heading.y > 0) drawHeadingRule(ctx, heading.y, o); // the first is under the axis
  const offscreen = run.shown.map((lane, i) => {
    const { y, height } = layout.lanes[i];
    if (i % 2 === 1) {
      ctx.fillStyle = o.theme.laneStripe;
      ctx.fillRect(0, y, o.width, height);
    }
    if (lane.info) drawLife(ctx, run, lane.info, y, o);
    drawStates(ctx, lane, y, o);
    drawLocks(ctx, run, lane, y, o);
    ctx.font = o.theme.font;
    const [lo, hi] = drawMarks(ctx, run, lane, y, o, highlightFile);
    return drawOffscreen(ctx, lo, lane.times.length - hi, y, o);
  });
  if (o.cursor && o.selected >= 0 && o.selected < run.cols.t.length) drawCursor(ctx, o.x(run.cols.t[o.selected]), layout.strip.y, o);
  drawStrip(ctx, run, layout.strip, o);
  return { ...layout, offscreen };
}

/** A process group's heading row: a rule across the plot at its top, level with the heading's button. */
function drawHeadingRule(ctx: CanvasRenderingContext2D, y: number, o: DrawOptions): void {
  ctx.fillStyle = o.theme.muted;
  ctx.globalAlpha = 0.5;
  ctx.fillRect(0, Math.round(y + 3), o.width, 1);
  ctx.globalAlpha = 1;
}

/** The replay's cursor at `px`: a line in the focus colour down the lanes (to `bottom`), a notch on top to find it by. */
function drawCursor(ctx: CanvasRenderingContext2D, px: number, bottom: number, o: DrawOptions): void {
  if (px < -4 || px > o.width + 4) return;
  const x = Math.round(px) + 0.5;
  ctx.strokeStyle = ctx.fillStyle = o.theme.focus;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, 0);
  ctx.lineTo(x, bottom);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x - 4, 0);
  ctx.lineTo(x + 4, 0);
  ctx.lineTo(x, 4);
  ctx.closePath();
  ctx.fill();
}

/**
 * Each state's shape in the strip — its height (of STATE_HEIGHT, from the bottom) and a gap every
 * `period` px — so the states differ without their hue (high contrast, colour blindness).
 */
export const STATE_SHAPES: Readonly<Record<ThreadState, { height: number; period: number }>> = {
  running: { height: 1, period: 0 },
  gil: { height: 1, period: 2 },
  lock: { height: 1, period: 4 },
  sleep: { height: 0.5, period: 0 },
  io: { height: 0.5, period: 2 },
  other: { height: 0.25, period: 0 },
};

/** The lane's sampled states under its marks: one run of pixel columns per stretch in one state. */
function drawStates(ctx: CanvasRenderingContext2D, lane: LaneModel, y: number, o: DrawOptions): void {
  if (!lane.states.length) return;
  for (const r of stateRuns(lane.states, o.x, (px) => o.x.invert(px), o.width)) drawStateRun(ctx, r.state, r.x0, r.x1, y, o.theme);
}

/** Columns [x0, x1) of a lane's state strip in `state`'s colour and shape. */
export function drawStateRun(ctx: CanvasRenderingContext2D, state: ThreadState, x0: number, x1: number, laneY: number, theme: Theme): void {
  const { height, period } = STATE_SHAPES[state];
  const h = Math.max(1, Math.round(STATE_HEIGHT * height));
  const top = laneY + STATE_TOP + STATE_HEIGHT - h;
  ctx.fillStyle = theme.states[state];
  if (!period) return ctx.fillRect(x0, top, x1 - x0, h);
  for (let px = x0; px < x1; px += period) ctx.fillRect(px, top, Math.min(period - 1, x1 - px), h);
}

/** Lock waits hatched over the strip (waitT → acquiredT), holds outlined around it (acquiredT → releasedT; only for kinds held after their wait). */
function drawLocks(ctx: CanvasRenderingContext2D, run: RunModel, lane: LaneModel, y: number, o: DrawOptions): void {
  const end = run.endNs;
  for (const w of lane.locks) {
    const a = o.x(w.waitT);
    const b = o.x(waitEnd(w, end));
    if (b >= 0 && a <= o.width) drawLockWait(ctx, Math.max(-2, a), Math.min(o.width + 2, b), y, o.theme);
    const held = holdEnd(w, end);
    if (held === null) continue;
    const c = o.x(held);
    if (c >= 0 && b <= o.width) drawLockHold(ctx, Math.max(-2, b), Math.min(o.width + 2, c), y, o.theme);
  }
}

/** Waiting for a lock over [a, b] px: diagonal hatching in the lock colour across the strip. */
export function drawLockWait(ctx: CanvasRenderingContext2D, a: number, b: number, laneY: number, theme: Theme): void {
  const top = laneY + STATE_TOP - 1;
  const h = STATE_HEIGHT + 2;
  ctx.save();
  ctx.beginPath();
  ctx.rect(a, top, Math.max(1, b - a), h);
  ctx.clip();
  ctx.strokeStyle = theme.states.lock;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let px = Math.floor(a) - h; px < b; px += 3) {
    ctx.moveTo(px, top + h);
    ctx.lineTo(px + h, top);
  }
  ctx.stroke();
  ctx.restore();
}

/** Holding a lock over [a, b] px: an outline around the strip, in the foreground colour. */
export function drawLockHold(ctx: CanvasRenderingContext2D, a: number, b: number, laneY: number, theme: Theme): void {
  ctx.strokeStyle = theme.foreground;
  ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(a) + 0.5, laneY + STATE_TOP - 1.5, Math.max(1, Math.round(b - a) - 1), STATE_HEIGHT + 3);
}

/**
 * One phase of a worker's life bar over [a, b] px in the lane whose top is `laneY`, told apart by
 * shape and not only by shade: start-up outlined, running solid, the wait to be joined a thin
 * tail that ends in a tick (the join).
 */
export function drawLifePhase(ctx: CanvasRenderingContext2D, phase: LifePhase, a: number, b: number, laneY: number, color: string): void {
  const top = laneY + LIFE_TOP;
  const w = Math.max(1, b - a);
  ctx.fillStyle = ctx.strokeStyle = color;
  if (phase === 'running') {
    ctx.globalAlpha = 0.85;
    ctx.fillRect(a, top, w, LIFE_HEIGHT);
  } else if (phase === 'startup') {
    ctx.globalAlpha = 0.2;
    ctx.fillRect(a, top, w, LIFE_HEIGHT);
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1;
    ctx.strokeRect(Math.round(a) + 0.5, top + 0.5, Math.max(0, Math.round(w) - 1), LIFE_HEIGHT - 1);
  } else {
    ctx.globalAlpha = 0.85;
    ctx.fillRect(a, top + LIFE_HEIGHT / 2 - 1, w, 2);
    ctx.fillRect(a + w - 1, top, 1, LIFE_HEIGHT);
  }
  ctx.globalAlpha = 1;
}

/** The worker's life bar, phase by phase; a failure's end marked with a triangle. */
function drawLife(ctx: CanvasRenderingContext2D, run: RunModel, info: WorkerInfo, y: number, o: DrawOptions): void {
  const { x, width, theme } = o;
  const color = workerColor(theme, info.worker);
  for (const seg of lifeSegments(info, run.run.wallNs)) {
    const a = Math.max(-1, x(seg.t0));
    const b = Math.min(width + 1, x(seg.t1));
    if (b < 0 || a > width) continue;
    drawLifePhase(ctx, seg.phase, a, b, y, color);
  }
  if (endedBadly(info)) drawFailure(ctx, x(info.endNs ?? info.joinedNs ?? run.run.wallNs), y, theme);
}

/** Where a worker's life ended badly (an exception, an exit, a signal, the time limit): a triangle. */
export function drawFailure(ctx: CanvasRenderingContext2D, px: number, laneY: number, theme: Theme): void {
  ctx.fillStyle = theme.error;
  ctx.beginPath();
  ctx.moveTo(px, laneY + LIFE_TOP - 4);
  ctx.lineTo(px + 5, laneY + LIFE_TOP + LIFE_HEIGHT + 2);
  ctx.lineTo(px - 5, laneY + LIFE_TOP + LIFE_HEIGHT + 2);
  ctx.closePath();
  ctx.fill();
}

/**
 * One mark per event (or one bar per pixel column when dense), labels where they fit. The
 * selected event is boxed in the focus colour; events of the cursor's line get a quiet tick
 * above their mark, so a line with every event on it does not bury the selection.
 */
function drawMarks(ctx: CanvasRenderingContext2D, run: RunModel, lane: LaneModel, y: number, o: DrawOptions, highlightFile: number): [number, number] {
  const { x, width, theme } = o;
  const cols = run.cols;
  const color = workerColor(theme, lane.worker);
  const [t0, t1] = x.domain();
  const [lo, hi] = visibleRange(lane.times, t0, t1);
  if (needsBuckets(hi - lo, width)) {
    const columns = bucketColumns(lane.times, lo, hi, x, width);
    drawBuckets(ctx, columns, lane.members ? columnColors(cols, lane, lo, hi, o) : () => color, y);
  } else {
    const xs = new Float64Array(hi - lo);
    for (let j = lo; j < hi; j++) {
      const k = lane.index[j];
      const px = Math.round(x(cols.t[k]));
      xs[j - lo] = px;
      const selected = k === o.selected;
      // a collapsed group's lane: each mark in its own worker's colour
      const own = lane.members ? workerColor(theme, cols.worker[k]) : color;
      drawMark(ctx, px, y, (cols.stream[k] & 3) === 2 ? theme.error : own, (cols.stream[k] & APPROXIMATE) !== 0, selected);
      if (!selected && o.highlight && highlightFile >= 0 && isAtLine(cols, k, o.highlight.line, highlightFile)) {
        ctx.fillStyle = theme.lineHighlight;
        ctx.fillRect(px - 2, y + 1, 4, 2);
      }
    }
    drawLabels(ctx, cols, lane, lo, xs, y, o);
  }
  const s = o.selected;
  if (s >= 0 && laneHas(lane, cols.worker[s], cols.thread[s])) {
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(Math.round(x(cols.t[s])) - 4, y + 1, 8, MARK_HEIGHT + 6);
  }
  return [lo, hi];
}

/** An output line's mark at `px` in the lane whose top is `laneY`; hollow when it was read below Python (its time is when it was read). */
export function drawMark(ctx: CanvasRenderingContext2D, px: number, laneY: number, color: string, approximate: boolean, selected = false): void {
  ctx.fillStyle = color;
  if (approximate) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    ctx.strokeRect(px - 1.5, laneY + MARK_TOP + 0.5, 3, MARK_HEIGHT - 1);
  } else {
    ctx.fillRect(px - 1, laneY + MARK_TOP - (selected ? 3 : 0), selected ? 3 : 2, MARK_HEIGHT + (selected ? 6 : 0));
  }
}

/** "◀ 12" at the left edge and "8 ▶" at the right: the lane's events the view does not show. */
function drawOffscreen(ctx: CanvasRenderingContext2D, before: number, after: number, y: number, o: DrawOptions): Offscreen {
  return { before, after, beforeWidth: before ? drawEdgeCount(ctx, offscreenText(before, 'before'), 0, y, o) : 0, afterWidth: after ? drawEdgeCount(ctx, offscreenText(after, 'after'), null, y, o) : 0 };
}

/** A count on a pad of the background at the left edge (`left` 0) or the right (null); its width. */
export function drawEdgeCount(ctx: CanvasRenderingContext2D, text: string, left: number | null, y: number, o: Pick<DrawOptions, 'theme' | 'width'>): number {
  ctx.font = o.theme.smallFont;
  const w = Math.ceil(measure(ctx, text)) + 10;
  const x = left ?? o.width - w;
  ctx.fillStyle = o.theme.background;
  ctx.fillRect(x, y + MARK_TOP - 1, w, MARK_HEIGHT + 2);
  ctx.strokeStyle = o.theme.muted;
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + MARK_TOP - 0.5, w - 1, MARK_HEIGHT + 1);
  ctx.fillStyle = o.theme.foreground;
  ctx.fillText(text, x + 5, y + MARK_TOP + MARK_HEIGHT / 2);
  return w;
}

/** A collapsed group's dense lane: each pixel column in the colour of the worker that wrote last there. */
function columnColors(cols: EventColumns, lane: LaneModel, lo: number, hi: number, o: DrawOptions): (c: number) => string {
  const writer = new Int32Array(Math.max(0, Math.ceil(o.width)));
  for (let j = lo; j < hi; j++) {
    const k = lane.index[j];
    const c = Math.floor(o.x(cols.t[k]));
    if (c >= 0 && c < writer.length) writer[c] = cols.worker[k];
  }
  return (c) => workerColor(o.theme, writer[c]);
}

function drawBuckets(ctx: CanvasRenderingContext2D, columns: Uint32Array, colorOf: (column: number) => string, y: number): void {
  let max = 1;
  for (const c of columns) if (c > max) max = c;
  for (let c = 0; c < columns.length; c++) {
    if (!columns[c]) continue;
    ctx.fillStyle = colorOf(c);
    ctx.globalAlpha = 0.35 + (0.65 * Math.log1p(columns[c])) / Math.log1p(max);
    ctx.fillRect(c, y + MARK_TOP, 1, MARK_HEIGHT);
  }
  ctx.globalAlpha = 1;
}

/** The events' texts beside their marks where they fit (a label cut by the plot's edge is left out). */
function drawLabels(ctx: CanvasRenderingContext2D, cols: EventColumns, lane: LaneModel, lo: number, xs: Float64Array, y: number, o: DrawOptions): void {
  const shown = fittingLabels(xs, (j) => measure(ctx, textAt(cols, lane.index[lo + j])), undefined, o.width);
  ctx.fillStyle = o.theme.foreground;
  for (let j = 0; j < shown.length; j++) {
    if (shown[j]) ctx.fillText(textAt(cols, lane.index[lo + j]), xs[j] + 4, y + MARK_TOP + MARK_HEIGHT / 2);
  }
}

/**
 * The Order strip: events in global order, one cell each, filled by worker (colour, and hatching in
 * high contrast); the worker's number is written in the cell when it fits, so the order reads
 * without telling colours apart.
 */
function drawStrip(ctx: CanvasRenderingContext2D, run: RunModel, strip: { y: number; height: number }, o: DrawOptions): void {
  const { width, theme } = o;
  const n = run.cols.worker.length;
  if (n === 0) return;
  drawOrderCells(ctx, run.cols.worker, strip, width, theme);
  const cell = width / n;
  if (o.selected >= 0 && o.selected < n) {
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(Math.floor(o.selected * cell) - 1, strip.y - 1, Math.max(3, cell) + 2, strip.height + 2);
  }
}

/** Cells of the Order strip for `workers` (event i's worker) across `width` px; numbered where they fit. */
export function drawOrderCells(ctx: CanvasRenderingContext2D, workers: ArrayLike<number>, strip: { y: number; height: number }, width: number, theme: Theme): void {
  const n = workers.length;
  const { y, height } = strip;
  const cell = width / n;
  if (n <= width) {
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = workerFill(ctx, theme, workers[i]);
      ctx.fillRect(Math.floor(i * cell), y, Math.max(1, Math.ceil(cell) - (cell > 4 ? 1 : 0)), height);
    }
    drawStripNumbers(ctx, workers, cell, strip, theme);
  } else {
    for (let c = 0; c < width; c++) {
      ctx.fillStyle = workerFill(ctx, theme, workers[Math.min(n - 1, Math.floor((c / width) * n))]);
      ctx.fillRect(c, y, 1, height);
    }
  }
}

function drawStripNumbers(ctx: CanvasRenderingContext2D, workers: ArrayLike<number>, cell: number, strip: { y: number; height: number }, theme: Theme): void {
  ctx.font = theme.smallFont;
  ctx.textAlign = 'center';
  for (let i = 0; i < workers.length; i++) {
    const label = String(workers[i] + 1);
    if (measure(ctx, label) + STRIP_NUMBER_PADDING > cell) continue;
    const cx = Math.floor(i * cell) + cell / 2;
    const cy = strip.y + strip.height / 2;
    const w = measure(ctx, label) + STRIP_NUMBER_PADDING;
    ctx.fillStyle = workerColor(theme, workers[i]); // a plain pad: the number stays readable on hatching
    ctx.fillRect(Math.round(cx - w / 2), strip.y + 2, Math.ceil(w), strip.height - 4);
    ctx.fillStyle = workerInk(theme, workers[i]);
    ctx.fillText(label, cx, cy);
  }
  ctx.textAlign = 'start';
}
