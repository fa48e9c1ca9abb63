/**
 * From what a model run left behind — control records and each worker's records — to the run in
 * the trace: worker statuses (ended, exited, killed, timed out, deadlocked), times relative to the
 * run's start, every event in global order, and the lock spans.
 */
import * as os from 'node:os';
import { RunEvents } from './eventStore';
import { findRecord, runContext, type ControlRecord, type WorkerState } from './records';
import { lockSpans } from './lockSpans';
import { forcedOrderOf } from '../shared/orders';
import { inChildProcesses, type Model, type PythonInfo, type Run, type StartMethod, type WorkerInfo } from '../shared/trace';

/** What the assembly needs to know of the run that was asked for. */
export interface RunAsked {
  model: Model;
  workers: number;
  startMethod?: StartMethod;
  /** --order: the order the workers were to take turns in (worker indices). */
  order?: readonly number[];
}

/** A model run as the trace has it, its events in the runner's columns. */
export interface AssembledRun {
  /** The run with its `events` still empty: they are in `events`, in global order. */
  run: Run;
  events: RunEvents;
  python: PythonInfo | null;
  skippedLines: number[];
}

const SIGNALS: Record<number, string> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, num]) => [num, name]),
);

export function assemble(
  o: RunAsked,
  control: readonly ControlRecord[],
  workers: readonly WorkerState[],
  t0: number,
  exit: RunExit,
): AssembledRun {
  const find = <T extends ControlRecord['type']>(type: T, worker?: number) => findRecord(control, type, worker);
  const harnessPid = find('loaded')?.pid ?? null;
  const rel = (ns: number | undefined | null) => (ns === undefined || ns === null ? null : ns - t0);
  let lastNs = t0;
  const deadlock = find('deadlock');

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
    if (w.begin?.tid) info.tid = w.begin.tid;
    if (w.threads.length) info.threads = w.threads;
    setStatus(info, { model: o.model, state: w, joined, exit, deadlock, pool: () => poolExits(control, workers) });
    return info;
  });

  const events = new RunEvents(
    workers.flatMap((w) => w.sources),
    t0,
    workerInfo.map((w) => w.pid),
  );
  const runEnd = find('runEnd');
  const run: Run = {
    model: o.model,
    workers: o.workers,
    startMethod: inChildProcesses(o.model) ? (find('startMethod')?.startMethod ?? o.startMethod ?? null) : null,
    wallNs: wallEnd(runEnd?.t, lastNs, exit) - t0,
    workerInfo,
    events: [],
    locks: lockSpans(workers, t0),
  };
  const start = find('runStart');
  if (start?.aligned) run.aligned = true;
  if (o.order?.length) {
    const cutShort = deadlock ? 'a deadlock' : exit.stopReason === 'timeout' ? 'the time limit' : exit.stopReason === 'cancelled' ? 'Cancel' : undefined;
    run.forcedOrder = forcedOrderOf(o.order, Array.from({ length: events.length }, (_, k) => events.worker(k)), o, start?.forced === true, cutShort);
  }
  // CPython keeps the interval in whole microseconds: 1e-4 comes back as 9.999999999999999e-05
  if (typeof start?.switchInterval === 'number') run.switchInterval = Math.round(start.switchInterval * 1e6) / 1e6;
  const gil = find('gil'); // a free-threaded build only: whether this run had the GIL, and why when not asked
  if (gil) run.gil = gil.enabled;
  if (gil?.note) run.gilNote = gil.note;
  if (workers.some((w) => w.truncated)) run.truncated = true;
  if (exit.stopReason) run.stopped = exit.stopReason;
  return { run, events, ...runContext(control) };
}

/** What the worker's status is, from what it said (its end record) or else what became of it. */
function setStatus(
  info: WorkerInfo,
  { model, state, joined, exit, deadlock, pool }: {
    model: Model;
    state: WorkerState;
    joined: Extract<ControlRecord, { type: 'joined' }> | undefined;
    exit: { code: number | null; signal: NodeJS.Signals | null; stopReason: 'timeout' | 'cancelled' | null };
    deadlock: Extract<ControlRecord, { type: 'deadlock' }> | undefined;
    /** How the pool's processes ended (asked only for a task lost in the pool). */
    pool: () => PoolExit[];
  },
): void {
  const stuck = deadlock?.workers.find((d) => d.worker === info.worker);
  if (stuck) {
    info.status = 'deadlock';
    info.deadlock = { cycle: deadlock!.cycle, stack: stuck.stack };
  } else if (state.end) {
    info.status = state.end.status.status;
    if (state.end.status.error) info.error = state.end.status.error;
    if (state.end.status.exitCode !== undefined) info.exitCode = state.end.status.exitCode;
  } else if (exit.stopReason) {
    info.status = 'timeout';
  } else if (model === 'process' && joined && typeof joined.exitCode === 'number') {
    setExit(info, joined.exitCode);
  } else if (joined?.failed) {
    info.status = 'error'; // the subinterpreter itself failed before the worker could say so
    info.error = { type: 'InterpreterError', message: joined.failed, traceback: '' };
  } else if (joined?.lost) {
    setLostInPool(info, joined.lost, pool());
  } else if (deadlock) {
    info.status = 'deadlock'; // the run was ended at a deadlock before this worker got anywhere
  } else if (exit.signal) {
    info.status = 'killed';
    info.signal = exit.signal;
  } else {
    info.status = 'exited';
    info.exitCode = exit.code ?? 0;
  }
}

/** A process worker that ended without its end record: exit code, or -signal. */
export function setExit(info: WorkerInfo, exitCode: number): void {
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

function poolExits(control: readonly ControlRecord[], workers: readonly WorkerState[]): PoolExit[] {
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

/** How the harness ended, as a run's assembly needs it (HarnessExit's part). */
export interface RunExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stopReason: 'timeout' | 'cancelled' | null;
  stoppedNs?: number | null;
}

/**
 * Where a run's wall time ends: its own end record; else (stopped at the time limit, cancelled,
 * killed) when we stopped it, not its last event — a run that hung for 30 s after one line ran 30 s.
 */
export function wallEnd(runEndNs: number | undefined, lastNs: number, exit: RunExit): number {
  if (runEndNs !== undefined) return runEndNs;
  return exit.stoppedNs ? Math.max(lastNs, exit.stoppedNs) : lastNs;
}
