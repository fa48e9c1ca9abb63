/**
 * The key: what each mark on the timeline means (samples drawn by the timeline's own drawing
 * code, in the theme's colours) and what each figure counts. A <details>, so it is one Tab stop
 * and Enter away; the figures in the run headers point to its entries (aria-describedby).
 */
import { el } from './header';
import { LANE_PARTS, offscreenText } from './layout';
import { drawEdgeCount, drawFailure, drawLifePhase, drawLockHold, drawLockWait, drawMark, drawOrderCells, drawStateRun } from './render';
import { LIFE_PHASES, samplingNote, STATE_TERMS, TERMS, termId, type Term } from './terms';
import { THREAD_STATES } from '../../../src/shared/trace';
import { workerColor, type Theme } from './theme';

const SAMPLE = { width: 120, height: 30 };

type Sample = (ctx: CanvasRenderingContext2D, theme: Theme) => void;

/** Each entry of the key: a sample of the mark and what it means. */
const MARKS: Array<[Sample, string]> = [
  [markSample, 'A line of output, at the moment it was written; its text beside it where there is room.'],
  [(c, t) => drawMark(c, 20, 0, workerColor(t, 0), true), 'Hollow: approximate — written below Python (C code, a subprocess); its time is when it was read.'],
  [(c, t) => drawMark(c, 20, 0, t.error, false), 'Written to stderr.'],
  [lifeSample, `The worker's life: ${LIFE_PHASES.startup.name} (outlined: ${LIFE_PHASES.startup.meaning}), ${LIFE_PHASES.running.name} (solid), ${LIFE_PHASES.join.name} (a thin line ending at the join). Point at a bar for its durations.`],
  [(c, t) => (drawLifePhase(c, 'running', 4, 60, 0, workerColor(t, 0)), drawFailure(c, 60, 0, t)), 'The worker did not finish normally (an exception, an exit, a signal, the time limit): see its header.'],
  [edgeSample, 'Events of that lane before / after the part of the run in view. Click a count to bring the nearest into view.'],
  [orderSample, 'Order: every event in output order, one equal cell each, with its worker\'s colour and number. It ignores time: it shows who printed next.'],
  [selectionSample, 'The selected event (boxed), and the events of the line your editor\'s cursor is on (a tick above).'],
  ...THREAD_STATES.map((state): [Sample, string] => [(c, t) => drawStateRun(c, state, 4, 116, -9, t), `State strip, ${STATE_TERMS[state].name}: ${STATE_TERMS[state].meaning}.`]),
  [lockSample, 'A lock: waiting for it (hatched), then holding it (outlined); an Event, a queue or a join is waited for (hatched) and not held. Point at it for what it was, the line that waited, and how long.'],
];

/** A sample state strip sits 9 px up, in the middle of the sample's height. */
function lockSample(ctx: CanvasRenderingContext2D, theme: Theme): void {
  drawStateRun(ctx, 'lock', 4, 50, -9, theme);
  drawLockWait(ctx, 4, 50, -9, theme);
  drawStateRun(ctx, 'running', 50, 116, -9, theme);
  drawLockHold(ctx, 50, 100, -9, theme);
}

function markSample(ctx: CanvasRenderingContext2D, theme: Theme): void {
  drawMark(ctx, 8, 0, workerColor(theme, 0), false);
  ctx.font = theme.font;
  ctx.fillStyle = theme.foreground;
  ctx.fillText('Number: 0', 12, LANE_PARTS.markTop + LANE_PARTS.markHeight / 2);
}

function lifeSample(ctx: CanvasRenderingContext2D, theme: Theme): void {
  const color = workerColor(theme, 0);
  drawLifePhase(ctx, 'startup', 4, 40, 0, color);
  drawLifePhase(ctx, 'running', 40, 90, 0, color);
  drawLifePhase(ctx, 'join', 90, 116, 0, color);
}

function edgeSample(ctx: CanvasRenderingContext2D, theme: Theme): void {
  drawEdgeCount(ctx, offscreenText(12, 'before'), 0, 0, { theme, width: SAMPLE.width });
  drawEdgeCount(ctx, offscreenText(8, 'after'), null, 0, { theme, width: SAMPLE.width });
}

function orderSample(ctx: CanvasRenderingContext2D, theme: Theme): void {
  drawOrderCells(ctx, [0, 0, 1, 0, 1, 1], { y: 7, height: 16 }, SAMPLE.width, theme);
}

function selectionSample(ctx: CanvasRenderingContext2D, theme: Theme): void {
  drawMark(ctx, 24, 0, workerColor(theme, 0), false, true);
  ctx.strokeStyle = theme.focus;
  ctx.lineWidth = 2;
  ctx.strokeRect(20, 1, 8, LANE_PARTS.markHeight + 6);
  drawMark(ctx, 80, 0, workerColor(theme, 1), false);
  ctx.fillStyle = theme.lineHighlight;
  ctx.fillRect(78, 1, 4, 2);
}

export class Key {
  readonly element: HTMLDetailsElement;
  private readonly samples: Array<[HTMLCanvasElement, Sample]> = [];
  private readonly sampling: HTMLElement;

  constructor() {
    this.element = el('details', { class: 'key' });
    this.element.append(el('summary', { title: 'What the marks and the figures mean' }, 'Key: marks and terms'));
    const marks = el('ul', { class: 'key-marks' });
    for (const [sample, meaning] of MARKS) {
      const canvas = el('canvas', { 'aria-hidden': 'true' });
      this.samples.push([canvas, sample]);
      const item = el('li');
      item.append(canvas, el('span', {}, meaning));
      marks.append(item);
    }
    const terms = el('dl', { class: 'glossary' });
    for (const [term, { name, meaning }] of Object.entries(TERMS) as Array<[Term, { name: string; meaning: string }]>) {
      terms.append(el('dt', {}, name), el('dd', { id: termId(term) }, meaning));
    }
    const scale = el('p', { class: 'key-note' }, 'Each run has a time axis of its own, from its start to its end, so its events can be read; tick "Same time axis for all runs" to compare how long they took.');
    this.sampling = el('p', { class: 'key-note key-sampling' }, samplingNote(null));
    this.element.append(marks, terms, scale, this.sampling);
  }

  /** The sampling rate of the runs shown (null: none was sampled, or the rates differ). */
  setSampling(hz: number | null): void {
    this.sampling.textContent = samplingNote(hz);
  }

  /** Draws the samples in the theme's colours (again when the theme changes). */
  draw(theme: Theme): void {
    const dpr = window.devicePixelRatio || 1;
    for (const [canvas, sample] of this.samples) {
      canvas.width = SAMPLE.width * dpr;
      canvas.height = SAMPLE.height * dpr;
      canvas.style.width = `${SAMPLE.width}px`;
      canvas.style.height = `${SAMPLE.height}px`;
      const ctx = canvas.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, SAMPLE.width, SAMPLE.height);
      ctx.textBaseline = 'middle';
      sample(ctx, theme);
    }
  }
}
