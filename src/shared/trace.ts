/**
 * Trace format v1 — an external interface (documented in the README, versioned by `schema`).
 * Times are nanoseconds since the run's start, from one monotonic clock shared by all processes.
 */

export const TRACE_SCHEMA = 'interleave.trace/1';

/** Execution models the harness can run. */
export type Model = 'sequential' | 'thread' | 'process' | 'thread-pool' | 'process-pool' | 'asyncio' | 'interpreter';
/** Every model there is (`asyncio` needs an `async def` target). */
export const ALL_MODELS: readonly Model[] = ['sequential', 'thread', 'process', 'thread-pool', 'process-pool', 'asyncio', 'interpreter'];

/** Models whose workers are separate processes. */
export function inChildProcesses(model: Model): boolean {
  return model === 'process' || model === 'process-pool';
}

export type StartMethod = 'fork' | 'spawn' | 'forkserver';

/**
 * A worker whose body never began: a sequential call after one that ended the process (status
 * `exited`, with that exit), a process-pool task after the pool broke (`error`, BrokenProcessPool).
 */
export function neverStarted(w: WorkerInfo): boolean {
  return w.startNs === null && (w.status === 'exited' || (w.status === 'error' && w.error?.type === 'BrokenProcessPool'));
}

export interface Trace {
  schema: typeof TRACE_SCHEMA;
  target: Target;
  python: PythonInfo;
  runs: Run[];
}

/** What was run: a function, or a snippet (`function` null, `snippet` its first and last line). */
export interface Target {
  file: string;
  function: string | null;
  line: number;
  args?: string;
  snippet?: { startLine: number; endLine: number };
  /** Top-level statements that were not run when loading the module (the script part). */
  skippedLines?: number[];
}

export interface PythonInfo {
  version: string;
  implementation: string;
  executable: string;
  gil: boolean;
  cpuCount: number | null;
  platform: string;
  clock?: string;
}

export interface Run {
  model: Model;
  workers: number;
  startMethod: StartMethod | null;
  /** From just before the first worker is created to just after the last one is joined. */
  wallNs: number;
  workerInfo: WorkerInfo[];
  /** Every output line of the run, in global time order (ties broken by worker). */
  events: OutputEvent[];
  /** Set when recording stopped at the event cap. */
  truncated?: boolean;
  /** Set when this Python cannot run the model at all (e.g. subinterpreters before 3.14): why. */
  unavailable?: string;
  /** Set when we stopped the run: at the time limit, or because the user cancelled. */
  stopped?: 'timeout' | 'cancelled';
}

export type WorkerStatus = 'ok' | 'error' | 'exited' | 'killed' | 'timeout';

export interface WorkerInfo {
  worker: number;
  pid: number | null;
  /** When the harness created the worker (thread/process start-up begins); sequential: startNs. */
  createdNs?: number | null;
  /** When the worker's body began running. */
  startNs: number | null;
  /** When the worker's body ended (null: it never did — killed, timed out, exited abruptly). */
  endNs: number | null;
  /** When the harness's join of the worker returned. */
  joinedNs?: number | null;
  /** CPU time the worker itself used (thread: thread time; process: the child's CPU time). */
  cpuNs: number | null;
  status: WorkerStatus;
  error?: { type: string; message: string; traceback: string };
  exitCode?: number;
  signal?: string;
  /** Threads the worker started itself, whose output is on sub-lanes (`OutputEvent.thread`). */
  threads?: Array<{ thread: number; name: string }>;
}

export type Stream = 'stdout' | 'stderr';

/** One line of output. `line` is the line of the user's file that wrote it (null: no frame of it). */
export interface OutputEvent {
  t: number;
  worker: number;
  pid: number | null;
  stream: Stream;
  text: string;
  line: number | null;
  /** Written by a thread the worker started (its number in `WorkerInfo.threads`); absent: the worker's own. */
  thread?: number;
  /**
   * Did not go through sys.stdout/sys.stderr: read from the pipe under fds 1/2 (a C extension, a
   * subprocess: `t` is when it was read, `line` null, in a thread model the worker a guess), or
   * written with os.write (time and line exact).
   */
  approximate?: true;
}
