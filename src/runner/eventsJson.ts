/**
 * A run's events as the JSON text `JSON.stringify(run.events)` would give (without its
 * brackets), written as bytes straight from the columns: no event object, no string per event.
 * Texts that need no escaping (printable ASCII without `"` or `\`) are copied as they are; any
 * other is JSON.stringify'd alone. Helpers take and return the write position: closures over a
 * changing position cost twice as much.
 */
import type { EventSource, RunEvents } from './eventStore';

const CHUNK = 1 << 20;
/** Room for every part of an event but its text. */
const EVENT_ROOM = 256;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const ascii = (s: string) => Buffer.from(s, 'latin1');
const T = ascii('{"t":');
const WORKER = ascii(',"worker":');
const PID = ascii(',"pid":');
const STDOUT = ascii(',"stream":"stdout","text":');
const STDERR = ascii(',"stream":"stderr","text":');
const LINE = ascii(',"line":');
const THREAD = ascii(',"thread":');
const APPROXIMATE = ascii(',"approximate":true}');
const NULL = ascii('null');

function put(out: Buffer, at: number, bytes: Buffer): number {
  for (let k = 0; k < bytes.length; k++) out[at + k] = bytes[k];
  return at + bytes.length;
}

/** A whole number as JSON; anything else (never expected) through JSON.stringify. */
function putInt(out: Buffer, at: number, n: number | null): number {
  if (n === null) return put(out, at, NULL);
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Number.isInteger(n))) return at + out.write(JSON.stringify(n), at, 'latin1');
  if (n < 10) {
    out[at] = 0x30 + n;
    return at + 1;
  }
  let digits = 1;
  for (let m = 10; m <= n; m *= 10) digits++;
  for (let k = at + digits - 1, m = n; k >= at; k--) {
    const q = Math.floor(m / 10);
    out[k] = 0x30 + (m - q * 10);
    m = q;
  }
  return at + digits;
}

/** Bytes event `i`'s text needs as JSON when it is plain (copied as is), or -1 when it needs escaping. */
function plainSize(s: EventSource, i: number): number {
  const pool = s.pool;
  const end = s.textEnd[i];
  const start = s.textStart(i);
  for (let k = start; k < end; k++) {
    const b = pool[k];
    if (b < 0x20 || b > 0x7e || b === QUOTE || b === BACKSLASH) return -1;
  }
  return end - start + 2;
}

/** Chunks of about 1 MB (each a new Buffer: the caller may keep them). */
export function* eventsJson(events: RunEvents): Generator<Buffer> {
  let out = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  const { sources, source, index, t0, pids } = events;
  // what stays the same for a source's events: `,"worker":…,"pid":…,"stream":"…","text":`
  const middle = sources.map((s) => [STDOUT, STDERR].map((stream) => Buffer.concat([WORKER, ascii(String(s.worker)), PID, ascii(JSON.stringify(pids[s.worker] ?? null)), stream])));
  for (let k = 0; k < index.length; k++) {
    const s = sources[source[k]];
    const i = index[k];
    const plain = plainSize(s, i);
    const json = plain < 0 ? JSON.stringify(s.pool.toString('utf8', s.textStart(i), s.textEnd[i])) : '';
    const room = EVENT_ROOM + (plain < 0 ? Buffer.byteLength(json) : plain);
    if (at + room > out.length) {
      yield out.subarray(0, at);
      out = Buffer.allocUnsafe(Math.max(CHUNK, room));
      at = 0;
    }
    if (k > 0) out[at++] = 0x2c;
    at = put(out, at, T);
    at = putInt(out, at, s.t[i] - t0);
    const flags = s.flags[i];
    at = put(out, at, middle[source[k]][(flags & 3) === 2 ? 1 : 0]);
    if (plain < 0) {
      at += out.write(json, at, 'utf8');
    } else {
      const pool = s.pool;
      out[at++] = QUOTE;
      for (let p = s.textStart(i), end = s.textEnd[i]; p < end; p++) out[at++] = pool[p];
      out[at++] = QUOTE;
    }
    at = put(out, at, LINE);
    at = putInt(out, at, s.line[i] || null);
    if (s.thread[i]) {
      at = put(out, at, THREAD);
      at = putInt(out, at, s.thread[i]);
    }
    if (flags & 4) at = put(out, at, APPROXIMATE);
    else out[at++] = 0x7d;
  }
  if (at) yield out.subarray(0, at);
}
