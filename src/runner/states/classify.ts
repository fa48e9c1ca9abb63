/**
 * From what /proc says of a thread to what it was doing. A sample becomes a number — an
 * observation code, cheap to compare and to carry between threads — and a code becomes a state
 * once the run is known: whether the thread shares a GIL with others, whether it is inside a
 * recorded wait (runs[].locks: a lock, a Condition, an Event, a Queue, a join…).
 *
 *   /proc/PID/task/TID/syscall   "running" | "-1 sp pc" | "NR ARG1 … ARG6 sp pc"  (needs ptrace rights)
 *   /proc/PID/task/TID/stat      "PID (comm) S …": the state letter, after the last ")"
 *   /proc/PID/task/TID/wchan     the kernel function a blocked thread sleeps in ("0": none or hidden)
 *   /proc/PID/task/TID/schedstat "RUN_NS WAIT_NS SLICES": time on a CPU so far
 */
import type { ThreadState } from '../../shared/trace';
import { FUTEX_TIMEOUT_ARG, waitKind, type WaitKind } from './syscalls';

/** On a CPU, or ready to run on one (state R), or it ran most of the time since the last sample. */
export const RUNNING = -1;
/** Nothing observed: samples too far apart, or the thread not found yet. */
export const UNSEEN = -2;
/** Blocked, but not in a system call (a page fault). */
export const NO_SYSCALL = -3;
/** Codes from here down name a wchan text: FIRST_WCHAN - i is the i-th of the sampler's list. */
export const FIRST_WCHAN = -16;

/** A system call's code: its number, and whether it is a futex wait with a timeout. */
export function syscallCode(nr: number, timed: boolean): number {
  return nr * 2 + (timed ? 1 : 0);
}

/**
 * The code of /proc/…/syscall's text, read from its bytes (`names`: this architecture's system
 * calls): the sampler's hot path, so no string is made of it.
 */
export function codeOfSyscall(b: Uint8Array, length: number, names: ReadonlyMap<number, string> | null): number {
  if (length > 0 && b[0] === 0x72) return RUNNING; // "running"
  let nr = 0;
  let i = 0;
  for (; i < length && b[i] >= 0x30 && b[i] <= 0x39; i++) nr = nr * 10 + b[i] - 0x30;
  if (i === 0) return NO_SYSCALL; // "-1 sp pc", or nothing
  const timeoutArg = FUTEX_TIMEOUT_ARG[names?.get(nr) ?? ''];
  if (timeoutArg === undefined) return syscallCode(nr, false);
  let field = 0;
  for (; i < length && field < timeoutArg; i++) if (b[i] === 0x20) field++;
  const nullPointer = b[i] === 0x30 && b[i + 1] === 0x78 && b[i + 2] === 0x30 && (i + 3 >= length || b[i + 3] === 0x20 || b[i + 3] === 0x0a);
  return syscallCode(nr, field === timeoutArg && i < length && !nullPointer);
}

/** The state letter of /proc/…/stat's text (R, S, D, T, t, Z, X, I…); '?' when unreadable. */
export function stateLetter(text: string): string {
  const close = text.lastIndexOf(')');
  return close >= 0 && close + 2 < text.length ? text[close + 2] : '?';
}

/** From /proc/…/schedstat's bytes: ns on a CPU so far, and ns spent ready but waiting for one (null: none there). */
export function schedstatOf(b: Uint8Array, length: number): { runNs: number; waitNs: number } | null {
  let i = 0;
  let runNs = 0;
  let waitNs = 0;
  for (; i < length && b[i] >= 0x30 && b[i] <= 0x39; i++) runNs = runNs * 10 + b[i] - 0x30;
  const first = i;
  for (i++; i < length && b[i] >= 0x30 && b[i] <= 0x39; i++) waitNs = waitNs * 10 + b[i] - 0x30;
  return first > 0 && i > first + 1 ? { runNs, waitNs } : null;
}

/** A thread that is gone (a zombie, or dead): no more samples of it. */
export function isGone(letter: string): boolean {
  return letter === 'Z' || letter === 'X' || letter === 'x';
}

/** Without /proc/…/syscall: what the state letter and wchan say, as the text to list and code. */
export function wchanText(letter: string, wchan: string): string | null {
  if (letter === 'R') return null; // running: RUNNING
  if (letter === 'T' || letter === 't') return 'stopped';
  return wchan.trim() && wchan.trim() !== '0' ? wchan.trim() : 'unknown';
}

/** What a sample saw, decoded: running, or blocked in what (`timed`: a futex wait with a timeout; null: not known). */
export interface Observed {
  kind: 'running' | WaitKind;
  timed: boolean | null;
  detail: string | null;
}

/** What the run's codes mean: this architecture's system calls, and the sampler's wchan texts. */
export interface CodeBook {
  syscalls: ReadonlyMap<number, string> | null;
  wchans: readonly string[];
}

const WCHAN_KINDS: Array<[RegExp, WaitKind]> = [
  [/^futex/, 'futex'],
  [/nanosleep/, 'sleep'],
  [/pipe|poll|select|sk_wait|sock|tcp|udp|unix_|inet_|accept|tty|io_schedule|wait_on_page|folio_wait|blk|nfs|fuse|wait_woken/, 'io'],
];

export function decode(code: number, book: CodeBook): Observed {
  if (code === RUNNING) return { kind: 'running', timed: null, detail: null };
  if (code === NO_SYSCALL) return { kind: 'other', timed: null, detail: 'not in a system call' };
  if (code >= 0) {
    const nr = Math.floor(code / 2);
    const name = book.syscalls?.get(nr);
    const kind = name ? waitKind(name) : 'other';
    return { kind, timed: kind === 'futex' ? code % 2 === 1 : null, detail: name ?? `syscall ${nr}` };
  }
  const wchan = book.wchans[FIRST_WCHAN - code] ?? 'unknown';
  const kind = WCHAN_KINDS.find(([re]) => re.test(wchan))?.[1] ?? 'other';
  return { kind, timed: null, detail: kind === 'futex' ? 'futex' : wchan };
}

/** What the run knows of a thread at the time of a sample. */
export interface StateContext {
  /** It shares a GIL with other threads that run Python (a thread model, or helper threads). */
  gilShared: boolean;
  /** It is inside a recorded lock wait (runs[].locks). */
  inLockWait: boolean;
  /** That lock's name (`counter_lock (line 3)`): the span's detail instead of the system call's. */
  lockName?: string;
}

/**
 * The state of an observation. A futex wait is the GIL when threads share one and the wait has a
 * timeout: a GIL waiter always waits with one (the switch interval), while Lock.acquire(),
 * Thread.join(), Event.wait() and Queue.get() without a timeout wait without. Where the timeout
 * cannot be seen (wchan), every futex wait of a GIL-sharing thread counts as the GIL.
 */
export function stateOf(o: Observed, ctx: StateContext): { state: ThreadState; detail: string | null } {
  // blocked inside a recorded wait: on that lock, whatever it blocks in (a futex; a pipe under a
  // multiprocessing Queue's get; waitpid under a Process.join)
  if (ctx.inLockWait && o.kind !== 'running') return { state: 'lock', detail: ctx.lockName ?? o.detail };
  switch (o.kind) {
    case 'running':
      return { state: 'running', detail: null };
    case 'futex':
      return { state: ctx.gilShared && o.timed !== false ? 'gil' : 'other', detail: o.detail };
    default:
      return { state: o.kind, detail: o.detail };
  }
}
