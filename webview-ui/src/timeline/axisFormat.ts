/**
 * The time axis's tick labels. One unit for the whole axis (the largest tick's), and as many
 * decimals as the step between ticks needs: at deep zoom, ticks 1 µs apart around 615 ms read
 * 615.001 ms, 615.002 ms … rather than "615 ms" each (formatNs keeps 3 significant digits).
 */

const UNITS: ReadonlyArray<readonly [number, string]> = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/** Beyond this the clock itself (1 ns) is finer than any label needs. */
const MAX_DECIMALS = 9;

/** A formatter for the ticks `ticks` (ns, as the scale gave them): every label distinct and exact to the step. */
export function tickFormatter(ticks: readonly number[]): (ns: number) => string {
  const largest = ticks.reduce((m, t) => Math.max(m, Math.abs(t)), 0);
  const [scale, unit] = UNITS.find(([s]) => largest >= s) ?? UNITS[UNITS.length - 1];
  const step = smallestStep(ticks);
  // the step in this unit, e.g. 0.001 ms: 3 decimals (the epsilon absorbs float noise in the step)
  const decimals = step > 0 ? Math.min(MAX_DECIMALS, Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-6))) : 0;
  return (ns) => `${(ns / scale).toFixed(decimals)} ${unit}`;
}

function smallestStep(ticks: readonly number[]): number {
  let step = Infinity;
  for (let i = 1; i < ticks.length; i++) {
    const d = Math.abs(ticks[i] - ticks[i - 1]);
    if (d > 0) step = Math.min(step, d);
  }
  return Number.isFinite(step) ? step : 0;
}

/** Width of a label's character at the axis's 10 px font, a little generous; and the gap between labels. */
const CHAR_PX = 6;
const GAP_PX = 8;

/**
 * The axis's ticks and their format: `count` of them (as `ticksFor` makes them), fewer when
 * their labels would not fit side by side in `width` px — deep zoom makes labels long.
 */
export function axisTicks(ticksFor: (count: number) => number[], width: number, count: number): { values: number[]; format: (ns: number) => string } {
  for (let n = count; ; n = Math.max(2, Math.floor(n * 0.7))) {
    const values = ticksFor(n);
    const format = tickFormatter(values);
    const widest = values.reduce((w, v) => Math.max(w, format(v).length), 0) * CHAR_PX + GAP_PX;
    if (n <= 2 || widest * values.length <= width) return { values, format };
  }
}
