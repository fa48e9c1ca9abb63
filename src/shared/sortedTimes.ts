/**
 * Binary search over times in ascending order, read by position: the timeline's lanes (a typed
 * array, or a lane's view through its index) and a thread's waits alike.
 */

/** Sorted times, read by position (a typed array, or a lane's view through its index). */
export interface Times {
  readonly length: number;
  at(i: number): number | undefined;
}

/** First index whose value is ≥ x (binary search). */
export function lowerBound(sorted: Times, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted.at(mid)! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
export function upperBound(sorted: Times, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted.at(mid)! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
