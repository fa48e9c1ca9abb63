import assert from 'node:assert/strict';
import { test } from 'node:test';
import { divergenceText, firstDivergence, orderInWords, type OrderSide } from '../../src/shared/orderDiff';
import { signatureWorkers } from '../../src/shared/orders';

const label = (w: number) => `Thread ${w + 1}`;
/** Repetition `repetition` printing "Number: k" per worker, in the order of `signature`. */
function side(repetition: number, signature: string): OrderSide {
  const workers = signatureWorkers(signature, 2);
  const seen = [0, 0];
  const texts = workers.map((w) => `Number: ${seen[w]++}`);
  return { repetition, workers, textAt: (i) => texts[i] };
}

test('first divergence: the first event of another worker, the end of the shorter order, or none', () => {
  assert.equal(firstDivergence([0, 0, 1, 1], [0, 0, 1, 1]), -1);
  assert.equal(firstDivergence([0, 0, 1, 1], [0, 1, 0, 1]), 1);
  assert.equal(firstDivergence([1, 0], [0, 1]), 0);
  assert.equal(firstDivergence([0, 0], [0, 0, 1]), 2);
  assert.equal(firstDivergence([], []), -1);
});

test('the split in words: the run that switched named first, the one that did not after it', () => {
  // run 7 switched after Thread 1's third print; run 3 carried on with Thread 1
  assert.equal(divergenceText(side(6, '0001101011'), side(2, '0000011111'), label), 'After Number: 2 of Thread 1, run 7 switched to Thread 2; run 3 did not (event 4).');
  assert.equal(divergenceText(side(2, '0000011111'), side(6, '0001101011'), label), 'After Number: 2 of Thread 1, run 7 switched to Thread 2; run 3 did not (event 4).', 'the same whichever was picked first');
  assert.equal(divergenceText(side(0, '0011'), side(1, '1100'), label), 'Run 1 began with Thread 1; run 2 with Thread 2.');
  assert.equal(divergenceText(side(4, '0101'), side(9, '0101'), label), 'Run 5 and run 10 printed in the same order (4 events).');
});

test('the split in words: three workers both switching, and an order that ended first', () => {
  const three = (repetition: number, workers: number[]): OrderSide => ({ repetition, workers, textAt: (i) => `line ${i}` });
  const names = (w: number) => `Process ${w + 1}`;
  assert.equal(divergenceText(three(0, [0, 1, 2]), three(1, [0, 2, 1]), names), 'After line 0 of Process 1, run 1 switched to Process 2; run 2 to Process 3 (event 2).');
  assert.equal(divergenceText(three(0, [0, 1]), three(1, [0, 1, 1]), names), 'After line 1 of Process 2, run 1 ended; run 2 went on with Process 2 (event 3).');
  const long = { repetition: 0, workers: [0, 1], textAt: () => 'x'.repeat(100) };
  assert.match(divergenceText(long, { ...long, repetition: 1, workers: [0, 0] }, names), /^After x{39}… of Process 1,/, 'a long line is cut');
});

test('an order read out: runs of one worker counted, long orders cut', () => {
  assert.equal(orderInWords([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], label), 'Thread 1 ×5, then Thread 2 ×5');
  assert.equal(orderInWords([0, 1, 0], label), 'Thread 1, then Thread 2, then Thread 1');
  assert.equal(orderInWords([0, 1, 0, 1], label, 2), 'Thread 1, then Thread 2, then …');
  assert.equal(orderInWords([], label), 'no events');
});
