/**
 * A run's failed workers under its header. Workers that failed the same way (same status, same
 * message, same traceback) are one line and one traceback: eight threads raising the same
 * exception would otherwise push the lanes off screen with eight copies of it. Deadlocked workers
 * stay one line each: each has its own part of the cycle and its own stack.
 */
import type { RunMeta } from '../../../src/shared/columns';
import { workerNoun } from '../../../src/shared/verdicts';
import type { WorkerInfo } from '../../../src/shared/trace';
import { endedBadly } from '../../../src/shared/workerLife';
import { el, statusText } from './header';
import { laneLabel } from './model';

/** Workers that failed alike, in the order of their first. */
export interface FailureGroup {
  workers: WorkerInfo[];
  /** What happened to them: "raised ValueError: boom". */
  what: string;
  traceback: string | null;
}

export function groupFailures(run: Pick<RunMeta, 'workerInfo'>): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const w of run.workerInfo) {
    if (!endedBadly(w)) continue; // a process the program ended itself (a Pool's terminate()) did not fail
    const what = statusText(w);
    const traceback = w.error?.traceback || w.deadlock?.stack || null; // a deadlocked worker's: its stack at the deadlock
    // a deadlocked worker is its own line: each has its part of the cycle and its own stack
    const key = `${w.status}\n${what}\n${traceback ?? ''}${w.deadlock ? `\n${w.worker}` : ''}`;
    const group = groups.get(key) ?? { workers: [], what, traceback };
    group.workers.push(w);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** "Thread 2 raised …" for one worker, "3 threads raised …" for several (their names in the hover). */
export function failureLine(run: Pick<RunMeta, 'model'>, group: FailureGroup): string {
  const n = group.workers.length;
  return n === 1 ? `${laneLabel(run.model, group.workers[0])} ${group.what}` : `${n} ${workerNoun(run.model, n)} ${group.what}`;
}

/** `onReveal` absent (the standalone report): the traceback's frames are text, not links. */
export function renderFailures(run: RunMeta, targetFile: string, onReveal?: (line: number, focusEditor: boolean) => void): HTMLElement | null {
  const groups = groupFailures(run);
  if (!groups.length) return null;
  const list = el('ul', { class: 'failures' });
  for (const group of groups) {
    const item = el('li', { class: `failure status-${group.workers[0].status}`, 'data-workers': String(group.workers.length) });
    const names = group.workers.map((w) => laneLabel(run.model, w)).join(', ');
    item.append(el('span', group.workers.length > 1 ? { title: names } : {}, failureLine(run, group)));
    const n = group.workers.length;
    const same = n === 1 ? '' : n === run.workerInfo.length ? ` (the same for all ${n})` : ` (the same for these ${n})`;
    const title = group.workers[0].error ? 'Traceback' : 'Stack at the deadlock';
    if (group.traceback) item.append(tracebackDetails(group.traceback, targetFile, onReveal, `${title}${same}`));
    list.append(item);
  }
  return list;
}

function tracebackDetails(traceback: string, targetFile: string, onReveal: ((line: number, focusEditor: boolean) => void) | undefined, summary: string): HTMLElement {
  const details = el('details');
  details.append(el('summary', {}, summary));
  const pre = el('pre', { class: 'traceback' });
  // Frames of the traced file become links to their line.
  for (const line of traceback.split('\n')) {
    const m = /^\s*File "(.*)", line (\d+)/.exec(line);
    if (m && m[1] === targetFile && onReveal) {
      const a = el('a', { href: '#', 'data-line': m[2] }, line);
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        onReveal(Number(m[2]), ev.detail !== 1); // a single click keeps the focus here; Enter (detail 0) or a double click goes to the editor
      });
      pre.append(a, '\n');
    } else pre.append(`${line}\n`);
  }
  details.append(pre);
  return details;
}
