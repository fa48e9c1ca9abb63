/** The DOM of one run: its header, then lane labels beside the canvas the lanes are drawn on. */
import type { RunSummary } from '../../../src/shared/runSummary';
import { renderFailures } from './failures';
import { neverStarted } from '../../../src/shared/trace';
import { el, renderHeader, renderLiveHeader, statusText } from './header';
import type { RunModel } from './model';
import { workerSwatch } from './theme';

export interface RunSectionHandlers {
  /** Absent where there is no editor (the standalone report). */
  onReveal?(line: number, focusEditor: boolean): void;
  onZoomToRun(): void;
}

/** `summary` null: the run is still going (a live header, no figures). */
export function renderRunSection(run: RunModel, summary: RunSummary | null, targetFile: string, handlers: RunSectionHandlers): { section: HTMLElement; canvas: HTMLCanvasElement } {
  const section = el('section', { class: 'run', 'data-model': run.model, 'aria-label': run.title });
  const header = summary ? renderHeader(run.run, run.title, summary, handlers.onZoomToRun) : renderLiveHeader(run.title, run.cols.t.length);
  const failures = summary && renderFailures(run.run, targetFile, handlers.onReveal);
  if (failures) header.append(failures);
  section.append(header);
  const canvas = el('canvas', { class: 'lanes', 'aria-hidden': 'true' });
  if (run.run.unavailable) return { section, canvas }; // nothing ran: no lanes (the canvas stays detached)
  const labels = el('div', { class: 'lane-labels' });
  for (const lane of run.lanes) {
    const pid = lane.info?.pid ? `${lane.label} · pid ${lane.info.pid} — ` : '';
    const title = lane.info ? `${pid}${statusText(lane.info)}` : `Output of a thread that ${lane.label.replace('↳ ', '')} was started by worker ${lane.worker + 1}`;
    const label = el('div', { class: `lane-label${lane.thread ? ' sub-lane' : ''}`, 'data-worker': String(lane.worker), title }, lane.label);
    label.prepend(workerSwatch(lane.worker));
    if (lane.info && lane.info.status !== 'ok') {
      label.append(el('span', { class: 'lane-status' }, ` · ${neverStarted(lane.info) ? 'never started' : lane.info.status}`));
    }
    labels.append(label);
  }
  labels.append(el('div', { class: 'strip-label', title: "Every event in output order, one equal cell each, with its worker's colour and number (time is not to scale here)" }, 'Order'));
  const body = el('div', { class: 'run-body' });
  body.append(labels, canvas);
  section.append(body);
  return { section, canvas };
}
