/** The DOM of one run: its header, then lane labels beside the canvas the lanes are drawn on. */
import type { RunSummary } from '../../../src/shared/runSummary';
import { renderFailures } from './failures';
import { neverStarted, type WorkerInfo } from '../../../src/shared/trace';
import { endedBadly } from '../../../src/shared/workerLife';
import { el, renderHeader, renderLiveHeader, statusText } from './header';
import type { LaneModel, ProcessGroup, RunModel } from './model';
import { workerSwatch } from './theme';

export interface RunSectionHandlers {
  /** Absent where there is no editor (the standalone report). */
  onReveal?(line: number, focusEditor: boolean): void;
  onZoomToRun(): void;
  /** A process group's heading was pressed: collapse it, or expand it. */
  onToggleGroup(key: string): void;
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
  fillLaneLabels(labels, run, handlers.onToggleGroup);
  const body = el('div', { class: 'run-body' });
  body.append(labels, canvas);
  section.append(body);
  return { section, canvas };
}

/** The label column, row for row with the canvas: headings (buttons), lane labels, then Order. */
export function fillLaneLabels(labels: HTMLElement, run: RunModel, onToggleGroup: (key: string) => void): void {
  labels.replaceChildren(
    ...run.rows.map((row) => (row.kind === 'heading' ? groupHeading(row.group, onToggleGroup) : laneLabelOf(row.lane, run.run.workerInfo))),
    el('div', { class: 'strip-label', title: "Every event in output order, one equal cell each, with its worker's colour and number (time is not to scale here)" }, 'Order'),
  );
}

/** A process group's heading: a button that collapses its lanes into one, or expands them again. */
function groupHeading(group: ProcessGroup, onToggle: (key: string) => void): HTMLElement {
  const n = group.lanes.length;
  const button = el('button', {
    class: 'group-heading',
    type: 'button',
    'aria-expanded': String(!group.collapsed),
    'data-group': group.key,
    title: `${group.label}: ${n} lane${n === 1 ? '' : 's'}, ${group.events.toLocaleString('en-US')} events — ${group.collapsed ? 'expand to see each lane' : 'collapse into one lane'}`,
  });
  button.append(el('span', { class: 'chevron', 'aria-hidden': 'true' }), el('span', { class: 'group-name' }, group.label));
  button.addEventListener('click', () => onToggle(group.key));
  return button;
}

function laneLabelOf(lane: LaneModel, workers: readonly WorkerInfo[]): HTMLElement {
  if (lane.members) {
    return el('div', { class: 'lane-label merged', title: `${lane.label} of this process, collapsed: each mark in its worker's colour` }, lane.label);
  }
  const pid = lane.info?.pid ? `${lane.label} · pid ${lane.info.pid} — ` : '';
  const title = lane.info ? `${pid}${statusText(lane.info, workers)}` : `Output of a thread that ${lane.label.replace('↳ ', '')} was started by worker ${lane.worker + 1}`;
  const label = el('div', { class: `lane-label${lane.thread ? ' sub-lane' : ''}`, 'data-worker': String(lane.worker), title }, lane.label);
  label.prepend(workerSwatch(lane.worker));
  if (lane.info && endedBadly(lane.info)) {
    label.append(el('span', { class: 'lane-status' }, ` · ${neverStarted(lane.info) ? 'never started' : lane.info.status}`));
  }
  return label;
}
