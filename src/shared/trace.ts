/**
 * Trace format v1 — an external interface (documented in the README, versioned by `schema`).
 * Times are nanoseconds since the run's start, from one monotonic clock shared by all processes.
 */

export const TRACE_SCHEMA = 'interleave.trace/1';

/** Execution models the harness can run. */
/** `script`: the program as written (`interleave script`), its own threads, processes and tasks the workers. */
export type Model = 'sequential' | 'thread' | 'process' | 'thread-pool' | 'process-pool' | 'asyncio' | 'interpreter' | 'script';
/** Every model a function can run under (`asyncio` needs an `async def` target); `script` is a verb of its own. */
export const ALL_MODELS: readonly Model[] = ['sequential', 'thread', 'process', 'thread-pool', 'process-pool', 'asyncio', 'interpreter'];

/** Models whose workers are separate processes. */
export function inChildProcesses(model: Model): boolean {
  return model === 'process' || model === 'process-pool';
}

export type StartMethod = 'fork' | 'spawn' | 'forkserver';

/**
 * A worker whose body never began: a sequential call after one that ended the process (status
 * `exited`, with that exit), a process-pool task after the pool broke (`error`, BrokenProcessPool),
 * a worker the run was ended before, at a deadlock (`deadlock`).
 */
export function neverStarted(w: WorkerInfo): boolean {
  return w.startNs === null && (w.status === 'exited' || w.status === 'deadlock' || (w.status === 'error' && w.error?.type === 'BrokenProcessPool'));
}

export interface Trace {
  schema: typeof TRACE_SCHEMA;
  target: Target;
  python: PythonInfo;
  runs: Run[];
  /** With --repeat: per model, the orders its repetitions' events came in (see orders.ts). */
  orders?: ModelOrders[];
  /** With --repeat: per model (per variant, as `orders`), what each worker's last line was across its runs (see endings.ts). */
  endings?: ModelEndings[];
}

/* What repeated runs ended with (`endings`): built and put in words by endings.ts. */

/** One form of last line: its text around the numbers that differed between its runs. */
export interface LineEnding {
  /** The line's text between the numbers that varied (one more part than numbers); numbers equal in all its runs stay in the text. */
  parts: string[];
  /** The repetitions (0-based) that ended with a line of this form, ascending. */
  repetitions: number[];
  /** Per number that varied: the value each of `repetitions` printed there, in the same order. */
  numbers: number[][];
}

/** A worker's last lines across its model's repetitions, most frequent form first. */
export interface WorkerEndings {
  worker: number;
  endings: LineEnding[];
  /** The repetitions in which this worker printed nothing. */
  silent: number[];
}

/** A repeated model's endings: per worker, across its `repetitions` runs. */
export interface ModelEndings {
  model: Model;
  /** As the runs' own `gil` (a free-threaded build runs the thread models with it on and off). */
  gil?: boolean;
  /** The interpreter's executable, when it is not the trace's (--compare-python). */
  python?: string;
  repetitions: number;
  workers: WorkerEndings[];
}

/** The orders a model's repetitions printed in: the same signature means the same interleaving. */
export interface ModelOrders {
  model: Model;
  /**
   * Set when the model ran in more than one way, each with its own entry: `gil` as its runs'
   * (a free-threaded build, GIL on and off), `python` the executable of a compared interpreter.
   */
  gil?: boolean;
  python?: string;
  /** Its runs in `runs` (repetitions 0..n−1). */
  repetitions: number;
  /** How many different orders (the length of `orders`). */
  distinct: number;
  /** Most frequent first (ties: the one seen first). */
  orders: RunOrder[];
}

/**
 * "Be the scheduler" (--order): the workers took turns at each print in the order `signature`
 * (as RunOrder's). `followed`: the run's first events came in exactly that order. `note` says
 * how it went in words: the slots skipped because a worker ended before them, the lines printed
 * freely after the order's end, or why this model could not be forced.
 */
export interface ForcedOrder {
  signature: string;
  followed: boolean;
  note: string;
}

export interface RunOrder {
  /** The run's events' worker indices in global order: digits below 10 workers, else comma-separated. */
  signature: string;
  count: number;
  /** The repetitions that printed in this order, ascending. */
  repetitions: number[];
}

/** What was run: a function, or a snippet (`function` null, `snippet` its first and last line). */
export interface Target {
  file: string;
  function: string | null;
  line: number;
  args?: string;
  snippet?: { startLine: number; endLine: number };
  /** The program as written (`interleave script`, `function` null): the arguments it was given in `sys.argv[1:]`. */
  script?: { argv: string[] };
  /** Top-level statements that were not run when loading the module (the script part). */
  skippedLines?: number[];
}

export interface PythonInfo {
  version: string;
  implementation: string;
  executable: string;
  gil: boolean;
  /** A free-threaded build (3.13t+): it can run with the GIL off, so the thread models run twice (GIL on, GIL off). */
  freeThreaded?: boolean;
  cpuCount: number | null;
  platform: string;
  clock?: string;
}

export interface Run {
  model: Model;
  workers: number;
  startMethod: StartMethod | null;
  /** From just before the first worker is created to just after the last one is joined. */
  wallNs: number;
  workerInfo: WorkerInfo[];
  /** Every output line of the run, in global time order (ties broken by worker). */
  events: OutputEvent[];
  /** Set when recording stopped at the event cap. */
  truncated?: boolean;
  /** Set when this Python cannot run the model at all (e.g. subinterpreters before 3.14): why. */
  unavailable?: string;
  /** Set when we stopped the run: at the time limit, or because the user cancelled. */
  stopped?: 'timeout' | 'cancelled';
  /** `script` runs: Python children the program started that could not be traced (`-I`, `-E`, `-S`, an `env=` without ours), and why. */
  untraced?: Array<{ pid: number; parent: number | null; command: string; reason: string }>;
  /**
   * Every contended acquire of the user's locks (and blocking wait on their Condition, Event,
   * Barrier, Queue), in order of `waitT`. Present when the run ran with locks recorded.
   */
  locks?: LockSpan[];
  /** With --repeat: which of the model's runs this is (0-based; they are in `runs` in order). */
  repetition?: number;
  /** The workers began their body together, at a barrier after their start-up (--align). */
  aligned?: boolean;
  /** The thread models: the sys.setswitchinterval the run ran with, in seconds. */
  switchInterval?: number;
  /** With --order: the order the workers were made to print in, and whether the run followed it. */
  forcedOrder?: ForcedOrder;
  /** How the thread states in `states` were observed; null when they were not (`stateNote` says why). */
  stateSource?: StateSource | null;
  /** Why there are no states (sampling off, not Linux, …), or what to know about those there are. */
  stateNote?: string;
  /** What each worker's threads were doing while its body ran: per worker, per thread, in time order. */
  states?: StateSpan[];
  /** On a free-threaded build: whether this run had the GIL on (after the user's module was imported). */
  gil?: boolean;
  /** Why the GIL was on where it was not asked to be (PYTHON_GIL=1, an extension module that turned it on). */
  gilNote?: string;
  /** The interpreter of this run when it is not the trace's `python` (compared interpreters). */
  python?: PythonInfo;
}

/**
 * One contended acquire: waited from `waitT`, got it at `acquiredT` (null: never — gave up at a
 * timeout, or still waiting when the run ended), held it until `releasedT` (null: not released
 * while recorded, or nothing to hold, as for an Event). Times since the run's start.
 */
export interface LockSpan {
  /** When a wait that never got its lock gave up (a timeout ran out); absent: it got it, or still waited at the end. */
  gaveUpT?: number;
  worker: number;
  /** The thread the worker started that waited (as `OutputEvent.thread`); null: the worker's own. */
  thread: number | null;
  /** The name it was assigned to and the line that made it: `counter_lock (line 3)`; unnamed: `Lock (line 3)`. */
  lock: string;
  /** `Lock`, `RLock`, `Condition`, `Semaphore`, `BoundedSemaphore`, `Event`, `Barrier`, `Queue`, `LifoQueue`, `PriorityQueue`, `SimpleQueue`, `multiprocessing.Lock`, `multiprocessing.Queue`, … */
  kind: string;
  /** The line of the user's file where acquire (or `with`, wait, get, put) was called; null: none. */
  line: number | null;
  /** `script` runs: the file `line` is in, when it is another file of the program than the traced one. */
  file?: string;
  waitT: number;
  acquiredT: number | null;
  releasedT: number | null;
}

/**
 * What a thread is doing, as seen from outside the interpreter: `running` (on a CPU, or ready to
 * run on one), `gil` (a thread waiting for the GIL), `lock` (waiting in an instrumented lock,
 * condition, event, barrier or queue), `sleep` (time.sleep and other timed sleeps), `io` (blocked
 * on a file, pipe or socket), `other` (blocked in anything else: `detail` names it).
 */
export type ThreadState = 'running' | 'gil' | 'lock' | 'sleep' | 'io' | 'other';
export const THREAD_STATES: readonly ThreadState[] = ['running', 'gil', 'lock', 'sleep', 'io', 'other'];

/** How a run's thread states were observed. */
export interface StateSource {
  /** Sampled from /proc/PID/task/TID (Linux), from outside the interpreter. */
  method: 'proc';
  /** The sampling rate asked for, per thread (samples a second). */
  hz: number;
  /** Samples taken: one per sampled thread per tick. */
  samples: number;
  /**
   * How blocked threads were told apart: by the system call they are in (/proc/…/syscall), or —
   * where that cannot be read (no ptrace rights, an architecture whose calls we do not know) —
   * by the kernel function they sleep in (wchan), which cannot tell a timed wait from an untimed one.
   */
  blockedBy: 'syscall' | 'wchan';
  /**
   * Of the time the sampled threads were ready to run (on a CPU, or runnable and waiting for one —
   * from schedstat), the share spent waiting for a CPU, 0 to 1: a busy machine, whose waits the
   * state `running` includes. Absent where schedstat could not be read.
   */
  cpuWait?: number;
}

/**
 * A stretch of time one thread of a worker spent in one state: from `t` (ns since the run's
 * start) for `dur` ns. Equal neighbours are merged; time between samples belongs to the sample
 * before it (up to a limit: beyond it, that time is in no span).
 */
export interface StateSpan {
  worker: number;
  /** The helper thread's number, as `OutputEvent.thread`; null: the worker's own thread. */
  thread: number | null;
  t: number;
  dur: number;
  state: ThreadState;
  /** The system call (or kernel function) a blocked thread was in; for `lock`, the lock's name (as `LockSpan.lock`); null while running. */
  detail: string | null;
}

/** `deadlock`: the run was ended because its live workers all waited on each other (see `WorkerInfo.deadlock`). */
export type WorkerStatus = 'ok' | 'error' | 'exited' | 'killed' | 'timeout' | 'deadlock';

export interface WorkerInfo {
  worker: number;
  pid: number | null;
  /** When the harness created the worker (thread/process start-up begins); sequential: startNs. */
  createdNs?: number | null;
  /** When the worker's body began running. */
  startNs: number | null;
  /** When the worker's body ended (null: it never did — killed, timed out, exited abruptly). */
  endNs: number | null;
  /** When the harness's join of the worker returned; in a script run, the program's own join of it (`joinedBy`'s). */
  joinedNs?: number | null;
  /** A script run: the worker (lane) whose Thread.join / Process.join of this one returned at `joinedNs`. */
  joinedBy?: number;
  /**
   * A script run: a process the program ended itself — `killed` by its own `terminate()`/`kill()`
   * (a Pool's terminate() at the end of its `with`): the worker that called it (null: a thread of
   * no lane) and the call. Such a process did not fail: the program meant it to end.
   */
  endedBy?: { worker: number | null; call: string };
  /**
   * A script run: this process was forked while this many other threads of its parent ran — a
   * lock one of them held then stays held in the child, which can hang it (Python 3.12 warns).
   */
  forkedAmidThreads?: number;
  /** CPU time the worker itself used (thread: thread time; process: the child's CPU time). */
  cpuNs: number | null;
  status: WorkerStatus;
  error?: { type: string; message: string; traceback: string };
  exitCode?: number;
  signal?: string;
  /** Threads the worker started itself, whose output is on sub-lanes (`OutputEvent.thread`); `tid` as below. */
  threads?: Array<{ thread: number; name: string; tid?: number }>;
  /** The native id of the thread that ran the body (`threading.get_native_id()`); a process's main thread's. */
  tid?: number | null;
  /** Time the worker's own thread spent in each state: the sums of its spans in `Run.states`. */
  stateNs?: Record<ThreadState, number>;
  /**
   * With status `deadlock`, for a worker that was waiting when the run was ended: the run's cycle
   * in words ("Thread 1 holds a (line 5) and waits for b (line 6); …") and this worker's frames of
   * the user's file at that moment, as a traceback shows them. A worker that never started has
   * status `deadlock` without it.
   */
  deadlock?: { cycle: string; stack: string };
  /** `script` runs: what the worker is — the main thread, a thread, a process (its main thread), an asyncio task. */
  kind?: WorkerKind;
  /** `script` runs: its name in the program (`Thread-1 (print_numbers)`, `Process-1`, `ThreadPoolExecutor-0_0`, `Task-2 fetch()`). */
  name?: string;
  /** `script` runs: the worker that created it (its index), or null (the main thread; a creator we did not see). */
  parent?: number | null;
}

/** What a worker of a `script` run is. */
export type WorkerKind = 'main' | 'thread' | 'process' | 'task';

export type Stream = 'stdout' | 'stderr';

/** One line of output. `line` is the line of the user's file that wrote it (null: no frame of it). */
export interface OutputEvent {
  t: number;
  worker: number;
  pid: number | null;
  stream: Stream;
  text: string;
  line: number | null;
  /** Written by a thread the worker started (its number in `WorkerInfo.threads`); absent: the worker's own. */
  thread?: number;
  /** `script` runs: the file `line` is in, when it is another file of the program than the traced one. */
  file?: string;
  /**
   * Did not go through sys.stdout/sys.stderr: read from the pipe under fds 1/2 (a C extension, a
   * subprocess: `t` is when it was read, `line` null, in a thread model the worker a guess), or
   * written with os.write (time and line exact).
   */
  approximate?: true;
}
