import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RunEvents } from '../runner/eventStore';
import { eventsJson } from '../runner/eventsJson';
import { LIMITS } from '../runner/settings';
import type { Recording } from '../shared/recording';
import { traceJsonChunks } from '../shared/traceJson';
import type { Model, StartMethod, Trace } from '../shared/trace';

/** What Run again needs to run a recording's target as it ran: the target, its arguments, the settings of the time. */
export interface RunSettings {
  file: string;
  function?: string;
  /** A selection's lines (read again from the file when run again). */
  lines?: { startLine: number; endLine: number };
  args?: string;
  models: Model[];
  workers: number;
  timeoutSeconds: number;
  startMethod?: StartMethod;
  maxEvents: number;
  /** Thread states: samples a second (0: off); absent in recordings made before it existed. */
  sampleHz?: number;
  /** The deadlock watchdog's limit in seconds (0: off); absent in recordings made before it existed. */
  deadlockSeconds?: number;
  /** Runs of each model, whether they begin aligned, the thread models' switch interval (absent: the defaults). */
  repeat?: number;
  align?: boolean;
  switchInterval?: number | null;
  /** Be the Scheduler: the order the workers took turns in at their prints (absent: none forced). */
  order?: number[];
  /** Trace Script: the program as written, with these arguments (`models` is `['script']`). */
  script?: { argv: string[] };
  /** Other interpreters the models also ran on (interleave.compareWith). */
  comparePythons?: string[];
}

export interface StoredRecording {
  recording: Recording;
  settings: RunSettings;
}

const INDEX = 'recordings.json';

/**
 * The last LIMITS.recordings recordings with their traces, in the extension's storage: the panel's
 * history, and what brings it back after a reload. A folder of `KEY.json` traces and an index
 * (newest first); a trace the index no longer names is deleted.
 */
export class TraceStore {
  /** Index updates, one after another (two runs can end together). */
  private updating: Promise<unknown> = Promise.resolve();
  /** Traces written whose index entry is not in yet: not to be pruned meanwhile. */
  private readonly pending = new Set<string>();

  constructor(
    private readonly folder: string,
    private readonly limit: number = LIMITS.recordings,
  ) {}

  /** `events`: the runs' events when they are in the runner's columns rather than in `trace`. */
  async save(trace: Trace, settings: RunSettings, startedAt: number, events?: readonly RunEvents[]): Promise<Recording> {
    const key = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.pending.add(key);
    try {
      await fs.mkdir(this.folder, { recursive: true });
      const chunks = [...traceJsonChunks(trace, events && ((r) => eventsJson(events[r])))].map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
      await fs.writeFile(this.traceFile(key), Buffer.concat(chunks));
      const recording = recordingOf(key, trace, settings, startedAt);
      await this.update((list) => [{ recording, settings }, ...list]);
      return recording;
    } finally {
      this.pending.delete(key);
    }
  }

  async load(key: string): Promise<Trace | undefined> {
    if (!isKey(key)) return undefined;
    try {
      return JSON.parse(await fs.readFile(this.traceFile(key), 'utf8')) as Trace;
    } catch {
      return undefined;
    }
  }

  /** Newest first. */
  async recordings(): Promise<StoredRecording[]> {
    await this.updating;
    return this.readIndex();
  }

  async find(key: string): Promise<StoredRecording | undefined> {
    return (await this.recordings()).find((r) => r.recording.key === key);
  }

  private traceFile(key: string): string {
    return path.join(this.folder, `${key}.json`);
  }

  private async readIndex(): Promise<StoredRecording[]> {
    try {
      const parsed = JSON.parse(await fs.readFile(path.join(this.folder, INDEX), 'utf8')) as { recordings?: StoredRecording[] };
      return Array.isArray(parsed.recordings) ? parsed.recordings.filter((r) => isKey(r?.recording?.key)) : [];
    } catch {
      return []; // none yet, or unreadable: storage is a cache
    }
  }

  /** Changes the index, keeps its newest `limit`, deletes the traces it no longer names. */
  private update(change: (list: StoredRecording[]) => StoredRecording[]): Promise<void> {
    const next = this.updating.then(async () => {
      const kept = change(await this.readIndex()).slice(0, this.limit);
      const index = path.join(this.folder, INDEX);
      // a complete index or the previous one, never half of one
      await fs.writeFile(`${index}.tmp`, JSON.stringify({ recordings: kept }));
      await fs.rename(`${index}.tmp`, index);
      await this.prune(new Set([...kept.map((r) => r.recording.key), ...this.pending].map((key) => `${key}.json`)));
    });
    this.updating = next.catch(() => undefined);
    return next;
  }

  private async prune(keep: Set<string>): Promise<void> {
    try {
      for (const name of await fs.readdir(this.folder)) {
        if (name.endsWith('.json') && name !== INDEX && !keep.has(name)) await fs.rm(path.join(this.folder, name), { force: true });
      }
    } catch {
      // failing to prune loses nothing
    }
  }
}

function isKey(key: unknown): key is string {
  return typeof key === 'string' && /^[a-z0-9-]+$/.test(key);
}

function recordingOf(key: string, trace: Trace, settings: RunSettings, startedAt: number): Recording {
  const { target } = trace;
  return {
    key,
    target: target.function ?? (target.script ? 'script' : `lines ${target.snippet?.startLine}–${target.snippet?.endLine}`),
    fileName: path.basename(target.file),
    startedAt,
    models: settings.models,
    workers: settings.workers,
    ...(settings.args ? { args: settings.args } : {}),
  };
}
