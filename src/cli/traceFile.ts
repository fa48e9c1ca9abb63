/**
 * The CLI's trace file, written while the runs go on. An 80 MB file takes the kernel ≈ 0.2 s
 * to take in on these VMs; written after the run, that is time the user waits.
 *
 * Layout: each run's head (`{…,"events":[`) is known only when the run ends, so a gap of spaces
 * stands in for it (JSON allows whitespace between tokens), its events follow as they become
 * final, and the heads are written into their gaps at the end. An event is final once no source
 * can still record one before it: every source that is still running has recorded something
 * later (less a slack for a line whose time was taken just before a thread switch). Whether that
 * held is checked against the run's real order at its end; if it did not (a line written in
 * pieces over a long time, output read below Python late), or a head does not fit its gap, the
 * whole file is written again from memory — the file is always the trace, only slower. So is a
 * small trace (its gaps would be most of it).
 *
 * All of that goes into a temporary file (see outputFile), renamed over the user's path only
 * when the trace is complete. An output written in order (stdout, a device, a fifo) streams
 * nothing during the run: the trace is written from memory at the end.
 */
import type { Run, Trace } from '../shared/trace';
import { runClosing, runOpening, traceClosing, traceJsonChunks, traceOpening } from '../shared/traceJson';
import type { WorkerState } from '../runner/records';
import type { RunEvents } from '../runner/eventStore';
import { EncodedEvents, eventsJson } from '../runner/eventsJson';
import type { RunProgress, RunSink } from '../runner/follower';
import type { OutputFile } from './outputFile';

const GAP = 1 << 16;
const SLACK_NS = 50e6;

export class TraceFileWriter {
  private position = 0;
  private readonly runs: RunStream[] = [];
  /** The first write that failed (a full disk): nothing more is written; `finish` throws it. */
  private failure: unknown;

  /** `compactBelow`: a trace that streamed fewer bytes is written again without its gaps (cheap). */
  constructor(readonly out: OutputFile, private readonly compactBelow = 8 << 20) {}

  /** A run starts: its gap, then its events as they become final. */
  beginRun(): RunStream {
    const run = new RunStream(this, this.position);
    if (this.out.positional) this.write(Buffer.alloc(GAP, 0x20));
    else run.ok = false; // written in order, from memory, at the end
    this.runs.push(run);
    return run;
  }

  get end(): number {
    return this.position;
  }

  /** A run that went out through `beginRun` but will not be in the trace (it stopped at inspection). */
  drop(run: RunStream): void {
    const at = this.runs.indexOf(run);
    if (at >= 0 && run.empty) this.runs.splice(at, 1); // its gap stays: spaces between tokens
    else if (at >= 0) run.ok = false;
  }

  write(bytes: Uint8Array): void {
    this.overwrite(bytes, this.position);
    this.position += bytes.length;
  }

  overwrite(bytes: Uint8Array, position: number): void {
    if (this.failure !== undefined || !this.out.positional) return;
    try {
      this.out.positional.writeAt(bytes, position);
    } catch (e) {
      this.failure = e; // said when the runs are over: stopping them here would lose them
    }
  }

  /**
   * The runs are over: `trace.runs[i]` went out through the i-th `beginRun` (its events in
   * `events[i]`). Writes the heads into their gaps, or the whole file again when it must, and
   * puts the file in place. Throws OutputWriteError (what was at the path is then unchanged).
   */
  async finish(trace: Trace, events: RunEvents[]): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const heads = trace.runs.map((_, r) => Buffer.from((r === 0 ? traceOpening(trace) : '') + runOpening(trace, r)));
    const streamed = this.runs.reduce((n, run) => n + run.streamed, 0);
    if (streamed >= this.compactBelow && this.runs.length === trace.runs.length && this.runs.every((run) => run.ok) && heads.every((h) => h.length <= GAP)) {
      this.write(Buffer.from(traceClosing(trace)));
      heads.forEach((head, r) => this.overwrite(head, this.runs[r].gapAt));
      if (this.failure !== undefined) throw this.failure;
    } else {
      this.out.positional?.truncate();
      this.position = 0;
      const encoded = (r: number) => (this.runs.length === trace.runs.length ? this.runs[r].encodedSources : []);
      for (const chunk of traceJsonChunks(trace, (r) => eventsJson(events[r], 0, encoded(r)))) await this.out.append(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    }
    await this.out.commit();
  }

  /** The runs did not produce a trace: what was at the path stays as it was. */
  discard(): void {
    this.out.discard();
  }
}

/**
 * One run's events going into the file as they become final: a sink of the run (see
 * runner/follower). Each worker's events are encoded as JSON while the run goes on, on the core
 * Python leaves idle.
 */
export class RunStream implements RunSink {
  ok = true;
  /** Events written: the first `written` of the run's order, which were these (source, index). */
  private written = 0;
  private sources = new Uint16Array(1 << 12);
  private indexes = new Uint32Array(1 << 12);
  /** Per source: how many of its events are written. */
  private cursor: number[] = [];
  private lastByte = -1;
  /** Bytes of events written while the run went on. */
  streamed = 0;

  /** Per worker, per source: its events as JSON so far (once the worker's pid is known). */
  private encoded: Array<EncodedEvents[] | undefined> = [];
  /** The run's workers, as the last poll showed them. */
  private workers: readonly WorkerState[] = [];

  constructor(private readonly file: TraceFileWriter, readonly gapAt: number) {}

  get empty(): boolean {
    return this.written === 0;
  }

  /** Per source of the run, in the run's order of sources: what was encoded of it. */
  get encodedSources(): Array<EncodedEvents | undefined> {
    return this.workers.flatMap((w, worker) => w.sources.map((_, n) => this.encoded[worker]?.[n]));
  }

  progress({ t0, workers }: RunProgress): void {
    this.workers = workers;
    workers.forEach((state, worker) => {
      if (!state.begin) return; // its pid, which every event carries, is not known yet
      const encoded = (this.encoded[worker] ??= state.sources.map(() => new EncodedEvents(worker, t0, state.begin!.pid)));
      state.sources.forEach((source, n) => encoded[n].encodeNew(source));
    });
    this.advance(workers);
  }

  drop(): void {
    this.file.drop(this);
  }

  /** After a poll: writes the events no source can still come before. */
  advance(workers: readonly WorkerState[]): void {
    if (!this.ok || workers.some((w, worker) => !w.begin || !this.encoded[worker])) return; // all begun first: their pids are known
    const sources = workers.flatMap((w) => w.sources);
    const encoded = this.encoded.flatMap((e) => e!);
    if (sources.some((s) => !s.inOrder)) {
      this.ok = false; // a line written in pieces came late: the order is worked out at the end
      return;
    }
    while (this.cursor.length < sources.length) this.cursor.push(0);
    // Final: before what every running worker recorded last, less the slack. Its side file
    // (read below Python, timed when read) is checked at the end instead.
    let frontier = Infinity;
    workers.forEach((w) => {
      if (w.end) return;
      const own = w.sources[0];
      frontier = Math.min(frontier, (own.count ? own.t[own.count - 1] : w.begin!.ns) - SLACK_NS);
    });
    const parts: Buffer[] = [];
    const n = sources.length;
    const before = (a: number, ta: number, b: number, tb: number) =>
      ta < tb || (ta === tb && (sources[a].worker < sources[b].worker || (sources[a].worker === sources[b].worker && a < b)));
    for (;;) {
      // the first head below the frontier, and the next one: the first source's events before
      // that one go in one stretch (a thread holds the GIL for thousands of lines)
      let best = -1;
      let bestT = 0;
      let next = -1;
      let nextT = 0;
      for (let s = 0; s < n; s++) {
        const i = this.cursor[s];
        if (i >= sources[s].count || i >= encoded[s]!.count) continue;
        const t = sources[s].t[i];
        if (!(t < frontier)) continue;
        if (best < 0 || before(s, t, best, bestT)) {
          next = best;
          nextT = bestT;
          best = s;
          bestT = t;
        } else if (next < 0 || before(s, t, next, nextT)) {
          next = s;
          nextT = t;
        }
      }
      if (best < 0) break;
      const source = sources[best];
      const e = encoded[best]!;
      const first = this.cursor[best];
      const block = e.block[first];
      const limit = Math.min(source.count, e.count);
      let i = first;
      do this.remember(best, i++);
      while (i < limit && e.block[i] === block && source.t[i] < frontier && (next < 0 || before(best, source.t[i], next, nextT)));
      this.cursor[best] = i;
      parts.push(e.blocks[block].subarray(e.start(first), e.end[i - 1]));
    }
    if (parts.length) this.writeParts(parts);
  }

  /** The run is over: check what went out against its real order, then write the rest. */
  end(events: RunEvents, run: Run): void {
    if (this.ok && this.written) {
      for (let k = 0; k < this.written && this.ok; k++) {
        if (events.source[k] !== this.sources[k] || events.index[k] !== this.indexes[k]) this.ok = false;
      }
      const encoded = this.encodedSources;
      const used = new Set(this.sources.subarray(0, this.written));
      used.forEach((n) => {
        const e = encoded[n];
        const s = events.sources[n];
        if (!e || e.t0 !== events.t0 || e.pid !== (events.pids[s.worker] ?? null)) this.ok = false;
      });
    }
    if (!this.ok) return;
    let rest = 0;
    for (const chunk of eventsJson(events, this.written, this.encodedSources)) {
      this.file.write(chunk);
      rest += chunk.length;
    }
    // every event went out with its comma: the last one's becomes a space
    if (!rest && this.lastByte >= 0) this.file.overwrite(Buffer.from(' '), this.lastByte);
    this.file.write(Buffer.from(runClosing(run)));
  }

  private remember(source: number, index: number): void {
    if (this.written === this.sources.length) {
      const sources = new Uint16Array(this.sources.length * 2);
      const indexes = new Uint32Array(this.indexes.length * 2);
      sources.set(this.sources);
      indexes.set(this.indexes);
      this.sources = sources;
      this.indexes = indexes;
    }
    this.sources[this.written] = source;
    this.indexes[this.written++] = index;
  }

  private writeParts(parts: Buffer[]): void {
    for (const part of parts) {
      this.file.write(part);
      this.streamed += part.length;
    }
    this.lastByte = this.file.end - 1;
  }
}
