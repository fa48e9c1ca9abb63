/** Figures in words: durations, speedups, ratios, CPUs and shares, as the panel and the CLI write them. */

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

/** A share as a whole percentage: 48%. */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
