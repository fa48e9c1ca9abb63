import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runTraceEvents } from './runner/engine';
import { runScriptEvents } from './runner/scriptRun';
import { TraceFileWriter } from './cli/traceFile';
import { OutputWriteError, UserError } from './runner/errors';
import type { RunEvents } from './runner/eventStore';
import { openOutput, type OutputFile, type OutputWhat } from './cli/outputFile';
import { timeLimitProblem } from './runner/timeLimit';
import { findInterpreter, firstExecutable, pathCandidates } from './interpreter/interpreter';
import { resolvePyenvShim } from './interpreter/pyenv';
import { chromeTraceChunks } from './export/chromeTrace';
import { reportHtml } from './report/html';
import { ALL_MODELS, type Model, type StartMethod, type Trace } from './shared/trace';
import { DEFAULTS, checkDeadlockSeconds, checkMaxEvents, checkRepeat, checkSampleHz, checkSwitchInterval, checkWorkers } from './runner/settings';
import { parseOrder } from './shared/orders';
import { printScriptSummary, printSummary } from './cli/summaryText';

const USAGE = `usage: interleave run FILE --function NAME [--models ${DEFAULTS.models.join(',')}] [--workers ${DEFAULTS.workers}]
                      (models: sequential, thread, process, thread-pool, process-pool, asyncio, interpreter)
                      [--args EXPR] [--timeout ${DEFAULTS.timeoutSeconds}] [--start-method fork|spawn|forkserver]
                      [--max-events ${DEFAULTS.maxEvents}] [--sample-hz ${DEFAULTS.sampleHz}] (thread states, 0: off)
                      [--deadlock-seconds ${DEFAULTS.deadlockSeconds}] (0: off)
                      [--repeat ${DEFAULTS.repeat}] [--align] [--switch-interval SECONDS] (thread models)
                      [--order SIGNATURE] (workers take turns at each print: e.g. 0101010101, or 0,1,0,1)
                      [--python PATH] [--compare-python PATH]… (one interpreter each; or PATH,PATH)
                      [--json PATH|-] [--html PATH|-] [--chrome PATH|-] [--quiet]
       interleave script FILE [--timeout ${DEFAULTS.timeoutSeconds}] [--max-events ${DEFAULTS.maxEvents}] [--python PATH] [--cwd DIR]
                      [--sample-hz ${DEFAULTS.sampleHz}] [--deadlock-seconds ${DEFAULTS.deadlockSeconds}]
                      [--json PATH|-] [--html PATH|-] [--chrome PATH|-] [--quiet] [-- ARG…]
                      (the program as written: FILE as __main__, ARGs in sys.argv, every thread,
                      process and asyncio task it makes a lane of its own)`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      function: { type: 'string', short: 'f' },
      models: { type: 'string', default: DEFAULTS.models.join(',') },
      workers: { type: 'string', default: String(DEFAULTS.workers) },
      args: { type: 'string', default: '' },
      timeout: { type: 'string', default: String(DEFAULTS.timeoutSeconds) },
      'start-method': { type: 'string' },
      'max-events': { type: 'string', default: String(DEFAULTS.maxEvents) },
      'sample-hz': { type: 'string', default: String(DEFAULTS.sampleHz) },
      'deadlock-seconds': { type: 'string', default: String(DEFAULTS.deadlockSeconds) },
      repeat: { type: 'string', default: String(DEFAULTS.repeat) },
      align: { type: 'boolean', default: DEFAULTS.align },
      'switch-interval': { type: 'string' },
      order: { type: 'string' },
      python: { type: 'string' },
      'compare-python': { type: 'string', multiple: true, default: [] },
      json: { type: 'string' },
      html: { type: 'string' },
      chrome: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  if (positionals[0] !== 'run' || positionals.length !== 2) throw new UsageError('expected: interleave run FILE --function NAME, or interleave script FILE');
  if (!values.function) throw new UsageError('--function NAME is required');
  const models = values.models.split(',').map((m) => m.trim()).filter(Boolean);
  const unknown = models.filter((m) => !ALL_MODELS.includes(m as Model));
  if (unknown.length || !models.length) throw new UsageError(`--models: unknown model ${unknown.join(', ') || '(none)'}; choose from ${ALL_MODELS.join(', ')}`);
  const workers = Number(values.workers);
  const badWorkers = checkWorkers(workers, '--workers');
  if (badWorkers) throw new UsageError(badWorkers);
  const { timeout, maxEvents, sampleHz, deadlockSeconds } = runLimits(values);
  const repeat = Number(values.repeat);
  const badRepeat = checkRepeat(repeat, '--repeat');
  if (badRepeat) throw new UsageError(badRepeat);
  const switchInterval = values['switch-interval'] === undefined ? DEFAULTS.switchInterval : Number(values['switch-interval']);
  const badSwitch = switchInterval === null ? null : checkSwitchInterval(switchInterval, '--switch-interval');
  if (badSwitch) throw new UsageError(badSwitch);
  const order = values.order === undefined ? undefined : parseOrder(values.order, workers);
  if (order?.problem) throw new UsageError(order.problem);
  const startMethod = values['start-method'];
  if (startMethod && !['fork', 'spawn', 'forkserver'].includes(startMethod)) throw new UsageError('--start-method must be fork, spawn or forkserver');
  // once per interpreter; "a,b" is taken as two unless a file has that very name
  const comparePythons = values['compare-python'].flatMap((p) => (p.includes(',') && !fs.existsSync(p) ? p.split(',') : [p])).map((p) => p.trim());
  if (comparePythons.some((p) => !p)) throw new UsageError('--compare-python needs the path of an interpreter (give the option once per interpreter)');
  return {
    file: path.resolve(positionals[1]), function: values.function, models: models as Model[], workers, args: values.args, timeout,
    maxEvents, sampleHz, deadlockSeconds, repeat, align: values.align, switchInterval, order: order?.order, startMethod: startMethod as StartMethod | undefined, python: values.python, comparePythons, json: values.json, html: values.html, chrome: values.chrome, quiet: values.quiet,
  };
}

/** The options both verbs have: the time limit, the event cap, the sample rate and the deadlock limit, checked. */
function runLimits(values: { timeout: string; 'max-events': string; 'sample-hz': string; 'deadlock-seconds': string }) {
  const timeout = Number(values.timeout);
  const timeoutProblem = timeLimitProblem(timeout);
  if (timeoutProblem) throw new UsageError(`--timeout ${timeoutProblem}, not ${values.timeout}`);
  const maxEvents = Number(values['max-events']);
  const badMaxEvents = checkMaxEvents(maxEvents, '--max-events');
  if (badMaxEvents) throw new UsageError(badMaxEvents);
  const sampleHz = Number(values['sample-hz']);
  const badSampleHz = checkSampleHz(sampleHz, '--sample-hz');
  if (badSampleHz) throw new UsageError(badSampleHz);
  const deadlockSeconds = Number(values['deadlock-seconds']);
  const badDeadlock = checkDeadlockSeconds(deadlockSeconds, '--deadlock-seconds');
  if (badDeadlock) throw new UsageError(`${badDeadlock}, not ${values['deadlock-seconds']}`);
  return { timeout, maxEvents, sampleHz, deadlockSeconds };
}

/** `interleave script FILE [options] [-- ARG…]`: the ARGs are the program's, whatever they look like. */
function parseScript(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      timeout: { type: 'string', default: String(DEFAULTS.timeoutSeconds) },
      'max-events': { type: 'string', default: String(DEFAULTS.maxEvents) },
      cwd: { type: 'string' },
      'sample-hz': { type: 'string', default: String(DEFAULTS.sampleHz) },
      'deadlock-seconds': { type: 'string', default: String(DEFAULTS.deadlockSeconds) },
      python: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      chrome: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  if (positionals.length < 2) throw new UsageError('expected: interleave script FILE [-- ARG…]');
  const { timeout, maxEvents, sampleHz, deadlockSeconds } = runLimits(values);
  return {
    file: path.resolve(positionals[1]), argv: positionals.slice(2), timeout, maxEvents, cwd: values.cwd === undefined ? undefined : path.resolve(values.cwd), sampleHz, deadlockSeconds,
    python: values.python, json: values.json, html: values.html, chrome: values.chrome, quiet: values.quiet,
  };
}

type CliOptions = NonNullable<ReturnType<typeof parse>> | NonNullable<ReturnType<typeof parseScript>>;

export async function main(argv: string[]): Promise<number> {
  let opts: CliOptions | null;
  try {
    opts = argv[0] === 'script' ? parseScript(argv) : parse(argv);
  } catch (e) {
    process.stderr.write(`interleave: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const controller = new AbortController();
  const pipes = watchForGoneReaders(() => controller.abort());
  const stopping = new CancelOnSignals(controller);
  try {
    const status = await ('argv' in opts ? runScriptAndReport(opts, controller.signal, pipes) : runAndReport(opts, controller.signal, pipes));
    return stopping.received ? 128 + os.constants.signals[stopping.received] : status;
  } finally {
    stopping.dispose();
  }
}

/** Ctrl-C, `kill`, a closed terminal: each ends the run as Cancel does, and the CLI then exits 128 + its number. */
const CANCELLING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * The first of CANCELLING_SIGNALS cancels the runs: the process tree is ended, our temporary
 * folders removed and the trace file finished (the runs so far, the last one `stopped:
 * "cancelled"`), where Node's default is to die at once with the harness left running and the
 * trace file half written. A second signal of the same kind has the default effect.
 */
class CancelOnSignals {
  received: NodeJS.Signals | undefined;
  private readonly handlers = CANCELLING_SIGNALS.map((name) => [name, () => this.cancel(name)] as const);
  // after SIGHUP the terminal is gone: writing to it fails, which is no reason to stop cleaning up
  private readonly ignore = () => {};

  constructor(private readonly controller: AbortController) {
    for (const [name, handler] of this.handlers) process.once(name, handler);
  }

  private cancel(name: NodeJS.Signals): void {
    this.received ??= name;
    process.stdout.on('error', this.ignore);
    process.stderr.on('error', this.ignore);
    this.controller.abort();
  }

  dispose(): void {
    for (const [name, handler] of this.handlers) process.removeListener(name, handler);
    process.stdout.removeListener('error', this.ignore);
    process.stderr.removeListener('error', this.ignore);
  }
}

/**
 * Traces the program as written and writes the trace, report and summary, as runAndReport does
 * for the models; the same exit statuses.
 */
async function runScriptAndReport(opts: NonNullable<ReturnType<typeof parseScript>>, signal: AbortSignal, pipes: ReturnType<typeof watchForGoneReaders>): Promise<number> {
  try {
    if (!fs.existsSync(opts.file)) throw new UserError('file', `${opts.file}: no such file`);
    const candidates = opts.python ? [opts.python] : pathCandidates();
    const found = firstExecutable(candidates);
    const outputs = openOutputs(opts);
    const traceFile = outputs.json && new TraceFileWriter(outputs.json);
    const { trace, events } = await runScriptEvents({
      python: found ? resolvePyenvShim(found.path) : candidates[0], file: opts.file, argv: opts.argv, cwd: opts.cwd, timeoutSeconds: opts.timeout, maxEvents: opts.maxEvents, sampleHz: opts.sampleHz, deadlockSeconds: opts.deadlockSeconds, signal,
      stdout: opts.quiet ? 'ignore' : 2, // as for `run`: the user's output on our stderr, the summary on stdout
      follow: () => (traceFile ? [traceFile.beginRun()] : []),
      onOutput: opts.quiet ? undefined : (_stream, text) => process.stderr.write(text),
    }).catch((e: unknown) => runFailed(e, outputs, traceFile, candidates));
    await writeAfterRuns(outputs, traceFile, trace, events);
    const say = summaryStream(outputs);
    printScriptSummary(say, trace, events, opts.sampleHz > 0);
    sayWhereWritten(say, outputs, opts);
    return 0;
  } catch (e) {
    return failure(e, opts.file, pipes.gone);
  }
}

/** Runs the models and writes the trace, report and summary; the exit status (0, or 2 for bad input). */
async function runAndReport(opts: NonNullable<ReturnType<typeof parse>>, signal: AbortSignal, pipes: ReturnType<typeof watchForGoneReaders>): Promise<number> {
  try {
    if (!fs.existsSync(opts.file)) throw new UserError('file', `${opts.file}: no such file`);
    // The first candidate that exists inspects the file straight away, and its answer names the
    // real binary for the runs: one interpreter start-up less than probing first. When it cannot,
    // the probe says why (not found, too old, not Python).
    const candidates = opts.python ? [opts.python] : pathCandidates();
    // A pyenv shim is read, not run: its ≈ 0.3 s start-up would be the CLI's largest fixed cost.
    const found = firstExecutable(candidates);
    // Opened before anything runs: a path that cannot be written is said first. The trace file
    // is written while the runs go on (see cli/traceFile).
    const outputs = openOutputs(opts);
    const traceFile = outputs.json && new TraceFileWriter(outputs.json);
    const { trace, events } = await runTraceEvents({
      python: found ? resolvePyenvShim(found.path) : candidates[0], file: opts.file, function: opts.function, args: opts.args, models: opts.models, workers: opts.workers,
      timeoutSeconds: opts.timeout, startMethod: opts.startMethod, maxEvents: opts.maxEvents, sampleHz: opts.sampleHz, deadlockSeconds: opts.deadlockSeconds, signal,
      repeat: opts.repeat, align: opts.align, switchInterval: opts.switchInterval, order: opts.order, comparePythons: opts.comparePythons,
      // The user's output, unchanged, on our stderr (stdout carries the summary): their stdout
      // straight to our fd 2, their stderr through us (we keep its tail for error messages).
      stdout: opts.quiet ? 'ignore' : 2,
      follow: () => (traceFile ? [traceFile.beginRun()] : []), // encoded and written on the core Python leaves idle, not after the run
      onOutput: opts.quiet ? undefined : (_model, _stream, text) => process.stderr.write(text),
    }).catch((e: unknown) => runFailed(e, outputs, traceFile, candidates));
    await writeAfterRuns(outputs, traceFile, trace, events);
    const say = summaryStream(outputs);
    printSummary(say, trace, events, opts.sampleHz > 0);
    sayWhereWritten(say, outputs, opts);
    return 0;
  } catch (e) {
    return failure(e, opts.file, pipes.gone);
  }
}

type OutputOption = 'json' | 'html' | 'chrome';
type Outputs = Partial<Record<OutputOption, OutputFile>>;

/** A run (of `run` or `script`) that failed: no output file is left half written; then what went wrong — the interpreter's fault if it has one. */
async function runFailed(e: unknown, outputs: Outputs, traceFile: TraceFileWriter | undefined, candidates: string[]): Promise<never> {
  traceFile?.discard();
  outputs.html?.discard();
  outputs.chrome?.discard();
  if (e instanceof UserError && e.kind !== 'harness') throw e;
  await findInterpreter(candidates); // throws what is wrong with the interpreter, if anything
  throw e;
}

/** stdout carries the summary, unless an output file goes there. */
function summaryStream(outputs: Outputs): NodeJS.WriteStream {
  return outputs.json?.onStdout || outputs.html?.onStdout || outputs.chrome?.onStdout ? process.stderr : process.stdout;
}

/** "trace: PATH", "report: PATH", "chrome trace: PATH" for each output written to a file. */
function sayWhereWritten(say: NodeJS.WriteStream, outputs: Outputs, opts: Partial<Record<OutputOption, string>>): void {
  for (const [key, what] of [['json', 'trace'], ['html', 'report'], ['chrome', 'chrome trace']] as const) {
    if (outputs[key] && !outputs[key].onStdout) say.write(`${what}: ${opts[key]}\n`);
  }
}

/** The output options: their flag, what messages call their file, how it begins (a device's probe). */
const OUTPUTS: ReadonlyArray<[OutputOption, string, OutputWhat, string]> = [
  ['json', '--json', 'trace', '{'],
  ['html', '--html', 'report', '<'],
  ['chrome', '--chrome', 'Chrome trace', '{'],
];

/** The outputs asked for, opened (checked) before anything runs; none on the program or on another's file. */
function openOutputs(opts: { file: string } & Partial<Record<OutputOption, string>>): Outputs {
  const opened: Array<[string, OutputFile]> = [];
  try {
    for (const [key, option, what, first] of OUTPUTS) {
      const requested = opts[key];
      if (requested !== undefined) opened.push([option, openOutput(requested, what, first)]);
    }
    const program = fs.realpathSync(opts.file);
    opened.forEach(([option, out], i) => {
      if (out.replaces === program) throw new UserError('output', `${option} ${out.shown} is the program being run: choose another path.`);
      for (const [other, earlier] of opened.slice(0, i)) {
        if ((out.onStdout && earlier.onStdout) || (out.replaces && out.replaces === earlier.replaces)) {
          throw new UserError('output', `${other} and ${option} name the same file: give each its own.`);
        }
      }
    });
    return Object.fromEntries(opened.map(([option, out]) => [option.slice(2), out])) as Outputs;
  } catch (e) {
    for (const [, out] of opened) out.discard();
    throw e;
  }
}

/**
 * The outputs written after the runs, from the runner's columns (a million event objects cost
 * seconds): the trace file's end, the report (which embeds the trace, so makes the objects), the
 * Chrome trace. A failure leaves every file that was not yet in place as it was.
 */
async function writeAfterRuns(outputs: Outputs, traceFile: TraceFileWriter | undefined, trace: Trace, events: RunEvents[]): Promise<void> {
  try {
    await traceFile?.finish(trace, events);
    if (outputs.html) await writeWhole(outputs.html, [reportHtml({ ...trace, runs: trace.runs.map((r, i) => ({ ...r, events: events[i].toEvents() })) })]);
    if (outputs.chrome) await writeWhole(outputs.chrome, chromeTraceChunks(trace, (r) => events[r].toColumns()));
  } catch (e) {
    outputs.html?.discard();
    outputs.chrome?.discard();
    throw e;
  }
}

/** Writes the content in its chunks, then puts the file in place. */
async function writeWhole(out: OutputFile, chunks: Iterable<string | Uint8Array>): Promise<void> {
  for (const chunk of chunks) await out.append(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  await out.commit();
}

/**
 * The reader of our stdout or stderr went away (`| head -3`): stop the runs (their processes
 * end) and say nothing more, as other CLIs do — never Node's unhandled `write EPIPE`.
 */
function watchForGoneReaders(stop: () => void): { gone: boolean } {
  const state = { gone: false };
  const onError = () => {
    state.gone = true;
    stop();
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  return state;
}

/** The exit status for what went wrong, with its one line (unless nobody is left to read it). */
function failure(e: unknown, file: string, readerGone: boolean): number {
  if (e instanceof UserError) {
    const where = e.details.line && !e.message.includes(`:${e.details.line}:`) ? ` (${path.basename(file)}:${e.details.line})` : '';
    process.stderr.write(`interleave: ${e.message.split('\n')[0]}${where}\n`);
    return 2;
  }
  if (e instanceof OutputWriteError) {
    if (!readerGone) process.stderr.write(`interleave: ${e.message}\n`);
    return 1;
  }
  process.stderr.write(`interleave: internal error: ${(e as Error).stack ?? e}\n`);
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
