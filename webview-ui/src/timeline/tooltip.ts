/** Hover cards (an event, a phase of a worker's life, a hint), beside the pointer and kept inside the window. */
import { eventAt } from '../../../src/shared/columns';
import { formatNs } from '../../../src/shared/format';
import { stateWords } from '../../../src/shared/states';
import { isHeld, waitEnd, waitedFor } from '../../../src/shared/lockKinds';
import { sourceLineText } from '../../../src/shared/labels';
import type { StateSource, StateSpan } from '../../../src/shared/trace';
import { el } from './header';
import type { LifePhase } from './layout';
import { pidOf, writerOf, type LockWait, type RunModel } from './model';
import { LIFE_PHASES } from './terms';

interface At {
  clientX: number;
  clientY: number;
}

/** `canReveal`: a click can show the line (in VS Code; the standalone report has no editor). */
export function showEventTooltip(tooltip: HTMLElement, run: RunModel, index: number, at: At, canReveal: boolean): void {
  const ev = eventAt(run.cols, run.run.workerInfo, index);
  tooltip.replaceChildren(
    el('div', { class: 'tooltip-text' }, ev.text || '(empty line)'),
    el('div', {}, `${writerOf(run, index)}${pidOf(run, index) ? ` · pid ${pidOf(run, index)}` : ''} · ${run.model}`),
    el('div', {}, `t = ${formatNs(ev.t)} · ${ev.stream} · event ${index + 1} of ${run.cols.t.length}`),
    el('div', {}, ev.approximate
      ? 'written below Python (C code, a subprocess): approximate — the time it was read'
      : ev.line === null ? 'no line of the file on the stack' : `${ev.file === undefined ? 'line ' : ''}${sourceLineText(ev.line, ev.file)}${canReveal ? ' (click to show, double-click to go to it)' : ''}`),
  );
  place(tooltip, at);
}

/** A few lines of text; the first in bold. */
export function showTextTooltip(tooltip: HTMLElement, lines: readonly string[], at: At): void {
  tooltip.replaceChildren(...lines.map((line, i) => el('div', i === 0 ? { class: 'tooltip-title' } : {}, line)));
  place(tooltip, at);
}

/** A worker's life: each phase with its duration, the one under the pointer first; `joinedBy`: the lane whose join ended it (a script run's own). */
export function showLifeTooltip(tooltip: HTMLElement, worker: string, segments: ReadonlyArray<{ phase: LifePhase; t0: number; t1: number }>, pointed: LifePhase, at: At, joinedBy?: string): void {
  const meaning = (phase: LifePhase) => (phase === 'join' && joinedBy ? `finished, until ${joinedBy}'s join returned` : LIFE_PHASES[phase].meaning);
  const line = (s: { phase: LifePhase; t0: number; t1: number }) => `${LIFE_PHASES[s.phase].name}: ${formatNs(s.t1 - s.t0)} (${meaning(s.phase)})`;
  const here = segments.find((s) => s.phase === pointed)!;
  showTextTooltip(tooltip, [`${worker} · ${line(here)}`, ...segments.filter((s) => s !== here).map(line), `from ${formatNs(segments[0].t0)} to ${formatNs(segments.at(-1)!.t1)} after the run began`], at);
}

/** A span of a thread's sampled states: what it was doing, in what call, for how long, and how that was seen. */
export function showStateTooltip(tooltip: HTMLElement, lane: string, span: StateSpan, source: StateSource | null, at: At): void {
  const seen = source ? `sampled from /proc at ${source.hz.toLocaleString('en-US')} Hz: a stretch shorter than ${formatNs(1e9 / source.hz)} may not show` : 'sampled from /proc';
  showTextTooltip(tooltip, [`${lane} · ${stateWords(span.state, span.detail)}`, `for ${formatNs(span.dur)}, from ${formatNs(span.t)} after the run began`, seen], at);
}

/** A contended lock acquire (or a wait that holds nothing after it: an Event, a queue, a join): what it was on, where, how long it was waited for and held. */
export function showLockTooltip(tooltip: HTMLElement, lane: string, w: LockWait, endNs: number, at: At): void {
  const where = w.file ? `${w.file.split(/[\\/]/).pop()} line ${w.line}` : `line ${w.line}`; // another file of a script's program: named
  const since = `from ${formatNs(w.waitT)} after the run began`;
  if (!isHeld(w.kind)) {
    const waited = `waited ${formatNs(waitEnd(w, endNs) - w.waitT)} ${waitedFor(w.kind, w.lock)}${w.acquiredT === null ? (w.gaveUpT === undefined ? ', in vain' : ', then gave up') : ''}`;
    return showTextTooltip(tooltip, [`${lane} · ${w.kind} ${w.lock}`, `at ${where}: ${waited}, ${since}`], at);
  }
  const waited = w.acquiredT === null ? `waited ${formatNs(waitEnd(w, endNs) - w.waitT)} and never got it${w.gaveUpT === undefined ? '' : ' (it gave up: a timeout)'}` : `waited ${formatNs(w.acquiredT - w.waitT)} for it`;
  const held = w.acquiredT === null ? [] : [w.releasedT === null ? `held it from then to the end of the run (${formatNs(endNs - w.acquiredT)})` : `held it ${formatNs(w.releasedT - w.acquiredT)}`];
  showTextTooltip(tooltip, [`${lane} · ${w.kind} ${w.lock}`, `acquired at ${where}: ${waited}, ${since}`, ...held], at);
}

function place(tooltip: HTMLElement, at: At): void {
  tooltip.hidden = false;
  const pad = 12;
  const w = tooltip.offsetWidth;
  const left = at.clientX + pad + w > window.innerWidth ? at.clientX - pad - w : at.clientX + pad;
  tooltip.style.left = `${Math.max(0, left)}px`;
  tooltip.style.top = `${at.clientY + pad}px`;
}
