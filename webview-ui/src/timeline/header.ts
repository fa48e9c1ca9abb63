/** A run's header: the figures that answer the user's question, the verdict, and failures. */
import { formatNs, formatSpeedup } from '../../../src/shared/format';
import type { RunSummary } from '../../../src/shared/runSummary';
import type { RunMeta } from '../../../src/shared/columns';
import { neverStarted, type WorkerInfo } from '../../../src/shared/trace';
import { TERMS, termId, type Term } from './terms';
import { laneSharesText, stateShares } from '../../../src/shared/states';
import { helperThreadName, laneLabel } from '../../../src/shared/labels';
import { DEFAULT_SWITCH_INTERVAL } from '../../../src/shared/prediction';
import { endedByWords } from '../../../src/shared/workerLife';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A figure, named and explained by the key's entry for its term (hover, and for screen readers). */
function figure(list: HTMLElement, term: Term, value: string): void {
  const item = el('div', { class: 'figure', title: TERMS[term].meaning, 'data-term': term });
  item.append(el('dt', { 'aria-describedby': termId(term) }, TERMS[term].name), el('dd', {}, value));
  list.append(item);
}

/** The run's failed workers follow it (failures.ts). */
export function renderHeader(run: RunMeta, title: string, s: RunSummary, onZoomTo: () => void): HTMLElement {
  const header = el('header', { class: 'run-header' });
  if (run.unavailable) {
    header.append(el('div', { class: 'run-title' }), el('p', { class: 'verdict unavailable' }, s.verdict));
    header.firstElementChild!.append(el('h2', {}, title));
    return header;
  }
  const heading = el('div', { class: 'run-title' });
  const zoomTo = el('button', { type: 'button', class: 'zoom-to-run', title: `Show this whole run (${formatNs(run.wallNs)}) across the plot; with the same time axis for all runs, the others' events beyond it are counted at the edges` }, 'Zoom to run');
  zoomTo.addEventListener('click', onZoomTo);
  heading.append(el('h2', {}, title), zoomTo);
  header.append(heading);
  const figures = el('dl', { class: 'figures' });
  figure(figures, 'wall', formatNs(s.wallNs));
  figure(figures, 'cpu', s.cpuNs === null ? '—' : formatNs(s.cpuNs));
  figure(figures, 'speedup', s.speedup === null ? (run.model === 'sequential' ? 'baseline' : '—') : formatSpeedup(s.speedup));
  figure(figures, 'overlap', formatNs(s.overlapNs));
  figure(figures, 'switches', s.switches.toLocaleString('en-US'));
  figure(figures, 'events', s.events.toLocaleString('en-US'));
  if (s.startupNs !== null) figure(figures, 'startup', formatNs(s.startupNs));
  header.append(figures, el('p', { class: 'verdict' }, s.verdict));
  const controls = controlsText(run);
  if (controls) header.append(el('p', { class: 'run-controls' }, controls));
  const states = renderStates(run);
  if (states.childElementCount) header.append(states);
  // a free-threaded build's GIL on where it was not asked to be (PYTHON_GIL=1, an extension module)
  if (run.gilNote) header.append(el('p', { class: 'badge gil-on', role: 'note' }, run.gilNote.charAt(0).toUpperCase() + run.gilNote.slice(1)));
  if (run.truncated) header.append(el('p', { class: 'badge truncated', role: 'note' }, 'Truncated: recording stopped at the event cap (setting interleave.maxEvents); the figures cover what was recorded.'));
  if (run.stopped) header.append(el('p', { class: 'badge stopped', role: 'note' }, run.stopped === 'timeout' ? 'Stopped at the time limit (interleave.timeoutSeconds): workers still going were ended with their process tree.' : 'Cancelled: workers still going were ended with their process tree.'));
  return header;
}

/** What the run was asked to do differently: "Switch interval 0.1 ms · began together (--align) · order forced 0101: followed, line by line". */
export function controlsText(run: Pick<RunMeta, 'model' | 'switchInterval' | 'aligned' | 'forcedOrder'>): string {
  const parts: string[] = [];
  if (run.switchInterval !== undefined) parts.push(`Switch interval ${formatNs(run.switchInterval * 1e9)}${run.switchInterval === DEFAULT_SWITCH_INTERVAL ? ' (Python\'s default)' : ''}`);
  if (run.aligned) parts.push('began together at a barrier after start-up (--align)');
  if (run.forcedOrder) parts.push(`order forced ${run.forcedOrder.signature} (Be the Scheduler): ${run.forcedOrder.note}`);
  return parts.join(' · ');
}

/**
 * How each thread spent its time, as sampled ("Thread 1: running 49% · waiting for the GIL 48%"),
 * then the run's note (why there are none, or what to know of those there are) in one muted line.
 */
function renderStates(run: RunMeta): HTMLElement {
  const lanes = stateShares(run).filter((l) => l.observedNs > 0);
  const list = el('ul', { class: 'state-shares', 'aria-label': 'Observed thread states' });
  for (const lane of lanes) {
    const { worker, thread } = lane;
    const info = run.workerInfo.find((w) => w.worker === worker);
    const own = laneLabel(run.model, info ?? { worker });
    const name = thread === null ? own : `${own} ↳ ${helperThreadName(info, thread)}`;
    list.append(el('li', { 'data-worker': String(worker) }, `${name}: ${laneSharesText(run, lane)}`));
  }
  // a trace from before sampling existed has neither states nor a note: nothing to say
  if (run.stateNote) list.append(el('li', { class: 'state-note' }, run.stateNote));
  return list;
}

/** The header of a run still going: no figures until it ends. */
export function renderLiveHeader(title: string, events: number): HTMLElement {
  const header = el('header', { class: 'run-header live' });
  header.append(el('div', { class: 'run-title' }, undefined));
  header.firstElementChild!.append(el('h2', {}, title));
  header.append(el('p', { class: 'verdict' }, `Running… ${events} event${events === 1 ? '' : 's'} so far.`));
  return header;
}

export function statusText(w: WorkerInfo, workers?: readonly WorkerInfo[]): string {
  if (w.endedBy) return `was ${endedByWords(w, (i) => workers?.[i]?.name ?? `worker ${i + 1}`)} (${w.signal ?? 'signal'})`;
  switch (w.status) {
    case 'error':
      // a pool's task after the pool broke never ran: its message says so, and why
      return neverStarted(w) ? (w.error?.message ?? 'never started') : `raised ${w.error?.type ?? 'an exception'}: ${w.error?.message ?? ''}`;
    case 'exited':
      // a sequential call after one that ended the process never ran
      return neverStarted(w) ? `never started: the run ended first (exit code ${w.exitCode ?? '?'})` : `exited with code ${w.exitCode ?? '?'}`;
    case 'killed':
      return `was killed (${w.signal ?? 'signal'})`;
    case 'timeout':
      return 'was stopped at the time limit';
    case 'deadlock':
      return w.deadlock ? 'was deadlocked (the cycle is in the verdict above)' : 'never started: the run was ended at a deadlock';
    default:
      return 'finished';
  }
}
