/**
 * The files the CLI writes for the user (--json, --html, --chrome). What was at the path is never removed
 * or truncated by us:
 * - a regular file, or a path with nothing there yet, is written as a temporary file beside it
 *   and renamed into place once complete: the old file survives any failure, and runs writing
 *   one path at the same time each leave a whole file (the last rename wins);
 * - `-` or the file our stdout/stderr already is, a device or a fifo is written plainly, in
 *   order. A device's or fifo's first byte goes out when it is opened, so that one that takes no
 *   bytes (`/dev/full`) is found before anything runs.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputWriteError, UserError } from '../runner/errors';

/** What the file holds, as messages name it. */
export type OutputWhat = 'trace' | 'report' | 'Chrome trace';

export interface OutputFile {
  /** The path as the user gave it (for messages). */
  readonly shown: string;
  /** It is our standard output: the summary goes to stderr instead. */
  readonly onStdout: boolean;
  /** The real path of the regular file the output will replace (symlinks followed). */
  readonly replaces?: string;
  /** Writes anywhere in the file (our own temporary file); absent when it is written in order. */
  readonly positional?: PositionalWrites;
  /** Writes after everything written so far. Throws OutputWriteError. */
  append(bytes: Uint8Array): Promise<void>;
  /** The content is complete: put it in place. Throws OutputWriteError (what was there is unchanged). */
  commit(): Promise<void>;
  /** Nothing will be put in place (the runs failed): what was at the path stays as it was. */
  discard(): void;
}

export interface PositionalWrites {
  /** Throws OutputWriteError. */
  writeAt(bytes: Uint8Array, position: number): void;
  /** Empties our temporary file (the user's is untouched until the rename). */
  truncate(): void;
}

/**
 * Opens where `requested` (a path, or `-` for stdout) will be written: a problem found now (a
 * missing folder, a folder, a read-only file, a device that takes no bytes) is a UserError
 * naming the path and the fix. `first` is how the content will begin (a device's probe).
 */
export function openOutput(requested: string, what: OutputWhat, first: string): OutputFile {
  if (requested === '-') return new StdioOutput(process.stdout, what, 'standard output', true);
  const resolved = path.resolve(requested);
  let stats: fs.Stats | undefined;
  try {
    stats = fs.statSync(resolved);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(what, requested, e);
  }
  if (stats && sameFile(stats, 1)) return new StdioOutput(process.stdout, what, requested, true);
  if (stats && sameFile(stats, 2)) return new StdioOutput(process.stderr, what, requested, false);
  if (stats?.isDirectory()) throw cannotWrite(what, requested, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  if (stats && !stats.isFile()) return DeviceOutput.open(resolved, what, requested, Buffer.from(first));
  return ReplacedFile.open(resolved, what, requested, stats);
}

/** Whether `stats` is the file our descriptor `fd` writes to (`--json /dev/stdout`, `> same.json`). */
function sameFile(stats: fs.Stats, fd: number): boolean {
  try {
    const open = fs.fstatSync(fd);
    return open.dev === stats.dev && open.ino === stats.ino;
  } catch {
    return false; // that descriptor is closed
  }
}

/** A regular file: written as a temporary file beside it, renamed into place at the end. */
class ReplacedFile implements OutputFile {
  readonly onStdout = false;
  readonly positional: PositionalWrites;
  private length = 0;
  private fd: number | undefined;
  /** A run that ends without commit or discard (a crash, a signal) leaves no temporary file. */
  private readonly removeOnExit = () => this.discard();

  private constructor(
    private readonly what: OutputWhat,
    readonly shown: string,
    readonly replaces: string,
    private readonly temp: string,
    private readonly existed: boolean,
  ) {
    this.fd = fs.openSync(temp, 'wx', 0o666);
    process.once('exit', this.removeOnExit);
    this.positional = {
      writeAt: (bytes, position) => this.guard(() => this.writeAt(bytes, position)),
      truncate: () => this.guard(() => {
        fs.ftruncateSync(this.openFd(), 0);
        this.length = 0;
      }),
    };
  }

  static open(resolved: string, what: OutputWhat, shown: string, stats: fs.Stats | undefined): ReplacedFile {
    // through a symlink to the file it names, so that the rename replaces that file (on its own
    // file system), not the link
    const target = stats ? fs.realpathSync(resolved) : path.join(realFolder(path.dirname(resolved)), path.basename(resolved));
    const base = path.basename(target);
    const temp = path.join(path.dirname(target), `.${base.slice(0, 100)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    let file: ReplacedFile | undefined;
    try {
      if (stats) fs.accessSync(target, fs.constants.W_OK); // the user made it read-only: not ours to replace
      file = new ReplacedFile(what, shown, target, temp, stats !== undefined);
      if (stats) keepOwnerAndMode(file.openFd(), stats);
      return file;
    } catch (e) {
      file?.discard();
      throw cannotWrite(what, shown, e, path.dirname(target));
    }
  }

  async append(bytes: Uint8Array): Promise<void> {
    this.guard(() => this.writeAt(bytes, this.length));
  }

  async commit(): Promise<void> {
    this.guard(() => {
      const fd = this.openFd();
      this.fd = undefined;
      fs.closeSync(fd);
      fs.renameSync(this.temp, this.replaces);
      process.removeListener('exit', this.removeOnExit);
    });
  }

  discard(): void {
    process.removeListener('exit', this.removeOnExit);
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.temp, { force: true }); // ours: the user's file was never touched
  }

  private writeAt(bytes: Uint8Array, position: number): void {
    const fd = this.openFd();
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
    this.length = Math.max(this.length, position + bytes.length);
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`the ${this.what} file was already closed`);
    return this.fd;
  }

  /** A failure leaves the user's file as it was: our temporary file goes. */
  private guard(write: () => void): void {
    try {
      write();
    } catch (e) {
      this.discard();
      throw writeFailed(this.what, this.shown, e, this.existed ? `${this.shown} was left as it was` : 'nothing was left there');
    }
  }
}

/** The folder with its symlinks resolved, when it exists (else as it is: the open will say so). */
function realFolder(folder: string): string {
  try {
    return fs.realpathSync(folder);
  } catch {
    return folder;
  }
}

/** The replacement keeps the old file's permissions (and, where we may, its owner). */
function keepOwnerAndMode(fd: number, stats: fs.Stats): void {
  fs.fchmodSync(fd, stats.mode & 0o7777);
  try {
    fs.fchownSync(fd, stats.uid, stats.gid);
  } catch {
    // only root may give a file away: the replacement is then the user's own, as `>` would make it
  }
}

/** Written in order; the start of the content went out when it was opened. */
abstract class InOrderOutput implements OutputFile {
  /** Bytes of the content's start already written (the probe), skipped when they come. */
  private written: Uint8Array;

  constructor(
    protected readonly what: OutputWhat,
    readonly shown: string,
    readonly onStdout: boolean,
    probe: Uint8Array,
  ) {
    this.written = probe;
  }

  async append(bytes: Uint8Array): Promise<void> {
    const skip = Math.min(this.written.length, bytes.length);
    if (skip && !Buffer.from(bytes.subarray(0, skip)).equals(this.written.subarray(0, skip))) throw new Error(`the ${this.what} does not begin as its probe did`);
    this.written = this.written.subarray(skip);
    if (skip === bytes.length) return;
    try {
      await this.write(skip ? bytes.subarray(skip) : bytes);
    } catch (e) {
      throw writeFailed(this.what, this.shown, e, `what was written to ${this.shown} is incomplete`);
    }
  }

  protected abstract write(bytes: Uint8Array): Promise<void>;
  abstract commit(): Promise<void>;
  abstract discard(): void;
}

/** Our stdout or stderr: through the stream Node already has on it (which knows pipes and ttys). */
class StdioOutput extends InOrderOutput {
  constructor(
    private readonly stream: NodeJS.WriteStream,
    what: OutputWhat,
    shown: string,
    onStdout: boolean,
  ) {
    super(what, shown, onStdout, new Uint8Array(0));
  }

  protected write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.stream.write(bytes, (e) => (e ? reject(e) : resolve())));
  }

  async commit(): Promise<void> {}

  discard(): void {}
}

/** A device or fifo: opened as it is (no truncation, no creation), written in order. */
class DeviceOutput extends InOrderOutput {
  private constructor(
    private fd: number | undefined,
    what: OutputWhat,
    shown: string,
    probe: Uint8Array,
  ) {
    super(what, shown, false, probe);
  }

  static open(resolved: string, what: OutputWhat, shown: string, probe: Uint8Array): DeviceOutput {
    let fd: number | undefined;
    try {
      fd = fs.openSync(resolved, fs.constants.O_WRONLY); // a fifo waits here for its reader
      writeAll(fd, probe);
      return new DeviceOutput(fd, what, shown, probe);
    } catch (e) {
      if (fd !== undefined) fs.closeSync(fd);
      throw cannotWrite(what, shown, e);
    }
  }

  protected async write(bytes: Uint8Array): Promise<void> {
    if (this.fd === undefined) throw new Error(`the ${this.what} output was already closed`);
    writeAll(this.fd, bytes);
  }

  async commit(): Promise<void> {
    this.discard();
  }

  discard(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** Why a write failed, in words, and what to do about it. */
function reasonAndFix(e: unknown, folder?: string): { reason: string; fix: string } {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return { reason: folder ? `the folder ${folder} does not exist` : 'no such file or folder', fix: 'create it or choose another path' };
    case 'ENOTDIR':
      return { reason: 'a part of the path is not a folder', fix: 'choose another path' };
    case 'EISDIR':
      return { reason: 'it is a folder', fix: 'give a file name in it' };
    case 'EACCES':
    case 'EPERM':
      return { reason: 'permission denied', fix: 'choose a path you may write to' };
    case 'EROFS':
      return { reason: 'the file system is read-only', fix: 'choose another path' };
    case 'ENOSPC':
    case 'EDQUOT':
      return { reason: 'no space left on the device', fix: 'free some space or choose another path' };
    case 'EPIPE':
      return { reason: 'its reader went away', fix: 'keep the reader open until the run ends' };
    case 'ENXIO':
      return { reason: 'nothing is there to take the output', fix: 'choose another path' };
    default:
      return { reason: (e as Error).message ?? String(e), fix: 'choose another path' };
  }
}

/** Found before anything runs: bad input (exit 2). */
function cannotWrite(what: OutputWhat, shown: string, e: unknown, folder?: string): UserError {
  const { reason, fix } = reasonAndFix(e, folder);
  return new UserError('output', `cannot write the ${what} to ${shown}: ${reason}; ${fix}.`);
}

/** Found while writing, after the runs. */
function writeFailed(what: OutputWhat, shown: string, e: unknown, left: string): OutputWriteError {
  if (e instanceof OutputWriteError) return e;
  const { reason, fix } = reasonAndFix(e);
  return new OutputWriteError(`could not write the ${what} to ${shown}: ${reason}; ${left}. To fix: ${fix}.`, e);
}
