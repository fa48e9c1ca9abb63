import * as fs from 'node:fs';
import { FILE_HEADER, MAGIC, parseRecords, type OutputSink, type WorkerRecord } from './workerLog';

const CHUNK = 1 << 20;

/**
 * Follows one worker's memory-mapped event file: each `poll` returns the records written since
 * the last one. Works while the writer runs and after it died (the pages belong to the file).
 */
export class WorkerFileReader {
  private fd: number | null = null;
  private offset = FILE_HEADER;
  private buf = Buffer.allocUnsafe(CHUNK);
  private checked = false;

  constructor(readonly path: string) {}

  /** The records written since the last poll; output lines go to `sink` when one is given. */
  poll(sink?: OutputSink): WorkerRecord[] {
    if (this.fd === null) {
      try {
        this.fd = fs.openSync(this.path, 'r');
      } catch {
        return []; // not created yet (a process worker still starting), or never
      }
    }
    if (!this.checked) {
      const magic = Buffer.alloc(8);
      if (fs.readSync(this.fd, magic, 0, 8, 0) < 8 || magic.toString('latin1') !== MAGIC) return [];
      this.checked = true;
    }
    const out: WorkerRecord[] = [];
    for (;;) {
      const got = fs.readSync(this.fd, this.buf, 0, this.buf.length, this.offset);
      const { records, consumed, need } = parseRecords(this.buf.subarray(0, got), sink);
      for (const r of records) out.push(r);
      this.offset += consumed;
      if (need !== undefined && need > this.buf.length) this.buf = Buffer.allocUnsafe(need); // one record longer than the buffer
      else if (consumed === 0 || got < this.buf.length) return out; // all there is for now
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
