import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisTicks, tickFormatter } from '../../webview-ui/src/timeline/axisFormat';

const labels = (ticks: number[]) => ticks.map(tickFormatter(ticks));

/** Ticks as d3's linear scale makes them: a step of 1, 2 or 5 × 10^k, about `count` in [a, b]. */
function niceTicks(a: number, b: number, count: number): number[] {
  const raw = (b - a) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let i = Math.ceil(a / step); i * step <= b; i++) ticks.push(i * step);
  return ticks;
}

test('ticks 1 µs apart around 615 ms read 615.001 ms, 615.002 ms … (not "615 ms" each)', () => {
  assert.deepEqual(labels([615_001_000, 615_002_000, 615_003_000]), ['615.001 ms', '615.002 ms', '615.003 ms']);
});

test('the whole run: round numbers in the unit of the largest tick', () => {
  assert.deepEqual(labels([0, 100e6, 200e6, 300e6]), ['0 ms', '100 ms', '200 ms', '300 ms']);
  assert.deepEqual(labels([0, 500e6, 1e9, 1.5e9]), ['0.0 s', '0.5 s', '1.0 s', '1.5 s']);
  assert.deepEqual(labels([0, 200, 400, 600]), ['0 ns', '200 ns', '400 ns', '600 ns']);
  assert.deepEqual(labels([20e3, 40e3, 60e3]), ['20 µs', '40 µs', '60 µs']);
});

test('ticks 1 ns apart deep in a 2-second run keep every nanosecond', () => {
  assert.deepEqual(labels([1_234_567_890, 1_234_567_891]), ['1.234567890 s', '1.234567891 s']);
});

test('at every zoom from the whole run down to nanoseconds, the labels are distinct', () => {
  for (const centre of [615e6, 1.5e9, 40e3, 7_777_777]) {
    for (let span = 2e9; span >= 10; span /= 3.7) {
      const ticks = niceTicks(centre - span / 2, centre + span / 2, 8).filter((t) => t >= 0);
      const shown = labels(ticks);
      assert.equal(new Set(shown).size, shown.length, `around ${centre} ns, span ${span} ns: ${shown.join(', ')}`);
      // each label reads back as its tick, to within a step
      const unit = { s: 1e9, ms: 1e6, 'µs': 1e3, ns: 1 }[shown[0].split(' ')[1] as 's'];
      const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
      shown.forEach((l, i) => assert.ok(Math.abs(parseFloat(l) * unit - ticks[i]) < step / 2, `${l} for ${ticks[i]}`));
    }
  }
});

test('deep in a long run, fewer ticks so that their longer labels still fit side by side', () => {
  for (const width of [240, 320, 800]) {
    for (let span = 1e9; span >= 10; span /= 5) {
      const [a, b] = [1_234_567_890 - span / 2, 1_234_567_890 + span / 2];
      const { values, format } = axisTicks((n) => niceTicks(a, b, n), width, Math.floor(width / 64));
      const widest = Math.max(...values.map((v) => format(v).length));
      assert.ok(values.length <= 2 || (widest * 6 + 8) * values.length <= width, `${width} px, span ${span} ns: ${values.map(format).join(', ')}`);
    }
  }
});
