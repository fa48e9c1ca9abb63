/**
 * A run's output events as the runner keeps them: per source (a worker's event file, or its side
 * file of output read below Python) growable typed columns and one pool of UTF-8 text bytes,
 * filled straight from the records (no object, no string per event), then put in global order
 * once. Event objects are made only when someone asks (live batches, `toEvents`); the trace
 * file is written from the bytes (traceJson's `eventsJson`).
 */
import { APPROXIMATE, FileTable, MAX_THREAD, type EventColumns } from '../shared/columns';
import { switchesIn, type EventCounts } from '../shared/summary';
import type { OutputEvent } from '../shared/trace';

const STDERR = 2;
/**
 * In a `script` run, a line of another file of the program is recorded as line | index << 20
 * (python/interleave_recorder.py's LINE_BITS): below FILE_UNIT, a line of the traced file.
 */
export const FILE_UNIT = 1 << 20;

/** The events of one source, in the order they were recorded (times absolute, ns). */
export class EventSource {
  count = 0;
  t = new Float64Array(1024);
  line = new Int32Array(1024);
  /** 1 stdout | 2 stderr, + APPROXIMATE (read below Python, or written with os.write). */
  flags = new Uint8Array(1024);
  thread = new Uint32Array(1024);
  /** End of each event's text in `pool` (it starts where the previous one ends). */
  textEnd = new Float64Array(1024);
  pool = Buffer.allocUnsafe(1 << 16);
  poolUsed = 0;
  /** False once an event was earlier than the one before (a line written in pieces keeps its first piece's time). */
  inOrder = true;
  /** `script` runs: the program's other files by index, as its process declared them (filled as the run goes on). */
  files: ReadonlyMap<number, string> | null = null;

  constructor(readonly worker: number, readonly approximate: boolean) {}

  push(ns: number, stream: 1 | 2, line: number | null, buf: Buffer, start: number, end: number, thread: number, below: boolean): void {
    const i = this.count;
    if (i === this.t.length) this.growColumns();
    const size = end - start;
    if (this.poolUsed + size > this.pool.length) this.growPool(size);
    if (size < 48) {
      const pool = this.pool; // a byte loop beats Buffer.copy's call for short lines
      for (let k = 0, at = this.poolUsed; k < size; k++) pool[at + k] = buf[start + k];
    } else {
      buf.copy(this.pool, this.poolUsed, start, end);
    }
    this.poolUsed += size;
    if (i > 0 && ns < this.t[i - 1]) this.inOrder = false;
    this.t[i] = ns;
    this.line[i] = line ?? 0;
    this.flags[i] = stream | (below || this.approximate ? APPROXIMATE : 0);
    this.thread[i] = thread;
    this.textEnd[i] = this.poolUsed;
    this.count = i + 1;
  }

  /** The file of event `i`'s line when it is another file of the program (its index's path, else "unknown"). */
  fileOf(i: number): string {
    return this.files?.get(Math.floor(this.line[i] / FILE_UNIT)) ?? 'unknown';
  }

  textStart(i: number): number {
    return i === 0 ? 0 : this.textEnd[i - 1];
  }

  /** Event `i` as the trace has it (`t` relative to `t0`). */
  event(i: number, t0: number, pid: number | null): OutputEvent {
    const flags = this.flags[i];
    const event: OutputEvent = {
      t: this.t[i] - t0,
      worker: this.worker,
      pid,
      stream: (flags & 3) === STDERR ? 'stderr' : 'stdout',
      text: this.pool.toString('utf8', this.textStart(i), this.textEnd[i]),
      line: this.line[i] || null,
    };
    if (this.line[i] >= FILE_UNIT) {
      event.line = this.line[i] % FILE_UNIT || null;
      event.file = this.fileOf(i);
    }
    if (this.thread[i]) event.thread = this.thread[i];
    if (flags & APPROXIMATE) event.approximate = true;
    return event;
  }

  /** Its indexes by time (stable): itself unless something came out of order. */
  order(): Uint32Array {
    const order = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (!this.inOrder) order.sort((a, b) => this.t[a] - this.t[b] || a - b);
    return order;
  }

  private growColumns(): void {
    const n = this.t.length * 2;
    const grow = <A extends Float64Array | Int32Array | Uint8Array | Uint32Array>(a: A, make: new (n: number) => A): A => {
      const b = new make(n);
      b.set(a);
      return b;
    };
    this.t = grow(this.t, Float64Array);
    this.line = grow(this.line, Int32Array);
    this.flags = grow(this.flags, Uint8Array);
    this.thread = grow(this.thread, Uint32Array);
    this.textEnd = grow(this.textEnd, Float64Array);
  }

  private growPool(need: number): void {
    let size = this.pool.length * 2;
    while (size < this.poolUsed + need) size *= 2;
    const pool = Buffer.allocUnsafe(size);
    this.pool.copy(pool, 0, 0, this.poolUsed);
    this.pool = pool;
  }
}

/** A run's events in global order: by time, ties by worker, then source order. */
export class RunEvents {
  /** Event k of the run is sources[source[k]]'s event index[k]. */
  readonly source: Uint16Array;
  readonly index: Uint32Array;

  constructor(
    readonly sources: readonly EventSource[],
    readonly t0: number,
    readonly pids: ReadonlyArray<number | null>,
  ) {
    const orders = sources.map((s) => s.order());
    const n = orders.reduce((sum, o) => sum + o.length, 0);
    this.source = new Uint16Array(n);
    this.index = new Uint32Array(n);
    const at = new Array<number>(sources.length).fill(0);
    for (let k = 0; k < n; k++) {
      let best = -1;
      let bestT = 0;
      for (let s = 0; s < sources.length; s++) {
        if (at[s] >= orders[s].length) continue;
        const t = sources[s].t[orders[s][at[s]]];
        if (best < 0 || t < bestT || (t === bestT && sources[s].worker < sources[best].worker)) {
          best = s;
          bestT = t;
        }
      }
      this.source[k] = best;
      this.index[k] = orders[best][at[best]++];
    }
  }

  get length(): number {
    return this.index.length;
  }

  worker(k: number): number {
    return this.sources[this.source[k]].worker;
  }

  event(k: number): OutputEvent {
    const s = this.sources[this.source[k]];
    return s.event(this.index[k], this.t0, this.pids[s.worker] ?? null);
  }

  toEvents(): OutputEvent[] {
    const out = new Array<OutputEvent>(this.length);
    for (let k = 0; k < out.length; k++) out[k] = this.event(k);
    return out;
  }

  /**
   * The columns the webview takes, straight from these (no event objects): the texts' bytes
   * gathered in order and decoded once when they are all ASCII, else one text at a time.
   */
  toColumns(): EventColumns {
    const n = this.length;
    const cols: EventColumns = { t: new Float64Array(n), worker: new Uint16Array(n), line: new Int32Array(n), stream: new Uint8Array(n), thread: new Uint8Array(n), textEnd: new Uint32Array(n), text: '' };
    let bytes = 0;
    for (const s of this.sources) bytes += s.poolUsed;
    const all = Buffer.allocUnsafe(bytes);
    let at = 0;
    let ascii = true;
    const files = new FileTable(n);
    for (let k = 0; k < n; k++) {
      const s = this.sources[this.source[k]];
      const i = this.index[k];
      cols.t[k] = s.t[i] - this.t0;
      cols.worker[k] = s.worker;
      cols.line[k] = s.line[i] % FILE_UNIT;
      if (s.line[i] >= FILE_UNIT) files.set(k, s.fileOf(i)); // a line of another file of the program
      cols.stream[k] = s.flags[i];
      cols.thread[k] = Math.min(s.thread[i], MAX_THREAD);
      const pool = s.pool;
      for (let p = s.textStart(i), end = s.textEnd[i]; p < end; p++) {
        const b = pool[p];
        if (b > 0x7f) ascii = false;
        all[at++] = b;
      }
      cols.textEnd[k] = at;
    }
    const column = files.column();
    if (column) cols.files = column;
    if (ascii) {
      cols.text = all.toString('latin1', 0, at);
      return cols;
    }
    // UTF-16 offsets differ from byte offsets: decode each text on its own (as event() does)
    const texts = new Array<string>(n);
    let end = 0;
    for (let k = 0, from = 0; k < n; k++) {
      const to = cols.textEnd[k];
      texts[k] = all.toString('utf8', from, to);
      from = to;
      end += texts[k].length;
      cols.textEnd[k] = end;
    }
    cols.text = texts.join('');
    return cols;
  }

  /** What the run's figures need of its events: how many, and how often the worker changes. */
  counts(): EventCounts {
    return { events: this.length, switches: switchesIn(this.length, (k) => this.worker(k)) };
  }
}
