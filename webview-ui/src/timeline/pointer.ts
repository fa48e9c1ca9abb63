/**
 * The pointer on a run's canvas: what is under it (an event, a lane's count of events beyond an
 * edge, a state or lock span, a phase of a worker's life) and what the hover says about it. The
 * view only asks: it draws the selection and answers clicks.
 */
import type { ScaleLinear } from 'd3-scale';
import type { StateSpan } from '../../../src/shared/trace';
import { holdEnd, waitEnd } from '../../../src/shared/lockKinds';
import { lanePartAt, lifeSegments, nearestIndex, offscreenText, rowAt, segmentAt, spanAt, stripIndexAt } from './layout';
import type { LaneModel, LockWait, RunModel } from './model';
import type { DrawnRun } from './render';
import { showEventTooltip, showLifeTooltip, showLockTooltip, showStateTooltip, showTextTooltip } from './tooltip';

/** How near (px) a mark must be to the pointer to be the one pointed at. */
const HIT_PX = 5;

/** What the pointer is over on a run's canvas. */
export type Pointed =
  | { kind: 'event'; index: number }
  | { kind: 'life'; lane: LaneModel; t: number }
  | { kind: 'state'; lane: LaneModel; span: StateSpan }
  | { kind: 'lock'; lane: LaneModel; wait: LockWait }
  | { kind: 'offscreen'; lane: LaneModel; side: 'before' | 'after'; count: number };

/**
 * What is under the pointer on `canvas`, drawn as `layout` with the time scale `x`: an event (lanes
 * by time through the spatial index, the strip by order), a lane's count of events beyond an edge
 * of the view, a state or lock span, or a phase of a worker's life.
 */
export function pointedAt(canvas: HTMLCanvasElement, model: RunModel, layout: DrawnRun, x: ScaleLinear<number, number>, e: MouseEvent): Pointed | null {
  const rect = canvas.getBoundingClientRect();
  const px = e.clientX - rect.left;
  const py = e.clientY - rect.top;
  const row = rowAt(layout, py);
  if (row === null) return null;
  if (row === 'strip') {
    const index = stripIndexAt(px, model.cols.t.length, rect.width);
    return index < 0 ? null : { kind: 'event', index };
  }
  const lane = model.shown[row];
  const part = lanePartAt(py - layout.lanes[row].y);
  const edge = layout.offscreen[row];
  if (part === 'marks' && edge.before && px < edge.beforeWidth) return { kind: 'offscreen', lane, side: 'before', count: edge.before };
  if (part === 'marks' && edge.after && px > rect.width - edge.afterWidth) return { kind: 'offscreen', lane, side: 'after', count: edge.after };
  if (part === 'states') {
    const at = stateAt(lane, x.invert(px - 0.5), x.invert(px + 0.5), model.endNs);
    if (at) return at;
  }
  const j = nearestIndex(lane.times, x.invert(px), Math.abs(x.invert(px + HIT_PX) - x.invert(px)));
  if (j >= 0 && part === 'marks') return { kind: 'event', index: lane.index[j] };
  if (part === 'life' && lane.info) return { kind: 'life', lane, t: x.invert(px) };
  return j >= 0 ? { kind: 'event', index: lane.index[j] } : null;
}

/** On a lane's state strip over the times [t0, t1] (a pixel column): a lock wait or hold there (a hold only for a kind held after its wait), else the state drawn there. */
function stateAt(lane: LaneModel, t0: number, t1: number, endNs: number): Pointed | null {
  const t = (t0 + t1) / 2;
  const wait = lane.locks.find((w) => w.waitT <= t1 && t0 <= (holdEnd(w, endNs) ?? waitEnd(w, endNs)));
  if (wait) return { kind: 'lock', lane, wait };
  const span = spanAt(lane.states, t0, t1) ?? spanAt(lane.states, t, t);
  return span ? { kind: 'state', lane, span } : null;
}

/** The hover for what is pointed at (hidden over nothing); `canReveal`: a click can show the line in an editor. */
export function showPointedTooltip(tooltip: HTMLElement, at: Pointed | null, model: RunModel, e: MouseEvent, canReveal: boolean): void {
  if (at?.kind === 'state') return showStateTooltip(tooltip, at.lane.label, at.span, model.run.stateSource ?? null, e);
  if (at?.kind === 'lock') return showLockTooltip(tooltip, at.lane.label, at.wait, model.endNs, e);
  if (at?.kind === 'event') return showEventTooltip(tooltip, model, at.index, e, canReveal);
  if (at?.kind === 'offscreen') {
    const where = at.side === 'before' ? 'before' : 'after';
    return showTextTooltip(tooltip, [`${offscreenText(at.count, at.side)}: ${at.count} event${at.count === 1 ? '' : 's'} of ${at.lane.label} ${where} the part of the run in view`, 'Click to bring the nearest into view.'], e);
  }
  if (at?.kind === 'life') {
    const segments = lifeSegments(at.lane.info!, model.run.wallNs);
    const phase = segmentAt(segments, at.t)?.phase;
    const by = at.lane.info!.joinedBy;
    const joiner = by === undefined ? undefined : model.lanes.find((l) => l.worker === by && l.thread === 0)?.label;
    if (phase) return showLifeTooltip(tooltip, at.lane.label, segments, phase, e, joiner);
  }
  tooltip.hidden = true;
}
