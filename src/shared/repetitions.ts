/**
 * A model's figures across its repetitions (--repeat): medians and ranges, because one run of a
 * few milliseconds says little on a busy machine. The speedup is the sequential runs' median
 * wall time over each run's (its median: over the model's median wall time).
 */
import { runKind } from './summary';
import { verdict } from './verdicts';
import type { RunFacts, RunSummary, Spread } from './runSummary';
import type { Model, Run } from './trace';

export type { Spread };

export interface RepeatedFigures {
  model: Model;
  /** variantOf its runs: the model on its interpreter, with the GIL as it ran. */
  variant: string;
  runs: number;
  wallNs: Spread;
  /** Null without sequential runs (or for the sequential model itself). */
  speedup: Spread | null;
}

type Timed = Pick<Run, 'model' | 'wallNs' | 'unavailable' | 'python' | 'gil'>;

/**
 * The runs that repeat one another: the same model on the same interpreter with the GIL the same
 * way (a free-threaded build runs the thread models twice, --compare-python each model again).
 */
export function variantOf(run: Pick<Run, 'model' | 'python' | 'gil'>): string {
  // the executable, not the object: every compared interpreter's runs would share "[object Object]"
  return `${run.model}|${run.python?.executable ?? ''}|${run.gil ?? ''}`;
}

/** The variant of a trace's `orders` or `endings` entry (they name it by the executable and the GIL, as their runs). */
export function entryVariant(entry: { model: Model; python?: string; gil?: boolean }): string {
  return `${entry.model}|${entry.python ?? ''}|${entry.gil ?? ''}`;
}

/** The indices of the runs of each variant (variantOf), in the order of first sight. */
export function variantGroups(runs: ReadonlyArray<Pick<Run, 'model' | 'python' | 'gil'>>): number[][] {
  const groups = new Map<string, number[]>();
  runs.forEach((r, i) => pushTo(groups, variantOf(r), i));
  return [...groups.values()];
}

export function spread(values: readonly number[]): Spread | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Per variant (a model, on its interpreter), in the order they ran: its wall time and speedup across its runs. */
export function repeatedFigures(runs: readonly Timed[]): RepeatedFigures[] {
  const byVariant = new Map<string, Timed[]>();
  for (const run of runs) if (!run.unavailable) pushTo(byVariant, variantOf(run), run);
  return [...byVariant.values()].map((own) => {
    const model = own[0].model;
    // against the sequential runs of the same interpreter
    const baseline = spread(byVariant.get(variantOf({ model: 'sequential', python: own[0].python, gil: undefined }))?.map((r) => r.wallNs) ?? []);
    const wallNs = spread(own.map((r) => r.wallNs))!;
    const speedup = model === 'sequential' || !baseline ? null : speedups(baseline.median, own, wallNs.median);
    return { model, variant: variantOf(own[0]), runs: own.length, wallNs, speedup };
  });
}

/** Appends to a map of lists (not copying the list: 1,000 repetitions made that quadratic). */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Each run's speedup over the sequential median; the median is the medians' ratio, not the median of ratios (which a skewed run moves). */
function speedups(sequentialNs: number, runs: readonly Timed[], medianNs: number): Spread | null {
  const ratios = spread(runs.filter((r) => r.wallNs > 0).map((r) => sequentialNs / r.wallNs));
  return ratios && medianNs > 0 ? { ...ratios, median: sequentialNs / medianNs } : null;
}

/**
 * One summary per model, in the order of first sight: a model that ran once keeps its own; a
 * repeated one gets its medians (wall, CPU, overlap, start-up, …) with the wall time's and
 * speedup's ranges, and its kind and verdict said over those medians — what the comparison at
 * the top and the order view show, so one stalled run does not decide the advice.
 */
export function modelSummaries(runs: readonly RunFacts[], summaries: readonly RunSummary[], gil = true): RunSummary[] {
  const figures = new Map(repeatedFigures(runs).map((f) => [f.variant, f]));
  return variantGroups(runs).map((indices) => {
    const f = figures.get(variantOf(runs[indices[0]]));
    if (indices.length < 2 || !f) return summaries[indices[0]];
    return medianSummary(indices.map((i) => runs[i]), indices.map((i) => summaries[i]), f, runs[indices[0]].gil ?? gil);
  });
}

/** The repetitions' medians, on the repetition nearest the median wall time (its workers, states and failures speak for the model). */
function medianSummary(runs: readonly RunFacts[], own: readonly RunSummary[], f: RepeatedFigures, gil: boolean): RunSummary {
  const middle = nearest(own.map((s) => s.wallNs), f.wallNs.median);
  const of = (pick: (s: RunSummary) => number | null) => spread(own.map(pick).filter((x): x is number => x !== null))?.median ?? null;
  const cpuNs = of((s) => s.cpuNs);
  const s: RunSummary = {
    ...own[middle],
    wallNs: f.wallNs.median,
    cpuNs,
    cpusBusy: cpuNs !== null && f.wallNs.median > 0 ? cpuNs / f.wallNs.median : null,
    speedup: f.speedup?.median ?? null,
    overlapNs: of((s) => s.overlapNs) ?? 0,
    busyNs: of((s) => s.busyNs) ?? 0,
    switches: Math.round(of((s) => s.switches) ?? 0),
    events: Math.round(of((s) => s.events) ?? 0),
    startupNs: of((s) => s.startupNs),
    workNs: of((s) => s.workNs),
    repeated: { runs: runs.length, wallNs: f.wallNs, speedup: f.speedup },
    baselineRuns: undefined,
  };
  const run = { ...runs[middle], wallNs: f.wallNs.median };
  s.kind = runKind(run, s);
  s.verdict = verdict(run, s, gil);
  return s;
}

/** The index of the value nearest `target` (the first of equals). */
function nearest(values: readonly number[], target: number): number {
  let best = 0;
  values.forEach((v, i) => {
    if (Math.abs(v - target) < Math.abs(values[best] - target)) best = i;
  });
  return best;
}

/**
 * A median with its range for people: "12.1 ms (10.3–15.8)" — the unit said once when the three
 * share it ("12.1 ms (980 µs–15.8 ms)" when they do not).
 */
export function formatSpread(s: Spread, format: (x: number) => string): string {
  const [median, min, max] = [format(s.median), format(s.min), format(s.max)];
  const unit = (text: string) => (/ \S+$/.exec(text)?.[0] ?? '');
  const u = unit(median);
  if (unit(min) === u && unit(max) === u) return `${median} (${min.slice(0, min.length - u.length)}–${max.slice(0, max.length - u.length)})`;
  return `${median} (${min}–${max})`;
}
