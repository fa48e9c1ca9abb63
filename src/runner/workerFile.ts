import * as fs from 'node:fs';
import { WorkerLogParser, type WorkerRecord } from './workerLog';

const HEADER = 16;
const MAGIC = 'ILVTRC1\n';

/**
 * Follows one worker's memory-mapped event file: each `poll` returns the records committed since
 * the last one. Works while the writer runs and after it died (the pages belong to the file).
 */
export class WorkerFileReader {
  private fd: number | null = null;
  private offset = HEADER;
  private readonly parser = new WorkerLogParser();
  private readonly header = Buffer.alloc(HEADER);

  constructor(readonly path: string) {}

  poll(): WorkerRecord[] {
    if (this.fd === null) {
      try {
        this.fd = fs.openSync(this.path, 'r');
      } catch {
        return []; // not created yet (a process worker still starting), or never
      }
    }
    if (fs.readSync(this.fd, this.header, 0, HEADER, 0) < HEADER) return [];
    if (this.header.toString('latin1', 0, 8) !== MAGIC) return [];
    const committed = Number(this.header.readBigUInt64LE(8));
    if (committed <= this.offset) return [];
    const chunk = Buffer.allocUnsafe(committed - this.offset);
    const n = fs.readSync(this.fd, chunk, 0, chunk.length, this.offset);
    this.offset += n;
    return this.parser.push(chunk.subarray(0, n));
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.parser.finish();
  }
}
