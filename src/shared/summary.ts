import { BUSY_SHARE, eachShareText, MIN_SAMPLES, sampledEnough, sharesText, STATE_LABELS, WAIT_STATES, workersStates, type WorkersStates } from './states';
import type { Run, ThreadState, Trace, WorkerInfo } from './trace';
import { runPython } from './interpreters';

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

/** Consecutive events from different workers, in the run's global order. */
export function switchCount(run: Pick<Run, 'events'>): number {
  return switchesIn(run.events.length, (i) => run.events[i].worker);
}

/** The same for `length` events held any way: `workerAt(i)` is event i's worker. */
export function switchesIn(length: number, workerAt: (i: number) => number): number {
  let switches = 0;
  for (let i = 1; i < length; i++) if (workerAt(i) !== workerAt(i - 1)) switches++;
  return switches;
}

/** A worker's running interval; one that never ended runs to the end of the run. */
export function workerInterval(w: WorkerInfo, wallNs: number): [number, number] | null {
  if (w.startNs === null) return null;
  return [w.startNs, w.endNs ?? Math.max(w.startNs, wallNs)];
}

/** Time covered by at least one, and by two or more, of the intervals (one sweep over their ends). */
export function coverage(intervals: Array<[number, number]>): { busyNs: number; overlapNs: number } {
  const edges: Array<[number, number]> = [];
  for (const [a, b] of intervals) {
    if (b > a) edges.push([a, 1], [b, -1]);
  }
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let depth = 0;
  let since = 0;
  let busyNs = 0;
  let overlapNs = 0;
  for (const [t, d] of edges) {
    if (depth >= 1) busyNs += t - since;
    if (depth >= 2) overlapNs += t - since;
    depth += d;
    since = t;
  }
  return { busyNs, overlapNs };
}

/** Total time covered by two or more of the intervals. */
export function overlapNs(intervals: Array<[number, number]>): number {
  return coverage(intervals).overlapNs;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** How many events a run has and how often consecutive ones change worker. */
export interface EventCounts {
  events: number;
  switches: number;
}

/** `counts`: when the run's events are kept elsewhere than `run.events` (the CLI's columns). */
export function summarizeRun(run: Run, baseline: Run | undefined, gil = true, counts?: EventCounts): RunSummary {
  const cpus = run.workerInfo.map((w) => w.cpuNs).filter((c): c is number => c !== null);
  const cpuNs = cpus.length ? cpus.reduce((a, b) => a + b, 0) : null;
  const intervals = run.workerInfo.map((w) => workerInterval(w, run.wallNs)).filter((x): x is [number, number] => x !== null);
  const startups = run.workerInfo
    .filter((w) => w.startNs !== null && w.createdNs !== null && w.createdNs !== undefined)
    .map((w) => w.startNs! - w.createdNs!);
  const covered = coverage(intervals);
  const summary: RunSummary = {
    model: run.model,
    wallNs: run.wallNs,
    cpuNs,
    cpusBusy: cpuNs !== null && run.wallNs > 0 ? cpuNs / run.wallNs : null,
    speedup: baseline && baseline !== run && run.wallNs > 0 ? baseline.wallNs / run.wallNs : null,
    overlapNs: covered.overlapNs,
    busyNs: covered.busyNs,
    switches: counts ? counts.switches : switchCount(run),
    events: counts ? counts.events : run.events.length,
    startupNs: run.model === 'sequential' ? null : median(startups),
    workNs: median(intervals.map(([a, b]) => b - a)),
    workers: run.workerInfo.length,
    failed: run.workerInfo.filter((w) => w.status !== 'ok').length,
    stopped: run.stopped !== undefined || run.workerInfo.some((w) => w.status === 'deadlock'),
    deadlocked: run.workerInfo.some((w) => w.status === 'deadlock'),
    kind: 'not-run',
    verdict: '',
  };
  summary.kind = runKind(run, summary);
  const observed = workersStates(run);
  if (observed && sampledEnough(run, observed)) {
    summary.waitedFor = waitedFor(run, observed);
    const cpuWait = run.stateSource?.cpuWait ?? 0;
    if (summary.kind === 'waiting' && cpuWait >= BUSY_SHARE && observed.together.running > MOSTLY) summary.starved = cpuWait;
  } else if (observed) summary.tooShortToSample = true;
  summary.verdict = verdict(run, summary, gil);
  return summary;
}

export function summarizeTrace(trace: Trace, counts?: readonly EventCounts[]): RunSummary[] {
  return trace.runs.map((r, i) => {
    // each interpreter's runs against its own sequential run(s); the GIL as that run had it
    const python = runPython(r, trace);
    const sequential = trace.runs.filter((b) => b.model === 'sequential' && !b.unavailable && runPython(b, trace).executable === python.executable);
    // Repeated (--repeat): each run is held against the sequential runs' median, so one stalled
    // baseline does not make every other run look fast.
    const baseline = sequential.length > 1 ? { ...sequential[0], wallNs: median(sequential.map((b) => b.wallNs))! } : sequential[0];
    const gil = r.gil ?? python.gil;
    const s = summarizeRun(r, baseline, gil, counts?.[i]);
    if (sequential.length > 1 && r.model === 'sequential') s.speedup = null; // the baseline itself
    else if (sequential.length > 1 && s.speedup !== null) {
      s.baselineRuns = sequential.length;
      s.verdict = verdict(r, s, gil);
    }
    return s;
  });
}

/** Models whose workers share one interpreter's GIL (when it has one). */
export function sharesOneInterpreter(model: Run['model']): boolean {
  return model === 'thread' || model === 'thread-pool' || model === 'asyncio';
}

/** CPUs busy while any worker ran its body (not over the start-up): what tells computing from waiting. */
function parallelism(s: RunSummary): number {
  return s.cpuNs !== null && s.overlapNs > 0 ? s.cpuNs / Math.max(1, s.busyNs) : 0;
}

/** The one word for what a run did (see RunKind). */
export function runKind(run: RunFacts, s: RunSummary): RunKind {
  const n = run.workerInfo.length;
  if (run.unavailable || (n > 0 && run.workerInfo.every((w) => w.startNs === null))) return 'not-run';
  if (run.model === 'sequential') return 'baseline';
  if (n < 2) return 'one-worker';
  if (s.overlapNs === 0 || (run.wallNs > 0 ? s.overlapNs / run.wallNs : 0) < 0.01) return 'apart';
  const p = parallelism(s);
  if (p >= 1.3) return 'parallel';
  // Judged by the run's own CPU use; the speedup compares two separately timed runs.
  if ((run.model === 'thread' || run.model === 'thread-pool') && p > 0.8) return 'took-turns';
  if (s.cpuNs !== null ? p < 0.5 : (s.speedup ?? 0) >= 1.2) return 'waiting';
  return 'overlapped';
}

/** Within this ratio two wall times are "about the same": one run of each varies more than that. */
export const SAME_SPEED = 1.05;

/**
 * A run against another, in words: `ratio` is the other's wall time ÷ this one's. Never a ratio
 * below 1 in words: "42× slower", not "0.024× faster".
 */
export function speedWords(ratio: number, other: string): string {
  if (ratio >= SAME_SPEED) return `${formatRatio(ratio)} faster than ${other}`;
  if (ratio >= 1) return `about as fast as ${other}`;
  if (ratio > 1 / SAME_SPEED) return `no faster than ${other}`;
  return `${formatRatio(1 / ratio)} slower than ${other}`;
}

/** A ratio of times for a sentence: 1.9×, 6.3×, 42×. */
export function formatRatio(x: number): string {
  return `${x >= 9.95 ? x.toFixed(0) : x.toFixed(1)}×`;
}

/** CPUs busy on average: 1.9, 0.35, 0.02 (small values keep a second figure). */
export function formatCpus(x: number): string {
  return x >= 0.095 ? x.toFixed(1) : x.toFixed(2);
}

/** "1.0 CPU", "1.9 CPUs". */
export function cpusPhrase(x: number): string {
  const n = formatCpus(x);
  return `${n} CPU${Number(n) > 1 ? 's' : ''}`;
}


/** One sentence in plain words about what the figures mean. */
export function verdict(run: RunFacts, s: RunSummary, gil = true): string {
  const parts: string[] = [];
  const n = run.workerInfo.length;
  const name = workerNoun(run.model, 2);
  if (run.unavailable) return `Not run: ${run.unavailable}.`;
  if (run.stopped) parts.push(run.stopped === 'timeout' ? 'Stopped at the time limit.' : 'Cancelled.');
  const why = failureReason(run);
  if (s.kind === 'not-run') {
    parts.push(`None of the ${name} got to run the function${why ? `: ${why}` : ''}.`);
    return parts.join(' ');
  }
  const stuck = run.workerInfo.find((w) => w.deadlock);
  if (stuck) {
    // its times say how long they waited, not how the model performs
    parts.push(`Deadlocked, so the run was ended early: ${stuck.deadlock!.cycle}.`);
    return parts.join(' ');
  }
  if (n > 0 && run.workerInfo.every(failedByItself)) {
    // their times are those of the failure: start-up against work, overlap or speed would mislead
    parts.push(`${failedTogether(run, name)}, so the times measure the failure, not the function's work: fix it and run again.`);
    if (run.truncated) parts.push('Recording stopped at the event cap.');
    return parts.join(' ');
  }
  if (s.kind === 'baseline') parts.push(`Baseline: ${n} call${n === 1 ? '' : 's'} one after another took ${formatNs(run.wallNs)}.`);
  else {
    parts.push(`${concurrentVerdict(run, s, name, gil)}.`);
    if (s.speedup !== null && s.speedup < 0.8 && s.startupNs !== null && s.startupNs * n > run.wallNs * 0.3) {
      parts.push(`Starting the ${name} cost more than the work they did.`);
    }
  }
  if (s.failed) parts.push(`${s.failed} of ${n} worker${n === 1 ? '' : 's'} did not finish normally${why ? ` (first: ${why})` : ''}.`);
  if (run.truncated) parts.push('Recording stopped at the event cap.');
  return parts.join(' ');
}

/** What a model's workers are called: "thread"/"threads", "call"/"calls" (sequential), … */
export function workerNoun(model: Run['model'], count = 2): string {
  const [one, many] = NOUNS[model] ?? ['call', 'calls'];
  return count === 1 ? one : many;
}

const NOUNS: Partial<Record<Run['model'], [string, string]>> = {
  thread: ['thread', 'threads'],
  process: ['process', 'processes'],
  'thread-pool': ['pool thread', 'pool threads'],
  'process-pool': ['pool process', 'pool processes'],
  asyncio: ['task', 'tasks'],
  interpreter: ['subinterpreter', 'subinterpreters'],
  script: ['thread or process', 'threads and processes'],
};

/** A worker that ended through its own failure (not one we stopped at the time limit). */
function failedByItself(w: WorkerInfo): boolean {
  return w.status !== 'ok' && w.status !== 'timeout';
}

/** "All 3 threads raised ValueError: boom", "Both processes exited with code 1", or the first of several reasons. */
function failedTogether(run: RunFacts, many: string): string {
  const n = run.workerInfo.length;
  const who = n === 1 ? `The one ${workerNoun(run.model, 1)}` : n === 2 ? `Both ${many}` : `All ${n} ${many}`;
  const reasons = new Set(run.workerInfo.map((w) => failureWords(w, n)));
  return reasons.size === 1 ? `${who} ${[...reasons][0]}` : `${who} failed (first: ${failureReason(run)})`;
}

/** How a worker ended, as a verb phrase: "raised ValueError: boom", "exited with code 1". */
function failureWords(w: WorkerInfo, workers: number): string {
  if (w.startNs === null) return 'never started';
  if (w.error) return `raised ${w.error.type}: ${w.error.message.split('\n')[0].replace(/\.$/, '')}`;
  if (w.status === 'exited') return `exited with code ${w.exitCode ?? '?'}`;
  if (w.status === 'killed') return `${workers === 1 ? 'was' : 'were'} killed by ${w.signal ?? 'a signal'}`;
  return `ended with status ${w.status}`;
}

/**
 * What a concurrent run did, then how it compares with sequential. A run slower than sequential
 * is never said to be parallel: its workers computed at the same time, yet it lost.
 */
function concurrentVerdict(run: RunFacts, s: RunSummary, name: string, gil: boolean): string {
  const speed = s.speedup === null ? '' : ` — ${speedWords(s.speedup, 'sequential')}${speedupBasis(s)}`;
  const busy = s.cpusBusy === null ? '' : ` (${cpusPhrase(s.cpusBusy)} busy on average)`;
  switch (s.kind) {
    case 'one-worker':
      return `One worker: nothing to interleave${speed}`;
    case 'apart': {
      const why =
        s.startupNs !== null && s.workNs !== null && s.workNs < s.startupNs
          ? `: each one's work (${formatNs(s.workNs)}) was shorter than starting the next (${formatNs(s.startupNs)}), so it was done before the next began`
          : ': each finished its work before the next one began';
      return `The ${name} did not overlap${why}${speed}`;
    }
    case 'parallel':
      return s.speedup === null || s.speedup >= 1
        ? `The ${name} ran in parallel on several cores${busy}${speed}`
        : `The ${name} computed at the same time${busy}, yet the run was ${speedWords(s.speedup, 'sequential')}${speedupBasis(s)}: starting them and handing them the work cost more than sharing it saved`;
    case 'took-turns':
      if (s.waitedFor === 'gil') return `The threads overlapped but ${gilTurns(run)}${speed}`;
      return `The threads overlapped but took turns on the CPU${gilNote(run, gil)}${speed}`;
    case 'waiting':
      return `${waitingVerdict(run, s, name)}${speed}${s.waitedFor === undefined ? `; ${s.tooShortToSample ? TOO_SHORT : NOT_SAMPLED}` : ''}`;
    default:
      if (s.waitedFor === 'gil') return `The ${name} overlapped but ${gilTurns(run)}${speed}`;
      return `The ${name} overlapped for ${formatNs(s.overlapNs)} of ${formatNs(run.wallNs)}${speed}`;
  }
}

/** Said when the states exist but too few samples of a worker do (a run of a few milliseconds). */
const TOO_SHORT = `the run was too short to sample what they waited for (fewer than ${MIN_SAMPLES} samples of a worker)`;
/**
 * What a speedup rests on, said beside it: two runs timed once each vary from run to run; medians
 * of repetitions (--repeat) much less.
 */
export function speedupBasis(s: Pick<RunSummary, 'repeated' | 'baselineRuns'>): string {
  if (s.repeated) return ` (medians of ${s.repeated.runs} runs)`;
  return s.baselineRuns ? ` (this run against the median of ${s.baselineRuns} sequential runs)` : ' (one run of each)';
}
/** Said instead of guessing when CPU time alone says the workers waited. */
const NOT_SAMPLED = 'no thread states were sampled, so what they waited for is not known';
/** A thread run's workers waited for the GIL at least this share of their time: they took turns on it. */
export const GIL_TURNS = 0.2;
/** A waiting state that covers more than this share of the workers' time is what they waited for. */
const MOSTLY = 0.5;

/** What the sampled states say the workers waited for (see RunSummary.waitedFor). */
function waitedFor(run: RunFacts, observed: WorkersStates): ThreadState | null {
  const threads = run.model === 'thread' || run.model === 'thread-pool';
  if (threads && observed.together.gil >= GIL_TURNS) return 'gil';
  const most = [...WAIT_STATES].sort((a, b) => observed.together[b] - observed.together[a])[0];
  return observed.together[most] > MOSTLY ? most : null;
}

/** "took turns on the GIL: each waited 48% of its time for it" (from the sampled states). */
function gilTurns(run: RunFacts): string {
  const observed = workersStates(run)!;
  return `took turns on the GIL: each waited ${eachShareText(observed.lanes, 'gil')} of its time for it`;
}

/** Waiting workers (little CPU): what the sampled states saw them wait for, never a guess. */
function waitingVerdict(run: RunFacts, s: RunSummary, name: string): string {
  if (s.waitedFor === undefined) return `The ${name} overlapped while waiting rather than computing`;
  if (s.starved !== undefined) return `The ${name} were ready to run ${percent(workersStates(run)!.together.running)} of their time but got little CPU: ${busyWords(s.starved)}`;
  if (s.waitedFor === 'gil') return `The ${name} overlapped but ${gilTurns(run)}`;
  const observed = workersStates(run)!;
  if (s.waitedFor === null) return `The ${name} overlapped while using little CPU (sampled: ${sharesText(observed.together)})`;
  const share = `${Math.round(observed.together[s.waitedFor] * 100)}% of their time`;
  const what = s.waitedFor === 'sleep' ? 'sleeping' : STATE_LABELS[s.waitedFor];
  return `The ${name} overlapped while ${what} (${share}) rather than computing`;
}

/** "the machine was busy: …" — said where a run's times are the machine's more than the code's. */
export function busyWords(cpuWait: number): string {
  return `the machine was busy, and they waited for a CPU ${percent(cpuWait)} of the time they were ready to run, so these times say more about the machine than about the code`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** The first failed worker's reason in a few words. */
function failureReason(run: RunFacts): string {
  const w = run.workerInfo.find((x) => x.status !== 'ok');
  if (!w) return '';
  if (w.error) return `${w.error.type}: ${w.error.message.split('\n')[0].replace(/\.$/, '')}`;
  if (w.status === 'exited') return `exit ${w.exitCode ?? '?'}`;
  if (w.status === 'killed') return `killed by ${w.signal ?? 'a signal'}`;
  if (w.status === 'deadlock') return 'deadlocked';
  return w.status;
}

function gilNote(run: RunFacts, gil: boolean): string {
  return (run.model === 'thread' || run.model === 'thread-pool') && gil ? ' (the GIL lets one thread run Python at a time)' : '';
}

/** A speedup readable at any size: 1.96×, 0.61×, 0.0028× (not 0.00×). */
export function formatSpeedup(x: number): string {
  return `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}×`;
}

/** A duration in the unit that fits: 950 ns, 12.3 µs, 4.56 ms, 1.23 s. */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${trim(ns / 1e3)} µs`;
  if (a < 1e9) return `${trim(ns / 1e6)} ms`;
  return `${trim(ns / 1e9)} s`;
}

function trim(x: number): string {
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}
