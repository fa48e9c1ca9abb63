import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from './errors';
import type { SpawnFn } from './launch';
import { inspectFile, inspectionOf, type FunctionInfo, type Inspection } from './inspect';
import { requireSupported } from '../interpreter/interpreter';
import { runModel, type FollowedRun, type ModelRunOptions } from './runModel';
import type { RunEvents } from './eventStore';
import type { RunSink } from './follower';
import { DEFAULTS } from './settings';
import { StateSampler, cannotSample } from './states/stateSampler';
import { TRACE_SCHEMA, type Model, type PythonInfo, type StartMethod, type Trace } from '../shared/trace';
import { gilVariants } from '../shared/interpreters';
import { compareProblem } from './errors';
import { endingsOf, ordersOf } from './repeated';

/** Everything needed to run one target under several models. */
export interface TraceRequest {
  python: string;
  file: string;
  /** The editor's unsaved text; the file on disk when absent. */
  text?: string;
  /** A function name, or a snippet (a selection of statements, with its first line). */
  function?: string;
  snippet?: { text: string; startLine: number; endLine: number };
  /** The caller's inspection of this same text (the command has one): not done again. */
  inspection?: Inspection;
  args?: string;
  models: Model[];
  workers: number;
  startMethod?: StartMethod;
  timeoutSeconds: number;
  maxEvents?: number;
  /** The deadlock watchdog's limit in seconds (0: off; default DEFAULTS.deadlockSeconds). */
  deadlockSeconds?: number;
  /** Thread states: samples a second per thread (0: off); DEFAULTS.sampleHz when absent. */
  sampleHz?: number;
  /** Runs of each model, each a run of its own in `runs` (DEFAULTS.repeat when absent). */
  repeat?: number;
  /** The workers begin their body together, at a barrier after their start-up. */
  align?: boolean;
  /** sys.setswitchinterval for the thread models (seconds; null or absent: Python's own). */
  switchInterval?: number | null;
  /** --order ("be the scheduler"): the workers take turns at each print in this order (worker indices). */
  order?: readonly number[];
  /** Other interpreters to run the same models on after `python` (each run then records its `python`). */
  comparePythons?: string[];
  signal?: AbortSignal;
  spawn?: SpawnFn;
  onOutput?: (model: Model, stream: 'stdout' | 'stderr', text: string) => void;
  /** Where the user's stdout goes instead of `onOutput` (see ModelRunOptions.stdout). */
  stdout?: number | 'ignore';
  /** Called as each model's run (each repetition) begins: who follows it (the live preview, the trace file). */
  follow?: (model: Model, repetition: number) => readonly RunSink[];
}

/** Runs the request's models one after another and returns the trace (format v1). */
export async function runTrace(req: TraceRequest): Promise<Trace> {
  const { trace, events } = await runTraceEvents(req);
  trace.runs.forEach((run, i) => (run.events = events[i].toEvents()));
  return trace;
}

/** A model's runs (one per repetition), each with the sinks that followed it. */
type Followed = FollowedRun[];

/**
 * runTrace, but each run's events stay in the runner's columns (`events[i]` for `trace.runs[i]`,
 * whose own `events` is empty): a million events never become a million objects unless asked.
 * For each model: run it, hand it on to its sinks, add it to the trace.
 */
export async function runTraceEvents(req: TraceRequest): Promise<{ trace: Trace; events: RunEvents[] }> {
  if (!fs.existsSync(req.file) && req.text === undefined) throw new UserError('file', `No such file: ${req.file}`, { file: req.file });
  // the sampler's thread starts while Python does (it takes a while on a busy machine)
  if (!cannotSample(req.sampleHz ?? DEFAULTS.sampleHz) && req.models.some((m) => m !== 'asyncio')) StateSampler.shared().warm();
  // only for the editor's text: nothing to leave behind if we are killed
  const tmp = req.text === undefined ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-src-'));
  try {
    const run = modelRunner(req, sourceOf(req, tmp));
    // each interpreter to compare with is checked before anything runs: a wrong path is said at once
    const others: PythonInfo[] = [];
    for (const other of req.comparePythons ?? []) others.push(await comparedInterpreter(req, run.source, other));
    const first = req.inspection ? undefined : await inspectByRunning(req, run);
    const inspection = first?.inspection ?? req.inspection ?? (await inspectFile(req.spawn ?? childProcess.spawn, req.python, run.source, req.file));
    const trace = traceHead(req, inspection);
    const events: RunEvents[] = [];
    await runModels(req, run, { trace, events, python: inspection.python, first: first?.ran, main: true });
    for (const python of others) {
      if (req.signal?.aborted) break;
      await runModels(req, run, { trace, events, python, main: false });
    }
    if ((req.repeat ?? DEFAULTS.repeat) > 1) {
      trace.orders = ordersOf(trace, events);
      trace.endings = endingsOf(trace, events);
    }
    return { trace, events };
  } finally {
    if (tmp !== null) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Where one interpreter's runs go, and what it ran already (the first model, when it inspected). */
interface InterpreterRuns {
  trace: Trace;
  events: RunEvents[];
  python: PythonInfo;
  first?: Followed;
  /** The trace's own interpreter (else each run records its `python`). */
  main: boolean;
}

/** Each model of the request on one interpreter: the thread models of a free-threaded build twice (GIL off, GIL on). */
async function runModels(req: TraceRequest, run: ModelRunner, into: InterpreterRuns): Promise<void> {
  // the real binary, as the inspecting Python reported it: a shim (pyenv) would cost every run its start-up
  const executable = into.python.executable || req.python;
  // a compared interpreter's runs say which it was before the sinks (the trace file) take them
  const ended = (followed: FollowedRun) => {
    if (!into.main) followed.result.run.python = into.python;
    handOn(followed);
  };
  for (const [i, model] of req.models.entries()) {
    for (const [v, gil] of gilVariants(model, into.python).entries()) {
      const done = i === 0 && v === 0 ? into.first : undefined; // ran (or was cancelled) already
      if (!done && req.signal?.aborted) return;
      for (const { result } of done ?? (await run(model, executable, { ended, ...(gil === undefined ? {} : { gil }) }))) {
        // the trace's interpreter as it starts by default (a GIL-on run's harness said gil: true)
        if (result.python && into.main && gil !== true) into.trace.python = result.python;
        into.trace.target.skippedLines = result.skippedLines;
        into.trace.runs.push(result.run);
        into.events.push(result.events);
      }
    }
  }
}

/** Another interpreter to compare with: what it is (it must be one Interleave supports, and parse the file). */
async function comparedInterpreter(req: TraceRequest, source: string, python: string): Promise<PythonInfo> {
  let inspection: Inspection;
  try {
    inspection = await inspectFile(req.spawn ?? childProcess.spawn, python, source, req.file);
  } catch (e) {
    // the file as that interpreter reads it (an older one may not parse it): said as its problem
    const why = e instanceof UserError && e.kind !== 'harness' ? `it cannot read ${path.basename(req.file)}: ${e.message}` : e instanceof Error ? e.message : String(e);
    throw new UserError('python', compareProblem(python, why));
  }
  try {
    requireSupported({ executable: inspection.python.executable, version: inspection.python.version });
  } catch {
    throw new UserError('python', compareProblem(python, `Python ${inspection.python.version} is too old`));
  }
  return inspection.python;
}

/** Where the text to run is: the file, or a copy of the editor's unsaved text (in `tmp`). */
function sourceOf(req: TraceRequest, tmp: string | null): string {
  if (req.text === undefined || tmp === null) return req.file;
  const source = path.join(tmp, 'source.py');
  fs.writeFileSync(source, req.text, 'utf8');
  return source;
}

type ModelRunner = ((model: Model, python: string, extra?: Partial<ModelRunOptions>) => Promise<Followed>) & { source: string };

/** Each run, as soon as it is final, to the sinks that followed it (one the harness only inspected for: see inspectByRunning). */
function handOn({ result, sinks }: FollowedRun): void {
  if (result.notRun) return;
  for (const sink of sinks) sink.end?.(result.events, result.run);
}

/** Runs one model of the request (all its repetitions), followed by the sinks the caller gives for each run. */
function modelRunner(req: TraceRequest, source: string): ModelRunner {
  const run = async (model: Model, python: string, extra: Partial<ModelRunOptions> = {}): Promise<Followed> =>
    runModel({
      python, file: req.file, source, model, workers: req.workers, startMethod: req.startMethod, args: req.args,
      function: req.snippet ? null : (req.function ?? null),
      snippet: req.snippet ? { text: req.snippet.text, line: req.snippet.startLine } : undefined,
      timeoutMs: req.timeoutSeconds * 1000, maxEvents: req.maxEvents, sampleHz: req.sampleHz, deadlockSeconds: req.deadlockSeconds, signal: req.signal, spawn: req.spawn ?? childProcess.spawn,
      onOutput: req.onOutput && ((stream, text) => req.onOutput!(model, stream, text)),
      repeat: req.repeat, align: req.align, switchInterval: req.switchInterval, order: req.order,
      stdout: req.stdout, follow: (k) => req.follow?.(model, k) ?? [], ended: handOn, ...extra,
    });
  return Object.assign(run, { source });
}

/**
 * Without the caller's inspection, the first model's harness inspects the file before it runs
 * (and runs only if the checks of traceHead will pass): one Python start-up less. When it cannot
 * say (it failed before inspecting), the caller's separate inspection says what is wrong.
 */
async function inspectByRunning(req: TraceRequest, run: ModelRunner): Promise<{ inspection: Inspection; ran?: Followed } | undefined> {
  if (!req.models.length || req.signal?.aborted) return undefined;
  const needsAsync = req.models.includes('asyncio'); // its check, too, before any model runs
  const first = await run(req.models[0], req.python, { inspect: true, needsAsync }).catch((e: unknown) => {
    // the user's input at fault (it ran: the inspection passed); else find out what is wrong below
    if (e instanceof UserError && e.kind !== 'harness' && e.kind !== 'python') throw e;
    return undefined;
  });
  const inspected = first?.[0]?.result.inspection;
  if (!first || !inspected) return undefined;
  const inspection = inspectionOf(inspected, req.file);
  if (!first[0].result.notRun) return { inspection, ran: first };
  for (const sink of first[0].sinks) sink.drop?.();
  return { inspection };
}

/** The trace's head for the checked request: the interpreter is supported, the target exists and can be called. */
function traceHead(req: TraceRequest, inspection: Inspection): Trace {
  requireSupported({ executable: inspection.python.executable, version: inspection.python.version });
  const python = inspection.python;
  if (req.snippet) {
    if (req.models.includes('asyncio')) throw notAsync(req, undefined);
    const { startLine, endLine } = req.snippet;
    return { schema: TRACE_SCHEMA, target: { file: req.file, function: null, line: startLine, snippet: { startLine, endLine } }, python, runs: [] };
  }
  const target = inspection.functions.find((f) => f.name === req.function);
  if (!target) throw noSuchFunction(req.file, req.function ?? '', inspection.functions);
  if (target.required.length > 0 && !(req.args ?? '').trim()) {
    const example = target.required.map((p) => `${p}=…`).join(', ');
    throw new UserError('args', `${target.name}() needs arguments (${target.required.join(', ')}): pass them as a Python call, e.g. --args '${example}'.`, { file: req.file, line: target.line });
  }
  if (req.models.includes('asyncio') && !target.isAsync) throw notAsync(req, target);
  return { schema: TRACE_SCHEMA, target: { file: req.file, function: target.name, line: target.line, ...(req.args ? { args: req.args } : {}) }, python, runs: [] };
}

function notAsync(req: TraceRequest, target: FunctionInfo | undefined): UserError {
  const what = target ? `${target.name} is not an async def` : 'the selection is not an async def';
  return new UserError('model', `the asyncio model runs coroutines: ${what}; make it an async def, or leave asyncio out of the models.`, { file: req.file, line: target?.line ?? null });
}

function noSuchFunction(file: string, name: string, functions: FunctionInfo[]): UserError {
  const names = functions.map((f) => f.name);
  const list = names.length ? `Functions there: ${names.join(', ')}.` : 'It has no top-level functions.';
  return new UserError('function', `${path.basename(file)} has no top-level function "${name}". ${list}`, { file, functions: names });
}

/** Inspects `text` (the editor's, maybe unsaved) as the file `file`. */
export async function inspectText(spawn: SpawnFn, python: string, file: string, text: string): Promise<Inspection> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-inspect-'));
  try {
    const source = path.join(tmp, 'source.py');
    fs.writeFileSync(source, text, 'utf8');
    return await inspectFile(spawn, python, source, file);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
