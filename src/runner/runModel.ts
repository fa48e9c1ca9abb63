import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from './errors';
import { MIN_PYTHON } from '../python/interpreter';
import { harnessEnv, harnessScript, type SpawnFn } from './harness';
import { endProcessTree, killGroup } from './processTree';
import { WorkerFileReader } from './workerFile';
import { EventSource, RunEvents } from './eventStore';
import { EncodedEvents } from './eventsJson';
import type { RunStream } from './traceFile';
import type { OutputSink } from './workerLog';
import type { InspectReply } from './inspect';
import { assemble, findRecord, runContext, type ControlRecord, type WorkerState } from './assemble';
import type { Model, OutputEvent, PythonInfo, Run, StartMethod } from '../shared/trace';

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
  /**
   * The user's stdout straight to this file descriptor, or nowhere, instead of through onOutput:
   * a flood of prints then never waits on our event loop to drain a 64 KiB pipe.
   */
  stdout?: number | 'ignore';
  /**
   * Events as they are recorded (unsorted across workers; times relative to the run's start): a
   * preview of at most LIVE_PER_POLL a poll — a flood does not become a million objects; the
   * finished run has every event.
   */
  onEvents?: (events: OutputEvent[]) => void;
  pollMs?: number;
  /**
   * The harness inspects the file first (one Python start-up instead of two) and runs only when
   * the runner's checks will pass; the result then has `inspection`, and `notRun` when it stopped.
   */
  inspect?: boolean;
  /**
   * The trace file (the CLI's --json): the events are encoded as JSON while the run goes on (see
   * eventsJson), and the file takes those that are final after each poll.
   */
  stream?: RunStream;
}

export interface ModelRunResult {
  /** The run with its `events` still empty: they are in `events`, in global order. */
  run: Run;
  events: RunEvents;
  /** With `inspect`: what the harness found, as `inspect` answers. */
  inspection?: InspectReply;
  /** With `inspect`: the harness stopped after inspecting (the checks will not pass); `run` is empty. */
  notRun?: true;
  python: PythonInfo | null;
  skippedLines: number[];
}

export const LIVE_PER_POLL = 5000;

/** Life of the harness process: starting → running → finished | failed | stopped. */
type HarnessState = 'starting' | 'running' | 'finished' | 'failed' | 'stopped';

/** Runs the target under one model in its own harness process (its own process group). */
export async function runModel(options: ModelRunOptions): Promise<ModelRunResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-'));
  try {
    return await runInDir(options, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The harness's descriptor of a pipe only we hold the other end of: when we end without ending
 * the run (killed, crashed), it reads end-of-file and the harness ends the run itself.
 */
const LIFELINE_FD = 3;

function runInDir(o: ModelRunOptions, dir: string): Promise<ModelRunResult> {
  const lifeline = process.platform !== 'win32';
  const config = {
    file: o.file, source: o.source, function: o.function, snippet: o.snippet ?? null, args: o.args ?? '',
    model: o.model, workers: o.workers, startMethod: o.startMethod ?? null, dir, maxEvents: o.maxEvents ?? 1_000_000, inspect: o.inspect === true, minPython: MIN_PYTHON,
    lifeline: lifeline ? LIFELINE_FD : null,
  };
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  // Per worker: its event file, and the side file of its output from below Python (approximate).
  const readers = Array.from({ length: o.workers }, (_, i) => {
    const file = path.join(dir, `w${i}.trc`);
    return [new WorkerFileReader(file), new WorkerFileReader(`${file}.a`)] as const;
  });
  // Each worker's events: from its event file, and (approximate) from its side file.
  const workers: WorkerState[] = readers.map((_, worker) => ({ sources: [new EventSource(worker, false), new EventSource(worker, true)], threads: [], truncated: false }));
  const sinks: OutputSink[][] = workers.map((w) => w.sources.map((source) => source.push.bind(source)));
  /** Per source: how many of its events went out live already. */
  const sent = workers.map(() => [0, 0]);
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
    readers.forEach((pair, worker) => {
      const state = workers[worker];
      pair.forEach((reader, which) => {
        for (const r of reader.poll(sinks[worker][which])) {
          if (r.kind === 'begin') state.begin = r;
          else if (r.kind === 'end') state.end = r;
          else if (r.kind === 'thread') state.threads.push({ thread: r.thread, name: r.name });
          else if (r.kind === 'truncated') state.truncated = true;
        }
      });
    });
    if (t0 !== null && o.stream) {
      workers.forEach((state, worker) => {
        if (!state.begin) return; // its pid, which every event carries, is not known yet
        state.encoded ??= state.sources.map(() => new EncodedEvents(worker, t0!, state.begin!.pid));
        state.sources.forEach((source, n) => state.encoded![n]!.encodeNew(source));
      });
      o.stream?.advance(workers);
    }
    if (t0 === null || !o.onEvents) return;
    const fresh: OutputEvent[] = [];
    const share = Math.ceil(LIVE_PER_POLL / workers.length); // each worker its part of the preview
    workers.forEach((state, worker) => {
      const before = fresh.length;
      state.sources.forEach((source, which) => {
        const until = Math.min(source.count, sent[worker][which] + Math.max(0, share - (fresh.length - before)));
        for (let i = sent[worker][which]; i < until; i++) fresh.push(source.event(i, t0!, state.begin?.pid ?? null));
        sent[worker][which] = source.count; // beyond the preview's share: only in the finished run
      });
    });
    if (fresh.length) o.onEvents(fresh);
  };

  return new Promise<ModelRunResult>((resolve, reject) => {
    let state: HarnessState = 'starting';
    let stopReason: 'timeout' | 'cancelled' | null = null;
    let stderrTail = '';
    const child = o.spawn(o.python, [harnessScript(), 'run', configPath], {
      stdio: ['ignore', o.stdout ?? 'pipe', 'pipe', lifeline ? 'pipe' : 'ignore'],
      env: harnessEnv(),
      cwd: path.dirname(o.file),
      detached: process.platform !== 'win32', // its own process group: one kill ends the whole tree
    });
    child.stdout?.setEncoding('utf8').on('data', (s: string) => o.onOutput?.('stdout', s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      stderrTail = (stderrTail + s).slice(-8000);
      o.onOutput?.('stderr', s);
    });
    child.on('spawn', () => (state = 'running'));

    const stop = (reason: 'timeout' | 'cancelled') => {
      if (state !== 'running' && state !== 'starting') return;
      stopReason = reason;
      state = 'stopped';
      if (child.pid === undefined) return;
      // Reaped already (its pipes are still open): it ended what was below it as it exited.
      if (child.exitCode !== null || child.signalCode !== null) killGroup(child.pid);
      else endProcessTree(child.pid); // not reaped: its pid is still its own
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
      // Anything left in the group goes too (the harness ended what was below it before it exited).
      if (child.pid !== undefined) killGroup(child.pid);
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
      const inspected = findRecord(control, 'inspection');
      const { type: _type, ...inspection } = inspected ?? { type: 'inspection' as const };
      const found = inspected ? { inspection: inspection as InspectReply } : {};
      const unavailable = findRecord(control, 'unavailable');
      if (unavailable || (inspected && t0 === null && stopReason === null && code === 0)) {
        resolve({
          run: { model: o.model, workers: o.workers, startMethod: null, wallNs: 0, workerInfo: [], events: [], ...(unavailable ? { unavailable: unavailable.reason } : {}) },
          events: new RunEvents([], 0, []),
          ...runContext(control),
          ...found,
          ...(unavailable ? {} : { notRun: true as const }),
        });
        return;
      }
      if (t0 === null && stopReason === null) {
        reject(new UserError('harness', `The ${o.model} run ended before it started (exit ${code ?? signal}).\n${stderrTail.trim()}`));
        return;
      }
      resolve({ ...assemble(o, control, workers, t0 ?? 0, { code, signal, stopReason }), ...found });
    });
  });
}
