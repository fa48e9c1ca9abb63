/**
 * Draws one run on its canvas: per lane the worker's life bar and its output marks (one per event,
 * or one bar per pixel column when dense), labels where they fit, then the interleaving strip.
 */
import type { ScaleLinear } from 'd3-scale';
import { bucketColumns, fittingLabels, layoutRun, lifeSegments, needsBuckets, visibleRange, type RunLayout } from './layout';
import { APPROXIMATE, textAt, type EventColumns } from '../../../src/shared/columns';
import type { WorkerInfo } from '../../../src/shared/trace';
import type { LaneModel, RunModel } from './model';
import { workerColor, workerFill, workerInk, type Theme } from './theme';

export interface DrawOptions {
  /** Scale from ns to canvas x (already zoomed). */
  x: ScaleLinear<number, number>;
  width: number;
  theme: Theme;
  /** Events of this source line are emphasised (the editor's cursor). */
  highlightLine: number | null;
  /** The selected event (index into the run's events), or -1. */
  selected: number;
}

const MARK_TOP = 5;
const MARK_HEIGHT = 15;
const LIFE_TOP = 23;
const LIFE_HEIGHT = 4;
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

export function drawRun(ctx: CanvasRenderingContext2D, run: RunModel, o: DrawOptions): RunLayout {
  const layout = layoutRun(run.lanes.length);
  ctx.clearRect(0, 0, o.width, layout.height);
  ctx.font = o.theme.font;
  ctx.textBaseline = 'middle';
  run.lanes.forEach((lane, i) => {
    const { y, height } = layout.lanes[i];
    if (i % 2 === 1) {
      ctx.fillStyle = o.theme.laneStripe;
      ctx.fillRect(0, y, o.width, height);
    }
    if (lane.info) drawLife(ctx, run, lane.info, y, o);
    drawMarks(ctx, run, lane, y, o);
  });
  drawStrip(ctx, run, layout.strip, o);
  return layout;
}

/** The worker's life bar: start-up dim, running solid, join wait faint; a failure's end marked. */
function drawLife(ctx: CanvasRenderingContext2D, run: RunModel, info: WorkerInfo, y: number, o: DrawOptions): void {
  const { x, width, theme } = o;
  ctx.fillStyle = workerColor(theme, info.worker);
  for (const seg of lifeSegments(info, run.run.wallNs)) {
    const a = Math.max(-1, x(seg.t0));
    const b = Math.min(width + 1, x(seg.t1));
    if (b < 0 || a > width) continue;
    ctx.globalAlpha = seg.phase === 'running' ? 0.55 : seg.phase === 'startup' ? 0.25 : 0.15;
    ctx.fillRect(a, y + LIFE_TOP, Math.max(1, b - a), LIFE_HEIGHT);
    if (seg.phase === 'startup') {
      ctx.globalAlpha = 0.6;
      ctx.fillRect(a, y + LIFE_TOP - 2, 1, LIFE_HEIGHT + 4);
    }
  }
  ctx.globalAlpha = 1;
  if (info.status === 'ok') return;
  const ex = x(info.endNs ?? info.joinedNs ?? run.run.wallNs);
  ctx.fillStyle = theme.error;
  ctx.beginPath();
  ctx.moveTo(ex, y + LIFE_TOP - 4);
  ctx.lineTo(ex + 5, y + LIFE_TOP + LIFE_HEIGHT + 3);
  ctx.lineTo(ex - 5, y + LIFE_TOP + LIFE_HEIGHT + 3);
  ctx.closePath();
  ctx.fill();
}

/**
 * One mark per event (or one bar per pixel column when dense), labels where they fit. The
 * selected event is boxed in the focus colour; events of the cursor's line get a quiet tick
 * above their mark, so a line with every event on it does not bury the selection.
 */
function drawMarks(ctx: CanvasRenderingContext2D, run: RunModel, lane: LaneModel, y: number, o: DrawOptions): void {
  const { x, width, theme } = o;
  const cols = run.cols;
  const color = workerColor(theme, lane.worker);
  const [t0, t1] = x.domain();
  const [lo, hi] = visibleRange(lane.times, t0, t1);
  if (needsBuckets(hi - lo, width)) {
    drawBuckets(ctx, bucketColumns(lane.times, lo, hi, x, width), color, y);
  } else {
    const xs = new Float64Array(hi - lo);
    for (let j = lo; j < hi; j++) {
      const k = lane.index[j];
      const px = Math.round(x(cols.t[k]));
      xs[j - lo] = px;
      const selected = k === o.selected;
      ctx.fillStyle = (cols.stream[k] & 3) === 2 ? theme.error : color;
      if (cols.stream[k] & APPROXIMATE) {
        // read below Python: its time is when it was read — a hollow mark
        ctx.strokeStyle = ctx.fillStyle;
        ctx.lineWidth = 1;
        ctx.strokeRect(px - 1.5, y + MARK_TOP + 0.5, 3, MARK_HEIGHT - 1);
      } else {
        ctx.fillRect(px - 1, y + MARK_TOP - (selected ? 3 : 0), selected ? 3 : 2, MARK_HEIGHT + (selected ? 6 : 0));
      }
      if (!selected && o.highlightLine !== null && cols.line[k] === o.highlightLine) {
        ctx.fillStyle = theme.lineHighlight;
        ctx.fillRect(px - 2, y + 1, 4, 2);
      }
    }
    drawLabels(ctx, cols, lane, lo, xs, y, theme);
  }
  const s = o.selected;
  if (s >= 0 && cols.worker[s] === lane.worker && cols.thread[s] === lane.thread) {
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(Math.round(x(cols.t[s])) - 4, y + 1, 8, MARK_HEIGHT + 8);
  }
}

function drawBuckets(ctx: CanvasRenderingContext2D, columns: Uint32Array, color: string, y: number): void {
  let max = 1;
  for (const c of columns) if (c > max) max = c;
  ctx.fillStyle = color;
  for (let c = 0; c < columns.length; c++) {
    if (!columns[c]) continue;
    ctx.globalAlpha = 0.35 + (0.65 * Math.log1p(columns[c])) / Math.log1p(max);
    ctx.fillRect(c, y + MARK_TOP, 1, MARK_HEIGHT);
  }
  ctx.globalAlpha = 1;
}

function drawLabels(ctx: CanvasRenderingContext2D, cols: EventColumns, lane: LaneModel, lo: number, xs: Float64Array, y: number, theme: Theme): void {
  const widths = new Float64Array(xs.length);
  for (let j = 0; j < xs.length; j++) widths[j] = measure(ctx, textAt(cols, lane.index[lo + j]));
  const shown = fittingLabels(xs, widths);
  ctx.fillStyle = theme.foreground;
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
  const workers = run.cols.worker;
  const n = workers.length;
  if (n === 0) return;
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
  if (o.selected >= 0 && o.selected < n) {
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(Math.floor(o.selected * cell) - 1, y - 1, Math.max(3, cell) + 2, height + 2);
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
