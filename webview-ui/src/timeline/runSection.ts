/** The DOM of one run: its header, then lane labels beside the canvas the lanes are drawn on. */
import type { RunSummary } from '../../../src/shared/summary';
import { el, renderHeader, renderLiveHeader, statusText } from './header';
import type { RunModel } from './model';
import { workerSwatch } from './theme';

export interface RunSectionHandlers {
  onReveal(line: number, focusEditor: boolean): void;
  onZoomToRun(): void;
}

/** `summary` null: the run is still going (a live header, no figures). */
export function renderRunSection(run: RunModel, summary: RunSummary | null, targetFile: string, handlers: RunSectionHandlers): { section: HTMLElement; canvas: HTMLCanvasElement } {
  const section = el('section', { class: 'run', 'data-model': run.model, 'aria-label': run.title });
  section.append(summary ? renderHeader(run.run, run.title, summary, targetFile, handlers.onReveal, handlers.onZoomToRun) : renderLiveHeader(run.title, run.cols.t.length));
  const canvas = el('canvas', { class: 'lanes', 'aria-hidden': 'true' });
  if (run.run.unavailable) return { section, canvas }; // nothing ran: no lanes (the canvas stays detached)
  const labels = el('div', { class: 'lane-labels' });
  for (const lane of run.lanes) {
    const pid = lane.info?.pid ? `${lane.label} · pid ${lane.info.pid} — ` : '';
    const title = lane.info ? `${pid}${statusText(lane.info)}` : `Output of a thread that ${lane.label.replace('↳ ', '')} was started by worker ${lane.worker + 1}`;
    const label = el('div', { class: `lane-label${lane.thread ? ' sub-lane' : ''}`, 'data-worker': String(lane.worker), title }, lane.label);
    label.prepend(workerSwatch(lane.worker));
    if (lane.info && lane.info.status !== 'ok') {
      const never = lane.info.startNs === null && lane.info.status === 'exited'; // the run ended before it
      label.append(el('span', { class: 'lane-status' }, ` · ${never ? 'never started' : lane.info.status}`));
    }
    labels.append(label);
  }
  labels.append(el('div', { class: 'strip-label', title: "Every event in output order, one equal cell each, with its worker's colour and number (time is not to scale here)" }, 'Order'));
  const body = el('div', { class: 'run-body' });
  body.append(labels, canvas);
  section.append(body);
  return { section, canvas };
}
