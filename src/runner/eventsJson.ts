/**
 * A run's events as the JSON text `JSON.stringify(run.events)` would give (without its
 * brackets), written as bytes straight from the columns: no event object, no string per event.
 * Texts that need no escaping (printable ASCII without `"` or `\`) are copied as they are; any
 * other is JSON.stringify'd alone. Helpers take and return the write position: closures over a
 * changing position cost twice as much.
 *
 * The runner may encode each source's events while the run goes on (`encodeNew`, on the core
 * Python leaves idle); the writer then copies whole stretches of them instead of encoding after
 * the run.
 */
import { FILE_UNIT, type EventSource, type RunEvents } from './eventStore';

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
const FILE = ascii(',"file":');
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

/** `,"worker":…,"pid":…,"stream":"…","text":` for stdout [0] and stderr [1]. */
function middles(worker: number, pid: number | null): Buffer[] {
  return [STDOUT, STDERR].map((stream) => Buffer.concat([WORKER, ascii(String(worker)), PID, ascii(JSON.stringify(pid)), stream]));
}

/** The bytes event `i`'s `"file"` takes (a `script` run's line in another file of the program), else 0. */
function fileRoom(s: EventSource, i: number): number {
  return s.line[i] >= FILE_UNIT ? FILE.length + Buffer.byteLength(JSON.stringify(s.fileOf(i))) : 0;
}

/** Event `i`'s text as JSON, for a text that needs escaping (plainSize < 0). */
function textJson(s: EventSource, i: number): string {
  return JSON.stringify(s.pool.toString('utf8', s.textStart(i), s.textEnd[i]));
}

/** Writes event `i` of `s` and a comma after it (`json`: its text when that needs escaping). */
function encodeEvent(out: Buffer, at: number, s: EventSource, i: number, t0: number, middle: Buffer[], json: string): number {
  at = put(out, at, T);
  at = putInt(out, at, s.t[i] - t0);
  const flags = s.flags[i];
  at = put(out, at, middle[(flags & 3) === 2 ? 1 : 0]);
  if (json) {
    at += out.write(json, at, 'utf8');
  } else {
    const pool = s.pool;
    out[at++] = QUOTE;
    for (let p = s.textStart(i), end = s.textEnd[i]; p < end; p++) out[at++] = pool[p];
    out[at++] = QUOTE;
  }
  at = put(out, at, LINE);
  if (s.line[i] >= FILE_UNIT) {
    at = putInt(out, at, s.line[i] % FILE_UNIT || null);
    at = put(out, at, FILE);
    at += out.write(JSON.stringify(s.fileOf(i)), at, 'utf8');
  } else {
    at = putInt(out, at, s.line[i] || null);
  }
  if (s.thread[i]) {
    at = put(out, at, THREAD);
    at = putInt(out, at, s.thread[i]);
  }
  if (flags & 4) at = put(out, at, APPROXIMATE);
  else out[at++] = 0x7d;
  out[at++] = 0x2c;
  return at;
}

/**
 * A source's events already encoded (each with its comma), for the `t0` and pid they were
 * encoded with: in blocks of about 1 MB that are never copied to grow (fresh memory is slow to
 * touch on these VMs, and a doubling buffer touches it twice); an event never spans two blocks.
 */
export class EncodedEvents {
  count = 0;
  readonly blocks: Buffer[] = [];
  /** Event i is in blocks[block[i]], ending at end[i] (it starts where event i - 1 ends, or at 0). */
  block = new Uint32Array(1024);
  end = new Uint32Array(1024);
  private used = 0;
  private readonly middle: Buffer[];

  constructor(readonly worker: number, readonly t0: number, readonly pid: number | null) {
    this.middle = middles(worker, pid);
  }

  start(i: number): number {
    return i === 0 || this.block[i - 1] !== this.block[i] ? 0 : this.end[i - 1];
  }

  /** Encodes the source's events it has not yet. */
  encodeNew(s: EventSource): void {
    let out = this.blocks.at(-1);
    for (let i = this.count; i < s.count; i++) {
      const plain = plainSize(s, i);
      const json = plain < 0 ? textJson(s, i) : '';
      const room = EVENT_ROOM + (plain < 0 ? Buffer.byteLength(json) : plain) + fileRoom(s, i);
      if (!out || this.used + room > out.length) {
        out = Buffer.allocUnsafe(Math.max(CHUNK, room));
        this.blocks.push(out);
        this.used = 0;
      }
      this.used = encodeEvent(out, this.used, s, i, this.t0, this.middle, json);
      if (i === this.end.length) {
        for (const key of ['block', 'end'] as const) {
          const bigger = new Uint32Array(this.end.length * 2);
          bigger.set(this[key]);
          this[key] = bigger;
        }
      }
      this.block[i] = this.blocks.length - 1;
      this.end[i] = this.used;
    }
    this.count = s.count;
  }
}

/** Stretches of encoded events at least this long go out as they are, shorter ones are copied. */
const AS_IS = 1 << 14;

/**
 * Events `from` on, each but the last with its comma: chunks of about 1 MB or whole encoded
 * stretches (each chunk a new Buffer or a view of an `EncodedEvents`: the caller may keep them
 * while the events live). `encoded[n]`: source n's events as JSON, encoded while the run went on
 * (copied instead of encoded again, where they were encoded for these times and pids).
 */
export function* eventsJson(events: RunEvents, from = 0, encoded: ReadonlyArray<EncodedEvents | undefined> = []): Generator<Buffer> {
  const { sources, source, index, t0, pids } = events;
  const middle = sources.map((s) => middles(s.worker, pids[s.worker] ?? null));
  // what was encoded during the run, where it was encoded for these times and pids
  const ready = sources.map((s, n) => {
    const e = encoded[n];
    return e && e.t0 === t0 && e.pid === (pids[s.worker] ?? null) && e.worker === s.worker ? e : undefined;
  });
  let out: Buffer = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  let held: Buffer | undefined; // the last chunk, held back: its final comma goes
  const emit = function* (chunk: Buffer) {
    if (held) yield held;
    held = chunk;
  };
  for (let k = from; k < index.length; ) {
    const n = source[k];
    const s = sources[n];
    const i = index[k];
    const e = ready[n];
    if (e && i < e.count) {
      // a stretch of this source's events in their own order, in one block: one copy (or none)
      let last = k;
      while (last + 1 < index.length && source[last + 1] === n && index[last + 1] === index[last] + 1 && index[last + 1] < e.count && e.block[index[last + 1]] === e.block[i]) last++;
      const bytes = e.blocks[e.block[i]].subarray(e.start(i), e.end[index[last]]);
      if (bytes.length >= AS_IS) {
        if (at) {
          yield* emit(out.subarray(0, at));
          out = Buffer.allocUnsafe(CHUNK);
          at = 0;
        }
        yield* emit(bytes);
      } else {
        if (at + bytes.length > out.length) {
          yield* emit(out.subarray(0, at));
          out = Buffer.allocUnsafe(CHUNK);
          at = 0;
        }
        bytes.copy(out, at);
        at += bytes.length;
      }
      k = last + 1;
      continue;
    }
    const plain = plainSize(s, i);
    const json = plain < 0 ? textJson(s, i) : '';
    const room = EVENT_ROOM + (plain < 0 ? Buffer.byteLength(json) : plain) + fileRoom(s, i);
    if (at + room > out.length) {
      yield* emit(out.subarray(0, at));
      out = Buffer.allocUnsafe(Math.max(CHUNK, room));
      at = 0;
    }
    at = encodeEvent(out, at, s, i, t0, middle[n], json);
    k++;
  }
  if (at) yield* emit(out.subarray(0, at));
  if (held) yield held.subarray(0, held.length - 1); // no comma after the last event
}
