/**
 * Replay (issue 15): step or play through one run's events in global order. The bar holds the
 * controls and says where the replay stands (also to screen readers, briefly); the view moves the
 * cursor, the selection, the event list and the editor's line (ReplayHost.show).
 */
import type { EventRef } from './eventList';
import { el } from './header';

/** Events a second the replay can play at; the default is the second. */
export const REPLAY_SPEEDS: readonly number[] = [1, 2, 4, 8, 16];
const DEFAULT_SPEED = 2;

export interface ReplayHost {
  /** How many events each run has (the replay runs through one run's). */
  eventCounts(): number[];
  /** Where the replay stands: the selected event, if any (a click elsewhere moves it there). */
  position(): EventRef | null;
  /** Show event `ref` as the replay's cursor: timeline, event list, and the editor (focus stays here). */
  show(ref: EventRef): void;
  /** The run's title and the event in words: ["Threads × 2", "Thread 1 · Number: 2"]. */
  describe(ref: EventRef): [string, string];
}

const BUTTONS: Array<[action: string, label: string, hint: string]> = [
  ['first', '⇤', 'First event (Home)'],
  ['previous', '‹', 'Previous event (←)'],
  ['play', '▶ Play', 'Play through the run (Space)'],
  ['next', '›', 'Next event (→)'],
  ['last', '⇥', 'Last event (End)'],
];

export class Replay {
  readonly element: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;
  private readonly runTitle: HTMLElement;
  private readonly where: HTMLElement;
  private timer = 0;

  constructor(private readonly host: ReplayHost) {
    this.element = el('div', { class: 'replay', role: 'toolbar', 'aria-label': 'Replay' });
    const buttons = BUTTONS.map(([action, label, hint]) => {
      const b = el('button', { type: 'button', 'data-replay': action, title: hint, 'aria-label': hint }, label);
      b.addEventListener('click', () => this.command(action));
      return b;
    });
    this.playButton = buttons[2];
    this.speed = el('select', { class: 'replay-speed', title: 'How many events a second Play shows', 'aria-label': 'Replay speed' });
    for (const s of REPLAY_SPEEDS) this.speed.append(el('option', { value: String(s), ...(s === DEFAULT_SPEED ? { selected: '' } : {}) }, `${s} / s`));
    this.speed.addEventListener('change', () => this.timer && this.play());
    this.runTitle = el('span', { class: 'replay-run' });
    // said briefly on each step, as a screen reader's live region: "3 of 10: Thread 1 · Number: 2"
    this.where = el('span', { class: 'replay-position', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.element.append(el('span', { class: 'replay-label' }, 'Replay'), ...buttons, this.speed, this.runTitle, this.where);
  }

  command(action: string): void {
    if (action === 'play') this.togglePlay();
    else if (action === 'first') this.moveTo(() => 0);
    else if (action === 'last') this.moveTo((n) => n - 1);
    else if (action === 'previous') this.step(-1);
    else if (action === 'next') this.step(1);
  }

  /** One event on (or back) from where the replay stands; the first event when it stands nowhere. */
  step(delta: number): void {
    this.pause();
    const at = this.host.position();
    this.moveTo((n) => (at ? Math.max(0, Math.min(n - 1, at.index + delta)) : 0));
  }

  togglePlay(): void {
    if (this.timer) return this.pause();
    const at = this.host.position();
    const counts = this.host.eventCounts();
    if (!at || at.index >= counts[at.run] - 1) this.moveTo(() => 0); // from the start, as a player does at the end
    this.play();
  }

  /** New runs (or none): the replay stops and stands nowhere. */
  reset(): void {
    this.pause();
    this.runTitle.textContent = '';
    this.where.textContent = '';
  }

  pause(): void {
    if (!this.timer) return;
    window.clearInterval(this.timer);
    this.timer = 0;
    this.where.setAttribute('aria-live', 'polite');
    this.playButton.textContent = '▶ Play';
    this.playButton.setAttribute('aria-label', 'Play through the run (Space)');
  }

  /** Says where the replay stands (a click or the event list moved the selection). */
  sync(): void {
    const at = this.host.position();
    if (!at) return this.reset();
    const [run, event] = this.host.describe(at);
    this.runTitle.textContent = run;
    this.where.textContent = `${at.index + 1} of ${this.host.eventCounts()[at.run]}: ${event}`;
  }

  private play(): void {
    window.clearInterval(this.timer);
    this.timer = window.setInterval(() => this.advance(), 1000 / Number(this.speed.value));
    // a screen reader hears each step, but not every event of a playing replay (it would queue them all)
    this.where.setAttribute('aria-live', 'off');
    this.playButton.textContent = '❚❚ Pause';
    this.playButton.setAttribute('aria-label', 'Pause (Space)');
  }

  private advance(): void {
    const at = this.host.position();
    const counts = this.host.eventCounts();
    if (!at || at.index >= counts[at.run] - 1) return this.pause();
    this.moveTo(() => at.index + 1);
    if (at.index + 1 >= counts[at.run] - 1) this.pause();
  }

  /** To event `index(n)` of the replayed run (n events): the selection's run, else the first with events. */
  private moveTo(index: (n: number) => number): void {
    const counts = this.host.eventCounts();
    const run = this.host.position()?.run ?? counts.findIndex((n) => n > 0);
    if (run < 0 || !counts[run]) return;
    this.host.show({ run, index: index(counts[run]) });
    this.sync();
  }
}
