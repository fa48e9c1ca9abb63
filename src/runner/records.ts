/**
 * What a model run leaves behind for the runner: the harness's control records (control.jsonl)
 * and, per worker, what its event files said so far. The follower fills these; the assembly and
 * the sinks read them.
 */
import type { LockRecord, WorkerRecord } from './workerLog';
import type { EventSource } from './eventStore';
import type { InspectReply } from './inspect';
import type { PythonInfo, StartMethod, WorkerKind } from '../shared/trace';

/** Run-level records the harness writes to control.jsonl. */
export type ControlRecord =
  | ({ type: 'python' } & PythonInfo)
  | { type: 'loaded'; skippedLines: number[]; pid: number }
  /** A free-threaded build's GIL after the user's module was imported; `note`: why it is on where it was not asked to be. */
  | { type: 'gil'; enabled: boolean; note?: string }
  | { type: 'startMethod'; startMethod: StartMethod }
  /**
   * `switchInterval`: the thread models' (seconds); `aligned`: the workers begin at a barrier (--align);
   * `forced`: they take turns at their prints in the chosen order (--order).
   */
  | { type: 'runStart'; t: number; switchInterval?: number; aligned?: boolean; forced?: boolean }
  /** With --repeat: this repetition's files are final (the next one may be running). */
  | { type: 'runClosed' }
  | { type: 'created'; worker: number; t: number }
  | { type: 'pid'; worker: number; pid: number }
  | { type: 'joined'; worker: number; t: number; exitCode?: number | null; lost?: string; failed?: string }
  /** How each process of a process pool ended (after the pool shut down). */
  | { type: 'processExit'; pid: number; exitCode: number | null }
  | { type: 'runEnd'; t: number }
  /** The watchdog ended the run: every live worker waited on the others for `seconds`. */
  | { type: 'deadlock'; t: number; seconds: number; cycle: string; workers: Array<{ /** a model run's index; a script run's worker key */ worker: number | string; stack: string }> }
  | { type: 'unavailable'; reason: string }
  /** `script` runs (python/interleave_script.py): a worker and its event file (`file`, in the run's folder); keys are "pid.token.n". */
  | { type: 'worker'; key: string; file: string; kind: WorkerKind; name: string; parent: string | null; pid: number; tid: number; t: number }
  /** `script` runs: a process the worker `by` started (Process.start, subprocess.Popen). */
  | { type: 'spawned'; pid: number; by: string | null; name: string; t: number }
  /** `script` runs: in process `pid`, lines of `path` (a file of the program other than the traced one) are recorded as line | index << LINE_BITS. */
  | { type: 'sourceFile'; pid: number; index: number; path: string }
  /** `script` runs: the program ended its process `pid` itself (Process.terminate()/kill(), Popen.terminate()/kill(); a Pool's terminate()), from worker `by`. */
  | { type: 'ended'; pid: number; by: string | null; call: string }
  /** `script` runs: process `pid` was forked while `threads` other threads of the program ran in its parent. */
  | { type: 'forked'; pid: number; threads: number }
  /** `script` runs: a Python child that will not be traced, and why. */
  | { type: 'untraced'; pid: number; by: string | null; command: string; reason: string }
  | ({ type: 'inspection' } & InspectReply)
  | { type: 'badInput'; kind: string; message: string; line: number | null; col: number | null; traceback: string | null; problem?: string | null };

/** With --repeat, the harness tags the records of each repetition (its own are untagged). */
export type TaggedRecord = ControlRecord & { repetition?: number };

/** One worker as its event files told it so far. */
export interface WorkerState {
  begin?: { ns: number; pid: number; tid?: number };
  end?: Extract<WorkerRecord, { kind: 'end' }>;
  /** Its events: from its event file, and from its side file (read below Python). */
  sources: EventSource[];
  threads: Array<{ thread: number; name: string; tid?: number }>;
  truncated: boolean;
  /** Its lock records so far, in the order written (times absolute, as `begin`'s). */
  locks: LockRecord[];
}

/** The first control record of `type` (for `worker`, when given). */
export function findRecord<T extends ControlRecord['type']>(control: readonly ControlRecord[], type: T, worker?: number): Extract<ControlRecord, { type: T }> | undefined {
  return control.find((r) => r.type === type && (worker === undefined || (r as { worker?: number }).worker === worker)) as Extract<ControlRecord, { type: T }> | undefined;
}

/** What a run's control records say about the Python and the module, whatever became of the run. */
export function runContext(control: readonly ControlRecord[]): { python: PythonInfo | null; skippedLines: number[] } {
  const python = findRecord(control, 'python');
  const { type: _type, ...info } = python ?? { type: 'python' as const };
  return { python: python ? (info as PythonInfo) : null, skippedLines: findRecord(control, 'loaded')?.skippedLines ?? [] };
}
