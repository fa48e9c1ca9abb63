/**
 * Sampling the threads of one run from /proc: which threads (each worker's, found by reading the
 * begin record at the head of its event file the moment it is written; helper threads as the
 * runner learns of them), and what each was doing at each tick, kept as change points of
 * observation codes (see classify). The /proc files stay open and are read again at offset 0:
 * one pread each per sample, no open/close. Where the thread's system call cannot be read, its
 * state letter and wchan are read instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILE_HEADER, HEAD, KIND } from '../workerLog';
import { RUNNING, UNSEEN, NO_SYSCALL, FIRST_WCHAN, codeOfSyscall, isGone, schedstatOf, stateLetter, wchanText } from './classify';
import { syscallNames } from './syscalls';
import { AppendedLines } from '../appendedLines';

/** A sample stands for the time until the next one, up to this many sample periods (beyond: unseen). */
export const MAX_GAP_PERIODS = 20;
/** Workers whose event file is looked for per tick, at most (the others on the next ticks). */
const DISCOVER_PER_TICK = 16;

/** What was seen of one thread: change points `t[i]` (ns, the shared monotonic clock) from which `code[i]` held, until `end`. */
export interface SampledThread {
  pid: number;
  tid: number;
  t: number[];
  code: number[];
  end: number;
  /** From its first sample to its last (schedstat; 0 without it): time on a CPU, and time ready but waiting for one. */
  onCpuNs: number;
  readyNs: number;
}

/** What the sampling of one run saw: plain data, to cross from the sampler's thread. */
export interface SampledRun {
  threads: SampledThread[];
  /** Samples taken: one per thread per tick. */
  samples: number;
  /** How blocked threads were told apart (wchan if any thread could not be read otherwise). */
  blockedBy: 'syscall' | 'wchan';
  /** The wchan texts the codes below FIRST_WCHAN name. */
  wchans: string[];
  hz: number;
}

/** Every /proc file is read into this, from offset 0 (pread): no open, no close, no new buffer. */
const bytes = Buffer.alloc(1024);
function readBytes(fd: number): number {
  return fs.readSync(fd, bytes, 0, bytes.length, 0);
}
function readText(fd: number): string {
  return bytes.toString('latin1', 0, readBytes(fd));
}
/** A running thread's schedstat is read every this many samples only (a blocked one's every sample). */
const SCHEDSTAT_EVERY = 16;

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? '';
}

/** The wchan texts of a run, each with its code. */
class WchanBook {
  readonly texts: string[] = [];
  private readonly codes = new Map<string, number>();

  code(wchan: string): number {
    let code = this.codes.get(wchan);
    if (code === undefined) {
      code = FIRST_WCHAN - this.texts.length;
      this.texts.push(wchan);
      this.codes.set(wchan, code);
    }
    return code;
  }
}

/** One thread's open /proc files and what was seen of it. */
class ThreadSampler {
  readonly seen: SampledThread;
  samples = 0;
  gone = false;
  byWchan: boolean;
  private readonly dir: string;
  private fds: { syscall?: number; stat?: number; wchan?: number; schedstat?: number } = {};
  private lastT = -1;
  private sched: { runNs: number; waitNs: number } | null = null;
  /** When schedstat was read last. */
  private schedT = -1;
  private current = UNSEEN;

  constructor(proc: string, pid: number, tid: number, private readonly syscalls: ReadonlyMap<number, string> | null, private readonly wchans: WchanBook) {
    this.seen = { pid, tid, t: [], code: [], end: 0, onCpuNs: 0, readyNs: 0 };
    this.dir = path.join(proc, String(pid), 'task', String(tid));
    this.byWchan = syscalls === null;
  }

  /** Opens its files; false when the thread is not there (any more). */
  open(): boolean {
    try {
      this.fds.schedstat = fs.openSync(path.join(this.dir, 'schedstat'), 'r');
    } catch (e) {
      if (errno(e) === 'ENOENT' && !fs.existsSync(this.dir)) return false;
    }
    if (!this.byWchan) {
      try {
        this.fds.syscall = fs.openSync(path.join(this.dir, 'syscall'), 'r');
        readBytes(this.fds.syscall); // readable only with ptrace rights over the thread
      } catch {
        this.byWchan = true;
      }
    }
    try {
      if (this.byWchan) this.openWchanFiles();
    } catch {
      this.close(0);
      return false;
    }
    return true;
  }

  private openWchanFiles(): void {
    if (this.fds.syscall !== undefined) fs.closeSync(this.fds.syscall);
    this.fds.syscall = undefined;
    this.fds.stat ??= fs.openSync(path.join(this.dir, 'stat'), 'r');
    this.fds.wchan = fs.openSync(path.join(this.dir, 'wchan'), 'r');
  }

  /** One sample at `now`; a thread found gone is closed. */
  sample(now: number, periodNs: number): void {
    let code: number;
    try {
      code = this.observeCheaply(now);
    } catch {
      return this.close(now, periodNs); // gone (ESRCH) between two reads, or no longer ours to read
    }
    if (code === UNSEEN) return this.close(now, periodNs);
    if (this.lastT >= 0 && now - this.lastT > MAX_GAP_PERIODS * periodNs && this.current !== UNSEEN) this.change(this.lastT + periodNs, UNSEEN);
    if (code !== this.current) this.change(now, code);
    this.lastT = now;
    this.samples++;
  }

  /** The code of what the thread does now; UNSEEN when it has ended. */
  private observe(): number {
    if (!this.byWchan) {
      const code = codeOfSyscall(bytes, readBytes(this.fds.syscall!), this.syscalls);
      if (code !== NO_SYSCALL) return code;
      this.fds.stat ??= fs.openSync(path.join(this.dir, 'stat'), 'r'); // a zombie says "-1" too
      return isGone(stateLetter(readText(this.fds.stat))) ? UNSEEN : code;
    }
    const letter = stateLetter(readText(this.fds.stat!));
    if (isGone(letter)) return UNSEEN;
    const wchan = wchanText(letter, readText(this.fds.wchan!));
    return wchan === null ? RUNNING : this.wchans.code(wchan);
  }

  /**
   * What the thread does now, for as few reads as can tell it: a thread that was blocked and has
   * not been on a CPU since (its schedstat did not move) is still blocked in the same call — one
   * read of schedstat instead of its system call and schedstat. Most samples of a waiting thread
   * are of this kind (the GIL's waiters wake every 5 ms, sleepers when their time is up).
   */
  private observeCheaply(now: number): number {
    const blocked = this.current !== RUNNING && this.current !== UNSEEN && this.fds.schedstat !== undefined;
    const sched = blocked ? schedstatOf(bytes, readBytes(this.fds.schedstat!)) : null;
    if (sched && this.sched && sched.runNs === this.sched.runNs && sched.waitNs === this.sched.waitNs && this.schedT === this.lastT) {
      this.schedT = now;
      return this.current;
    }
    const code = this.observe();
    if (code === UNSEEN || this.fds.schedstat === undefined || (code === RUNNING && !sched && this.samples % SCHEDSTAT_EVERY !== 0)) return code;
    return this.ranMostOfTheTime(now, code, sched ?? schedstatOf(bytes, readBytes(this.fds.schedstat)));
  }

  /**
   * Takes in schedstat: its time on a CPU and waiting for one add up, and a blocked thread that was
   * on a CPU for at least half the time since the last sample counts as running — when that
   * sample read schedstat too (it was blocked: a running one's is read only now and then).
   */
  private ranMostOfTheTime(now: number, code: number, sched: { runNs: number; waitNs: number } | null): number {
    const last = this.sched;
    const lastT = this.schedT;
    this.sched = sched;
    this.schedT = now;
    if (!sched || !last) return code;
    this.seen.onCpuNs += sched.runNs - last.runNs;
    this.seen.readyNs += sched.waitNs - last.waitNs;
    return code !== RUNNING && lastT === this.lastT && (sched.runNs - last.runNs) * 2 >= now - lastT ? RUNNING : code;
  }

  private change(t: number, code: number): void {
    this.seen.t.push(t);
    this.seen.code.push(code);
    this.current = code;
  }

  /** No more samples: what was seen last holds until `now`, or one period when that is too far. */
  close(now: number, periodNs = 0): void {
    if (this.gone) return;
    this.gone = true;
    if (this.lastT >= 0) this.seen.end = now - this.lastT > MAX_GAP_PERIODS * periodNs ? this.lastT + periodNs : now;
    for (const fd of Object.values(this.fds)) if (fd !== undefined) fs.closeSync(fd);
    this.fds = {};
  }
}

/**
 * A script run's control file (python/interleave_script_core.py), read on from where it was left
 * each tick: its `worker` records name each new thread, process and task as the program makes them
 * — where a model run's workers are known in advance by their event files.
 */
class WorkerRecords {
  private readonly lines: AppendedLines;

  constructor(file: string) {
    this.lines = new AppendedLines(file);
  }

  /** The threads (pid, tid) of the worker records written since the last look. */
  newThreads(): Array<{ pid: number; tid: number }> {
    const found: Array<{ pid: number; tid: number }> = [];
    for (const line of this.lines.next()) {
      if (!line.startsWith('{"type": "worker"')) continue;
      try {
        const r = JSON.parse(line) as { pid?: unknown; tid?: unknown };
        if (typeof r.pid === 'number' && typeof r.tid === 'number') found.push({ pid: r.pid, tid: r.tid });
      } catch {
        // not a whole record (a process killed mid-write): the follower says what it can of it
      }
    }
    return found;
  }

  close(): void {
    this.lines.close();
  }
}

/** How to find a run's threads: its workers' event files in `dir`, or (a script run) the worker records of its `control` file. */
export interface RunToSample {
  dir: string;
  workers: number;
  hz: number;
  proc?: string;
  control?: string;
}

/** The sampling of one run: its workers' threads, found as they begin, sampled each tick. */
export class RunSampler {
  readonly periodNs: number;
  private readonly threads = new Map<string, ThreadSampler>();
  /** Workers not begun yet, with their event file once it exists. */
  private readonly pending: Array<{ worker: number; fd: number | null }>;
  private next = 0;
  private readonly wchans = new WchanBook();
  private readonly syscalls = syscallNames();
  private readonly head = Buffer.alloc(HEAD);
  private readonly records: WorkerRecords | null;

  constructor(private readonly o: RunToSample) {
    this.periodNs = 1e9 / o.hz;
    this.pending = Array.from({ length: o.workers }, (_, worker) => ({ worker, fd: null }));
    this.records = o.control ? new WorkerRecords(o.control) : null;
  }

  /** A thread to sample from now on (a worker's, or one it started); once per thread. */
  addThread(pid: number, tid: number): void {
    const key = `${pid}:${tid}`;
    if (this.threads.has(key) || !(pid > 0 && tid > 0)) return;
    const thread = new ThreadSampler(this.o.proc ?? '/proc', pid, tid, this.syscalls, this.wchans);
    if (thread.open()) this.threads.set(key, thread);
  }

  /** Looks for workers that began, then samples every live thread. */
  tick(now: number): void {
    if (this.pending.length) this.discover();
    if (this.records) for (const { pid, tid } of this.records.newThreads()) this.addThread(pid, tid);
    for (const thread of this.threads.values()) if (!thread.gone) thread.sample(now, this.periodNs);
  }

  /** Threads being sampled now. */
  get live(): number {
    let n = 0;
    for (const thread of this.threads.values()) if (!thread.gone) n++;
    return n;
  }

  /** The run is over: closes everything and says what was seen. */
  stop(now: number): SampledRun {
    for (const p of this.pending) if (p.fd !== null) fs.closeSync(p.fd);
    this.pending.length = 0;
    this.records?.close();
    const threads = [...this.threads.values()];
    for (const thread of threads) thread.close(now, this.periodNs);
    return {
      threads: threads.map((th) => th.seen),
      samples: threads.reduce((n, th) => n + th.samples, 0),
      blockedBy: threads.some((th) => th.byWchan) ? 'wchan' : 'syscall',
      wchans: this.wchans.texts,
      hz: this.o.hz,
    };
  }

  /** Reads the head of some not-yet-begun workers' event files: a begin record names the worker's thread. */
  private discover(): void {
    for (let n = Math.min(DISCOVER_PER_TICK, this.pending.length); n > 0; n--) {
      this.next %= this.pending.length;
      const p = this.pending[this.next];
      const done = this.lookAt(p);
      if (done) {
        if (p.fd !== null) fs.closeSync(p.fd);
        this.pending.splice(this.next, 1);
        if (!this.pending.length) return;
      } else {
        this.next++;
      }
    }
  }

  /** Whether this worker is done with: begun (and its thread added), or ended without beginning. */
  private lookAt(p: { worker: number; fd: number | null }): boolean {
    if (p.fd === null) {
      const file = path.join(this.o.dir, `w${p.worker}.trc`);
      if (!fs.existsSync(file)) return false;
      p.fd = fs.openSync(file, 'r');
    }
    const n = fs.readSync(p.fd, this.head, 0, HEAD, FILE_HEADER);
    if (n < HEAD || this.head[0] === 0) return false;
    if (this.head[0] === KIND.begin) this.addThread(this.head.readInt32LE(13), this.head.readInt32LE(17));
    return true;
  }
}
