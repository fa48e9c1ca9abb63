/**
 * A model's figures across its repetitions (--repeat): medians and ranges, because one run of a
 * few milliseconds says little on a busy machine. The speedup is the sequential runs' median
 * wall time over each run's (its median: over the model's median wall time).
 */
import type { Model, Run } from './trace';

/** A figure across repetitions. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface RepeatedFigures {
  model: Model;
  runs: number;
  wallNs: Spread;
  /** Null without sequential runs (or for the sequential model itself). */
  speedup: Spread | null;
}

export function spread(values: readonly number[]): Spread | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Per model, in the order the models ran: its wall time and speedup across its runs. */
export function repeatedFigures(runs: readonly Run[]): RepeatedFigures[] {
  const byModel = new Map<Model, Run[]>();
  for (const run of runs) if (!run.unavailable) byModel.set(run.model, [...(byModel.get(run.model) ?? []), run]);
  const baseline = spread(byModel.get('sequential')?.map((r) => r.wallNs) ?? []);
  return [...byModel].map(([model, own]) => {
    const wallNs = spread(own.map((r) => r.wallNs))!;
    const speedup = model === 'sequential' || !baseline ? null : speedups(baseline.median, own, wallNs.median);
    return { model, runs: own.length, wallNs, speedup };
  });
}

/** Each run's speedup over the sequential median; the median is the medians' ratio, not the median of ratios (which a skewed run moves). */
function speedups(sequentialNs: number, runs: readonly Run[], medianNs: number): Spread | null {
  const ratios = spread(runs.filter((r) => r.wallNs > 0).map((r) => sequentialNs / r.wallNs));
  return ratios && medianNs > 0 ? { ...ratios, median: sequentialNs / medianNs } : null;
}
