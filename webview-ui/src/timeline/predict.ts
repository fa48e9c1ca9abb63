/**
 * Predict, then see (issue 15): before a run's order is shown, the student builds the order they
 * expect for its first events — a worker's button (or its number key) per event, or a preset —
 * then the real order appears under theirs, matches marked, with one line on why
 * (src/shared/prediction.ts). The view hides the run's lanes and Order strip until then.
 */
import { explainOrder, matchOrders, presetOrder, PREDICT_EVENTS, SHAPE_NAMES, type OrderShape, type RunFacts } from '../../../src/shared/prediction';
import { el } from './header';
import type { RunModel } from './model';
import { workerSwatch } from './theme';

export class Prediction {
  readonly element: HTMLElement;
  /** Checked or skipped: the run's order is shown. */
  done = false;
  private order: number[] = [];
  private readonly length: number;
  /** Each worker's events in the whole run: a prediction uses a worker at most that often. */
  private readonly counts: number[];
  private readonly predicted: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly check: HTMLButtonElement;
  private readonly workerButtons: HTMLButtonElement[] = [];

  /**
   * `repeats`: the model ran several times (--repeat); this prediction stands for all its
   * repetitions, and `text` says how many began as predicted.
   */
  constructor(
    private readonly run: RunModel,
    private readonly facts: RunFacts,
    private readonly repeats: { count: number; text: (predicted: readonly number[]) => string } | undefined,
    private readonly onDone: () => void,
  ) {
    this.length = Math.min(PREDICT_EVENTS, run.cols.worker.length);
    this.counts = [];
    for (const w of run.cols.worker) this.counts[w] = (this.counts[w] ?? 0) + 1;
    for (let w = 0; w < this.counts.length; w++) this.counts[w] ??= 0;
    // tabindex -1: the focus can stay here when the buttons it was on go away (after Show the real order)
    this.element = el('div', { class: 'predict', role: 'group', tabindex: '-1', 'aria-label': `Predict the order of ${run.title}` });
    const each = repeats ? ` in each of its ${repeats.count} repetitions` : '';
    const ask = `Predict: in which order will the workers print the first ${this.length} lines${each}? Pick a worker for each line (or press its number), or start from a preset.`;
    this.predicted = el('div', { class: 'predict-row', 'data-row': 'predicted', role: 'list', 'aria-label': 'Your prediction' });
    this.controls = el('div', { class: 'predict-controls' });
    this.check = this.button('Show the real order', 'check', () => this.finish());
    this.controls.append(this.workerRow(), this.presetRow());
    this.element.append(el('p', { class: 'predict-ask' }, ask), this.controls, this.labelled('You', this.predicted));
    const finish = el('div', { class: 'predict-finish' });
    finish.append(this.check, this.button('Skip', 'skip', () => this.finish(true)));
    this.element.append(finish);
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.update();
  }

  private button(label: string, action: string, onClick: () => void): HTMLButtonElement {
    const b = el('button', { type: 'button', 'data-predict': action }, label);
    b.addEventListener('click', onClick);
    return b;
  }

  /** A button per worker that printed, in its colour: a click adds one of its events to the prediction. */
  private workerRow(): HTMLElement {
    const row = el('div', { class: 'predict-workers' });
    for (const lane of this.run.lanes) {
      if (lane.thread || !this.counts[lane.worker]) continue;
      const b = this.button(lane.label, 'worker', () => this.add(lane.worker));
      b.dataset.worker = String(lane.worker);
      b.title = `${lane.label} prints next (key ${lane.worker + 1})`;
      b.prepend(workerSwatch(lane.worker));
      this.workerButtons.push(b);
      row.append(b);
    }
    return row;
  }

  private presetRow(): HTMLElement {
    const row = el('div', { class: 'predict-presets' });
    for (const shape of Object.keys(SHAPE_NAMES) as OrderShape[]) {
      row.append(this.button(SHAPE_NAMES[shape], shape, () => this.set(presetOrder(shape, this.counts, this.length))));
    }
    row.append(this.button('Undo', 'undo', () => this.set(this.order.slice(0, -1))), this.button('Clear', 'clear', () => this.set([])));
    return row;
  }

  private labelled(name: string, row: HTMLElement): HTMLElement {
    const wrap = el('div', { class: 'predict-line' });
    wrap.append(el('span', { class: 'predict-name' }, name), row);
    return wrap;
  }

  private add(worker: number): void {
    if (this.done || this.order.length >= this.length || this.used(worker) >= this.counts[worker]) return;
    this.set([...this.order, worker]);
  }

  private used(worker: number): number {
    return this.order.filter((w) => w === worker).length;
  }

  private set(order: number[]): void {
    if (this.done) return;
    this.order = order;
    this.update();
  }

  /** Number keys add that worker; Backspace takes the last back. Keys stay in the panel. */
  private onKey(e: KeyboardEvent): void {
    const n = Number(e.key);
    if (Number.isInteger(n) && n >= 1 && n <= 9) this.add(n - 1);
    else if (e.key === 'Backspace') this.set(this.order.slice(0, -1));
    else return;
    e.preventDefault();
  }

  private update(): void {
    const cells = [];
    for (let i = 0; i < this.length; i++) cells.push(i < this.order.length ? orderCell(this.order[i], this.run, i) : el('span', { class: 'predict-cell empty', role: 'listitem', 'aria-label': `line ${i + 1}: not predicted yet` }, '·'));
    this.predicted.replaceChildren(...cells);
    this.check.disabled = this.order.length < this.length;
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus out of the block
    for (const b of this.workerButtons) b.setAttribute('aria-disabled', String(this.order.length >= this.length || this.used(Number(b.dataset.worker)) >= this.counts[Number(b.dataset.worker)]));
  }

  /** The real order under the prediction, each event marked ✓ (as predicted) or ✗, and why. */
  private finish(skipped = false): void {
    if (this.done) return;
    this.done = true;
    this.controls.hidden = true;
    const actual = Array.from(this.run.cols.worker.subarray(0, this.length));
    const matches = matchOrders(this.order, actual);
    const real = el('div', { class: 'predict-row', 'data-row': 'actual', role: 'list', 'aria-label': 'The real order' });
    real.append(...actual.map((w, i) => orderCell(w, this.run, i, skipped ? undefined : matches[i])));
    this.element.append(this.labelled('Run', real));
    this.element.append(el('p', { class: 'predict-explanation', role: 'status' }, explainOrder(this.facts, skipped ? [] : this.order)));
    if (this.repeats) this.element.append(el('p', { class: 'predict-repeats' }, this.repeats.text(skipped ? [] : this.order)));
    const hadFocus = this.element.contains(document.activeElement);
    this.element.querySelector('.predict-finish')?.remove();
    if (hadFocus) this.element.focus();
    this.onDone();
  }
}

/** An event's cell: its worker's colour and number; in the real order, ✓ or ✗ against the prediction. */
function orderCell(worker: number, run: RunModel, i: number, match?: boolean): HTMLElement {
  const name = run.lanes.find((l) => l.worker === worker && !l.thread)?.label ?? `Worker ${worker + 1}`;
  const said = match === undefined ? '' : match ? ', as predicted' : ', not as predicted';
  const cell = el('span', { class: 'predict-cell', role: 'listitem', 'data-worker': String(worker), 'aria-label': `line ${i + 1}: ${name}${said}` });
  cell.append(workerSwatch(worker), el('span', { class: 'order-number' }, String(worker + 1)));
  if (match !== undefined) {
    cell.dataset.match = String(match);
    cell.append(el('span', { class: 'predict-mark', 'aria-hidden': 'true' }, match ? '✓' : '✗'));
  }
  return cell;
}
