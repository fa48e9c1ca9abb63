/**
 * The time limit of a run (per model): one rule for the CLI's --timeout and the
 * interleave.timeoutSeconds setting, and a timer that keeps it however long it is.
 */

/** What a limit must be, said after the option's name; undefined when `seconds` is one. */
export function timeLimitProblem(seconds: number): string | undefined {
  return Number.isFinite(seconds) && seconds > 0 ? undefined : 'must be a number of seconds greater than 0 (e.g. 30)';
}

/** Node's timers take at most 2^31−1 ms (≈ 24.8 days): a longer delay fires at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** setTimeout for any delay: beyond MAX_TIMER_MS it waits in steps. Returns what clears it. */
export function setLongTimeout(fire: () => void, ms: number): () => void {
  if (!(ms >= 0)) throw new RangeError(`a time limit of ${ms} ms`);
  let left = ms;
  let timer: NodeJS.Timeout;
  const step = () => {
    const now = Math.min(left, MAX_TIMER_MS);
    left -= now;
    timer = setTimeout(left > 0 ? step : fire, now);
  };
  step();
  return () => clearTimeout(timer);
}
