/**
 * A run's figures (wall, CPU, overlap, switches, start-up, speedup against sequential) and the one
 * word for what it did; the verdict's sentence is verdicts.ts's.
 */
import { BUSY_SHARE, sampledEnough, workersStates } from './states';
import type { Run, Trace, WorkerInfo } from './trace';
import { endedBadly } from './workerLife';
import { runPython } from './interpreters';
import type { RunFacts, RunKind, RunSummary } from './runSummary';
import { MOSTLY, verdict, waitedFor } from './verdicts';

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
    failed: run.workerInfo.filter(endedBadly).length,
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

