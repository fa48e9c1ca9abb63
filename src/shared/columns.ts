/**
 * A run's events as typed columns plus one text table: what travels to the webview and what it
 * keeps in memory (≈ 19 B per event + the text, against ≈ 125 B for OutputEvent objects).
 */
import type { OutputEvent, Run, WorkerInfo } from './trace';

export interface EventColumns {
  /** ns since the run's start, in the run's global order. */
  t: Float64Array;
  worker: Uint16Array;
  /** Source line; 0 when no frame of the user's file was on the stack. */
  line: Int32Array;
  /** 1 stdout, 2 stderr; plus APPROXIMATE when the line was read below Python. */
  stream: Uint8Array;
  /** 0: the worker's own thread; n: thread n that the worker started (a sub-lane). */
  thread: Uint8Array;
  /** End offset in `text` of each event's text (its start is the previous end). */
  textEnd: Uint32Array;
  text: string;
}

export const APPROXIMATE = 4;
/** Sub-lanes beyond this share the last one. */
export const MAX_THREAD = 255;

/** A run without its events (they are in the columns). */
export type RunMeta = Omit<Run, 'events'> & { eventCount: number };

export function toColumns(events: readonly OutputEvent[]): EventColumns {
  const n = events.length;
  const cols: EventColumns = {
    t: new Float64Array(n),
    worker: new Uint16Array(n),
    line: new Int32Array(n),
    stream: new Uint8Array(n),
    thread: new Uint8Array(n),
    textEnd: new Uint32Array(n),
    text: '',
  };
  const texts: string[] = new Array(n);
  let end = 0;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    cols.t[i] = e.t;
    cols.worker[i] = e.worker;
    cols.line[i] = e.line ?? 0;
    cols.stream[i] = (e.stream === 'stderr' ? 2 : 1) | (e.approximate ? APPROXIMATE : 0);
    cols.thread[i] = Math.min(e.thread ?? 0, MAX_THREAD);
    texts[i] = e.text;
    end += e.text.length;
    cols.textEnd[i] = end;
  }
  cols.text = texts.join('');
  return cols;
}

export function runMeta(run: Run): RunMeta {
  const { events, ...rest } = run;
  return { ...rest, eventCount: events.length };
}

export function textAt(cols: EventColumns, i: number): string {
  return cols.text.slice(i === 0 ? 0 : cols.textEnd[i - 1], cols.textEnd[i]);
}

/** Event `i` as an object, built on demand (hover, the visible rows of the list). */
export function eventAt(cols: EventColumns, workerInfo: readonly WorkerInfo[], i: number): OutputEvent {
  const worker = cols.worker[i];
  const event: OutputEvent = {
    t: cols.t[i],
    worker,
    pid: workerInfo.find((w) => w.worker === worker)?.pid ?? null,
    stream: (cols.stream[i] & 3) === 2 ? 'stderr' : 'stdout',
    text: textAt(cols, i),
    line: cols.line[i] || null,
  };
  if (cols.thread[i]) event.thread = cols.thread[i];
  if (cols.stream[i] & APPROXIMATE) event.approximate = true;
  return event;
}


/** Several runs of columns as one, in the order given. */
export function concatColumns(chunks: readonly EventColumns[]): EventColumns {
  const n = chunks.reduce((sum, c) => sum + c.t.length, 0);
  const out: EventColumns = { t: new Float64Array(n), worker: new Uint16Array(n), line: new Int32Array(n), stream: new Uint8Array(n), thread: new Uint8Array(n), textEnd: new Uint32Array(n), text: '' };
  let at = 0;
  let textBase = 0;
  for (const c of chunks) {
    out.t.set(c.t, at);
    out.worker.set(c.worker, at);
    out.line.set(c.line, at);
    out.stream.set(c.stream, at);
    out.thread.set(c.thread, at);
    for (let i = 0; i < c.t.length; i++) out.textEnd[at + i] = c.textEnd[i] + textBase;
    at += c.t.length;
    textBase += c.text.length;
  }
  out.text = chunks.map((c) => c.text).join('');
  return out;
}

/** The columns in global order: by time, ties by worker (a stable sort). */
export function sortColumns(cols: EventColumns): EventColumns {
  const n = cols.t.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => cols.t[a] - cols.t[b] || cols.worker[a] - cols.worker[b] || a - b);
  const out: EventColumns = { t: new Float64Array(n), worker: new Uint16Array(n), line: new Int32Array(n), stream: new Uint8Array(n), thread: new Uint8Array(n), textEnd: new Uint32Array(n), text: '' };
  const texts: string[] = new Array(n);
  let end = 0;
  order.forEach((from, i) => {
    out.t[i] = cols.t[from];
    out.worker[i] = cols.worker[from];
    out.line[i] = cols.line[from];
    out.stream[i] = cols.stream[from];
    out.thread[i] = cols.thread[from];
    texts[i] = textAt(cols, from);
    end += texts[i].length;
    out.textEnd[i] = end;
  });
  out.text = texts.join('');
  return out;
}
