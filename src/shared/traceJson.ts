/**
 * A trace as JSON in pieces: the same document as JSON.stringify(trace), written a slice of
 * events at a time — a million events never become one 80 MB string (and its UTF-8 copy).
 */
import type { Run, Trace } from './trace';

const SLICE = 20_000;

/**
 * `eventsOf(r)` may give run r's events as JSON chunks (without brackets) from elsewhere than
 * `run.events` (the runner's columns: see runner/eventsJson).
 */
export function* traceJsonChunks(trace: Trace, eventsOf?: (run: number) => Iterable<string | Uint8Array> | undefined): Generator<string | Uint8Array> {
  const { runs } = trace;
  yield traceOpening(trace);
  for (let r = 0; r < runs.length; r++) {
    yield runOpening(trace, r);
    const given = eventsOf?.(r);
    if (given) {
      yield* given;
      yield runClosing(runs[r]);
      continue;
    }
    const { events } = runs[r];
    for (let i = 0; i < events.length; i += SLICE) {
      const part = JSON.stringify(events.slice(i, i + SLICE));
      yield `${i ? ',' : ''}${part.slice(1, -1)}`;
    }
    yield runClosing(runs[r]);
  }
  yield traceClosing(trace);
}

/** The document up to its first run: `{…,"runs":[`. */
export function traceOpening(trace: Trace): string {
  const { runs: _runs, orders: _orders, endings: _endings, ...head } = trace;
  const top = JSON.stringify(head);
  return `${top.slice(0, -1)}${top.length > 2 ? ',' : ''}"runs":[`;
}

/** The document after its last run: `]}`, or `],"orders":[…],"endings":[…]}` (a repeating trace's, known only then). */
export function traceClosing(trace: Trace): string {
  const orders = trace.orders ? `,"orders":${JSON.stringify(trace.orders)}` : '';
  const endings = trace.endings ? `,"endings":${JSON.stringify(trace.endings)}` : '';
  return `]${orders}${endings}}`;
}

/**
 * Run r up to its events: `,{…,"events":[` (no comma before the first run). Its thread states
 * follow the events instead (runClosing): the head stays small enough for the trace file's gap.
 */
export function runOpening(trace: Trace, r: number): string {
  const { events: _events, states: _states, ...rest } = trace.runs[r];
  const run = JSON.stringify(rest);
  return `${r ? ',' : ''}${run.slice(0, -1)}${run.length > 2 ? ',' : ''}"events":[`;
}

/** A run after its events: `]}`, or `],"states":[…]}`. */
export function runClosing(run: Run): string {
  return run.states ? `],"states":${JSON.stringify(run.states)}}` : ']}';
}
