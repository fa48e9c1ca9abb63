/**
 * The panel's history, in its toolbar: the last recordings in a drop-down, newest first ("print_numbers ·
 * 11:02:31 · 3 models", as Chrome DevTools' Performance panel lists its recordings), and Run
 * again for the one shown. Only where a host keeps recordings (VS Code, not the HTML report).
 */
import { RUN_MANY, recordingDetail, recordingLabel, type Recording } from '../../../src/shared/recording';
import { el } from './header';

export interface HistoryHost {
  /** Show this stored recording. */
  show(key: string): void;
  /** Run this recording's target again, with its settings and arguments (`repeat`: each model that many times instead). */
  runAgain(key: string, repeat?: number): void;
}

export class HistoryBar {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly again: HTMLButtonElement;
  private readonly many: HTMLButtonElement;
  private recordings: Recording[] = [];
  private shown: string | null = null;
  private running = false;

  constructor(host: HistoryHost) {
    this.element = el('div', { class: 'history', role: 'group', 'aria-label': 'Recordings', hidden: '' });
    this.select = el('select', { class: 'recordings', 'aria-label': 'Recording shown' });
    this.again = el('button', { type: 'button', 'data-action': 'run-again' }, 'Run again');
    this.select.addEventListener('change', () => this.select.value && host.show(this.select.value));
    this.many = el('button', { type: 'button', 'data-action': 'run-many' }, `Run ×${RUN_MANY}`);
    this.again.addEventListener('click', () => this.shown && host.runAgain(this.shown));
    this.many.addEventListener('click', () => this.shown && host.runAgain(this.shown, RUN_MANY));
    this.element.append(this.select, this.again, this.many);
  }

  /** The store's recordings (newest first) and the one on screen (null: none of them). */
  update(recordings: Recording[], shown: string | null): void {
    this.recordings = recordings;
    this.shown = shown && recordings.some((r) => r.key === shown) ? shown : null;
    const options = recordings.map((r) => {
      const option = el('option', { value: r.key, title: recordingDetail(r) }, recordingLabel(r));
      option.selected = r.key === this.shown;
      return option;
    });
    if (!this.shown) options.unshift(el('option', { value: '', disabled: '', selected: '' }, 'Pick a recording…'));
    this.select.replaceChildren(...options);
    this.element.hidden = recordings.length === 0;
    this.refresh();
  }

  /** While a run goes on, the panel shows it: neither another recording nor a second run. */
  setRunning(running: boolean): void {
    this.running = running;
    this.refresh();
  }

  private refresh(): void {
    const shown = this.recordings.find((r) => r.key === this.shown);
    this.select.disabled = this.running;
    this.again.disabled = this.many.disabled = this.running || !shown;
    this.select.title = shown ? recordingDetail(shown) : `The last ${this.recordings.length} runs`;
    this.again.title = shown ? `Run ${shown.target}${shown.args ? `(${shown.args})` : ''} again with the same settings and arguments` : 'Pick a recording to run again';
    this.many.title = shown ? `Run ${shown.target} again, each model ${RUN_MANY} times: the orders its events came in, counted, and figures as medians` : 'Pick a recording to run again';
  }
}
