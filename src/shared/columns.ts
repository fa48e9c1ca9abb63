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
  /** `script` runs with lines in other files of the program; absent: every line is the traced file's. */
  files?: FileColumn;
}

/** The file of each event's line: 0 the traced file, k `paths[k - 1]` (another file of the program). */
export interface FileColumn {
  index: Uint16Array;
  paths: string[];
}

/** Builds a FileColumn as events come: each other file once, by its path. */
export class FileTable {
  private readonly indexOf = new Map<string, number>();
  readonly paths: string[] = [];
  index: Uint16Array | null = null;

  constructor(private readonly n: number) {}

  /** Event `i`'s line is in `file` (undefined: the traced file's). */
  set(i: number, file: string | undefined): void {
    if (file === undefined) return;
    let k = this.indexOf.get(file);
    if (k === undefined) {
      this.paths.push(file);
      k = Math.min(this.paths.length, 0xffff); // beyond 65,535 other files: they share the last (never seen)
      this.indexOf.set(file, k);
    }
    (this.index ??= new Uint16Array(this.n))[i] = k;
  }

  column(): FileColumn | undefined {
    return this.index ? { index: this.index, paths: this.paths } : undefined;
  }
}

/** The other file event `i`'s line is in; undefined: the traced file (or no line). */
export function fileAt(cols: EventColumns, i: number): string | undefined {
  const k = cols.files?.index[i] ?? 0;
  return k ? cols.files!.paths[k - 1] : undefined;
}

/** The index `file` has in these columns (null: the traced file, 0); -1 when no event is in it. */
export function fileIndexIn(cols: EventColumns, file: string | null): number {
  if (file === null) return 0;
  const k = cols.files?.paths.indexOf(file) ?? -1;
  return k < 0 ? -1 : k + 1;
}

/** Whether event `i` was written by line `line` of the file at `fileIndex` (fileIndexIn's). */
export function isAtLine(cols: EventColumns, i: number, line: number, fileIndex: number): boolean {
  return cols.line[i] === line && (cols.files?.index[i] ?? 0) === fileIndex;
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
  const files = new FileTable(n);
  let end = 0;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    files.set(i, e.file);
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
  const column = files.column();
  if (column) cols.files = column;
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
  const file = fileAt(cols, i);
  if (file !== undefined) event.file = file;
  if (cols.stream[i] & APPROXIMATE) event.approximate = true;
  return event;
}


/** Several runs of columns as one, in the order given. */
export function concatColumns(chunks: readonly EventColumns[]): EventColumns {
  const n = chunks.reduce((sum, c) => sum + c.t.length, 0);
  const out: EventColumns = { t: new Float64Array(n), worker: new Uint16Array(n), line: new Int32Array(n), stream: new Uint8Array(n), thread: new Uint8Array(n), textEnd: new Uint32Array(n), text: '' };
  let at = 0;
  let textBase = 0;
  const files = new FileTable(n);
  for (const c of chunks) {
    if (c.files) for (let i = 0; i < c.t.length; i++) files.set(at + i, fileAt(c, i));
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
  const column = files.column();
  if (column) out.files = column;
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
  if (cols.files) out.files = { index: Uint16Array.from(order, (from) => cols.files!.index[from]), paths: cols.files.paths };
  return out;
}
