/**
 * Compare with Trace…: the trace shown beside another (a --json file, a recording of the history),
 * per model both ran — the two orders as aligned strips, the first divergence outlined and said in
 * words (src/shared/traceCompare.ts) — above the timelines, until closed or another trace is shown.
 */
import { textAt, type EventColumns } from '../../../src/shared/columns';
import type { TraceMeta } from '../../../src/shared/protocol';
import { compareTraces, type ComparedTrace, type TraceComparison } from '../../../src/shared/traceCompare';
import { el } from './header';
import { drawStrip } from './orderView';
import type { Theme } from './theme';

/** What the shown trace is called in sentences. */
export const SHOWN_NAME = 'the trace shown';
/** The strips' width within the panel's, as the order view's. */
const STRIP = { min: 120, max: 560, room: 260 };

/** A trace's side of the comparison: `runs`, the indices of its runs to compare (the first of each variant is). */
export function comparedTrace(name: string, trace: TraceMeta, columns: readonly EventColumns[], runs: readonly number[]): ComparedTrace {
  return {
    name,
    target: trace.target,
    runs: runs.map((i) => ({ run: trace.runs[i], workers: columns[i].worker, textAt: (k: number) => textAt(columns[i], k) })),
  };
}

export class TraceComparisonView {
  readonly element: HTMLElement;
  private readonly comparison: TraceComparison;

  constructor(shown: ComparedTrace, other: ComparedTrace, onClose: () => void) {
    this.comparison = compareTraces(shown, other);
    const c = this.comparison;
    this.element = el('section', { class: 'trace-comparison', 'aria-label': `Compared with ${other.name}` });
    const close = el('button', { type: 'button', class: 'comparison-close', title: 'Close the comparison' }, 'Close');
    close.addEventListener('click', onClose);
    const head = el('header', { class: 'comparison-head' });
    head.append(el('h2', {}, `Compared with ${other.name}`), close);
    this.element.append(head);
    if (c.note) this.element.append(el('p', { class: 'comparison-note' }, c.note));
    if (!c.models.length) this.element.append(el('p', { class: 'comparison-none' }, `No model ran in both traces: nothing to compare.`));
    c.models.forEach((m, k) => {
      const block = el('div', { class: 'comparison-model', 'data-index': String(k) });
      block.append(el('h3', {}, m.title));
      for (const [i, name] of [shown.name, other.name].entries()) {
        const row = el('div', { class: 'diff-row' });
        row.append(el('span', { class: 'diff-label', title: name }, name), el('canvas', { class: 'diff-strip', 'data-side': String(i), 'aria-hidden': 'true' }));
        block.append(row);
      }
      block.append(el('p', { class: 'diff-text' }, m.sentence));
      this.element.append(block);
    });
    for (const text of c.unmatched) this.element.append(el('p', { class: 'comparison-unmatched' }, text));
  }

  /** The strips, for this theme, in a view `viewWidth` px wide: equal cells, so the two align. */
  draw(theme: Theme, viewWidth: number): void {
    const width = Math.max(STRIP.min, Math.min(STRIP.max, viewWidth - STRIP.room));
    this.comparison.models.forEach((m, k) => {
      const cells = Math.max(m.orders[0].length, m.orders[1].length);
      this.element.querySelectorAll<HTMLCanvasElement>(`.comparison-model[data-index="${k}"] canvas`).forEach((canvas, i) => drawStrip(canvas, m.orders[i], width, theme, m.at, cells));
    });
  }
}
