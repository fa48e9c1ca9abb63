/**
 * A recording: one finished run of the command, kept (with its trace) so that the panel can go
 * back to it and run it again. The panel lists them as Chrome DevTools' Performance panel does.
 */
import type { Model } from './trace';

export interface Recording {
  /** The stored trace's key. */
  key: string;
  /** What ran: the function's name, or "lines 3–7" for a selection. */
  target: string;
  /** The file's name (not its folder). */
  fileName: string;
  /** When the run started, in ms since the epoch. */
  startedAt: number;
  models: Model[];
  workers: number;
  /** The call's arguments, when the function needed some. */
  args?: string;
}

/** How many times the panel's Run ×N button runs each model: enough runs for the orders to vary. */
export const RUN_MANY = 20;

/** "print_numbers · 11:02:31 · 3 models" (the time in the local time zone). */
export function recordingLabel(r: Recording): string {
  const at = new Date(r.startedAt);
  const time = [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  const models = r.models.length === 1 ? r.models[0] : `${r.models.length} models`;
  return `${r.target} · ${time} · ${models}`;
}

/** The longer description of a recording (a hover): file, arguments, models and workers. */
export function recordingDetail(r: Recording): string {
  const args = r.args ? `(${r.args})` : '';
  return `${r.target}${args} in ${r.fileName} — ${r.models.join(', ')}, ${r.workers} worker${r.workers === 1 ? '' : 's'} each — ${new Date(r.startedAt).toLocaleString()}`;
}

/** "2 of 5: thread" — which model of the run is going, for the panel and the progress notification. */
export function modelProgress(index: number, total: number, model: Model): string {
  return `${index + 1} of ${total}: ${model}`;
}
