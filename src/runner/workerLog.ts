/**
 * Streaming parser for a worker's event file (written by python/interleave_capture.py).
 * Bytes arrive in arbitrary pieces — `push` keeps an incomplete record (or an incomplete UTF-8
 * sequence) until the rest comes; `finish` reports what is left over.
 */

export type WorkerRecord =
  | { kind: 'begin'; ns: number; pid: number }
  | { kind: 'output'; ns: number; stream: 1 | 2; line: number | null; text: string; thread?: number }
  | { kind: 'thread'; thread: number; name: string }
  | { kind: 'end'; ns: number; cpuNs: number; status: EndStatus }
  | { kind: 'truncated'; ns: number };

export interface EndStatus {
  status: 'ok' | 'error' | 'exited';
  exitCode?: number;
  error?: { type: string; message: string; traceback: string };
}

const NEWLINE = 0x0a;

export class WorkerLogParser {
  private carry: Uint8Array = new Uint8Array(0);
  private readonly decoder = new TextDecoder('utf-8');

  /** Feeds bytes; returns the records completed by them. */
  push(chunk: Uint8Array): WorkerRecord[] {
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry, 0);
      bytes.set(chunk, this.carry.length);
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.carry = bytes.slice();
      return [];
    }
    this.carry = bytes.slice(last + 1);
    // A newline byte never occurs inside a UTF-8 sequence, so the cut is always clean.
    const text = this.decoder.decode(bytes.subarray(0, last));
    const out: WorkerRecord[] = [];
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const record = parseRecord(text.slice(start, end));
      if (record) out.push(record);
      start = end + 1;
    }
    return out;
  }

  /** Number of bytes of an incomplete record still held back (a writer died mid-record). */
  finish(): number {
    const left = this.carry.length;
    this.carry = new Uint8Array(0);
    return left;
  }
}

/** One record line without its newline; null for a line we do not understand. */
export function parseRecord(line: string): WorkerRecord | null {
  const kind = line.charCodeAt(0);
  if (kind === 0x4f /* O */ || kind === 0x6f /* o: from a thread the worker started */) {
    // O \t ns \t stream \t line \t text — text is last and may hold tabs; o has \t thread before it
    const a = line.indexOf('\t', 2);
    const b = line.indexOf('\t', a + 1);
    let c = line.indexOf('\t', b + 1);
    if (a < 0 || b < 0 || c < 0) return null;
    const lineNo = Number(line.slice(b + 1, c));
    let thread = 0;
    if (kind === 0x6f) {
      const d = line.indexOf('\t', c + 1);
      if (d < 0) return null;
      thread = Number(line.slice(c + 1, d));
      c = d;
    }
    // "\r\n" ends a line too: the text is the line without its line ending
    const textEnd = line.charCodeAt(line.length - 1) === 0x0d ? line.length - 1 : line.length;
    const record: WorkerRecord = {
      kind: 'output',
      ns: Number(line.slice(2, a)),
      stream: line.charCodeAt(a + 1) === 0x32 ? 2 : 1,
      line: lineNo > 0 ? lineNo : null,
      text: line.slice(c + 1, Math.max(c + 1, textEnd)),
    };
    if (thread > 0) record.thread = thread;
    return record;
  }
  const fields = line.split('\t');
  switch (fields[0]) {
    case 'B':
      return { kind: 'begin', ns: Number(fields[1]), pid: Number(fields[2]) };
    case 'E': {
      let status: EndStatus;
      try {
        status = JSON.parse(fields.slice(3).join('\t')) as EndStatus;
      } catch {
        return null;
      }
      return { kind: 'end', ns: Number(fields[1]), cpuNs: Number(fields[2]), status };
    }
    case 'T':
      return { kind: 'truncated', ns: Number(fields[1]) };
    case 'S':
      return { kind: 'thread', thread: Number(fields[1]), name: fields.slice(2).join('\t') };
    default:
      return null;
  }
}
