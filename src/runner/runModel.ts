/**
 * One model run: its own harness process (HarnessProcess), followed while it goes on
 * (RunFollower, which shows the run to the sinks), then what it left behind made into the run of
 * the trace (assemble) — or into the user's error when the harness refused the input.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError, type UserErrorKind } from './errors';
import { MIN_PYTHON, DEFAULTS } from './settings';
import { userEnv, type SpawnFn } from './launch';
import { RunEvents } from './eventStore';
import { RunFollower, type RunSink } from './follower';
import { HAS_LIFELINE, HarnessProcess, LIFELINE_FD, type HarnessExit } from './harnessProcess';
import type { InspectReply } from './inspect';
import { assemble } from './assemble';
import { findRecord, runContext, type ControlRecord } from './records';
import { ModelStates } from './states/modelStates';
import type { Model, PythonInfo, Run, StartMethod } from '../shared/trace';

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
  /** The deadlock watchdog's limit (0: off). */
  deadlockSeconds?: number;
  /** Thread states: samples a second per thread (0: off); DEFAULTS.sampleHz when absent. */
  sampleHz?: number;
  signal?: AbortSignal;
  spawn: SpawnFn;
  /** The user's own output, unchanged, as it arrives. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /**
   * The user's stdout straight to this file descriptor, or nowhere, instead of through onOutput:
   * a flood of prints then never waits on our event loop to drain a 64 KiB pipe.
   */
  stdout?: number | 'ignore';
  /** Who watches each run (repetition k) as it goes on and takes it when it ends (live preview, trace file). */
  follow?: (repetition: number) => readonly RunSink[];
  /** Each run as soon as it is final (with --repeat, while the next repetition runs). */
  ended?: (run: FollowedRun) => void;
  /** Runs of the model in its one harness process (DEFAULTS.repeat when absent). */
  repeat?: number;
  /** The workers begin their body together, at a barrier after their start-up. */
  align?: boolean;
  /** sys.setswitchinterval for the thread models (seconds; null: Python's own). */
  switchInterval?: number | null;
  /** --order: the workers take turns at each print in this order (worker indices; the models that run them at once). */
  order?: readonly number[];
  /** A free-threaded build: true runs with the GIL on (-X gil=1); false or absent, the build's default (off). */
  gil?: boolean;
  pollMs?: number;
  /**
   * The harness inspects the file first (one Python start-up instead of two) and runs only when
   * the runner's checks will pass; the result then has `inspection`, and `notRun` when it stopped.
   */
  inspect?: boolean;
  /** With `inspect`: the request has the asyncio model, so its checks pass only for an async def. */
  needsAsync?: boolean;
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

const BAD_INPUT_KINDS: readonly UserErrorKind[] = ['syntax', 'args', 'import', 'function', 'model'];

/** A run (one repetition) with the sinks that followed it. */
export interface FollowedRun {
  result: ModelRunResult;
  sinks: readonly RunSink[];
}

/** How a repetition that the harness closed (and the next one runs) ended: as it should. */
const CLOSED: HarnessExit = { code: 0, signal: null, stopReason: null, stoppedNs: null, stderrTail: '' };

/**
 * Runs the target under one model in its own harness process (its own process group): once, or
 * `repeat` times in that one process, each repetition a run of its own, handed to `ended` as soon
 * as it is final. The runs, in order: fewer than `repeat` when the harness ended early (a timeout,
 * a Cancel, a worker that ended the process), one when the model could not run or did not. A
 * deadlock ends its harness (deadlocked threads cannot be stopped): the repetitions after it run
 * in a new one, so that "deadlocked in 3 of 20 runs" can be seen.
 */
export async function runModel(o: ModelRunOptions): Promise<FollowedRun[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-'));
  try {
    const repeat = o.repeat ?? DEFAULTS.repeat;
    const runDirs = repeat > 1 ? Array.from({ length: repeat }, (_, k) => path.join(dir, `r${k}`)) : [dir];
    for (const runDir of runDirs) fs.mkdirSync(runDir, { recursive: true });
    const runs: FollowedRun[] = [];
    for (let harness = 0; runs.length < runDirs.length; harness++) {
      const controlDir = harness === 0 ? dir : path.join(dir, `harness${harness}`);
      if (!(await runHarness(o, controlDir, runDirs.slice(runs.length), repeat > 1, runs))) break;
    }
    return runs;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One harness process through `runDirs` (the repetitions from `runs.length` on), each run pushed
 * onto `runs` as it is final. True when it ended with a deadlock and repetitions are left for
 * another harness.
 */
async function runHarness(o: ModelRunOptions, controlDir: string, runDirs: readonly string[], repeating: boolean, runs: FollowedRun[]): Promise<boolean> {
  fs.mkdirSync(controlDir, { recursive: true });
  const harness = new HarnessProcess({
    spawn: o.spawn, python: o.python, configPath: writeConfig(o, controlDir, repeating ? runDirs : null), cwd: path.dirname(o.file), inspect: o.inspect === true,
    timeoutMs: o.timeoutMs, signal: o.signal, stdout: o.stdout, onOutput: o.onOutput, gilOn: o.gil === true,
  });
  harness.done.catch(() => undefined); // awaited by each repetition in turn: never unhandled between them
  for (const [k, runDir] of runDirs.entries()) {
    const repetition = repeating ? { index: runs.length, local: k, controlDir } : null;
    const followed = await followRun(o, harness, runDir, repetition, k === runDirs.length - 1);
    if (!followed) return false; // the harness ended before this repetition began
    const { final, ...run } = followed;
    runs.push(run);
    o.ended?.(run);
    if (run.result.notRun || run.result.run.unavailable) return false;
    if (final) return k < runDirs.length - 1 && run.result.run.workerInfo.some((w) => w.status === 'deadlock');
  }
  return false;
}

/**
 * Follows one run of the harness (a repetition, or the only run) until it is final — its
 * runClosed record, or the harness's exit for the last — and assembles it. Null: the harness
 * ended before a repetition after the first began. `final`: the harness's exit ended it (no
 * repetition can follow).
 */
async function followRun(o: ModelRunOptions, harness: HarnessProcess, runDir: string, repetition: Repetition | null, last: boolean): Promise<(FollowedRun & { final: boolean }) | null> {
  const k = repetition?.local ?? 0;
  const sinks = o.follow?.(repetition?.index ?? 0) ?? [];
  // the harness tags its records with its own count of repetitions
  const follower = new RunFollower(runDir, o.workers, sinks, repetition && { index: repetition.local, controlDir: repetition.controlDir });
  // before its workers start: the sampler finds each worker as its body begins
  const states = ModelStates.start({ model: o.model, workers: o.workers, hz: o.sampleHz ?? DEFAULTS.sampleHz, dir: runDir });
  let closed = (): void => undefined;
  const whenClosed = new Promise<null>((resolve) => (closed = () => resolve(null)));
  let started = false;
  const follow = () => {
    follower.poll();
    states.follow(follower.workers);
    if (follower.t0 !== null && !started) {
      started = true;
      if (k === 0) harness.runStarted();
      else harness.nextRun();
    }
    if (follower.closed && !last) closed();
  };
  const ticker = setInterval(follow, o.pollMs ?? 50);
  try {
    let exit: HarnessExit;
    try {
      follow(); // a repetition may be over already: the harness does not wait for us
      const raced = await Promise.race([harness.done, whenClosed]);
      follow(); // what was written last
      // closed, though the harness may have ended since: the later repetitions are still to be read
      exit = raced === null || (follower.closed && !last) ? CLOSED : raced;
    } finally {
      clearInterval(ticker);
      follower.close();
      await states.end();
    }
    if (k > 0 && follower.t0 === null) throw new NotBegun();
    const result = outcome(o, follower, exit);
    if (repetition && !result.notRun) result.run.repetition = repetition.index;
    if (!result.notRun && !result.run.unavailable) states.addTo(result.run, follower.t0 ?? 0, result.python?.gil ?? true);
    return { result, sinks, final: exit !== CLOSED };
  } catch (e) {
    for (const sink of sinks) sink.drop?.(); // a run that failed, or never began, is in no trace
    if (e instanceof NotBegun) return null;
    throw e;
  }
}

class NotBegun extends Error {}

/** Which repetition a run is: of the model (`index`), and of its harness process (`local`, as the harness tags its records). */
interface Repetition {
  index: number;
  local: number;
  controlDir: string;
}

/** The harness's instructions: what to run, how, and the runner's limits. */
function writeConfig(o: ModelRunOptions, dir: string, runDirs: readonly string[] | null): string {
  const config = {
    file: o.file, source: o.source, function: o.function, snippet: o.snippet ?? null, args: o.args ?? '', model: o.model, workers: o.workers,
    startMethod: o.startMethod ?? null, dir, maxEvents: o.maxEvents ?? DEFAULTS.maxEvents,
    deadlockSeconds: o.deadlockSeconds ?? DEFAULTS.deadlockSeconds, inspect: o.inspect === true, needsAsync: o.needsAsync === true, minPython: MIN_PYTHON,
    lifeline: HAS_LIFELINE ? LIFELINE_FD : null,
    ...(runDirs ? { runDirs } : {}),
    align: o.align ?? DEFAULTS.align,
    switchInterval: o.switchInterval ?? DEFAULTS.switchInterval,
    ...(o.order?.length ? { order: o.order } : {}),
    gil: o.gil ?? null,
    userEnv: userEnv(), // the user's code gets the user's PYTHONUTF8…, not the harness's
  };
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  return configPath;
}

/** The harness refused the user's input (a syntax error, …): that, as the user's error. */
export function throwIfBadInput(control: readonly ControlRecord[], file: string): void {
  const bad = findRecord(control, 'badInput');
  if (!bad) return;
  const kind = BAD_INPUT_KINDS.find((k) => k === bad.kind) ?? 'harness';
  throw new UserError(kind, bad.message, { file, line: bad.line, col: bad.col, traceback: bad.traceback ?? undefined, problem: bad.problem ?? undefined });
}

/** What became of the run: the user's error, a run that did not happen, or the assembled run. */
function outcome(o: ModelRunOptions, follower: RunFollower, exit: HarnessExit): ModelRunResult {
  const { control, t0 } = follower;
  throwIfBadInput(control, o.file);
  const inspected = findRecord(control, 'inspection');
  const { type: _type, ...inspection } = inspected ?? { type: 'inspection' as const };
  const found = inspected ? { inspection: inspection as InspectReply } : {};
  const unavailable = findRecord(control, 'unavailable');
  if (unavailable || (inspected && t0 === null && exit.stopReason === null && exit.code === 0)) {
    return {
      run: { model: o.model, workers: o.workers, startMethod: null, wallNs: 0, workerInfo: [], events: [], ...(unavailable ? { unavailable: unavailable.reason } : {}) },
      events: new RunEvents([], 0, []),
      ...runContext(control),
      ...found,
      ...(unavailable ? {} : { notRun: true as const }),
    };
  }
  if (t0 === null && exit.stopReason === null) {
    throw new UserError('harness', `The ${o.model} run ended before it started (exit ${exit.code ?? exit.signal}).\n${exit.stderrTail.trim()}`);
  }
  return { ...assemble(o, control, follower.workers, t0 ?? 0, exit), ...found };
}
