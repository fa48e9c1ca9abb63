/**
 * Messages between the extension host and the timeline webview (both sides import this file).
 * The webview sends `ready` first; the host answers with what it has.
 */
import { runMeta, toColumns, type EventColumns, type RunMeta } from './columns';
import type { Recording } from './recording';
import { summarizeTrace, type EventCounts } from './summary';
import type { RunSummary } from './runSummary';
import type { Model, Trace } from './trace';

/** A trace without its events: they travel as columns beside it. */
export type TraceMeta = Omit<Trace, 'runs'> & { runs: RunMeta[] };

export type HostToWebview =
  /** A run is under way: show the target and live events as they come. */
  | { type: 'running'; title: string; models: Model[]; workers: number }
  /** The run of `model`, `index` of `total` (0-based), has begun. */
  | { type: 'progress'; model: Model; index: number; total: number }
  /**
   * Events recorded since the last chunk for one model, as columns (times relative to that run's
   * start; not sorted); `repetition`: which of the model's runs (--repeat), when not the first.
   */
  | { type: 'events'; model: Model; columns: EventColumns; repetition?: number }
  /**
   * The finished trace, its events as typed columns (one per run) and the header figures;
   * `key` identifies it for restoring the panel after a reload.
   */
  | { type: 'trace'; trace: TraceMeta; columns: EventColumns[]; summaries: RunSummary[]; key: string }
  /** The run failed before producing a trace. */
  | { type: 'failed'; message: string }
  /**
   * The editor's cursor moved: emphasise the events of this line (null: none) of the traced file,
   * or with `file` of that other file of the program (a script run's).
   */
  | { type: 'highlightLine'; line: number | null; file?: string }
  /** The stored recordings, newest first, and which of them the panel shows (null: none of them). */
  | { type: 'history'; recordings: Recording[]; shown: string | null }
  /** Compare with Trace…: the orders of this other trace (`name`: its file, or its recording) beside the one shown. */
  | { type: 'compare'; name: string; trace: TraceMeta; columns: EventColumns[] }
  /** Compare with Trace… could not read it: why (the panel keeps what it shows). */
  | { type: 'compareFailed'; message: string }
  /** Draw what the view shows as an image file and send it back (`image`, same `requestId`). */
  | { type: 'exportImage'; requestId: number; format: ImageFormat };

export type WebviewToHost =
  | { type: 'ready' }
  /**
   * Show this line of the traced file (or of `file`, another file of the program the trace's
   * events name) in the editor. `focus`: move the keyboard focus to the editor
   * (Enter, a double click); false keeps it in the panel (a single click), so keys meant for the
   * panel never type into the user's code.
   */
  | { type: 'reveal'; line: number; focus: boolean; file?: string }
  /** Show this stored recording (picked in the history). */
  | { type: 'showRecording'; key: string }
  /**
   * Run this recording's target again, with its settings and arguments (through the command);
   * `repeat`: instead of its own, run each model this many times (the panel's Run ×20).
   */
  | { type: 'runAgain'; key: string; repeat?: number }
  /** The Compare with Trace… button: the host asks which trace. */
  | { type: 'compareTrace' }
  /** The Export… button: the host asks what to export and where. */
  | { type: 'export' }
  /** The answer to `exportImage`: the image file's bytes, or why there are none. */
  | { type: 'image'; requestId: number; bytes: Uint8Array }
  | { type: 'image'; requestId: number; error: string };

/** Images of the view the webview can make. */
export type ImageFormat = 'png' | 'svg';

/** Persisted webview state (vscode.setState): enough to ask the host for the trace again. */
export interface TimelineState {
  key?: string;
  zoom?: SavedZoom;
  /** "Predict first" is on: each run's order stays hidden until the student predicted it. */
  predict?: boolean;
  /** The process groups (a script run's, by "pid N") collapsed into one lane, for the trace `key`. */
  collapsed?: string[];
}

/** The timeline's zoom: whether the runs share one time scale, and each run's zoom and pan. */
export interface SavedZoom {
  shared: boolean;
  runs: Array<{ k: number; x: number }>;
}

/**
 * The message that shows a finished trace (the host's and the standalone report's). `given`:
 * the runs' columns and counts when the events are not in `trace` (the runner's columns).
 */
export function traceMessage(trace: Trace, key: string, given?: { columns: EventColumns[]; counts: EventCounts[] }): Extract<HostToWebview, { type: 'trace' }> {
  return {
    type: 'trace',
    key,
    trace: { ...trace, runs: trace.runs.map((r, i) => (given ? { ...runMeta(r), eventCount: given.counts[i].events } : runMeta(r))) },
    columns: given?.columns ?? trace.runs.map((r) => toColumns(r.events)),
    summaries: summarizeTrace(trace, given?.counts),
  };
}
