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
    const ratios = own.filter((r) => r.wallNs > 0).map((r) => baseline!.median / r.wallNs);
    const speed = model === 'sequential' || !baseline || !ratios.length ? null : spread(ratios);
    // the median speedup is the medians' ratio, not the median of ratios (which a skewed run moves)
    const speedup = speed && wallNs.median > 0 ? { ...speed, median: baseline!.median / wallNs.median } : null;
    return { model, runs: own.length, wallNs, speedup };
  });
}
