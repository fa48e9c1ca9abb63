/**
 * Which runs of a trace the panel draws as timelines. A model run once: its run. A model repeated
 * (--repeat, with its `orders`): an order view (orderView.ts) and the one repetition picked there,
 * named ("Threads × 2 — run 7 of 20") — never twenty sections one under another.
 */
import type { EventColumns } from '../../../src/shared/columns';
import type { TraceMeta } from '../../../src/shared/protocol';
import type { RunSummary } from '../../../src/shared/runSummary';
import type { Model } from '../../../src/shared/trace';
import { runTitle } from '../../../src/shared/labels';
import { OrderView } from './orderView';
import type { Theme } from './theme';

export class RepeatedRuns {
  private readonly views = new Map<Model, OrderView>();
  /** Per repeated model, its runs' indices in the trace by repetition. */
  private readonly indices = new Map<Model, number[]>();

  /** `medians`: one summary per model (repetitions.ts modelSummaries); `onShow`: a different repetition was picked, draw the runs again. */
  constructor(private readonly trace: TraceMeta, columns: readonly EventColumns[], medians: readonly RunSummary[], onShow: () => void) {
    for (const orders of trace.orders ?? []) {
      const byRepetition: number[] = [];
      trace.runs.forEach((r, i) => {
        if (r.model === orders.model && r.repetition !== undefined) byRepetition[r.repetition] = i;
      });
      // a repetition missing from the runs (a trace cut short): its runs are drawn as they are
      if (byRepetition.length < 2 || byRepetition.length !== orders.repetitions || byRepetition.some((i) => i === undefined)) continue;
      const summary = medians.find((s) => s.model === orders.model)!;
      const runs = byRepetition.map((i) => trace.runs[i]);
      const view = new OrderView({ orders, runs, columns: byRepetition.map((i) => columns[i]), summary, title: runTitle(runs[0]) }, { onShow });
      this.views.set(orders.model, view);
      this.indices.set(orders.model, byRepetition);
    }
  }

  get any(): boolean {
    return this.views.size > 0;
  }

  /** The trace's runs to draw, in trace order: every run of a model run once, the picked repetition of a repeated one. */
  shownRuns(): number[] {
    return this.trace.runs.map((_, i) => i).filter((i) => {
      const run = this.trace.runs[i];
      const view = this.views.get(run.model);
      return !view || this.indices.get(run.model)![view.shown] === i;
    });
  }

  /** A shown run's title: its model's, and for a repetition which of how many. */
  titleOf(runIndex: number, title: string): string {
    const run = this.trace.runs[runIndex];
    const repetitions = this.indices.get(run.model);
    return repetitions && run.repetition !== undefined ? `${title} — run ${run.repetition + 1} of ${repetitions.length}` : title;
  }

  /** Puts each order view before its model's section in `host` (the sections were just drawn). */
  place(host: HTMLElement): void {
    for (const [model, view] of this.views) host.querySelector(`section.run[data-model="${model}"]`)?.before(view.element);
  }

  /** The order view of `model`, if it was repeated. */
  viewOf(model: Model): OrderView | undefined {
    return this.views.get(model);
  }

  /** `width`: the timeline's, which the order views span. */
  draw(theme: Theme, width: number): void {
    for (const view of this.views.values()) if (view.element.isConnected) view.draw(theme, width); // a detached one is drawn once placed
  }
}
