import type { Run, ThreadState } from './trace';

/**
 * What the figures say a run did, in one word: the verdict and the comparison of runs both read
 * it, so they never tell two stories about the same run.
 */
export type RunKind =
  /** This Python cannot run the model, or no worker got to run the function. */
  | 'not-run'
  | 'baseline'
  | 'one-worker'
  /** The workers ran one after another (no overlap worth the name). */
  | 'apart'
  /** Overlapped and kept more than one CPU busy (≥ 1.3 CPUs while they ran). */
  | 'parallel'
  /** Threads that overlapped but shared one CPU (the GIL). */
  | 'took-turns'
  /** Overlapped while using little CPU: sleeping, I/O, waiting. */
  | 'waiting'
  | 'overlapped';

/** The figures in a run's header: what answers "did it help, and why?". */
export interface RunSummary {
  model: Run['model'];
  wallNs: number;
  /** Sum of the workers' own CPU time (null when no worker reported it). */
  cpuNs: number | null;
  /** Sum of the workers' CPU time ÷ wall time: how many CPUs the run kept busy on average. */
  cpusBusy: number | null;
  /** Sequential wall time ÷ this run's wall time; null without a sequential run. */
  speedup: number | null;
  /** Time during which two or more workers were running their bodies. */
  overlapNs: number;
  /** Time during which at least one worker was running its body. */
  busyNs: number;
  /** Consecutive events (in global order) from different workers: changes of worker in the output. */
  switches: number;
  events: number;
  /** Median time from a worker's creation to the start of its body. */
  startupNs: number | null;
  /** Median time a worker's body ran. */
  workNs: number | null;
  workers: number;
  failed: number;
  /** We stopped the run (time limit, Cancel, the deadlock watchdog): its wall time is not the work's. */
  stopped: boolean;
  /** The deadlock watchdog ended it (so `stopped` too). */
  deadlocked: boolean;
  kind: RunKind;
  verdict: string;
  /**
   * What the workers mostly waited for, as their sampled thread states show (most of their time
   * in it; `gil`: a thread run's workers waited for the GIL ≥ 20% of theirs); null when no state
   * says so, absent when no states were sampled.
   */
  waitedFor?: ThreadState | null;
  /** States were sampled, but too few samples of some worker to name what it waited for (waitedFor stays absent). */
  tooShortToSample?: boolean;
  /**
   * A run that used little CPU while its workers were mostly ready to run: the share of their
   * ready time they waited for a CPU (stateSource.cpuWait) — a busy machine, not the code, made it slow.
   */
  starved?: number;
  /**
   * A model run several times (--repeat): these figures are medians over its `runs`, with the
   * wall time's and the speedup's ranges (repetitions.ts makes it). Absent for a single run.
   */
  repeated?: { runs: number; wallNs: Spread; speedup: Spread | null };
  /** The speedup is against the median of this many sequential runs (absent: against one run). */
  baselineRuns?: number;
}

/** A figure across repetitions: its median and range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** A run as the figures and the verdict read it: its events are not needed (the panel has them as columns). */
export type RunFacts = Omit<Run, 'events'>;
