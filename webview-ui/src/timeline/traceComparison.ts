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

/** Where a comparison shows, above the timelines: empty until one is shown, emptied by Close or another trace. */
export class TraceComparisonView {
  readonly element = el('div', { class: 'comparison-host' });
  private comparison: TraceComparison | null = null;

  /** `shown` beside `other`, drawn at once for `theme` in a view `viewWidth` px wide. */
  show(shown: ComparedTrace, other: ComparedTrace, theme: Theme, viewWidth: number): void {
    const c = (this.comparison = compareTraces(shown, other));
    const box = el('section', { class: 'trace-comparison', 'aria-label': `Compared with ${other.name}` });
    const close = el('button', { type: 'button', class: 'comparison-close', title: 'Close the comparison' }, 'Close');
    close.addEventListener('click', () => this.clear());
    const head = el('header', { class: 'comparison-head' });
    head.append(el('h2', {}, `Compared with ${other.name}`), close);
    box.append(head);
    if (c.note) box.append(el('p', { class: 'comparison-note' }, c.note));
    if (!c.models.length) box.append(el('p', { class: 'comparison-none' }, 'No model ran in both traces: nothing to compare.'));
    c.models.forEach((m, k) => {
      const block = el('div', { class: 'comparison-model', 'data-index': String(k) });
      block.append(el('h3', {}, m.title));
      for (const [i, name] of [shown.name, other.name].entries()) {
        const row = el('div', { class: 'diff-row' });
        row.append(el('span', { class: 'diff-label', title: name }, name), el('canvas', { class: 'diff-strip', 'data-side': String(i), 'aria-hidden': 'true' }));
        block.append(row);
      }
      block.append(el('p', { class: 'diff-text' }, m.sentence));
      box.append(block);
    });
    for (const text of c.unmatched) box.append(el('p', { class: 'comparison-unmatched' }, text));
    this.element.replaceChildren(box);
    this.draw(theme, viewWidth);
  }

  clear(): void {
    this.comparison = null;
    this.element.replaceChildren();
  }

  /** The strips, for this theme, in a view `viewWidth` px wide: equal cells, so the two align. */
  draw(theme: Theme, viewWidth: number): void {
    if (!this.comparison) return;
    const width = Math.max(STRIP.min, Math.min(STRIP.max, viewWidth - STRIP.room));
    this.comparison.models.forEach((m, k) => {
      const cells = Math.max(m.orders[0].length, m.orders[1].length);
      this.element.querySelectorAll<HTMLCanvasElement>(`.comparison-model[data-index="${k}"] canvas`).forEach((canvas, i) => drawStrip(canvas, m.orders[i], width, theme, m.at, cells));
    });
  }
}
