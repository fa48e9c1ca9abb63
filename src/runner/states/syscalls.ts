/**
 * The system calls a blocked thread can be in, by number, for the architectures whose numbers we
 * know (taken from the kernel's uapi headers: asm/unistd_64.h for x86_64, asm-generic/unistd.h
 * for aarch64), and what waiting in each means for a person: sleeping, waiting for I/O, or a
 * futex (the GIL, a lock, a condition). A number we have no name for is still shown, as
 * "syscall N"; on another architecture, states are told apart by wchan instead (see classify).
 */

/** What a thread blocked in a system call is waiting for. */
export type WaitKind = 'futex' | 'sleep' | 'io' | 'other';

const X86_64: Record<string, number> = {
  read: 0, write: 1, open: 2, close: 3, fstat: 5, poll: 7, lseek: 8, mmap: 9, mprotect: 10, munmap: 11, brk: 12, ioctl: 16,
  pread64: 17, pwrite64: 18, readv: 19, writev: 20, select: 23, sched_yield: 24, msync: 26, madvise: 28, dup: 32, pause: 34,
  nanosleep: 35, sendfile: 40, socket: 41, connect: 42, accept: 43, sendto: 44, recvfrom: 45, sendmsg: 46, recvmsg: 47,
  shutdown: 48, bind: 49, listen: 50, clone: 56, fork: 57, vfork: 58, execve: 59, exit: 60, wait4: 61, kill: 62, fcntl: 72,
  flock: 73, fsync: 74, fdatasync: 75, ftruncate: 77, rt_sigtimedwait: 128, rt_sigsuspend: 130, futex: 202, io_getevents: 208,
  getdents64: 217, clock_nanosleep: 230, exit_group: 231, epoll_wait: 232, waitid: 247, openat: 257, newfstatat: 262,
  pselect6: 270, ppoll: 271, splice: 275, tee: 276, epoll_pwait: 281, fallocate: 285, accept4: 288, dup3: 292, preadv: 295,
  pwritev: 296, recvmmsg: 299, sendmmsg: 307, getrandom: 318, copy_file_range: 326, preadv2: 327, pwritev2: 328, statx: 332,
  io_uring_enter: 426, clone3: 435, epoll_pwait2: 441, futex_waitv: 449, futex_wait: 455,
};

const AARCH64: Record<string, number> = {
  io_getevents: 4, epoll_pwait: 22, dup: 23, dup3: 24, fcntl: 25, ioctl: 29, flock: 32, fallocate: 47, ftruncate: 46, openat: 56,
  close: 57, getdents64: 61, lseek: 62, read: 63, write: 64, readv: 65, writev: 66, pread64: 67, pwrite64: 68, preadv: 69,
  pwritev: 70, sendfile: 71, pselect6: 72, ppoll: 73, splice: 76, tee: 77, newfstatat: 79, fstat: 80, fsync: 82, fdatasync: 83,
  exit: 93, exit_group: 94, waitid: 95, futex: 98, nanosleep: 101, clock_nanosleep: 115, sched_yield: 124, kill: 129,
  rt_sigsuspend: 133, rt_sigtimedwait: 137, socket: 198, bind: 200, listen: 201, accept: 202, connect: 203, sendto: 206,
  recvfrom: 207, shutdown: 210, sendmsg: 211, recvmsg: 212, brk: 214, munmap: 215, clone: 220, execve: 221, mmap: 222,
  mprotect: 226, msync: 227, madvise: 233, accept4: 242, recvmmsg: 243, wait4: 260, sendmmsg: 269, getrandom: 278,
  copy_file_range: 285, preadv2: 286, pwritev2: 287, statx: 291, io_uring_enter: 426, clone3: 435, epoll_pwait2: 441,
  futex_waitv: 449, futex_wait: 455,
};

const TABLES: Partial<Record<NodeJS.Architecture, Record<string, number>>> = { x64: X86_64, arm64: AARCH64 };

const SLEEP = new Set(['nanosleep', 'clock_nanosleep']);
const FUTEX = new Set(['futex', 'futex_waitv', 'futex_wait']);
/** Waiting on a file, pipe, socket or device: reads, writes, waits for readiness, syncs. */
const IO = new Set([
  'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'pwritev', 'preadv2', 'pwritev2', 'open', 'openat',
  'poll', 'ppoll', 'select', 'pselect6', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'accept', 'accept4', 'connect',
  'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'sendfile', 'splice', 'tee', 'copy_file_range',
  'fsync', 'fdatasync', 'msync', 'flock', 'io_getevents', 'io_uring_enter',
]);

/** Which argument of a futex call is its timeout (1-based, as /proc/…/syscall lists them). */
export const FUTEX_TIMEOUT_ARG: Readonly<Record<string, number>> = { futex: 4, futex_waitv: 4, futex_wait: 5 };

/** The names of this architecture's system calls by number, or null when we do not know them. */
export function syscallNames(arch: NodeJS.Architecture = process.arch): ReadonlyMap<number, string> | null {
  const table = TABLES[arch];
  return table ? new Map(Object.entries(table).map(([name, nr]) => [nr, name])) : null;
}

/** What waiting in the system call `name` is. */
export function waitKind(name: string): WaitKind {
  if (FUTEX.has(name)) return 'futex';
  if (SLEEP.has(name)) return 'sleep';
  return IO.has(name) ? 'io' : 'other';
}
