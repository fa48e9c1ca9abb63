/**
 * "Predict first" as the timeline uses it: the checkbox, and over each drawn run either nothing or
 * a Prediction (predict.ts) that keeps what gives the run's order away hidden until the student
 * has predicted it (or skipped). With --repeat, one prediction per variant of a model (GIL on and
 * off, each interpreter compared): its later repetitions wait on the first's, and a variant once
 * predicted shows its other repetitions unhidden.
 */
import type { RunMeta } from '../../../src/shared/columns';
import { repeatedText } from '../../../src/shared/prediction';
import { entryVariant, variantOf } from '../../../src/shared/repetitions';
import type { ModelOrders } from '../../../src/shared/trace';
import { el } from './header';
import type { RunModel } from './model';
import { Prediction } from './predict';

/** What the gate asks of the view. */
export interface PredictGateHost {
  /** A repeated run's order view: it shows the orders, so it waits with the run. */
  orderViewOf(run: RunMeta): HTMLElement | undefined;
  /** The finished trace's facts (null while a run goes on). */
  shown(): { cpuCount: number | null; orders?: ModelOrders[] } | null;
  /** A prediction is done: its run shows again (the list may too; its labels have a width again). */
  onRevealed(): void;
}

/** What gives a run's order away: the lanes and the Order strip, the axis, the verdict, the count of worker changes. */
const GIVES_ORDER_AWAY = '.run-body, svg.axis, .verdict, .figure[data-term="switches"]';

/** By variant (variantOf): the first prediction drawn, and what waits on it. */
type Firsts = Map<string, { prediction: Prediction; waiting: Element[] }>;

export class PredictGate {
  on = false;
  private readonly toggle: HTMLInputElement;
  private predictions: Array<Prediction | null> = [];
  /** Variants (variantOf) whose order the student has predicted (or skipped). */
  private readonly predicted = new Set<string>();

  /** `controls`: where the checkbox goes; `onChange`: the student switched it. */
  constructor(controls: Element, onChange: (on: boolean) => void, private readonly host: PredictGateHost) {
    this.toggle = predictToggle(controls, onChange);
  }

  /** Switched (from the saved state, or the checkbox): every model is to be predicted again. */
  set(on: boolean): void {
    this.on = on;
    this.toggle.checked = on;
    this.predicted.clear();
  }

  /** A new trace: a new prediction. */
  forget(): void {
    this.predicted.clear();
  }

  /** The runs were just drawn in `sections`: each that must wait gets its prediction (or, still going, is hidden). */
  gate(sections: readonly HTMLElement[], runs: readonly RunModel[], live: boolean): void {
    const firsts: Firsts = new Map();
    this.predictions = sections.map((section, i) => this.predictOrHide(section, runs[i], live, firsts));
  }

  /** Run `i` waits for its prediction: nothing of its order may show (nor be replayed). */
  waiting(i: number): boolean {
    return this.predictions[i]?.done === false;
  }

  /** The event list gives the order away: it waits while a prediction is not done, or a run goes on with "Predict first" on. */
  listWaits(runs: number): boolean {
    return this.predictions.some((p) => p && !p.done) || (this.on && !this.host.shown() && runs > 0);
  }

  private predictOrHide(section: HTMLElement, run: RunModel, live: boolean, firsts: Firsts): Prediction | null {
    const body = section.querySelector<HTMLElement>('.run-body');
    const variant = variantOf(run.run);
    if (!this.on || !body || run.cols.t.length === 0 || this.predicted.has(variant)) return null;
    const orderView = live ? undefined : this.host.orderViewOf(run.run);
    const waiting = [...section.querySelectorAll(GIVES_ORDER_AWAY), ...(orderView ? [orderView] : [])];
    for (const e of waiting) e.classList.add('predict-wait');
    if (live) return null;
    const first = (run.run.repetition ?? 0) > 0 ? firsts.get(variant) : undefined;
    if (first && !first.prediction.done) {
      first.waiting.push(...waiting);
      return first.prediction;
    }
    const shown = this.host.shown();
    const orders = shown?.orders?.find((o) => entryVariant(o) === variant);
    const repeats = orders && { count: orders.repetitions, text: (predicted: readonly number[]) => repeatedText(orders, run.run.workers, predicted) };
    const facts = { model: run.model, workerInfo: run.run.workerInfo, workers: run.cols.worker, times: run.cols.t, aligned: run.run.aligned, switchInterval: run.run.switchInterval, cpuCount: shown?.cpuCount ?? null };
    const prediction = new Prediction(run, facts, repeats, () => {
      this.predicted.add(variant);
      for (const e of waiting) e.classList.remove('predict-wait');
      this.host.onRevealed();
    });
    (section.querySelector('svg.axis') ?? body).before(prediction.element);
    firsts.set(variant, { prediction, waiting });
    return prediction;
  }
}

/** The "Predict first" checkbox, beside the other view controls; `onChange` with its new value. */
function predictToggle(controls: Element, onChange: (on: boolean) => void): HTMLInputElement {
  const box = el('input', { type: 'checkbox', id: 'predict-first' });
  box.addEventListener('change', () => onChange(box.checked));
  const label = el('label', { for: 'predict-first', title: "Each run's order stays hidden until you have predicted it (or skipped): then it appears under your prediction, with why it came out that way" }, ' Predict first');
  const toggle = el('span', { class: 'predict-first' });
  toggle.append(box, label);
  const shared = controls.firstElementChild; // after "Same time axis", before the key
  if (shared) shared.after(toggle);
  else controls.append(toggle);
  return box;
}
