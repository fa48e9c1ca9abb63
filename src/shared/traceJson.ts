/**
 * A trace as JSON in pieces: the same document as JSON.stringify(trace), written a slice of
 * events at a time — a million events never become one 80 MB string (and its UTF-8 copy).
 */
import type { Trace } from './trace';

const SLICE = 20_000;

export function* traceJsonChunks(trace: Trace): Generator<string> {
  const { runs, ...head } = trace;
  const top = JSON.stringify(head);
  yield `${top.slice(0, -1)}${top.length > 2 ? ',' : ''}"runs":[`;
  for (let r = 0; r < runs.length; r++) {
    const { events, ...rest } = runs[r];
    const run = JSON.stringify(rest);
    yield `${r ? ',' : ''}${run.slice(0, -1)}${run.length > 2 ? ',' : ''}"events":[`;
    for (let i = 0; i < events.length; i += SLICE) {
      const part = JSON.stringify(events.slice(i, i + SLICE));
      yield `${i ? ',' : ''}${part.slice(1, -1)}`;
    }
    yield ']}';
  }
  yield ']}';
}
