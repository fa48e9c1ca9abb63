/**
 * From what a model run left behind — control records and each worker's records — to the run in
 * the trace: worker statuses (ended, exited, killed, timed out), times relative to the run's
 * start, and every event in global order.
 */
import * as os from 'node:os';
import type { WorkerRecord } from './workerLog';
import type { ModelRunOptions, ModelRunResult } from './runModel';
import { RunEvents, type EventSource } from './eventStore';
import type { EncodedEvents } from './eventsJson';
import type { InspectReply } from './inspect';
import { inChildProcesses, type PythonInfo, type Run, type StartMethod, type WorkerInfo } from '../shared/trace';

/** Run-level records the harness writes to control.jsonl. */
export type ControlRecord =
  | ({ type: 'python' } & PythonInfo)
  | { type: 'loaded'; skippedLines: number[]; pid: number }
  | { type: 'startMethod'; startMethod: StartMethod }
  | { type: 'runStart'; t: number }
  | { type: 'created'; worker: number; t: number }
  | { type: 'pid'; worker: number; pid: number }
  | { type: 'joined'; worker: number; t: number; exitCode?: number | null; lost?: string; failed?: string }
  /** How each process of a process pool ended (after the pool shut down). */
  | { type: 'processExit'; pid: number; exitCode: number | null }
  | { type: 'runEnd'; t: number }
  | { type: 'unavailable'; reason: string }
  | ({ type: 'inspection' } & InspectReply)
  | { type: 'badInput'; kind: string; message: string; line: number | null; col: number | null; traceback: string | null };

export interface WorkerState {
  begin?: { ns: number; pid: number };
  end?: Extract<WorkerRecord, { kind: 'end' }>;
  /** Its events: from its event file, and from its side file (read below Python). */
  sources: EventSource[];
  /** The same as JSON, encoded while the run went on (when asked for). */
  encoded?: Array<EncodedEvents | undefined>;
  threads: Array<{ thread: number; name: string }>;
  truncated: boolean;
}

const SIGNALS: Record<number, string> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, num]) => [num, name]),
);

/** The first control record of `type` (for `worker`, when given). */
export function findRecord<T extends ControlRecord['type']>(control: ControlRecord[], type: T, worker?: number): Extract<ControlRecord, { type: T }> | undefined {
  return control.find((r) => r.type === type && (worker === undefined || (r as { worker?: number }).worker === worker)) as Extract<ControlRecord, { type: T }> | undefined;
}

/** What a run's control records say about the Python and the module, whatever became of the run. */
export function runContext(control: ControlRecord[]): { python: PythonInfo | null; skippedLines: number[] } {
  const python = findRecord(control, 'python');
  const { type: _type, ...info } = python ?? { type: 'python' as const };
  return { python: python ? (info as PythonInfo) : null, skippedLines: findRecord(control, 'loaded')?.skippedLines ?? [] };
}

export function assemble(
  o: ModelRunOptions,
  control: ControlRecord[],
  workers: WorkerState[],
  t0: number,
  exit: { code: number | null; signal: NodeJS.Signals | null; stopReason: 'timeout' | 'cancelled' | null },
): ModelRunResult {
  const find = <T extends ControlRecord['type']>(type: T, worker?: number) => findRecord(control, type, worker);
  const harnessPid = find('loaded')?.pid ?? null;
  const rel = (ns: number | undefined | null) => (ns === undefined || ns === null ? null : ns - t0);
  let lastNs = t0;

  const workerInfo: WorkerInfo[] = workers.map((w, worker) => {
    const pid = w.begin?.pid ?? find('pid', worker)?.pid ?? (inChildProcesses(o.model) ? null : harnessPid);
    const joined = find('joined', worker);
    const created = find('created', worker);
    const last = w.sources.map((s) => (s.count ? s.t[s.count - 1] : undefined));
    for (const ns of [w.begin?.ns, w.end?.ns, joined?.t, ...last]) if (ns && ns > lastNs) lastNs = ns;
    const info: WorkerInfo = {
      worker,
      pid,
      createdNs: rel(created?.t ?? w.begin?.ns),
      startNs: rel(w.begin?.ns),
      endNs: rel(w.end?.ns),
      joinedNs: rel(joined?.t ?? w.end?.ns),
      cpuNs: w.end && w.end.cpuNs >= 0 ? w.end.cpuNs : null,
      status: 'ok',
    };
    if (w.threads.length) info.threads = w.threads;
    if (w.end) {
      info.status = w.end.status.status;
      if (w.end.status.error) info.error = w.end.status.error;
      if (w.end.status.exitCode !== undefined) info.exitCode = w.end.status.exitCode;
    } else if (exit.stopReason) {
      info.status = 'timeout';
    } else if (o.model === 'process' && joined && typeof joined.exitCode === 'number') {
      setExit(info, joined.exitCode);
    } else if (joined?.failed) {
      info.status = 'error'; // the subinterpreter itself failed before the worker could say so
      info.error = { type: 'InterpreterError', message: joined.failed, traceback: '' };
    } else if (joined?.lost) {
      setLostInPool(info, joined.lost, poolExits(control, workers));
    } else if (exit.signal) {
      info.status = 'killed';
      info.signal = exit.signal;
    } else {
      info.status = 'exited';
      info.exitCode = exit.code ?? 0;
    }
    return info;
  });

  const events = new RunEvents(
    workers.flatMap((w) => w.sources),
    t0,
    workerInfo.map((w) => w.pid),
    workers.flatMap((w) => w.sources.map((_, n) => w.encoded?.[n])),
  );
  const runEnd = find('runEnd');
  const run: Run = {
    model: o.model,
    workers: o.workers,
    startMethod: inChildProcesses(o.model) ? (find('startMethod')?.startMethod ?? o.startMethod ?? null) : null,
    wallNs: (runEnd?.t ?? lastNs) - t0,
    workerInfo,
    events: [],
  };
  if (workers.some((w) => w.truncated)) run.truncated = true;
  if (exit.stopReason) run.stopped = exit.stopReason;
  return { run, events, ...runContext(control) };
}

/** A process worker that ended without its end record: exit code, or -signal. */
function setExit(info: WorkerInfo, exitCode: number): void {
  if (exitCode < 0) {
    info.status = 'killed';
    info.signal = SIGNALS[-exitCode] ?? `signal ${-exitCode}`;
  } else {
    info.status = 'exited';
    info.exitCode = exitCode;
  }
}

/** How each process of a process pool ended, and the worker (task) that began last in it. */
interface PoolExit {
  pid: number;
  exitCode: number | null;
  worker: number | null;
}

function poolExits(control: ControlRecord[], workers: WorkerState[]): PoolExit[] {
  return control
    .filter((r): r is Extract<ControlRecord, { type: 'processExit' }> => r.type === 'processExit')
    .map((r) => {
      const worker = workers.map((w, i) => (w.begin?.pid === r.pid ? i : -1)).filter((i) => i >= 0).pop();
      return { pid: r.pid, exitCode: r.exitCode, worker: worker ?? null };
    });
}

/**
 * A process-pool task whose future failed (BrokenProcessPool) before it recorded its end: how its
 * process ended when it had begun (exited 7, killed SIGSEGV, or SIGTERM when the pool ended it
 * because another process died); else it never started, and the process that broke the pool says why.
 */
function setLostInPool(info: WorkerInfo, lost: string, exits: PoolExit[]): void {
  if (info.startNs !== null) {
    const own = exits.find((e) => e.pid === info.pid);
    if (own && own.exitCode !== null && own.exitCode !== 0) {
      setExit(info, own.exitCode);
      return;
    }
    info.status = 'killed'; // its process died, how is not known (a Python whose pool we cannot read)
    info.signal = 'unknown (the pool process ended abruptly)';
    return;
  }
  const pooled = -(os.constants.signals.SIGTERM as number); // how the pool ends the others once one has died
  const culprit = exits.find((e): e is PoolExit & { exitCode: number } => e.exitCode !== null && e.exitCode !== 0 && e.exitCode !== pooled);
  const process = culprit && (culprit.worker === null ? `process ${culprit.pid}` : `worker ${culprit.worker}'s process (pid ${culprit.pid})`);
  const how = culprit ? `${process} ${exitInWords(culprit.exitCode)}` : 'one of its processes ended abruptly';
  info.status = 'error';
  info.error = { type: lost, message: `never started: the pool broke before this task ran — ${how}`, traceback: '' };
}

function exitInWords(exitCode: number): string {
  return exitCode < 0 ? `was killed by ${SIGNALS[-exitCode] ?? `signal ${-exitCode}`}` : `exited with code ${exitCode}`;
}
