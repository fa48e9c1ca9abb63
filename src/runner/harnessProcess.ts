/**
 * The harness process of one model run, as an explicit state machine (in the manner of
 * austin-vscode's executor). Every transition is in TRANSITIONS; what happens on entering a state
 * is in `enter`. Events the table does not list for the current state are ignored (a Cancel
 * after the timeout, an exit after an exit).
 *
 *   spawned ──inspect──▶ inspecting ──run──▶ running ──exit──▶ ended
 *      │ run ─────────────────────────────────▲  │
 *      ├── stop (timeout, cancel) ─▶ ending ─exit─▶ ended      (from spawned, inspecting, running)
 *      └── error (could not start) ──────────────▶ ended
 */
import { UserError } from './errors';
import { pythonHint } from './settings';
import { harnessEnv, harnessScript, type SpawnFn } from './launch';
import { endProcessTree, killGroup } from './processTree';
import { setLongTimeout } from './timeLimit';

export type HarnessState = 'spawned' | 'inspecting' | 'running' | 'ending' | 'ended';
export type HarnessEvent = 'inspect' | 'run' | 'stop' | 'exit' | 'error';

export const TRANSITIONS: Readonly<Record<HarnessState, Partial<Record<HarnessEvent, HarnessState>>>> = {
  spawned: { inspect: 'inspecting', run: 'running', stop: 'ending', exit: 'ended', error: 'ended' },
  inspecting: { run: 'running', stop: 'ending', exit: 'ended' },
  running: { stop: 'ending', exit: 'ended' },
  ending: { exit: 'ended' },
  ended: {},
};

export type StopReason = 'timeout' | 'cancelled';

/**
 * The harness's descriptor of a pipe only we hold the other end of: when we end without ending
 * the run (killed, crashed), it reads end-of-file and the harness ends the run itself.
 */
export const LIFELINE_FD = 3;
/** Where the harness gets a lifeline (POSIX: an inherited pipe on LIFELINE_FD). */
export const HAS_LIFELINE = process.platform !== 'win32';

/** How the harness process ended. */
export interface HarnessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why we stopped it, when we did. */
  stopReason: StopReason | null;
  /**
   * When we stopped it (ns, the monotonic clock the harness and the sampler share), or null: a
   * stopped run wrote no end of its own, and its wall time runs to here, not to its last event.
   */
  stoppedNs: number | null;
  /** The last 8,000 characters it wrote to stderr (for messages when it failed). */
  stderrTail: string;
}

export interface HarnessOptions {
  spawn: SpawnFn;
  python: string;
  configPath: string;
  cwd: string;
  /** The harness inspects the file before it runs (its first state is then `inspecting`). */
  inspect: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The user's stdout straight to this descriptor, or nowhere, instead of through onOutput. */
  stdout?: number | 'ignore';
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /**
   * `-X gil=1` (a free-threaded build's GIL on for this process; the user's environment stays as
   * it is). There is no `-X gil=0` for the other runs: what turns the GIL on there is the user's to see.
   */
  gilOn?: boolean;
}

export class HarnessProcess {
  state: HarnessState = 'spawned';
  /** Resolves when the process has ended (and everything it started is gone). */
  readonly done: Promise<HarnessExit>;
  private stopReason: StopReason | null = null;
  private stoppedNs: number | null = null;
  private stderrTail = '';
  private clearTimer: () => void = () => undefined;
  private readonly child: ReturnType<SpawnFn>;
  private settle!: { resolve: (exit: HarnessExit) => void; reject: (e: Error) => void };

  constructor(private readonly o: HarnessOptions) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    const child = o.spawn(o.python, [...(o.gilOn ? ['-X', 'gil=1'] : []), harnessScript(), 'run', o.configPath], {
      stdio: ['ignore', o.stdout ?? 'pipe', 'pipe', HAS_LIFELINE ? 'pipe' : 'ignore'],
      env: harnessEnv(),
      cwd: o.cwd,
      detached: process.platform !== 'win32', // its own process group: one kill ends the whole tree
    });
    this.child = child;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => o.onOutput?.('stdout', s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-8000);
      o.onOutput?.('stderr', s);
    });
    child.on('spawn', () => this.fire(o.inspect ? 'inspect' : 'run'));
    child.on('error', (e: NodeJS.ErrnoException) => this.fire('error', e));
    child.on('close', (code, signal) => this.fire('exit', { code, signal }));
    this.clearTimer = setLongTimeout(() => this.stop('timeout'), o.timeoutMs);
    o.signal?.addEventListener('abort', this.onAbort);
    if (o.signal?.aborted) this.onAbort();
  }

  /** The harness said the run began (its runStart record). */
  runStarted(): void {
    this.fire('run');
  }

  /** With --repeat: the next repetition began, and has the time limit of a run to itself. */
  nextRun(): void {
    if (this.state !== 'running') return;
    this.clearTimer();
    this.clearTimer = setLongTimeout(() => this.stop('timeout'), this.o.timeoutMs);
  }

  private readonly onAbort = () => this.stop('cancelled');

  private stop(reason: StopReason): void {
    if (TRANSITIONS[this.state].stop) {
      this.stopReason = reason;
      this.stoppedNs = Number(process.hrtime.bigint()); // process.hrtime is CLOCK_MONOTONIC, as Python's perf_counter
    }
    this.fire('stop');
  }

  /** Timeout or Cancel: the harness, its group and everything below it, in any session. */
  private endTree(): void {
    const { pid } = this.child;
    if (pid === undefined) return;
    // Reaped already (its pipes are still open): it ended what was below it as it exited.
    if (this.child.exitCode !== null || this.child.signalCode !== null) killGroup(pid);
    else endProcessTree(pid); // not reaped: its pid is still its own
  }

  private fire(event: HarnessEvent, detail?: unknown): void {
    const next = TRANSITIONS[this.state][event];
    if (!next) return;
    this.state = next;
    this.enter(next, event, detail);
  }

  private enter(state: HarnessState, event: HarnessEvent, detail: unknown): void {
    if (state === 'ending') this.endTree();
    if (state !== 'ended') return;
    this.clearTimer();
    this.o.signal?.removeEventListener('abort', this.onAbort);
    if (event === 'error') {
      const e = detail as Error;
      this.settle.reject(new UserError('python', `Could not start Python (${this.o.python}): ${e.message}. ${pythonHint()}`));
      return;
    }
    // anything left in the group goes too (the harness ended what was below it before it exited)
    if (this.child.pid !== undefined) killGroup(this.child.pid);
    const { code, signal } = detail as { code: number | null; signal: NodeJS.Signals | null };
    this.settle.resolve({ code, signal, stopReason: this.stopReason, stoppedNs: this.stoppedNs, stderrTail: this.stderrTail });
  }
}
