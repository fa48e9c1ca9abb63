/**
 * The same events as text: a virtualised, keyboard-navigable grid (↑ ↓ PgUp PgDn Home End select;
 * Space shows the line, Enter goes to it). Only the rows in view are in the DOM, so a million
 * events cost nothing here.
 */
import { formatNs } from '../../../src/shared/format';
import { eventAt } from '../../../src/shared/columns';
import { writerOf, type RunModel } from './model';
import { sourceLineText } from '../../../src/shared/labels';
import { el } from './header';
import { workerSwatch } from './theme';

export const ROW_HEIGHT = 22;
const OVERSCAN = 30;

export interface EventRef {
  run: number;
  index: number;
}

/**
 * What selecting a row does with its line: nothing (arrow keys), show it and keep the focus in
 * the panel (a click, Space), or show it and move the focus to the editor (Enter, a double click)
 * — as in VS Code's Search and References views.
 */
export type Reveal = 'none' | 'keep-focus' | 'focus-editor';

export class EventList {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsHost: HTMLElement;
  private runs: RunModel[] = [];
  /** Start offset of each run in the flattened list. */
  private offsets: number[] = [];
  private total = 0;
  private active = -1;
  /** The editor's cursor line: its file (null: the traced file) and line. */
  private highlight: { line: string; file: string } | null = null;
  /** The rows in the DOM, by their place in the flattened list. */
  private readonly rows = new Map<number, HTMLElement>();

  constructor(
    private readonly onActivate: (ref: EventRef, reveal: Reveal) => void,
  ) {
    this.element = el('div', { class: 'event-list' });
    const heading = el('div', { class: 'event-list-head', role: 'row' });
    for (const name of ['Model', 'Worker', 'Time', 'Line', 'Output']) heading.append(el('span', { role: 'columnheader' }, name));
    this.scroller = el('div', {
      class: 'event-list-body',
      role: 'grid',
      tabindex: '0',
      'aria-label': 'Events in time order per run. Arrow keys move, Space shows the line in the editor, Enter goes to it.',
      'aria-readonly': 'true',
    });
    this.spacer = el('div', { class: 'event-list-spacer' });
    this.rowsHost = el('div', { class: 'event-list-rows', role: 'rowgroup' });
    this.spacer.append(this.rowsHost);
    this.scroller.append(this.spacer);
    this.element.append(heading, this.scroller);
    this.scroller.addEventListener('scroll', () => this.renderRows());
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('[data-flat]');
      if (!row) return;
      this.setActive(Number(row.dataset.flat), e.detail >= 2 ? 'focus-editor' : 'keep-focus');
    });
  }

  setRuns(runs: RunModel[]): void {
    this.runs = runs;
    this.offsets = [];
    let total = 0;
    for (const r of runs) {
      this.offsets.push(total);
      total += r.cols.t.length;
    }
    this.total = total;
    // `helper.py:12` needs a wider Line column than `12`
    this.element.classList.toggle('other-files', runs.some((r) => r.cols.files !== undefined));
    this.active = -1;
    this.rows.clear();
    this.rowsHost.replaceChildren();
    this.scroller.setAttribute('aria-rowcount', String(total));
    this.spacer.style.height = `${total * ROW_HEIGHT}px`;
    this.renderRows();
  }

  /** `file`: another file of the program than the traced one. */
  setHighlightLine(line: number | null, file?: string): void {
    this.highlight = line === null ? null : { line: String(line), file: file ?? '' };
    this.renderRows();
  }

  /** Selects the event (from a click on the timeline) and scrolls it into view. */
  select(ref: EventRef): void {
    const flat = this.offsets[ref.run] + ref.index;
    this.setActive(flat, 'none', false);
  }

  private refAt(flat: number): EventRef {
    let run = 0;
    while (run + 1 < this.offsets.length && this.offsets[run + 1] <= flat) run++;
    return { run, index: flat - this.offsets[run] };
  }

  /** `notify` false: the selection came from the timeline, which already knows. */
  private setActive(flat: number, reveal: Reveal, notify = true): void {
    if (this.total === 0) return;
    this.active = Math.max(0, Math.min(this.total - 1, flat));
    const top = this.active * ROW_HEIGHT;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = top + ROW_HEIGHT - this.scroller.clientHeight;
    this.renderRows();
    if (notify) this.onActivate(this.refAt(this.active), reveal);
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) this.setActive((this.active < 0 ? -1 : this.active) + moves[e.key], 'none');
    else if (e.key === 'Home') this.setActive(0, 'none');
    else if (e.key === 'End') this.setActive(this.total - 1, 'none');
    else if (e.key === ' ') this.setActive(Math.max(0, this.active), 'keep-focus');
    else if (e.key === 'Enter') this.setActive(Math.max(0, this.active), 'focus-editor');
    else return;
    e.preventDefault();
  }

  /**
   * The rows in view (and OVERSCAN more each side). A row stays the same element while it is in
   * view — only its selection and highlight change — so a press on it survives a redraw (a click
   * needs its press and release on one element: a row rebuilt under a press lost the click).
   */
  private renderRows(): void {
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil((this.scroller.clientHeight || 300) / ROW_HEIGHT);
    const last = Math.min(this.total, first + visible + 2 * OVERSCAN);
    for (const [flat, row] of this.rows) {
      if (flat < first || flat >= last) {
        row.remove();
        this.rows.delete(flat);
      }
    }
    for (let flat = first; flat < last; flat++) {
      let row = this.rows.get(flat);
      if (!row) {
        row = this.buildRow(flat);
        this.rows.set(flat, row);
        this.rowsHost.append(row);
      }
      if (flat === this.active) row.setAttribute('aria-selected', 'true');
      else row.removeAttribute('aria-selected');
      row.classList.toggle('highlighted', this.highlight !== null && row.dataset.line === this.highlight.line && row.dataset.file === this.highlight.file);
    }
    if (this.active >= 0) this.scroller.setAttribute('aria-activedescendant', `event-${this.active}`);
    else this.scroller.removeAttribute('aria-activedescendant');
  }

  private buildRow(flat: number): HTMLElement {
    const ref = this.refAt(flat);
    const run = this.runs[ref.run];
    const e = eventAt(run.cols, run.run.workerInfo, ref.index);
    const worker = el('span', { role: 'gridcell', class: 'worker' }, writerOf(run, ref.index));
    worker.prepend(workerSwatch(e.worker));
    const row = el('div', {
      class: 'event-row',
      role: 'row',
      id: `event-${flat}`,
      'aria-rowindex': String(flat + 1),
      'data-flat': String(flat),
      'data-model': run.model,
      'data-worker': String(e.worker),
      'data-line': e.line === null ? '' : String(e.line),
      'data-file': e.file ?? '',
    });
    row.style.top = `${flat * ROW_HEIGHT}px`;
    if (e.stream === 'stderr') row.classList.add('stderr');
    if (e.approximate) row.classList.add('approximate');
    row.append(
      el('span', { role: 'gridcell' }, run.model),
      worker,
      el('span', { role: 'gridcell', class: 'num' }, `${e.approximate ? '≈ ' : ''}${formatNs(e.t)}`),
      el('span', { role: 'gridcell', class: 'num', ...(e.file === undefined ? {} : { title: e.file }) }, e.line === null ? '—' : sourceLineText(e.line, e.file)),
      el('span', { role: 'gridcell', class: 'text' }, e.text),
    );
    return row;
  }
}
