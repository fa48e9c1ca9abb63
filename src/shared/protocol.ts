/**
 * Messages between the extension host and the timeline webview (both sides import this file).
 * The webview sends `ready` first; the host answers with what it has.
 */
import type { Model, OutputEvent, Trace } from './trace';

export type HostToWebview =
  /** A run is under way: show the target and live events as they come. */
  | { type: 'running'; title: string; models: Model[]; workers: number }
  /** Events recorded so far for one model (times relative to that run's start). */
  | { type: 'events'; model: Model; events: OutputEvent[] }
  /** The finished trace; `key` identifies it for restoring the panel after a reload. */
  | { type: 'trace'; trace: Trace; key: string }
  /** The run failed before producing a trace. */
  | { type: 'failed'; message: string }
  /** The editor's cursor moved: emphasise the events of this line (null: none). */
  | { type: 'highlightLine'; line: number | null };

export type WebviewToHost =
  | { type: 'ready' }
  /** Show this line of the traced file in the editor. */
  | { type: 'reveal'; line: number; file?: string };

/** Persisted webview state (vscode.setState): enough to ask the host for the trace again. */
export interface TimelineState {
  key?: string;
  zoom?: { k: number; x: number };
}
