/**
 * A file other processes append lines to (a run's control file), read on from where the last read
 * left it: each call gives the lines completed since — never the whole file again, and never a
 * line still being written.
 */
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export class AppendedLines {
  /** null: not open yet (the file may not exist yet); 'closed': no more reads. */
  private fd: number | null | 'closed' = null;
  private offset = 0;
  private rest = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly chunk = Buffer.alloc(64 * 1024);

  constructor(private readonly file: string) {}

  /** The whole lines written since the last call (none while the file is not there). */
  next(): string[] {
    if (this.fd === 'closed') return [];
    if (this.fd === null) {
      try {
        this.fd = fs.openSync(this.file, 'r');
      } catch {
        return []; // not written yet
      }
    }
    let text = '';
    for (let n = this.read(this.fd); n > 0; n = this.read(this.fd)) text += this.decoder.write(this.chunk.subarray(0, n));
    if (!text) return [];
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() ?? ''; // a line still being written
    return lines.filter(Boolean);
  }

  close(): void {
    if (typeof this.fd === 'number') fs.closeSync(this.fd);
    this.fd = 'closed';
  }

  private read(fd: number): number {
    const n = fs.readSync(fd, this.chunk, 0, this.chunk.length, this.offset);
    this.offset += n;
    return n;
  }
}
