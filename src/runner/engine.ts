import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from './errors';
import type { SpawnFn } from './harness';
import { inspectFile, inspectionOf, type FunctionInfo, type Inspection } from './inspect';
import { requireSupported } from '../python/interpreter';
import { runModel, type ModelRunOptions, type ModelRunResult } from './runModel';
import type { RunEvents } from './eventStore';
import type { RunStream, TraceFileWriter } from './traceFile';
import { TRACE_SCHEMA, type Model, type OutputEvent, type StartMethod, type Trace } from '../shared/trace';

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
  signal?: AbortSignal;
  spawn?: SpawnFn;
  onOutput?: (model: Model, stream: 'stdout' | 'stderr', text: string) => void;
  /** Where the user's stdout goes instead of `onOutput` (see ModelRunOptions.stdout). */
  stdout?: number | 'ignore';
  /** The trace file, written as the runs go on (see traceFile and ModelRunOptions.stream). */
  traceFile?: TraceFileWriter;
  onRunStart?: (model: Model) => void;
  onEvents?: (model: Model, events: OutputEvent[]) => void;
}

/** Runs the request's models one after another and returns the trace (format v1). */
export async function runTrace(req: TraceRequest): Promise<Trace> {
  const { trace, events } = await runTraceEvents(req);
  trace.runs.forEach((run, i) => (run.events = events[i].toEvents()));
  return trace;
}

/**
 * runTrace, but each run's events stay in the runner's columns (`events[i]` for `trace.runs[i]`,
 * whose own `events` is empty): a million events never become a million objects unless asked.
 */
export async function runTraceEvents(req: TraceRequest): Promise<{ trace: Trace; events: RunEvents[] }> {
  const spawn = req.spawn ?? childProcess.spawn;
  if (!fs.existsSync(req.file) && req.text === undefined) {
    throw new UserError('file', `No such file: ${req.file}`, { file: req.file });
  }
  let tmp: string | null = null; // only for the editor's text: nothing to leave behind if we are killed
  try {
    let source = req.file;
    if (req.text !== undefined) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-src-'));
      source = path.join(tmp, 'source.py');
      fs.writeFileSync(source, req.text, 'utf8');
    }
    const options = (model: Model, python: string): ModelRunOptions => ({
      python,
      file: req.file,
      source,
      function: req.snippet ? null : (req.function ?? null),
      snippet: req.snippet ? { text: req.snippet.text, line: req.snippet.startLine } : undefined,
      args: req.args,
      model,
      workers: req.workers,
      startMethod: req.startMethod,
      timeoutMs: req.timeoutSeconds * 1000,
      maxEvents: req.maxEvents,
      signal: req.signal,
      spawn,
      onOutput: req.onOutput && ((stream, text) => req.onOutput!(model, stream, text)),
      stdout: req.stdout,
      onEvents: req.onEvents && ((events) => req.onEvents!(model, events)),
    });
    // Without the caller's inspection, the first model's harness inspects the file before it runs
    // (and runs only if the checks below will pass): one Python start-up less. When it cannot
    // say (it failed before inspecting), a separate inspection says what is wrong.
    let first: ModelRunResult | undefined;
    let firstStream: RunStream | undefined;
    let inspection = req.inspection;
    if (!inspection && req.models.length && !req.signal?.aborted) {
      req.onRunStart?.(req.models[0]);
      firstStream = req.traceFile?.beginRun();
      first = await runModel({ ...options(req.models[0], req.python), inspect: true, stream: firstStream }).catch((e: unknown) => {
        // the user's input at fault (it ran: the inspection passed); else find out what is wrong below
        if (e instanceof UserError && e.kind !== 'harness' && e.kind !== 'python') throw e;
        return undefined;
      });
      if (first?.inspection) inspection = inspectionOf(first.inspection, req.file);
      else first = undefined;
    }
    inspection ??= await inspectFile(spawn, req.python, source, req.file);
    requireSupported({ executable: inspection.python.executable, version: inspection.python.version });
    // the real binary, as the inspecting Python reported it: a shim (pyenv) would cost every run its start-up
    const python = inspection.python.executable || req.python;
    let target: FunctionInfo | undefined;
    if (!req.snippet) {
      target = inspection.functions.find((f) => f.name === req.function);
      if (!target) throw noSuchFunction(req.file, req.function ?? '', inspection.functions);
      if (target.required.length > 0 && !(req.args ?? '').trim()) {
        throw new UserError('args', `${target.name}() needs arguments (${target.required.join(', ')}): pass them as a Python call, e.g. --args '${target.required.map((p) => `${p}=…`).join(', ')}'.`, { file: req.file, line: target.line });
      }
    }
    const trace: Trace = {
      schema: TRACE_SCHEMA,
      target: req.snippet
        ? { file: req.file, function: null, line: req.snippet.startLine, snippet: { startLine: req.snippet.startLine, endLine: req.snippet.endLine } }
        : { file: req.file, function: target!.name, line: target!.line, ...(req.args ? { args: req.args } : {}) },
      python: inspection.python,
      runs: [],
    };
    const events: RunEvents[] = [];
    for (const [i, model] of req.models.entries()) {
      let result = i === 0 && first && !first.notRun ? first : undefined; // ran (or was cancelled) already
      let stream = result && firstStream;
      if (!result) {
        if (firstStream && i === 0) req.traceFile?.drop(firstStream);
        if (req.signal?.aborted) break;
        if (i > 0 || !first) req.onRunStart?.(model);
        stream = req.traceFile?.beginRun();
        result = await runModel({ ...options(model, python), stream });
      }
      stream?.end(result.events);
      if (result.python) trace.python = result.python;
      trace.target.skippedLines = result.skippedLines;
      trace.runs.push(result.run);
      events.push(result.events);
    }
    return { trace, events };
  } finally {
    if (tmp !== null) fs.rmSync(tmp, { recursive: true, force: true });
  }
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
