/**
 * How runs and workers are named for people — the panel's headers and lanes, and the tracks of an
 * exported Chrome trace — so that both say "Thread 1" for the same worker.
 */
import type { Model, Run, Target, WorkerInfo } from './trace';
import { comparesInterpreters, interpreterName, runPython, type TraceInterpreters } from './interpreters';

const TITLES: Record<Model, string> = {
  sequential: 'Sequential',
  thread: 'Threads',
  process: 'Processes',
  'thread-pool': 'Thread pool',
  'process-pool': 'Process pool',
  asyncio: 'asyncio tasks',
  interpreter: 'Subinterpreters',
  script: 'The program as written',
};

/** A worker's name in its lane and the event list (short: the pid is in the hover, not here). */
export function laneLabel(model: Model, w: Pick<WorkerInfo, 'worker'> & Partial<Pick<WorkerInfo, 'name' | 'kind' | 'pid'>>): string {
  const n = w.worker + 1;
  switch (model) {
    case 'script': {
      const name = w.name ?? `Worker ${n}`; // the program's own name for it: "Thread-1 (print_numbers)"
      return w.kind === 'process' && w.pid ? `${name} · pid ${w.pid}` : name;
    }
    case 'process':
      return `Process ${n}`;
    case 'process-pool':
      return `Pool task ${n}`;
    case 'thread':
      return `Thread ${n}`;
    case 'thread-pool':
      return `Pool thread ${n}`;
    case 'asyncio':
      return `Task ${n}`;
    case 'interpreter':
      return `Interpreter ${n}`;
    default:
      return `Call ${n}`;
  }
}

/** Where an event's line is, for people: `12` of the traced file, `helper.py:12` of another file of the program. */
export function sourceLineText(line: number, file: string | undefined): string {
  return file === undefined ? String(line) : `${file.split(/[\\/]/).pop()}:${line}`;
}

/** A thread the worker started itself (a sub-lane): the name it was given, else "thread n". */
export function helperThreadName(info: Pick<WorkerInfo, 'threads'> | null | undefined, thread: number): string {
  return info?.threads?.find((x) => x.thread === thread)?.name ?? `thread ${thread}`;
}

/**
 * A run: "Threads × 2", "Processes × 2 (spawn)"; with its trace, on a free-threaded build
 * "Threads × 2 · GIL off", and where interpreters are compared "3.11 · Threads × 2".
 */
export function runTitle(run: Pick<Run, 'model' | 'workers' | 'startMethod' | 'gil' | 'python'>, trace?: TraceInterpreters): string {
  if (run.model === 'script') return `${TITLES.script} · ${run.workers} workers`;
  const method = run.startMethod ? ` (${run.startMethod})` : '';
  return interpreterParts(`${TITLES[run.model] ?? run.model} × ${run.workers}${method}`, run, trace);
}

/** A run in one line of the CLI's summary: "thread", "3.13t · thread · GIL off". */
export function runTag(run: Pick<Run, 'model' | 'gil' | 'python'>, trace: TraceInterpreters): string {
  return interpreterParts(run.model, run, trace);
}

function interpreterParts(name: string, run: Pick<Run, 'gil' | 'python'>, trace: TraceInterpreters | undefined): string {
  const parts = [name];
  if (trace && comparesInterpreters(trace)) parts.unshift(interpreterName(runPython(run, trace)));
  if (run.gil !== undefined) parts.push(run.gil ? 'GIL on' : 'GIL off');
  return parts.join(' · ');
}

/** What was run, for titles: `print_numbers(3)`, `lines 3–7`, or the program as written: `python seed.py a b`. */
export function targetTitle(target: Target): string {
  if (target.function) return `${target.function}(${target.args ?? ''})`;
  if (target.script) return ['python', target.file.split(/[\\/]/).pop(), ...target.script.argv].join(' ');
  return `lines ${target.snippet?.startLine}–${target.snippet?.endLine}`;
}
