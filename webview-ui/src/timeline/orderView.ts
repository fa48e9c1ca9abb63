/**
 * One model's repetitions (--repeat) as orders: the distinct orders its events came in, each a
 * small strip of worker cells (the Order strip's colours, hatching and numbers) with how many runs
 * printed in it — "7 distinct orders in 20 runs (of 252 possible)" — above the one repetition
 * whose timeline is shown. Enter or a click on an order shows its first run; Shift with it (or
 * "Compare with") puts a second run beside the shown one: both strips aligned, the first
 * divergence marked and said in words (src/shared/orderDiff.ts).
 */
import { textAt, type EventColumns, type RunMeta } from '../../../src/shared/columns';
import { laneLabel } from '../../../src/shared/labels';
import { divergenceText, firstDivergence, orderInWords, runName } from '../../../src/shared/orderDiff';
import { ordersText, signatureWorkers } from '../../../src/shared/orders';
import { formatSpread } from '../../../src/shared/repetitions';
import { formatNs, formatSpeedup } from '../../../src/shared/format';
import type { RunSummary } from '../../../src/shared/runSummary';
import type { ModelEndings, ModelOrders } from '../../../src/shared/trace';
import { renderEndings } from './endingsView';
import { el } from './header';
import { drawOrderCells } from './render';
import type { Theme } from './theme';

/** Orders listed as rows; rarer ones beyond these are reached through "Run shown" (a number: a drop-down of 1,000 runs alone took ≈ 100 ms to lay out). */
const ORDER_ROWS = 40;
/** Runs named in an order's row before "…". */
const RUNS_NAMED = 8;
/** A strip's canvas; its cells are as tall as the Order strip's (16 px: room for the workers' numbers). */
const STRIP_HEIGHT = 18;
const CELLS = { y: 1, height: 16 };
/** A row's height (CSS .order-row) and how many rows the list shows before it scrolls (CSS .orders). */
const ROW_PX = 20;
const ROWS_IN_VIEW = 14;
/** The strips' width: the panel's, less room for the counts, within these bounds. */
const STRIP_MIN = 120;
const STRIP_MAX = 560;
const STRIP_ROOM = 260;

/** A model that ran several times: its runs in repetition order, their events, and its median summary. */
export interface RepeatedModel {
  orders: ModelOrders;
  runs: readonly RunMeta[];
  columns: readonly EventColumns[];
  /** Medians over the repetitions (repetitions.ts modelSummaries). */
  summary: RunSummary;
  title: string;
  /** What each worker's last line was across the runs. */
  endings: ModelEndings;
}

export interface OrderViewHandlers {
  /** Show repetition `repetition`'s timeline (instead of the one shown). */
  onShow(repetition: number): void;
}

export class OrderView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly rows: HTMLElement[] = [];
  private readonly shownInput: HTMLInputElement;
  private readonly comparedInput: HTMLInputElement;
  private readonly diff: HTMLElement;
  /** Each repetition's workers in global order, and the index of its order. */
  private readonly workersOf: number[][];
  private readonly orderOf: number[];
  private active = 0;
  shown: number;
  compared: number | null = null;
  private theme: Theme | null = null;
  private viewWidth = 0;
  /** Rows whose strips are drawn for the theme and width now: only those scrolled into view are (1,000 runs can have 750 orders). */
  private readonly drawnRows = new Set<number>();
  private scrollTop = 0;

  constructor(private readonly data: RepeatedModel, private readonly handlers: OrderViewHandlers) {
    const { orders } = data;
    const workers = data.runs[0]?.workers ?? 0;
    this.workersOf = data.runs.map(() => []);
    this.orderOf = data.runs.map(() => 0);
    orders.orders.forEach((o, k) => {
      const order = signatureWorkers(o.signature, workers);
      for (const r of o.repetitions) [this.workersOf[r], this.orderOf[r]] = [order, k];
    });
    this.shown = typicalRun(data);
    const model = orders.model;
    this.element = el('section', { class: 'order-view', 'data-model': model, 'aria-label': `${data.title}: ${data.runs.length} runs` });
    this.list = el('ul', { class: 'orders', role: 'listbox', tabindex: '0', 'aria-label': `Orders of ${data.title}, most frequent first. Enter shows an order's first run; Shift+Enter compares it with the run shown.` });
    this.shownInput = this.runInput('Run shown', false);
    this.comparedInput = this.runInput('Compare with run', true);
    this.diff = el('div', { class: 'order-diff', hidden: '' });
    this.element.append(this.renderHeader(), this.list);
    this.renderRows();
    const controls = el('div', { class: 'order-controls' });
    controls.append(this.shownInput.parentElement!, this.comparedInput.parentElement!);
    this.element.append(controls, this.diff, renderEndings(data.endings));
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('scroll', () => {
      this.scrollTop = this.list.scrollTop;
      requestAnimationFrame(() => this.drawRowsInView());
    });
    this.refresh();
  }

  private renderHeader(): HTMLElement {
    const { summary: s, orders, runs } = this.data;
    const header = el('header', { class: 'run-header' });
    header.append(el('h2', {}, `${this.data.title} — ${runs.length} runs`));
    const figures = el('dl', { class: 'figures' });
    const figure = (name: string, value: string, title: string) => {
      const item = el('div', { class: 'figure', title });
      item.append(el('dt', {}, name), el('dd', {}, value));
      figures.append(item);
    };
    const r = s.repeated;
    if (r) figure('Wall time', formatSpread(r.wallNs, formatNs), `Median over the ${r.runs} runs, with the fastest and slowest`);
    if (r?.speedup) figure('Speedup', formatSpread(r.speedup, formatSpeedup), "The sequential runs' median wall time ÷ this model's median (range: each run against that median)");
    header.append(figures, el('p', { class: 'verdict' }, s.verdict), el('p', { class: 'orders-text' }, `${ordersText(orders, runs[0]?.workers ?? 0)}.`));
    return header;
  }

  private renderRows(): void {
    const { orders, runs } = this.data;
    const label = (w: number) => laneLabel(orders.model, { worker: w });
    orders.orders.slice(0, ORDER_ROWS).forEach((o, k) => {
      const named = o.repetitions.slice(0, RUNS_NAMED).map((r) => r + 1).join(', ');
      const more = o.repetitions.length > RUNS_NAMED ? ', …' : '';
      const share = `${Math.round((o.count / runs.length) * 100)}%`;
      const words = `Order ${k + 1}: ${o.count} of ${runs.length} runs (${o.repetitions.length === 1 ? 'run' : 'runs'} ${named}${more}): ${orderInWords(this.workersOf[o.repetitions[0]], label)}`;
      const row = el('li', { class: 'order-row', role: 'option', id: `order-${orders.model}-${k}`, 'data-order': String(k), 'aria-label': words, title: words });
      // no bitmap until it is drawn (width 0), yet its place in the row from the start
      row.append(el('canvas', { class: 'order-strip', width: '0', height: '0', 'aria-hidden': 'true' }), el('span', { class: 'order-count' }, `×${o.count}`), el('span', { class: 'order-share' }, share), el('span', { class: 'order-runs' }, `${o.repetitions.length === 1 ? 'run' : 'runs'} ${named}${more}`));
      row.addEventListener('click', (e) => this.pick(k, e.shiftKey || e.ctrlKey || e.metaKey));
      this.rows.push(row);
      this.list.append(row);
    });
    const rest = orders.orders.length - this.rows.length;
    if (rest > 0) this.list.after(el('p', { class: 'orders-more' }, `… and ${rest} rarer order${rest === 1 ? '' : 's'}: pick their runs in "Run shown".`));
  }

  /**
   * A run's number, 1 to the count of runs (`optional`: empty for none), with what it is beside
   * it ("of 20 — order 2"). A number outside them is put back as it was.
   */
  private runInput(name: string, optional: boolean): HTMLInputElement {
    const count = this.data.runs.length;
    const label = el('label', { class: 'run-select' }, `${name} `);
    const input = el('input', { type: 'number', min: '1', max: String(count), step: '1', 'aria-label': `${name}: 1 to ${count}${optional ? ', empty for none' : ''}` });
    const note = el('span', { class: 'run-note', 'aria-live': 'polite' });
    input.addEventListener('change', () => {
      const n = Number(input.value);
      const valid = Number.isInteger(n) && n >= 1 && n <= count;
      if (optional && input.value.trim() === '') this.setCompared(null);
      else if (!valid) this.refresh(); // put back
      else if (optional) this.setCompared(n - 1);
      else this.show(n - 1);
    });
    label.append(input, note);
    return input;
  }

  /** "of 20 — order 2": beside a run's number. */
  private runNote(repetition: number | null): string {
    const of = `of ${this.data.runs.length}`;
    return repetition === null ? of : `${of} — order ${this.orderOf[repetition] + 1}`;
  }

  /** Order `k` chosen: shown (its first run, unless the run shown is one of it), or compared. */
  private pick(k: number, compare: boolean): void {
    this.active = k;
    const runs = this.data.orders.orders[k].repetitions;
    if (compare) this.setCompared(runs.includes(this.shown) ? (runs.find((r) => r !== this.shown) ?? this.shown) : runs[0]);
    else if (!runs.includes(this.shown)) this.show(runs[0]);
    else this.refresh();
  }

  private show(repetition: number): void {
    this.shown = repetition;
    if (this.compared === repetition) this.compared = null;
    this.active = Math.min(this.orderOf[repetition], this.rows.length - 1);
    this.refresh();
    this.handlers.onShow(repetition);
  }

  private setCompared(repetition: number | null): void {
    this.compared = repetition === this.shown ? null : repetition;
    this.refresh();
  }

  private onKey(e: KeyboardEvent): void {
    const last = this.rows.length - 1;
    if (e.key === 'ArrowDown') this.active = Math.min(last, this.active + 1);
    else if (e.key === 'ArrowUp') this.active = Math.max(0, this.active - 1);
    else if (e.key === 'Home') this.active = 0;
    else if (e.key === 'End') this.active = last;
    else if (e.key === 'Enter' || e.key === ' ') this.pick(this.active, e.shiftKey);
    else return;
    e.preventDefault();
    this.refresh();
    this.rows[this.active]?.scrollIntoView({ block: 'nearest' });
  }

  /** Marks, names and the diff after a change. */
  private refresh(): void {
    const shownOrder = this.orderOf[this.shown];
    const comparedOrder = this.compared === null ? -1 : this.orderOf[this.compared];
    this.rows.forEach((row, k) => {
      row.setAttribute('aria-selected', String(k === shownOrder));
      row.classList.toggle('active', k === this.active);
      row.classList.toggle('compared', k === comparedOrder);
    });
    if (this.rows[this.active]) this.list.setAttribute('aria-activedescendant', this.rows[this.active].id);
    this.shownInput.value = String(this.shown + 1);
    this.comparedInput.value = this.compared === null ? '' : String(this.compared + 1);
    this.shownInput.nextElementSibling!.textContent = ` ${this.runNote(this.shown)}`;
    this.comparedInput.nextElementSibling!.textContent = ` ${this.runNote(this.compared)}`;
    this.renderDiff();
    this.drawDiff(); // the rows' strips stay as drawn: only marks changed
  }

  private renderDiff(): void {
    this.diff.hidden = this.compared === null;
    this.diff.replaceChildren();
    if (this.compared === null) return;
    const label = (w: number) => laneLabel(this.data.orders.model, { worker: w });
    const side = (r: number) => ({ repetition: r, workers: this.workersOf[r], textAt: (i: number) => textAt(this.data.columns[r], i) });
    for (const r of [this.shown, this.compared]) {
      const row = el('div', { class: 'diff-row' });
      row.append(el('span', { class: 'diff-label' }, runName(r)), el('canvas', { class: 'diff-strip', 'data-run': String(r), 'aria-hidden': 'true' }));
      this.diff.append(row);
    }
    this.diff.append(el('p', { class: 'diff-text', role: 'status' }, divergenceText(side(this.shown), side(this.compared), label)));
  }

  /** Draws the strips for this theme, in a view `viewWidth` px wide. */
  draw(theme: Theme, viewWidth: number): void {
    this.theme = theme;
    this.viewWidth = viewWidth;
    this.drawnRows.clear();
    const size = { width: `${this.stripWidth()}px`, height: `${STRIP_HEIGHT}px` };
    for (const row of this.rows) Object.assign(row.querySelector('canvas')!.style, size);
    this.drawRowsInView();
    this.drawDiff();
  }

  /** The two runs compared, on strips of equal cells, the first divergence outlined. */
  private drawDiff(): void {
    if (this.compared === null || !this.theme) return;
    const [a, b] = [this.workersOf[this.shown], this.workersOf[this.compared]];
    const at = firstDivergence(a, b);
    const cells = Math.max(a.length, b.length);
    this.diff.querySelectorAll('canvas').forEach((canvas, i) => drawStrip(canvas, i ? b : a, this.stripWidth(), this.theme!, at, cells));
  }

  private stripWidth(): number {
    return Math.max(STRIP_MIN, Math.min(STRIP_MAX, this.viewWidth - STRIP_ROOM));
  }

  /** The strips of the rows scrolled into view that are not drawn yet. */
  private drawRowsInView(): void {
    if (!this.theme) return;
    const first = Math.floor(this.scrollTop / ROW_PX);
    for (let k = first; k < Math.min(this.rows.length, first + ROWS_IN_VIEW + 1); k++) {
      if (this.drawnRows.has(k)) continue;
      this.drawnRows.add(k);
      drawStrip(this.rows[k].querySelector('canvas')!, this.workersOf[this.data.orders.orders[k].repetitions[0]], this.stripWidth(), this.theme, -1);
    }
  }
}

/**
 * The run shown first: of the most frequent order, the one whose wall time is nearest the median —
 * not a stalled run that happened to come first.
 */
function typicalRun({ orders, runs, summary }: RepeatedModel): number {
  const candidates = orders.orders[0]?.repetitions ?? [0];
  const median = summary.repeated?.wallNs.median ?? 0;
  const off = (r: number) => Math.abs((runs[r]?.wallNs ?? 0) - median);
  return candidates.reduce((best, r) => (off(r) < off(best) ? r : best), candidates[0]);
}

/**
 * One order as a strip `width` px wide: `cells` equal cells (so two strips align), the workers'
 * cells drawn as the Order strip draws them; `mark` ≥ 0 outlines that cell (the first divergence).
 */
export function drawStrip(canvas: HTMLCanvasElement, workers: readonly number[], width: number, theme: Theme, mark: number, cells = workers.length): void {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(STRIP_HEIGHT * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${STRIP_HEIGHT}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, STRIP_HEIGHT);
  if (!cells) return;
  const drawn = (workers.length / cells) * width;
  if (workers.length) drawCells(ctx, workers, drawn, theme, dpr);
  if (mark < 0) return;
  const cell = width / cells;
  ctx.strokeStyle = theme.focus;
  ctx.lineWidth = 2;
  ctx.strokeRect(Math.floor(mark * cell) + 1, 1, Math.max(3, cell) - 1, STRIP_HEIGHT - 2);
}

/** Cells at least this wide are stamped from a drawn cell (narrower ones carry no number: drawn directly). */
const STAMPED_CELL = 8;
/** One drawn cell per worker, width, theme and pixel ratio: its fill, hatching and number. */
const stamps = new Map<string, HTMLCanvasElement>();

/**
 * The cells of one strip, as the Order strip draws them (drawOrderCells) — but each worker's cell
 * is drawn once and stamped: writing every number anew (a fillText per cell) was most of the
 * order view's cost with 1,000 repetitions.
 */
function drawCells(ctx: CanvasRenderingContext2D, workers: readonly number[], width: number, theme: Theme, dpr: number): void {
  const cell = width / workers.length;
  if (cell < STAMPED_CELL) return drawOrderCells(ctx, workers, CELLS, width, theme);
  for (let i = 0; i < workers.length; i++) {
    const stamp = cellStamp(workers[i], cell, theme, dpr);
    ctx.drawImage(stamp, Math.floor(i * cell), 0, stamp.width / dpr, STRIP_HEIGHT);
  }
}

function cellStamp(worker: number, cell: number, theme: Theme, dpr: number): HTMLCanvasElement {
  const key = `${worker} ${cell.toFixed(3)} ${dpr} ${theme.background} ${theme.highContrast} ${theme.workers[0]}`;
  let stamp = stamps.get(key);
  if (!stamp) {
    if (stamps.size > 256) stamps.clear();
    stamp = document.createElement('canvas');
    stamp.width = Math.ceil(cell * dpr);
    stamp.height = Math.round(STRIP_HEIGHT * dpr);
    const c = stamp.getContext('2d')!;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawOrderCells(c, [worker], CELLS, cell, theme);
    stamps.set(key, stamp);
  }
  return stamp;
}
