import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runTraceEvents } from './runner/engine';
import { TraceFileWriter } from './cli/traceFile';
import { OutputWriteError, UserError } from './runner/errors';
import type { RunEvents } from './runner/eventStore';
import { openOutput, type OutputFile } from './cli/outputFile';
import { timeLimitProblem } from './runner/timeLimit';
import { findInterpreter, firstExecutable, pathCandidates } from './interpreter/interpreter';
import { resolvePyenvShim } from './interpreter/pyenv';
import { reportHtml } from './report/html';
import { formatNs, formatSpeedup, summarizeTrace } from './shared/summary';
import { ALL_MODELS, type Model, type Run, type StartMethod, type Trace } from './shared/trace';
import { DEFAULTS, checkDeadlockSeconds, checkMaxEvents, checkWorkers } from './runner/settings';

const USAGE = `usage: interleave run FILE --function NAME [--models ${DEFAULTS.models.join(',')}] [--workers ${DEFAULTS.workers}]
                      (models: sequential, thread, process, thread-pool, process-pool, asyncio, interpreter)
                      [--args EXPR] [--timeout ${DEFAULTS.timeoutSeconds}] [--start-method fork|spawn|forkserver]
                      [--max-events ${DEFAULTS.maxEvents}] [--deadlock-seconds ${DEFAULTS.deadlockSeconds}] [--python PATH]
                      [--json PATH|-] [--html PATH|-] [--quiet]`;

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
      'deadlock-seconds': { type: 'string', default: String(DEFAULTS.deadlockSeconds) },
      python: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  if (positionals[0] !== 'run' || positionals.length !== 2) throw new UsageError('expected: interleave run FILE --function NAME');
  if (!values.function) throw new UsageError('--function NAME is required');
  const models = values.models.split(',').map((m) => m.trim()).filter(Boolean);
  const unknown = models.filter((m) => !ALL_MODELS.includes(m as Model));
  if (unknown.length || !models.length) throw new UsageError(`--models: unknown model ${unknown.join(', ') || '(none)'}; choose from ${ALL_MODELS.join(', ')}`);
  const workers = Number(values.workers);
  const badWorkers = checkWorkers(workers, '--workers');
  if (badWorkers) throw new UsageError(badWorkers);
  const timeout = Number(values.timeout);
  const timeoutProblem = timeLimitProblem(timeout);
  if (timeoutProblem) throw new UsageError(`--timeout ${timeoutProblem}, not ${values.timeout}`);
  const maxEvents = Number(values['max-events']);
  const badMaxEvents = checkMaxEvents(maxEvents, '--max-events');
  if (badMaxEvents) throw new UsageError(badMaxEvents);
  const deadlockSeconds = Number(values['deadlock-seconds']);
  const badDeadlock = checkDeadlockSeconds(deadlockSeconds, '--deadlock-seconds');
  if (badDeadlock) throw new UsageError(`${badDeadlock}, not ${values['deadlock-seconds']}`);
  const startMethod = values['start-method'];
  if (startMethod && !['fork', 'spawn', 'forkserver'].includes(startMethod)) throw new UsageError('--start-method must be fork, spawn or forkserver');
  return {
    file: path.resolve(positionals[1]), function: values.function, models: models as Model[], workers, args: values.args, timeout,
    maxEvents, deadlockSeconds, startMethod: startMethod as StartMethod | undefined, python: values.python, json: values.json, html: values.html, quiet: values.quiet,
  };
}

export async function main(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof parse>;
  try {
    opts = parse(argv);
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
  try {
    if (!fs.existsSync(opts.file)) throw new UserError('file', `${opts.file}: no such file`);
    // The first candidate that exists inspects the file straight away, and its answer names the
    // real binary for the runs: one interpreter start-up less than probing first. When it cannot,
    // the probe says why (not found, too old, not Python).
    const candidates = opts.python ? [opts.python] : pathCandidates();
    // A pyenv shim is read, not run: its ≈ 0.3 s start-up would be the CLI's largest fixed cost.
    const found = firstExecutable(candidates);
    process.once('SIGINT', () => controller.abort());
    // Opened before anything runs: a path that cannot be written is said first. The trace file
    // is written while the runs go on (see cli/traceFile).
    const outputs = openOutputs(opts);
    const traceFile = outputs.json && new TraceFileWriter(outputs.json);
    const { trace, events } = await runTraceEvents({
      python: found ? resolvePyenvShim(found.path) : candidates[0], file: opts.file, function: opts.function, args: opts.args, models: opts.models, workers: opts.workers,
      timeoutSeconds: opts.timeout, startMethod: opts.startMethod, maxEvents: opts.maxEvents, deadlockSeconds: opts.deadlockSeconds, signal: controller.signal,
      // The user's output, unchanged, on our stderr (stdout carries the summary): their stdout
      // straight to our fd 2, their stderr through us (we keep its tail for error messages).
      stdout: opts.quiet ? 'ignore' : 2,
      follow: () => (traceFile ? [traceFile.beginRun()] : []), // encoded and written on the core Python leaves idle, not after the run
      onOutput: opts.quiet ? undefined : (_model, _stream, text) => process.stderr.write(text),
    }).catch(async (e: unknown) => {
      traceFile?.discard();
      outputs.html?.discard();
      if (e instanceof UserError && e.kind !== 'harness') throw e;
      await findInterpreter(candidates); // throws what is wrong with the interpreter, if anything
      throw e;
    });
    // The events stay columns (a million objects cost seconds): the trace file is written from
    // them, and only the HTML report, which embeds the trace, makes the objects.
    await traceFile?.finish(trace, events).catch((e: unknown) => {
      outputs.html?.discard();
      throw e;
    });
    if (outputs.html) await writeReport(outputs.html, { ...trace, runs: trace.runs.map((r, i) => ({ ...r, events: events[i].toEvents() })) });
    // stdout carries the summary, unless a file goes there
    const say = outputs.json?.onStdout || outputs.html?.onStdout ? process.stderr : process.stdout;
    printSummary(say, trace, events);
    if (outputs.json && !outputs.json.onStdout) say.write(`trace: ${opts.json}\n`);
    if (outputs.html && !outputs.html.onStdout) say.write(`report: ${opts.html}\n`);
    return 0;
  } catch (e) {
    return failure(e, opts.file, pipes.gone);
  }
}

/** The --json and --html outputs, opened (checked) before anything runs. */
function openOutputs(opts: { file: string; json?: string; html?: string }): { json?: OutputFile; html?: OutputFile } {
  const json = opts.json === undefined ? undefined : openOutput(opts.json, 'trace', '{');
  let html: OutputFile | undefined;
  try {
    html = opts.html === undefined ? undefined : openOutput(opts.html, 'report', '<');
    const program = fs.realpathSync(opts.file);
    for (const [option, out] of [['--json', json], ['--html', html]] as const) {
      if (out?.replaces === program) throw new UserError('output', `${option} ${out.shown} is the program being run: choose another path.`);
    }
    if ((json?.onStdout && html?.onStdout) || (json?.replaces && json.replaces === html?.replaces)) {
      throw new UserError('output', '--json and --html name the same file: give each its own.');
    }
    return { json, html };
  } catch (e) {
    json?.discard();
    html?.discard();
    throw e;
  }
}

async function writeReport(out: OutputFile, trace: Trace): Promise<void> {
  try {
    await out.append(Buffer.from(reportHtml(trace)));
  } catch (e) {
    out.discard();
    throw e;
  }
  await out.commit();
}

function printSummary(say: NodeJS.WriteStream, trace: Trace, events: RunEvents[]): void {
  const summaries = summarizeTrace(trace, events.map((e) => e.counts()));
  summaries.forEach((s, i) => {
    if (trace.runs[i].unavailable) {
      say.write(`${s.model.padEnd(10)} ${s.verdict}\n`);
      return;
    }
    const speed = s.speedup === null ? '' : `  speedup ${formatSpeedup(s.speedup)}`;
    say.write(`${s.model.padEnd(10)} wall ${formatNs(s.wallNs).padStart(9)}  cpu ${s.cpuNs === null ? '—' : formatNs(s.cpuNs)}  events ${s.events}  switches ${s.switches}${speed}\n           ${s.verdict}\n`);
    say.write(deadlockLines(trace.runs[i]));
  });
}

/** Where each deadlocked worker was stuck: its innermost frame of the user's file. */
function deadlockLines(run: Run): string {
  return run.workerInfo
    .filter((w) => w.deadlock)
    .map((w) => {
      const frames = [...w.deadlock!.stack.matchAll(/File "(.*)", line (\d+), in (.*)\n(?: {4}(.*)\n)?/g)];
      const last = frames.at(-1);
      const at = last ? `${path.basename(last[1])}:${last[2]} in ${last[3]}${last[4] ? `: ${last[4]}` : ''}` : 'no frame of the file';
      return `           worker ${w.worker + 1} stuck at ${at}\n`;
    })
    .join('');
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
