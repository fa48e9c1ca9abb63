/**
 * Which runs of a trace the panel draws as timelines. A model run once: its run. A model repeated
 * (--repeat, with its `orders`): an order view (orderView.ts) and the one repetition picked there,
 * named ("Threads × 2 — run 7 of 20") — never twenty sections one under another. A model that ran
 * in several ways (GIL on and off, compared interpreters) has a view per variant (repetitions.ts).
 */
import { textAt, type EventColumns, type RunMeta } from '../../../src/shared/columns';
import { lastLines, modelEndings } from '../../../src/shared/endings';
import type { TraceMeta } from '../../../src/shared/protocol';
import { entryVariant, variantGroups, variantOf } from '../../../src/shared/repetitions';
import type { RunSummary } from '../../../src/shared/runSummary';
import { runTitle } from '../../../src/shared/labels';
import { OrderView } from './orderView';
import type { Theme } from './theme';

export class RepeatedRuns {
  /** Per repeated variant (variantOf its runs), its order view. */
  private readonly views = new Map<string, OrderView>();
  /** Per repeated variant, its runs' indices in the trace by repetition. */
  private readonly indices = new Map<string, number[]>();

  /** `medians`: one summary per variant (repetitions.ts modelSummaries); `onShow`: a different repetition was picked, draw the runs again. */
  constructor(private readonly trace: TraceMeta, columns: readonly EventColumns[], medians: readonly RunSummary[], onShow: () => void) {
    const groups = variantGroups(trace.runs);
    for (const orders of trace.orders ?? []) {
      const variant = entryVariant(orders);
      const group = groups.findIndex((g) => variantOf(trace.runs[g[0]]) === variant);
      // older traces have one entry per model: it is the first variant's
      const at = group >= 0 ? group : groups.findIndex((g) => trace.runs[g[0]].model === orders.model);
      if (at < 0) continue;
      const byRepetition: number[] = [];
      for (const i of groups[at]) if (trace.runs[i].repetition !== undefined) byRepetition[trace.runs[i].repetition!] = i;
      // a repetition missing from the runs (a trace cut short): its runs are drawn as they are
      if (byRepetition.length < 2 || byRepetition.length !== orders.repetitions || byRepetition.some((i) => i === undefined)) continue;
      const runs = byRepetition.map((i) => trace.runs[i]);
      const endings = endingsOf(runs, byRepetition.map((i) => columns[i]));
      const view = new OrderView({ orders, runs, columns: byRepetition.map((i) => columns[i]), summary: medians[at], title: runTitle(runs[0]), endings }, { onShow });
      this.views.set(variantOf(runs[0]), view);
      this.indices.set(variantOf(runs[0]), byRepetition);
    }
  }

  get any(): boolean {
    return this.views.size > 0;
  }

  /** The trace's runs to draw, in trace order: every run of a model run once, the picked repetition of a repeated one. */
  shownRuns(): number[] {
    return this.trace.runs.map((_, i) => i).filter((i) => {
      const variant = variantOf(this.trace.runs[i]);
      const view = this.views.get(variant);
      return !view || this.indices.get(variant)![view.shown] === i;
    });
  }

  /** A shown run's title: its model's, and for a repetition which of how many. */
  titleOf(runIndex: number, title: string): string {
    const run = this.trace.runs[runIndex];
    const repetitions = this.indices.get(variantOf(run));
    return repetitions && run.repetition !== undefined ? `${title} — run ${run.repetition + 1} of ${repetitions.length}` : title;
  }

  /** Puts each order view before its variant's section in `host` (the sections were just drawn, one per run of `shown`). */
  place(host: HTMLElement, shown: readonly number[]): void {
    const sections = host.querySelectorAll('section.run');
    shown.forEach((i, k) => {
      const view = this.views.get(variantOf(this.trace.runs[i]));
      if (view) sections[k]?.before(view.element);
    });
  }

  /** The order view of `run`'s variant, if it was repeated. */
  viewOf(run: Pick<RunMeta, 'model' | 'python' | 'gil'>): OrderView | undefined {
    return this.views.get(variantOf(run));
  }

  /** `width`: the timeline's, which the order views span. */
  draw(theme: Theme, width: number): void {
    for (const view of this.views.values()) if (view.element.isConnected) view.draw(theme, width); // a detached one is drawn once placed
  }
}

/** Each worker's last line across a variant's runs, read from their columns. */
function endingsOf(runs: readonly RunMeta[], columns: readonly EventColumns[]) {
  const workers = Math.max(...runs.map((r) => r.workers));
  const lines = columns.map((cols) => lastLines({ length: cols.worker.length, worker: (k) => cols.worker[k], text: (k) => textAt(cols, k) }, workers));
  return modelEndings(runs[0].model, workers, lines);
}
