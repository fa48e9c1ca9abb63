import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatOrders, modelOrders, orderSignature, ordersText, possibleOrders, possibleOrdersOf, signatureWorkers, workerCounts } from '../../src/shared/orders';
import { formatSpread, repeatedFigures, spread } from '../../src/shared/repetitions';
import { formatNs, formatSpeedup } from '../../src/shared/format';
import type { Run } from '../../src/shared/trace';

test('a signature is the workers in order: digits up to 10 workers, else comma-separated', () => {
  assert.equal(orderSignature([0, 0, 1, 0, 1], 2), '00101');
  assert.equal(orderSignature([9, 0], 10), '90');
  assert.equal(orderSignature([10, 2, 0], 11), '10,2,0');
  assert.equal(orderSignature([], 2), '');
  assert.deepEqual(workerCounts('10,2,0,10', 11), [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
  assert.deepEqual(workerCounts('00101', 2), [3, 2]);
});

test('orders: grouped by signature, most frequent first (ties in order of first sight), repetitions ascending', () => {
  const o = modelOrders('thread', ['01', '10', '01', '0011', '10', '01']);
  assert.equal(o.repetitions, 6);
  assert.equal(o.distinct, 3);
  assert.deepEqual(o.orders, [
    { signature: '01', count: 3, repetitions: [0, 2, 5] },
    { signature: '10', count: 2, repetitions: [1, 4] },
    { signature: '0011', count: 1, repetitions: [3] },
  ]);
  assert.deepEqual(modelOrders('process', ['1', '0']).orders.map((x) => x.signature), ['1', '0'], 'a tie keeps first sight');
});

test('possible orders: the multinomial, exact where doubles would overflow', () => {
  assert.equal(possibleOrders([5, 5]), 252n);
  assert.equal(possibleOrders([2, 2, 2]), 90n);
  assert.equal(possibleOrders([3]), 1n);
  assert.equal(possibleOrders([]), 1n);
  assert.equal(possibleOrders([0, 4]), 1n);
  // C(400, 200) ≈ 1.03e119: far beyond Number.MAX_SAFE_INTEGER, exact here
  const big = possibleOrders([200, 200]);
  assert.equal(big.toString().length, 120);
});

test('possible orders in words', () => {
  assert.equal(formatOrders(252n), '252');
  assert.equal(formatOrders(possibleOrders([200, 200])), '≈ 1.0e119');
  assert.equal(ordersText(modelOrders('thread', ['0011', '0101', '0011']), 2), '2 distinct orders in 3 runs (of 6 possible)');
  assert.equal(ordersText(modelOrders('thread', ['01', '01']), 2), '1 order in 2 runs (of 2 possible)');
  assert.equal(possibleOrdersOf(modelOrders('thread', ['01', '011']), 2), null, 'counts that differ between runs have no one multinomial');
});

const run = (model: Run['model'], wallNs: number): Run => ({ model, workers: 2, startMethod: null, wallNs, workerInfo: [], events: [] });

test('figures across repetitions: median and range of wall time; speedup over the sequential median', () => {
  assert.deepEqual(spread([3, 1, 2, 10]), { median: 2.5, min: 1, max: 10 });
  assert.equal(spread([]), null);
  const [seq, thread] = repeatedFigures([run('sequential', 100), run('sequential', 300), run('sequential', 200), run('thread', 50), run('thread', 400), run('thread', 100)]);
  assert.deepEqual(seq, { model: 'sequential', variant: 'sequential||', runs: 3, wallNs: { median: 200, min: 100, max: 300 }, speedup: null });
  assert.deepEqual(thread.wallNs, { median: 100, min: 50, max: 400 });
  assert.deepEqual(thread.speedup, { median: 2, min: 0.5, max: 4 });
  assert.equal(repeatedFigures([run('thread', 5)])[0].speedup, null, 'no sequential runs: no speedup');
  // a free-threaded build's thread runs with the GIL off and on are two variants, never pooled
  const gil = repeatedFigures([run('sequential', 100), { ...run('thread', 50), gil: false }, { ...run('thread', 100), gil: true }, { ...run('thread', 60), gil: false }]);
  assert.deepEqual(gil.map((f) => [f.variant, f.runs, f.wallNs.median]), [['sequential||', 1, 100], ['thread||false', 2, 55], ['thread||true', 1, 100]]);
});

test('a signature read back: the workers in order, both forms', () => {
  assert.deepEqual(signatureWorkers('00101', 2), [0, 0, 1, 0, 1]);
  assert.deepEqual(signatureWorkers('10,2,0', 11), [10, 2, 0]);
  assert.deepEqual(signatureWorkers('', 2), []);
});

test('a median with its range: the unit said once when shared', () => {
  assert.equal(formatSpread({ median: 12.1e6, min: 10.3e6, max: 15.8e6 }, formatNs), '12.1 ms (10.3–15.8)');
  assert.equal(formatSpread({ median: 12.1e6, min: 980e3, max: 15.8e6 }, formatNs), '12.1 ms (980 µs–15.8 ms)');
  assert.equal(formatSpread({ median: 1.5, min: 0.9, max: 2 }, formatSpeedup), '1.50× (0.90×–2.00×)');
});
