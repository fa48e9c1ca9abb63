import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from './errors';
import { harnessEnv, harnessScript, type SpawnFn } from './harness';
import { WorkerFileReader } from './workerFile';
import type { WorkerRecord } from './workerLog';
import { inChildProcesses, type Model, type OutputEvent, type PythonInfo, type Run, type StartMethod, type WorkerInfo } from '../shared/trace';

/** What one model run needs. */
export interface ModelRunOptions {
  python: string;
  /** The user's file as shown to them (frames, `line`, module `__file__`). */
  file: string;
  /** Where the text to run is (the file itself, or a copy of the editor's unsaved text). */
  source: string;
  function: string | null;
  snippet?: { text: string; line: number };
  args?: string;
  model: Model;
  workers: number;
  startMethod?: StartMethod;
  timeoutMs: number;
  maxEvents?: number;
  signal?: AbortSignal;
  spawn: SpawnFn;
  /** The user's own output, unchanged, as it arrives. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Events as they are recorded (unsorted across workers; times relative to the run's start). */
  onEvents?: (events: OutputEvent[]) => void;
  pollMs?: number;
}

export interface ModelRunResult {
  run: Run;
  python: PythonInfo | null;
  skippedLines: number[];
}

/** Run-level records the harness writes to control.jsonl. */
type ControlRecord =
  | ({ type: 'python' } & PythonInfo)
  | { type: 'loaded'; skippedLines: number[]; pid: number }
  | { type: 'startMethod'; startMethod: StartMethod }
  | { type: 'runStart'; t: number }
  | { type: 'created'; worker: number; t: number }
  | { type: 'pid'; worker: number; pid: number }
  | { type: 'joined'; worker: number; t: number; exitCode?: number | null; lost?: string; failed?: string }
  | { type: 'runEnd'; t: number }
  | { type: 'unavailable'; reason: string }
  | { type: 'badInput'; kind: string; message: string; line: number | null; col: number | null; traceback: string | null };

/** Life of the harness process: starting → running → finished | failed | stopped. */
type HarnessState = 'starting' | 'running' | 'finished' | 'failed' | 'stopped';

type OutputRecord = Extract<WorkerRecord, { kind: 'output' }> & { approximate?: true };

interface WorkerState {
  begin?: { ns: number; pid: number };
  end?: Extract<WorkerRecord, { kind: 'end' }>;
  /** Its events as they will be in the trace, but `t` still absolute (made relative at the end). */
  events: OutputEvent[];
  threads: Array<{ thread: number; name: string }>;
  truncated: boolean;
}

const SIGNALS: Record<number, string> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, num]) => [num, name]),
);

/** Runs the target under one model in its own harness process (its own process group). */
export async function runModel(options: ModelRunOptions): Promise<ModelRunResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-'));
  try {
    return await runInDir(options, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runInDir(o: ModelRunOptions, dir: string): Promise<ModelRunResult> {
  const config = {
    file: o.file, source: o.source, function: o.function, snippet: o.snippet ?? null, args: o.args ?? '',
    model: o.model, workers: o.workers, startMethod: o.startMethod ?? null, dir, maxEvents: o.maxEvents ?? 1_000_000,
  };
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  // Per worker: its event file, and the side file of its output from below Python (approximate).
  const readers = Array.from({ length: o.workers }, (_, i) => {
    const file = path.join(dir, `w${i}.trc`);
    return [new WorkerFileReader(file), new WorkerFileReader(`${file}.a`)] as const;
  });
  const workers: WorkerState[] = readers.map(() => ({ events: [], threads: [], truncated: false }));
  const control: ControlRecord[] = [];
  let controlOffset = 0;
  let t0: number | null = null;

  const readControl = () => {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, 'control.jsonl'), 'utf8');
    } catch {
      return;
    }
    const complete = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(controlOffset, complete).split('\n')) {
      if (!line) continue;
      const record = JSON.parse(line) as ControlRecord;
      control.push(record);
      if (record.type === 'runStart') t0 = record.t;
    }
    controlOffset = complete;
  };

  const poll = () => {
    readControl();
    const fresh: OutputEvent[] = [];
    readers.forEach(([reader, side], worker) => {
      const state = workers[worker];
      const records: Array<WorkerRecord & { approximate?: true }> = reader.poll();
      for (const r of side.poll()) records.push(r.kind === 'output' ? { ...r, approximate: true } : r);
      for (const r of records) {
        if (r.kind === 'output') {
          // the trace's own object, made now: the record dies young, only this one is kept
          const event = toEvent(r, 0, worker, state.begin?.pid ?? null);
          state.events.push(event);
          if (t0 !== null && o.onEvents) fresh.push({ ...event, t: event.t - t0 });
        } else if (r.kind === 'begin') state.begin = r;
        else if (r.kind === 'end') state.end = r;
        else if (r.kind === 'thread') state.threads.push({ thread: r.thread, name: r.name });
        else state.truncated = true;
      }
    });
    if (fresh.length && o.onEvents) o.onEvents(fresh);
  };

  return new Promise<ModelRunResult>((resolve, reject) => {
    let state: HarnessState = 'starting';
    let stopReason: 'timeout' | 'cancelled' | null = null;
    let stderrTail = '';
    const child = o.spawn(o.python, [harnessScript(), 'run', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: harnessEnv(),
      cwd: path.dirname(o.file),
      detached: process.platform !== 'win32', // its own process group: one kill ends the whole tree
    });
    child.stdout!.setEncoding('utf8').on('data', (s: string) => o.onOutput?.('stdout', s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      stderrTail = (stderrTail + s).slice(-8000);
      o.onOutput?.('stderr', s);
    });
    child.on('spawn', () => (state = 'running'));

    const stop = (reason: 'timeout' | 'cancelled') => {
      if (state !== 'running' && state !== 'starting') return;
      stopReason = reason;
      state = 'stopped';
      killTree(child.pid);
    };
    const timer = setTimeout(() => stop('timeout'), o.timeoutMs);
    const onAbort = () => stop('cancelled');
    o.signal?.addEventListener('abort', onAbort);
    if (o.signal?.aborted) onAbort();
    const ticker = setInterval(poll, o.pollMs ?? 50);

    const cleanup = () => {
      clearTimeout(timer);
      clearInterval(ticker);
      o.signal?.removeEventListener('abort', onAbort);
      readers.forEach((pair) => pair.forEach((r) => r.close()));
    };

    child.on('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      state = 'failed';
      reject(new UserError('python', `Could not start Python (${o.python}): ${e.message}. Set "interleave.pythonPath" to a Python 3.9+ interpreter.`));
    });
    child.on('close', (code, signal) => {
      // Anything left in the group (a process worker the harness could not join) goes too.
      killTree(child.pid);
      try {
        poll();
      } finally {
        cleanup();
      }
      if (state !== 'stopped') state = code === 0 ? 'finished' : 'failed';
      const bad = findRecord(control, 'badInput');
      if (bad) {
        const kind = bad.kind === 'syntax' || bad.kind === 'args' || bad.kind === 'import' || bad.kind === 'function' || bad.kind === 'model' ? bad.kind : 'harness';
        reject(new UserError(kind, bad.message, { file: o.file, line: bad.line, col: bad.col, traceback: bad.traceback ?? undefined }));
        return;
      }
      const unavailable = findRecord(control, 'unavailable');
      if (unavailable) {
        resolve({
          run: { model: o.model, workers: o.workers, startMethod: null, wallNs: 0, workerInfo: [], events: [], unavailable: unavailable.reason },
          ...runContext(control),
        });
        return;
      }
      if (t0 === null && stopReason === null) {
        reject(new UserError('harness', `The ${o.model} run ended before it started (exit ${code ?? signal}).\n${stderrTail.trim()}`));
        return;
      }
      resolve(assemble(o, control, workers, t0 ?? 0, { code, signal, stopReason }));
    });
  });
}

/** The first control record of `type` (for `worker`, when given). */
function findRecord<T extends ControlRecord['type']>(control: ControlRecord[], type: T, worker?: number): Extract<ControlRecord, { type: T }> | undefined {
  return control.find((r) => r.type === type && (worker === undefined || (r as { worker?: number }).worker === worker)) as Extract<ControlRecord, { type: T }> | undefined;
}

/** What a run's control records say about the Python and the module, whatever became of the run. */
function runContext(control: ControlRecord[]): { python: PythonInfo | null; skippedLines: number[] } {
  const python = findRecord(control, 'python');
  const { type: _type, ...info } = python ?? { type: 'python' as const };
  return { python: python ? (info as PythonInfo) : null, skippedLines: findRecord(control, 'loaded')?.skippedLines ?? [] };
}

/** Ends the harness and everything it started (same process group). */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') process.kill(pid, 'SIGKILL');
    else process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function assemble(
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
    for (const ns of [w.begin?.ns, w.end?.ns, joined?.t, w.events.at(-1)?.t]) if (ns && ns > lastNs) lastNs = ns;
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
      info.status = 'killed'; // the pool's process died under this task (BrokenProcessPool)
      info.signal = 'unknown (the pool process ended abruptly)';
    } else if (exit.signal) {
      info.status = 'killed';
      info.signal = exit.signal;
    } else {
      info.status = 'exited';
      info.exitCode = exit.code ?? 0;
    }
    return info;
  });

  for (const [worker, w] of workers.entries()) {
    const pid = workerInfo[worker].pid;
    for (const e of w.events) {
      e.t -= t0;
      e.pid = pid;
    }
  }
  const events = mergeByTime(workers.map((w) => w.events));
  const runEnd = find('runEnd');
  const run: Run = {
    model: o.model,
    workers: o.workers,
    startMethod: inChildProcesses(o.model) ? (find('startMethod')?.startMethod ?? o.startMethod ?? null) : null,
    wallNs: (runEnd?.t ?? lastNs) - t0,
    workerInfo,
    events,
  };
  if (workers.some((w) => w.truncated)) run.truncated = true;
  if (exit.stopReason) run.stopped = exit.stopReason;
  return { run, ...runContext(control) };
}

/**
 * One list in global order (time, ties by worker) from per-worker lists that are nearly sorted
 * already (a line written in pieces keeps the time of its first piece): each is sorted if need
 * be, then they are merged — far cheaper than sorting a million events as one.
 */
export function mergeByTime(lists: OutputEvent[][]): OutputEvent[] {
  const byTime = (a: OutputEvent, b: OutputEvent) => a.t - b.t || a.worker - b.worker;
  for (const list of lists) {
    for (let i = 1; i < list.length; i++) {
      if (list[i].t < list[i - 1].t) {
        list.sort(byTime);
        break;
      }
    }
  }
  const out: OutputEvent[] = new Array(lists.reduce((n, l) => n + l.length, 0));
  const at = lists.map(() => 0);
  for (let k = 0; k < out.length; k++) {
    let best = -1;
    for (let w = 0; w < lists.length; w++) {
      if (at[w] < lists[w].length && (best < 0 || byTime(lists[w][at[w]], lists[best][at[best]]) < 0)) best = w;
    }
    out[k] = lists[best][at[best]++];
  }
  return out;
}

function toEvent(r: OutputRecord, t0: number, worker: number, pid: number | null): OutputEvent {
  const event: OutputEvent = { t: r.ns - t0, worker, pid, stream: r.stream === 2 ? 'stderr' : 'stdout', text: r.text, line: r.line };
  if (r.thread) event.thread = r.thread;
  if (r.approximate) event.approximate = true;
  return event;
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
