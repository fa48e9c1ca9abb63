/**
 * Two traces side by side ("Compare with Trace…"): per model present in both (per variant: GIL on
 * and off, compared interpreters apart), the two runs' orders with their first divergence in
 * words, as the diff of two repetitions says it; a note when the traces are of different code;
 * and the reading of a trace file, with what is wrong with it in one line. Pure: the host reads,
 * the panel draws.
 */
import { laneLabel, runTitle } from './labels';
import { divergenceText, firstDivergence } from './orderDiff';
import { variantOf } from './repetitions';
import { TRACE_SCHEMA, type Run, type Target, type Trace } from './trace';

/** A trace read from a file, or what is wrong with it (one line, ending in what to do). */
export type ReadTrace = { trace: Trace; problem?: undefined } | { trace?: undefined; problem: string };

const PICK = 'pick a trace written by `interleave run … --json` or the panel\'s Export…';

/** `text`: the file's content; `name`: how to call it in the message (its file name). */
export function readTraceText(text: string, name: string): ReadTrace {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { problem: `${name} is not JSON (${(e as Error).message}): ${PICK}.` };
  }
  const schema = typeof doc === 'object' && doc !== null ? (doc as { schema?: unknown }).schema : undefined;
  if (schema !== TRACE_SCHEMA) return { problem: `${name} is not an Interleave trace (schema ${JSON.stringify(schema ?? null)}, not "${TRACE_SCHEMA}"): ${PICK}.` };
  const trace = doc as Trace;
  const runs: unknown = trace.runs;
  if (!Array.isArray(runs) || runs.some((r: Run) => typeof r !== 'object' || r === null || typeof r.model !== 'string' || !Array.isArray(r.events) || typeof r.workers !== 'number')) {
    return { problem: `${name} is an Interleave trace without its runs' events (cut short, or edited): ${PICK}.` };
  }
  if (typeof trace.target?.file !== 'string') return { problem: `${name} has no target (the file it traced): ${PICK}.` };
  return { trace };
}

/** One run's order as the comparison reads it. */
export interface ComparedRun {
  run: Pick<Run, 'model' | 'workers' | 'startMethod' | 'gil' | 'python'>;
  /** Its events' workers in global order. */
  workers: ArrayLike<number>;
  textAt(i: number): string;
}

/** One side: its name in sentences, what it traced, and its runs (the first of each variant is compared). */
export interface ComparedTrace {
  name: string;
  target: Target;
  runs: readonly ComparedRun[];
}

/** A model in both traces: its two orders and how they differ. */
export interface ModelComparison {
  title: string;
  /** The first trace's order, and the second's (workers in global order). */
  orders: [number[], number[]];
  /** The first event where they differ; -1: the same order. */
  at: number;
  sentence: string;
}

export interface TraceComparison {
  /** Set when the traces are of different code: which each traced. */
  note: string | null;
  models: ModelComparison[];
  /** The models only one of them ran, in words ("process: only in the trace shown"). */
  unmatched: string[];
}

/** Compares the first run of each variant in `a` with the same variant's first run in `b`. */
export function compareTraces(a: ComparedTrace, b: ComparedTrace): TraceComparison {
  const firstOf = (t: ComparedTrace) => {
    const byVariant = new Map<string, ComparedRun>();
    for (const r of t.runs) if (!byVariant.has(variantOf(r.run))) byVariant.set(variantOf(r.run), r);
    return byVariant;
  };
  const [inA, inB] = [firstOf(a), firstOf(b)];
  const models: ModelComparison[] = [];
  for (const [variant, ra] of inA) {
    const rb = inB.get(variant);
    if (!rb) continue;
    const label = (w: number) => laneLabel(ra.run.model, { worker: w });
    const side = (t: ComparedTrace, r: ComparedRun) => ({ repetition: 0, workers: r.workers, textAt: (i: number) => r.textAt(i), name: t.name });
    const orders: [number[], number[]] = [Array.from(ra.workers), Array.from(rb.workers)];
    models.push({ title: runTitle(ra.run), orders, at: firstDivergence(orders[0], orders[1]), sentence: divergenceText(side(a, ra), side(b, rb), label) });
  }
  const only = (mine: Map<string, ComparedRun>, theirs: Map<string, ComparedRun>, name: string) =>
    [...mine].filter(([v]) => !theirs.has(v)).map(([, r]) => `${runTitle(r.run)}: only in ${name}`);
  return { note: targetNote(a, b), models, unmatched: [...only(inA, inB, a.name), ...only(inB, inA, b.name)] };
}

/** "unsafe.json traced add_safely in lost_update.py; the trace shown, add_unsafely in lost_update.py", or null when they traced the same. */
function targetNote(a: ComparedTrace, b: ComparedTrace): string | null {
  const what = (t: Target) => `${t.function ?? (t.snippet ? `lines ${t.snippet.startLine}–${t.snippet.endLine}` : 'the script')} in ${t.file.split(/[\\/]/).pop()}`;
  if (what(a.target) === what(b.target)) return null;
  return `${b.name} traced ${what(b.target)}; ${a.name}, ${what(a.target)}: different code, so their orders may differ for that alone.`;
}
