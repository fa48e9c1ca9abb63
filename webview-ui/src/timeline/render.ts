/**
 * Draws one run on its canvas: per lane the worker's life bar and its output marks (one per event,
 * or one bar per pixel column when dense), labels where they fit, then the interleaving strip.
 */
import type { ScaleLinear } from 'd3-scale';
import { bucketColumns, fittingLabels, layoutRun, lifeSegments, needsBuckets, visibleRange, type RunLayout } from './layout';
import { APPROXIMATE, textAt } from '../../../src/shared/columns';
import type { RunModel } from './model';
import { workerColor, type Theme } from './theme';

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

const labelWidths = new Map<string, number>();

function measure(ctx: CanvasRenderingContext2D, text: string): number {
  let w = labelWidths.get(text);
  if (w === undefined) {
    w = ctx.measureText(text).width;
    if (labelWidths.size > 50_000) labelWidths.clear();
    labelWidths.set(text, w);
  }
  return w;
}

export function drawRun(ctx: CanvasRenderingContext2D, run: RunModel, o: DrawOptions): RunLayout {
  const layout = layoutRun(run.lanes.length);
  const { x, width, theme } = o;
  ctx.clearRect(0, 0, width, layout.height);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  const [t0, t1] = x.domain();
  const cols = run.cols;

  run.lanes.forEach((lane, i) => {
    const { y, height } = layout.lanes[i];
    const color = workerColor(theme, lane.worker);
    if (i % 2 === 1) {
      ctx.fillStyle = theme.laneStripe;
      ctx.fillRect(0, y, width, height);
    }
    // Life bar: start-up dim, running solid, join wait faint.
    if (lane.info) {
      for (const seg of lifeSegments(lane.info, run.run.wallNs)) {
        const a = Math.max(-1, x(seg.t0));
        const b = Math.min(width + 1, x(seg.t1));
        if (b < 0 || a > width) continue;
        ctx.globalAlpha = seg.phase === 'running' ? 0.55 : seg.phase === 'startup' ? 0.25 : 0.15;
        ctx.fillStyle = color;
        ctx.fillRect(a, y + LIFE_TOP, Math.max(1, b - a), LIFE_HEIGHT);
        if (seg.phase === 'startup') {
          ctx.globalAlpha = 0.6;
          ctx.fillRect(a, y + LIFE_TOP - 2, 1, LIFE_HEIGHT + 4);
        }
      }
      ctx.globalAlpha = 1;
      if (lane.info.status !== 'ok') {
        const end = lane.info.endNs ?? lane.info.joinedNs ?? run.run.wallNs;
        const ex = x(end);
        ctx.fillStyle = theme.error;
        ctx.beginPath();
        ctx.moveTo(ex, y + LIFE_TOP - 4);
        ctx.lineTo(ex + 5, y + LIFE_TOP + LIFE_HEIGHT + 3);
        ctx.lineTo(ex - 5, y + LIFE_TOP + LIFE_HEIGHT + 3);
        ctx.closePath();
        ctx.fill();
      }
    }
    // Marks.
    const [lo, hi] = visibleRange(lane.times, t0, t1);
    ctx.fillStyle = color;
    if (needsBuckets(hi - lo, width)) {
      const columns = bucketColumns(lane.times, lo, hi, x, width);
      let max = 1;
      for (const c of columns) if (c > max) max = c;
      for (let c = 0; c < columns.length; c++) {
        if (!columns[c]) continue;
        ctx.globalAlpha = 0.35 + (0.65 * Math.log1p(columns[c])) / Math.log1p(max);
        ctx.fillRect(c, y + MARK_TOP, 1, MARK_HEIGHT);
      }
      ctx.globalAlpha = 1;
      return;
    }
    const xs = new Float64Array(hi - lo);
    for (let j = lo; j < hi; j++) {
      const px = x(cols.t[lane.index[j]]);
      xs[j - lo] = px;
      const k = lane.index[j];
      const emphasised = (o.highlightLine !== null && cols.line[k] === o.highlightLine) || k === o.selected;
      ctx.fillStyle = (cols.stream[k] & 3) === 2 ? theme.error : color;
      if (cols.stream[k] & APPROXIMATE) {
        // read below Python: its time is when it was read — a hollow mark
        ctx.strokeStyle = ctx.fillStyle;
        ctx.lineWidth = 1;
        ctx.strokeRect(Math.round(px) - 1.5, y + MARK_TOP + 0.5, 3, MARK_HEIGHT - 1);
      } else {
        ctx.fillRect(Math.round(px) - 1, y + MARK_TOP - (emphasised ? 3 : 0), emphasised ? 3 : 2, MARK_HEIGHT + (emphasised ? 6 : 0));
      }
      if (emphasised) {
        ctx.strokeStyle = theme.focus;
        ctx.lineWidth = 1;
        ctx.strokeRect(Math.round(px) - 3.5, y + MARK_TOP - 4.5, 7, MARK_HEIGHT + 9);
      }
    }
    const widths = new Float64Array(hi - lo);
    for (let j = lo; j < hi; j++) widths[j - lo] = measure(ctx, textAt(cols, lane.index[j]));
    const shown = fittingLabels(xs, widths);
    ctx.fillStyle = theme.foreground;
    for (let j = 0; j < shown.length; j++) {
      if (shown[j]) ctx.fillText(textAt(cols, lane.index[lo + j]), xs[j] + 4, y + MARK_TOP + MARK_HEIGHT / 2);
    }
  });

  // The interleaving strip: events in global order, one cell each, coloured by worker.
  const n = run.cols.worker.length;
  const { y: sy, height: sh } = layout.strip;
  if (n > 0) {
    if (n <= width) {
      const cell = width / n;
      for (let i = 0; i < n; i++) {
        ctx.fillStyle = workerColor(theme, run.cols.worker[i]);
        ctx.fillRect(Math.floor(i * cell), sy, Math.max(1, Math.ceil(cell) - (cell > 4 ? 1 : 0)), sh);
      }
    } else {
      for (let c = 0; c < width; c++) {
        ctx.fillStyle = workerColor(theme, run.cols.worker[Math.min(n - 1, Math.floor((c / width) * n))]);
        ctx.fillRect(c, sy, 1, sh);
      }
    }
    if (o.selected >= 0 && o.selected < n) {
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = 2;
      const cell = width / n;
      ctx.strokeRect(Math.floor(o.selected * cell) - 1, sy - 1, Math.max(3, cell) + 2, sh + 2);
    }
  }
  return layout;
}
