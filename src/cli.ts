import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runTraceEvents } from './runner/engine';
import { TraceFileWriter } from './cli/traceFile';
import { UserError } from './runner/errors';
import { findInterpreter, firstExecutable, pathCandidates } from './interpreter/interpreter';
import { resolvePyenvShim } from './interpreter/pyenv';
import { reportHtml } from './report/html';
import { compareRuns } from './shared/comparison';
import { formatNs, formatSpeedup, summarizeTrace } from './shared/summary';
import { ALL_MODELS, type Model, type StartMethod } from './shared/trace';
import { DEFAULTS, checkMaxEvents, checkTimeout, checkWorkers } from './runner/settings';

const USAGE = `usage: interleave run FILE --function NAME [--models ${DEFAULTS.models.join(",")}] [--workers ${DEFAULTS.workers}]
                      (models: sequential, thread, process, thread-pool, process-pool, asyncio, interpreter)
                      [--args EXPR] [--timeout ${DEFAULTS.timeoutSeconds}] [--start-method fork|spawn|forkserver]
                      [--max-events ${DEFAULTS.maxEvents}] [--python PATH] [--json PATH] [--html PATH] [--quiet]`;

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
  const badTimeout = checkTimeout(timeout, '--timeout');
  if (badTimeout) throw new UsageError(badTimeout);
  const maxEvents = Number(values['max-events']);
  const badMaxEvents = checkMaxEvents(maxEvents, '--max-events');
  if (badMaxEvents) throw new UsageError(badMaxEvents);
  const startMethod = values['start-method'];
  if (startMethod && !['fork', 'spawn', 'forkserver'].includes(startMethod)) throw new UsageError('--start-method must be fork, spawn or forkserver');
  return {
    file: path.resolve(positionals[1]), function: values.function, models: models as Model[], workers, args: values.args, timeout,
    maxEvents, startMethod: startMethod as StartMethod | undefined, python: values.python, json: values.json, html: values.html, quiet: values.quiet,
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
  try {
    if (!fs.existsSync(opts.file)) throw new UserError('file', `${opts.file}: no such file`);
    // The first candidate that exists inspects the file straight away, and its answer names the
    // real binary for the runs: one interpreter start-up less than probing first. When it cannot,
    // the probe says why (not found, too old, not Python).
    const candidates = opts.python ? [opts.python] : pathCandidates();
    // A pyenv shim is read, not run: its ≈ 0.3 s start-up would be the CLI's largest fixed cost.
    const found = firstExecutable(candidates);
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    // The trace file is written while the runs go on (see cli/traceFile): opened first, so a
    // path that cannot be written is said before anything runs.
    let traceFile: TraceFileWriter | undefined;
    try {
      traceFile = opts.json === undefined ? undefined : new TraceFileWriter(opts.json);
    } catch (e) {
      throw new UserError('file', `cannot write the trace to ${opts.json}: ${(e as Error).message}`);
    }
    const { trace, events } = await runTraceEvents({
      python: found ? resolvePyenvShim(found.path) : candidates[0], file: opts.file, function: opts.function, args: opts.args, models: opts.models, workers: opts.workers,
      timeoutSeconds: opts.timeout, startMethod: opts.startMethod, maxEvents: opts.maxEvents, signal: controller.signal,
      // The user's output, unchanged, on our stderr (stdout carries the summary): their stdout
      // straight to our fd 2, their stderr through us (we keep its tail for error messages).
      stdout: opts.quiet ? 'ignore' : 2,
      follow: () => (traceFile ? [traceFile.beginRun()] : []), // encoded and written on the core Python leaves idle, not after the run
      onOutput: opts.quiet ? undefined : (_model, _stream, text) => process.stderr.write(text),
    }).catch(async (e: unknown) => {
      traceFile?.discard();
      if (e instanceof UserError && e.kind !== 'harness') throw e;
      await findInterpreter(candidates); // throws what is wrong with the interpreter, if anything
      throw e;
    });
    // The events stay columns (a million objects cost seconds): the trace file is written from
    // them, and only the HTML report, which embeds the trace, makes the objects.
    traceFile?.finish(trace, events);
    if (opts.html) fs.writeFileSync(opts.html, reportHtml({ ...trace, runs: trace.runs.map((r, i) => ({ ...r, events: events[i].toEvents() })) }));
    const summaries = summarizeTrace(trace, events.map((e) => e.counts()));
    summaries.forEach((s, i) => {
      if (trace.runs[i].unavailable) {
        process.stdout.write(`${s.model.padEnd(10)} ${s.verdict}\n`);
        return;
      }
      const speed = s.speedup === null ? '' : `  speedup ${formatSpeedup(s.speedup)}`;
      process.stdout.write(`${s.model.padEnd(10)} wall ${formatNs(s.wallNs).padStart(9)}  cpu ${s.cpuNs === null ? '—' : formatNs(s.cpuNs)}  events ${s.events}  switches ${s.switches}${speed}\n           ${s.verdict}\n`);
    });
    const comparison = compareRuns(summaries); // the panel's answer to "threads or processes?", in one line
    if (comparison) process.stdout.write(`${comparison.sentence}\n`);
    if (opts.json) process.stdout.write(`trace: ${opts.json}\n`);
    if (opts.html) process.stdout.write(`report: ${opts.html}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      const where = e.details.line && !e.message.includes(`:${e.details.line}:`) ? ` (${path.basename(opts.file)}:${e.details.line})` : '';
      process.stderr.write(`interleave: ${e.message.split('\n')[0]}${where}\n`);
      return 2;
    }
    process.stderr.write(`interleave: internal error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
