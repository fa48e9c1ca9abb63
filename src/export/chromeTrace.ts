/**
 * A trace in Chrome's Trace Event Format — the JSON that Perfetto (ui.perfetto.dev) and
 * chrome://tracing open: a process per run, a thread track per worker and per helper thread that
 * wrote output, the worker's life as complete (`X`) spans, each output line as a thread-scoped
 * instant (`i`), and metadata (`M`) naming and ordering them. Pure: no file, no vscode.
 *
 * Every run starts at 0 in its own process, as in the panel. The trace holds each run's times
 * from its own start, not the time between runs: laying the runs end to end would draw gaps that
 * were never measured, and runs that start together compare at a glance (Perfetto pins and
 * collapses processes, so they need not share a stretch of the axis to be read apart).
 *
 * Each kind of event has its own function over a run (`RUN_EVENTS`): thread states (DESIGN.md,
 * "Trace additions") become one more, `X` spans per worker track nested in its life span.
 */
import { toColumns, textAt, fileAt, APPROXIMATE, type EventColumns } from '../shared/columns';
import { helperThreadName, laneLabel, runTitle } from '../shared/labels';
import type { TraceInterpreters } from '../shared/interpreters';
import { inChildProcesses, type Run, type Target, type Trace, type WorkerInfo } from '../shared/trace';
import { lifeSegments, type LifePhase } from '../shared/workerLife';

/** Values an event's `args` may hold (shown in the viewer's details pane). */
export type ChromeArgs = Record<string, string | number | boolean | null>;

/** One Trace Event Format event: `ts` and `dur` in microseconds (fractions keep the ns). */
export interface ChromeEvent {
  name: string;
  cat?: string;
  ph: 'M' | 'X' | 'i';
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Instants: `t`, on their thread's track only. */
  s?: 't';
  args?: ChromeArgs;
}

/** A track: one worker's own thread, or a thread it started (`thread` > 0). */
interface Track {
  tid: number;
  worker: number;
  thread: number;
  name: string;
  info: WorkerInfo | null;
}

/** What each kind of event is made from: one run, its process and tracks. */
interface RunContext {
  run: Run;
  index: number;
  pid: number;
  cols: EventColumns;
  tracks: Track[];
  target: Target;
  /** The trace's interpreter and runs: a run's name says its interpreter when several ran. */
  interpreters: TraceInterpreters;
}

/** The names of long lines are cut (the whole text is in `args.text`). */
const NAME_MAX = 80;
/** Events per chunk of text. */
const SLICE = 10_000;

const micros = (ns: number) => ns / 1000;
const trackKey = (worker: number, thread: number) => worker * 256 + thread;

/** Tracks of a run: each worker (its own thread, then those it started that wrote), tids from `firstTid`. */
function runTracks(run: Run, cols: EventColumns, firstTid: number): Track[] {
  const keys = new Set<number>();
  const workers = run.unavailable ? 0 : run.workers; // a model this Python cannot run has no tracks
  for (let w = 0; w < workers; w++) keys.add(trackKey(w, 0));
  for (const w of run.workerInfo) keys.add(trackKey(w.worker, 0));
  for (let i = 0; i < cols.t.length; i++) keys.add(trackKey(cols.worker[i], cols.thread[i]));
  return [...keys].sort((a, b) => a - b).map((key, i) => {
    const worker = Math.floor(key / 256);
    const thread = key % 256;
    const info = run.workerInfo.find((w) => w.worker === worker) ?? null;
    // the panel's lane name, with the pid of a worker that is a process of its own ("Process 2 · pid 4242")
    const own = `${laneLabel(run.model, info ?? { worker })}${inChildProcesses(run.model) && info?.pid ? ` · pid ${info.pid}` : ''}`;
    return { tid: firstTid + i, worker, thread, name: thread ? `${own} ↳ ${helperThreadName(info, thread)}` : own, info: thread ? null : info };
  });
}

const metadata = (name: string, pid: number, tid: number, args: ChromeArgs): ChromeEvent => ({ name, ph: 'M', pid, tid, ts: 0, args });

/** The run as a process: its name ("Threads × 2"), kept in the trace's order. */
function* processMetadata(c: RunContext): Iterable<ChromeEvent> {
  const notes = [c.run.unavailable && 'not available', c.run.stopped && `stopped: ${c.run.stopped}`, c.run.truncated && 'truncated'].filter(Boolean);
  const name = `${runTitle(c.run, c.interpreters)}${notes.length ? ` · ${notes.join(', ')}` : ''}`;
  yield metadata('process_name', c.pid, c.pid, { name });
  yield metadata('process_sort_index', c.pid, c.pid, { sort_index: c.index });
}

/** Each track's name ("Thread 1", "Process 2 · pid 4242") and place (workers in order, helpers under theirs). */
function* trackMetadata(c: RunContext): Iterable<ChromeEvent> {
  for (const [i, track] of c.tracks.entries()) {
    yield metadata('thread_name', c.pid, track.tid, { name: track.name });
    yield metadata('thread_sort_index', c.pid, track.tid, { sort_index: i });
  }
}

function workerArgs(info: WorkerInfo): ChromeArgs {
  const args: ChromeArgs = { worker: info.worker, pid: info.pid, status: info.status, cpuNs: info.cpuNs };
  if (info.exitCode !== undefined) args.exitCode = info.exitCode;
  if (info.signal !== undefined) args.signal = info.signal;
  if (info.error) args.error = `${info.error.type}: ${info.error.message}`;
  return args;
}

function phaseName(phase: LifePhase, target: Target): string {
  if (phase === 'startup') return 'start-up';
  if (phase === 'join') return 'waiting to be joined';
  if (target.function) return `${target.function}()`;
  return target.snippet ? `lines ${target.snippet.startLine}–${target.snippet.endLine}` : 'running';
}

/** Each worker's life — start-up, its body (named after the target), waiting to be joined — with its status. */
function* lifeSpans(c: RunContext): Iterable<ChromeEvent> {
  for (const track of c.tracks) {
    if (!track.info) continue;
    const args = workerArgs(track.info);
    for (const seg of lifeSegments(track.info, c.run.wallNs)) {
      // dur from the ns difference: a difference of two µs fractions would not be exact
      yield { name: phaseName(seg.phase, c.target), cat: 'worker', ph: 'X', pid: c.pid, tid: track.tid, ts: micros(seg.t0), dur: micros(Math.max(0, seg.t1 - seg.t0)), args };
    }
  }
}

/** An output line's instant is named by its text (cut when long; the whole text is in args). */
function instantName(text: string): string {
  return text === '' ? '(empty line)' : text.length > NAME_MAX ? `${text.slice(0, NAME_MAX - 1)}…` : text;
}

/** The track of each output line: its tid by worker and helper thread. */
function instantTids(c: RunContext): (i: number) => number {
  const tidOf = new Map(c.tracks.map((t) => [trackKey(t.worker, t.thread), t.tid]));
  return (i) => tidOf.get(trackKey(c.cols.worker[i], c.cols.thread[i]))!;
}

const streamAt = (cols: EventColumns, i: number) => ((cols.stream[i] & 3) === 2 ? 'stderr' : 'stdout');

/** Each output line as an instant on its writer's track: its text, stream, line (and whether it is approximate) in args. */
function* outputInstants(c: RunContext): Iterable<ChromeEvent> {
  const { cols } = c;
  const tidAt = instantTids(c);
  for (let i = 0; i < cols.t.length; i++) {
    const text = textAt(cols, i);
    const stream = streamAt(cols, i);
    const args: ChromeArgs = { text, stream, line: cols.line[i] || null };
    const file = fileAt(cols, i);
    if (file !== undefined) args.file = file; // a line of another file of the program
    if (cols.stream[i] & APPROXIMATE) args.approximate = true;
    yield { name: instantName(text), cat: stream, ph: 'i', s: 't', pid: c.pid, tid: tidAt(i), ts: micros(cols.t[i]), args };
  }
}

/**
 * `ns` / 1000 as JSON, from the integer's digits: the same text as JSON.stringify gives (the
 * exact decimal: below 2^53 ns it has few enough digits), at a fraction of the cost of printing
 * a double — it counts at a million events.
 */
function jsonNsAsMicros(ns: number): string {
  if (!Number.isSafeInteger(ns) || ns < 0) return JSON.stringify(ns / 1000);
  const frac = ns % 1000;
  if (frac === 0) return String(ns / 1000);
  const digits = frac % 100 === 0 ? String(frac / 100) : frac % 10 === 0 ? String(100 + frac / 10).slice(1) : String(1000 + frac).slice(1);
  return `${(ns - frac) / 1000}.${digits}`;
}

/**
 * The same instants as JSON, a slice of events per text, written out in a plain loop: they are
 * most of a file, and objects through generators and JSON.stringify cost twice as much (a test
 * keeps the two equal).
 */
function* outputInstantsJson(c: RunContext): Iterable<string> {
  const { cols, pid } = c;
  const tidAt = instantTids(c);
  let batch: string[] = [];
  for (let i = 0; i < cols.t.length; i++) {
    const text = textAt(cols, i);
    const name = instantName(text);
    const quoted = JSON.stringify(name);
    const stream = streamAt(cols, i);
    const file = fileAt(cols, i);
    const more = `${file === undefined ? '' : `,"file":${JSON.stringify(file)}`}${cols.stream[i] & APPROXIMATE ? ',"approximate":true' : ''}`;
    const args = `{"text":${name === text ? quoted : JSON.stringify(text)},"stream":"${stream}","line":${cols.line[i] || null}${more}}`;
    batch.push(`{"name":${quoted},"cat":"${stream}","ph":"i","s":"t","pid":${pid},"tid":${tidAt(i)},"ts":${jsonNsAsMicros(cols.t[i])},"args":${args}}`);
    if (batch.length < SLICE) continue;
    yield batch.join(',');
    batch = [];
  }
  if (batch.length) yield batch.join(',');
}

/** A kind of event over a run: as objects, and as JSON texts when it has a faster way than JSON.stringify. */
interface EventKind {
  events(c: RunContext): Iterable<ChromeEvent>;
  /** Its events' JSON, comma-separated, in slices (none empty). */
  json?(c: RunContext): Iterable<string>;
}

/** The kinds of event of a run, in the order they are written. */
const RUN_EVENTS: readonly EventKind[] = [{ events: processMetadata }, { events: trackMetadata }, { events: lifeSpans }, { events: outputInstants, json: outputInstantsJson }];

/** A kind's JSON slices: its own, else its objects through JSON.stringify. */
function* kindJson(kind: EventKind, c: RunContext): Iterable<string> {
  if (kind.json) {
    yield* kind.json(c);
    return;
  }
  let batch: string[] = [];
  for (const event of kind.events(c)) {
    batch.push(JSON.stringify(event));
    if (batch.length < SLICE) continue;
    yield batch.join(',');
    batch = [];
  }
  if (batch.length) yield batch.join(',');
}

/** Each run with its process and tracks. */
function* runContexts(trace: Trace, columnsOf: (run: number) => EventColumns): Generator<RunContext> {
  // Synthetic ids: pid r + 1 for run r; tids above every pid and unique across runs, so that no
  // viewer takes a worker for another run's main thread or merges two runs' workers.
  let nextTid = trace.runs.length + 1;
  for (const [index, run] of trace.runs.entries()) {
    const cols = columnsOf(index);
    const tracks = runTracks(run, cols, nextTid);
    nextTid += tracks.length;
    yield { run, index, pid: index + 1, cols, tracks, target: trace.target, interpreters: trace };
  }
}

const eventColumns = (trace: Trace) => (r: number) => toColumns(trace.runs[r].events);

/**
 * The trace's events, one run after another. `columnsOf(r)`: run r's events as columns when they
 * are not in `trace.runs[r].events` (the runner's, without event objects).
 */
export function* chromeTraceEvents(trace: Trace, columnsOf: (run: number) => EventColumns = eventColumns(trace)): Generator<ChromeEvent> {
  for (const context of runContexts(trace, columnsOf)) {
    for (const kind of RUN_EVENTS) yield* kind.events(context);
  }
}

/** What the file says about itself (viewers show it; Perfetto keeps it as trace metadata). */
function fileMetadata(trace: Trace): Record<string, unknown> {
  return { generator: 'Interleave', traceSchema: trace.schema, target: trace.target, python: trace.python, timeAxis: 'each run starts at 0 in its own process' };
}

/**
 * The Chrome trace file as text in chunks of a few thousand events: a million events never
 * become one string. Joined, the chunks are the JSON object `{displayTimeUnit, metadata, traceEvents}`.
 */
export function* chromeTraceChunks(trace: Trace, columnsOf?: (run: number) => EventColumns): Generator<string> {
  const head = JSON.stringify({ displayTimeUnit: 'ns', metadata: fileMetadata(trace) });
  yield `${head.slice(0, -1)},"traceEvents":[`;
  let first = true;
  for (const context of runContexts(trace, columnsOf ?? eventColumns(trace))) {
    for (const kind of RUN_EVENTS) {
      for (const slice of kindJson(kind, context)) {
        yield first ? slice : `,${slice}`;
        first = false;
      }
    }
  }
  yield ']}';
}
