/**
 * Follows a model run while it goes on: reads the harness's control records and every worker's
 * event files (its own, and its side file of output read below Python) as they grow, and after
 * each poll shows the run so far to its sinks — the panel's live preview, the CLI's trace file,
 * and whatever else wants to watch a run (they never read files themselves).
 */
import * as path from 'node:path';
import { AppendedLines } from './appendedLines';
import { WorkerFileReader } from './workerFile';
import { EventSource, type RunEvents } from './eventStore';
import type { OutputSink } from './workerLog';
import type { ControlRecord, TaggedRecord, WorkerState } from './records';
import type { Run } from '../shared/trace';

/** A run as far as it has been read, once it has started. */
export interface RunProgress {
  /** The run's start (ns, the shared monotonic clock): event times are relative to it. */
  readonly t0: number;
  readonly workers: readonly WorkerState[];
}

/** Takes a model's run as it goes on and when it ends. */
export interface RunSink {
  /** After each poll of a started run. */
  progress?(run: RunProgress): void;
  /** The run is over and will be in the trace (`run`, whose own `events` is empty): its events in global order. */
  end?(events: RunEvents, run: Run): void;
  /** The run will not be in the trace (its harness stopped after inspecting the file). */
  drop?(): void;
}

export class RunFollower {
  readonly control: ControlRecord[] = [];
  readonly workers: WorkerState[] = [];
  /** The run's start, once the harness has said it (null: not started yet, or never). */
  t0: number | null = null;
  /** With --repeat: the harness said this repetition's files are final. */
  closed = false;
  private readonly files = new Map<number, Map<number, string>>();
  /** The control file, read on from where the last poll left it. */
  private readonly controlLines: AppendedLines;
  /** Per worker: readers of its event file and of its side file, with where their lines go. */
  private readonly readers: Array<Array<{ reader: WorkerFileReader; sink: OutputSink }>> = [];

  /**
   * `dir`: the run's event files; `repetition`: with --repeat, which one (the control file, in
   * `controlDir`, has the harness's own records and those of this repetition for it).
   */
  constructor(
    private readonly dir: string,
    workers: number,
    private readonly sinks: readonly RunSink[],
    private readonly repetition: { index: number; controlDir: string } | null = null,
  ) {
    this.controlLines = new AppendedLines(path.join(repetition?.controlDir ?? dir, 'control.jsonl'));
    for (let worker = 0; worker < workers; worker++) this.addWorker(path.join(dir, `w${worker}.trc`));
  }

  /** Per process of a script run: the program's other files by index (see EventSource.files). */
  private filesOf(pid: number): Map<number, string> {
    let files = this.files.get(pid);
    if (!files) this.files.set(pid, (files = new Map()));
    return files;
  }

  /** A worker whose event file is `file` (and its side file beside it): the next index. */
  private addWorker(file: string, files: ReadonlyMap<number, string> | null = null): void {
    const worker = this.workers.length;
    const state: WorkerState = { sources: [new EventSource(worker, false), new EventSource(worker, true)], threads: [], truncated: false, locks: [] };
    for (const source of state.sources) source.files = files;
    this.workers.push(state);
    this.readers.push([file, `${file}.a`].map((f, n) => ({ reader: new WorkerFileReader(f), sink: state.sources[n].push.bind(state.sources[n]) })));
  }

  /** Reads what was written since the last poll, then shows the run to the sinks. */
  poll(): void {
    this.readControl();
    this.readers.forEach((pair, worker) => {
      const state = this.workers[worker];
      for (const { reader, sink } of pair) {
        for (const r of reader.poll(sink)) {
          if (r.kind === 'begin') state.begin = r;
          else if (r.kind === 'end') state.end = r;
          else if (r.kind === 'thread') state.threads.push({ thread: r.thread, name: r.name, ...(r.tid ? { tid: r.tid } : {}) });
          else if (r.kind === 'truncated') state.truncated = true;
          else if (r.kind === 'lock') state.locks.push(r);
        }
      }
    });
    // a script's process declares a file of the program (control file) just before the line that
    // needs it (its event file): read between our two reads, that line would be shown before its
    // file is known — and a sink that writes as the run goes ("unknown" in a streamed trace)
    this.readControl();
    if (this.t0 === null) return;
    const progress: RunProgress = { t0: this.t0, workers: this.workers };
    for (const sink of this.sinks) sink.progress?.(progress);
  }

  close(): void {
    this.readers.forEach((pair) => pair.forEach(({ reader }) => reader.close()));
    this.controlLines.close();
  }

  private readControl(): void {
    for (const line of this.controlLines.next()) {
      const record = JSON.parse(line) as TaggedRecord;
      if (this.repetition && record.repetition !== undefined && record.repetition !== this.repetition.index) continue;
      this.control.push(record);
      if (record.type === 'runStart') this.t0 = record.t;
      if (record.type === 'runClosed') this.closed = true;
      // a script's workers come as it makes them; the program's other files as its processes declare them
      if (record.type === 'worker') this.addWorker(path.join(this.dir, path.basename(record.file)), this.filesOf(record.pid));
      if (record.type === 'sourceFile') this.filesOf(record.pid).set(record.index, record.path);
    }
  }
}
