/**
 * Parser for a worker's event file (written by python/interleave_capture.py). Each record is a
 * 21-byte head — kind u8, payload length u32, time i64 (ns), a i32, b i32 — then the UTF-8
 * payload. The writer sets the kind byte last: a kind of 0 means "not written yet", and nothing
 * after it is either. It is also the first byte read, so what follows a set kind is complete.
 * The kinds are listed in python/interleave_recorder.py.
 */

export type WorkerRecord =
  /** `tid`: the native id of the thread running the body (absent: the worker could not say). */
  | { kind: 'begin'; ns: number; pid: number; tid?: number }
  /** `below`: written with os.write, not through sys.stdout/sys.stderr. */
  | { kind: 'output'; ns: number; stream: 1 | 2; line: number | null; text: string; thread?: number; below?: true }
  | { kind: 'thread'; thread: number; name: string; tid?: number }
  | { kind: 'end'; ns: number; cpuNs: number; status: EndStatus }
  | { kind: 'truncated'; ns: number }
  | LockRecord;

/** What a lock record says happened (python/interleave_lock_waits.py). */
export type LockPhase = 'wait' | 'acquired' | 'released' | 'gaveUp';
export const LOCK_PHASES: readonly LockPhase[] = ['wait', 'acquired', 'released', 'gaveUp'];

/**
 * One step of a contended acquire of one of the user's locks (or a blocking wait on their
 * Condition, Event, Barrier, Queue): the wait began (with the lock's kind and name), it was
 * acquired or given up, the hold was released. `id` ties the steps together across the run's
 * workers (a lock may be released by another worker); `thread` is the sub-lane as for output.
 */
export interface LockRecord {
  kind: 'lock';
  ns: number;
  phase: LockPhase;
  id: string;
  /** The line of the user's file that acquired (waited, released); null: none. */
  line: number | null;
  thread: number;
  /** With `phase: 'wait'`: the kind of object (`Lock`, `Condition`, `Queue`, …) and its name. */
  lockKind?: string;
  name?: string;
}

export interface EndStatus {
  status: 'ok' | 'error' | 'exited';
  exitCode?: number;
  error?: { type: string; message: string; traceback: string };
}

export const MAGIC = 'ILVTRC2\n';
export const FILE_HEADER = 16;
export const HEAD = 21;
export const KIND = { output: 79, begin: 66, end: 69, truncated: 84, thread: 83, lock: 76 } as const;

export interface Parsed {
  records: WorkerRecord[];
  /** Bytes of whole records: where the next parse starts. */
  consumed: number;
  /** When the next record is written but longer than what was given: the bytes it needs. */
  need?: number;
}

/**
 * Takes output lines as they are parsed: the text is `buf` from `start` to `end` (UTF-8, line
 * ending dropped), valid only during the call — the caller copies what it keeps.
 */
export type OutputSink = (ns: number, stream: 1 | 2, line: number | null, buf: Buffer, start: number, end: number, thread: number, below: boolean) => void;

/**
 * The whole records at the start of `buf` (stopping at the first one not written yet). With a
 * `sink`, output lines go to it instead of into `records`.
 */
export function parseRecords(buf: Buffer, sink?: OutputSink): Parsed {
  const records: WorkerRecord[] = [];
  let p = 0;
  while (p + HEAD <= buf.length) {
    const kind = buf[p];
    if (kind === 0) break;
    const n = buf.readUInt32LE(p + 1);
    const end = p + HEAD + n;
    if (end > buf.length) return { records, consumed: p, need: HEAD + n };
    const ns = buf.readInt32LE(p + 9) * 4294967296 + buf.readUInt32LE(p + 5);
    const a = buf.readInt32LE(p + 13);
    const b = buf.readInt32LE(p + 17);
    if (kind === KIND.output && sink) {
      sink(ns, (b & 3) === 2 ? 2 : 1, a > 0 ? a : null, buf, p + HEAD, textEnd(buf, p + HEAD, end), b >> 3, (b & 4) !== 0);
      p = end;
      continue;
    }
    const record = toRecord(kind, ns, a, b, buf, p + HEAD, end);
    if (record) records.push(record);
    p = end;
  }
  return { records, consumed: p };
}

/** Where an output record's text ends: before its line ending ("\n", kept by the writer for print(); "\r\n"). */
function textEnd(buf: Buffer, start: number, end: number): number {
  let e = end > start && buf[end - 1] === 0x0a ? end - 1 : end;
  if (e > start && buf[e - 1] === 0x0d) e--;
  return e;
}

function toRecord(kind: number, ns: number, a: number, b: number, buf: Buffer, start: number, end: number): WorkerRecord | null {
  switch (kind) {
    case KIND.output: {
      const record: WorkerRecord = { kind: 'output', ns, stream: (b & 3) === 2 ? 2 : 1, line: a > 0 ? a : null, text: buf.toString('utf8', start, textEnd(buf, start, end)) };
      if (b >> 3) record.thread = b >> 3;
      if (b & 4) record.below = true;
      return record;
    }
    case KIND.begin:
      return b > 0 ? { kind: 'begin', ns, pid: a, tid: b } : { kind: 'begin', ns, pid: a };
    case KIND.end:
      try {
        const { cpuNs, status } = JSON.parse(buf.toString('utf8', start, end)) as { cpuNs: number; status: EndStatus };
        return { kind: 'end', ns, cpuNs, status };
      } catch {
        return null;
      }
    case KIND.truncated:
      return { kind: 'truncated', ns };
    case KIND.thread:
      return { kind: 'thread', thread: a, name: buf.toString('utf8', start, end), ...(b > 0 ? { tid: b } : {}) };
    case KIND.lock:
      return lockRecord(ns, a, b, buf.toString('utf8', start, end));
    default:
      return null; // a kind we do not know: skipped, not fatal
  }
}

/** A lock record: its payload is the wait's id, and for a wait's start a tab, the kind, a tab and the name. */
function lockRecord(ns: number, a: number, b: number, payload: string): LockRecord {
  const [id, lockKind, ...name] = payload.split('\t');
  const record: LockRecord = { kind: 'lock', ns, phase: LOCK_PHASES[b & 3], id, line: a > 0 ? a : null, thread: b >> 2 };
  if (lockKind !== undefined) {
    record.lockKind = lockKind;
    record.name = name.join('\t');
  }
  return record;
}
