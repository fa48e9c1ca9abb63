/** The hover card of an event, beside the pointer and kept inside the window. */
import { eventAt } from '../../../src/shared/columns';
import { formatNs } from '../../../src/shared/summary';
import { el } from './header';
import { pidOf, writerOf, type RunModel } from './model';

/** `canReveal`: a click can show the line (in VS Code; the standalone report has no editor). */
export function showEventTooltip(tooltip: HTMLElement, run: RunModel, index: number, at: { clientX: number; clientY: number }, canReveal: boolean): void {
  const ev = eventAt(run.cols, run.run.workerInfo, index);
  tooltip.replaceChildren(
    el('div', { class: 'tooltip-text' }, ev.text || '(empty line)'),
    el('div', {}, `${writerOf(run, index)}${pidOf(run, index) ? ` · pid ${pidOf(run, index)}` : ''} · ${run.model}`),
    el('div', {}, `t = ${formatNs(ev.t)} · ${ev.stream} · event ${index + 1} of ${run.cols.t.length}`),
    el('div', {}, ev.approximate
      ? 'written below Python (C code, a subprocess): approximate — the time it was read'
      : ev.line === null ? 'no line of the file on the stack' : `line ${ev.line}${canReveal ? ' (click to show, double-click to go to it)' : ''}`),
  );
  tooltip.hidden = false;
  const pad = 12;
  const w = tooltip.offsetWidth;
  const left = at.clientX + pad + w > window.innerWidth ? at.clientX - pad - w : at.clientX + pad;
  tooltip.style.left = `${Math.max(0, left)}px`;
  tooltip.style.top = `${at.clientY + pad}px`;
}
