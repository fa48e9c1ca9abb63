/**
 * A trace as JSON in pieces: the same document as JSON.stringify(trace), written a slice of
 * events at a time — a million events never become one 80 MB string (and its UTF-8 copy).
 */
import type { Trace } from './trace';

const SLICE = 20_000;

/**
 * `eventsOf(r)` may give run r's events as JSON chunks (without brackets) from elsewhere than
 * `run.events` (the runner's columns: see runner/eventsJson).
 */
export function* traceJsonChunks(trace: Trace, eventsOf?: (run: number) => Iterable<string | Uint8Array> | undefined): Generator<string | Uint8Array> {
  const { runs, ...head } = trace;
  const top = JSON.stringify(head);
  yield `${top.slice(0, -1)}${top.length > 2 ? ',' : ''}"runs":[`;
  for (let r = 0; r < runs.length; r++) {
    const { events, ...rest } = runs[r];
    const run = JSON.stringify(rest);
    yield `${r ? ',' : ''}${run.slice(0, -1)}${run.length > 2 ? ',' : ''}"events":[`;
    const given = eventsOf?.(r);
    if (given) {
      yield* given;
      yield ']}';
      continue;
    }
    for (let i = 0; i < events.length; i += SLICE) {
      const part = JSON.stringify(events.slice(i, i + SLICE));
      yield `${i ? ',' : ''}${part.slice(1, -1)}`;
    }
    yield ']}';
  }
  yield ']}';
}
