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

