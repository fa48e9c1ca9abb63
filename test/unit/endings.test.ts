import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endingLines, formText, modelEndings, valueCounts, valuesText, workerEndings, type LineEnding } from '../../src/shared/endings';
import { entryVariant, variantGroups, variantOf } from '../../src/shared/repetitions';
import type { PythonInfo } from '../../src/shared/trace';

/** Repetition `i` of the form's line, put back together from its parts and numbers. */
const lineOf = (e: LineEnding, i: number) => e.parts.map((p, g) => (g ? String(e.numbers[g - 1][i]) : '') + p).join('');

test('last lines the same in every run are one form, said "same in all N runs"', () => {
  const w = workerEndings(0, Array(20).fill("0 of my 100000 additions overwrote another thread's"));
  assert.equal(w.endings.length, 1);
  assert.deepEqual(w.endings[0].parts, ["0 of my 100000 additions overwrote another thread's"]);
  assert.deepEqual(w.endings[0].numbers, []);
  assert.deepEqual(endingLines(modelEndings('thread', 1, Array(20).fill(["0 of my 100000 additions overwrote another thread's"]))), [
    `Thread 1 ended with "0 of my 100000 additions overwrote another thread's" same in all 20 runs`,
  ]);
});

test('lines that differ only in a number are one form: the number a gap with its values, numbers equal in all runs kept as text', () => {
  const lines = [812, 2431, 1204, 0].map((n) => `${n} of my 100000 additions overwrote another thread's`);
  const w = workerEndings(1, lines);
  assert.equal(w.endings.length, 1);
  const e = w.endings[0];
  assert.deepEqual(e.parts, ['', " of my 100000 additions overwrote another thread's"]);
  assert.deepEqual(e.numbers, [[812, 2431, 1204, 0]]);
  assert.deepEqual(e.repetitions, [0, 1, 2, 3]);
  lines.forEach((line, i) => assert.equal(lineOf(e, i), line));
  assert.equal(formText(e), "N of my 100000 additions overwrote another thread's");
});

test('forms differ in their words: each its own, most frequent first; a worker silent in a run is counted apart', () => {
  const w = workerEndings(0, ['total 3', 'error: x', 'total 5', null, 'total 3', 'Thread1 x2 done']);
  assert.deepEqual(w.endings.map((e) => [formText(e), e.repetitions]), [
    ['total N', [0, 2, 4]],
    ['error: x', [1]],
    ['Thread1 x2 done', [5]],
  ]);
  assert.deepEqual(w.silent, [3]);
  const lines = endingLines({ model: 'process', repetitions: 6, workers: [w] });
  assert.deepEqual(lines, [
    'Process 1 ended with "total N" in 3 of 6 runs; N: 3 in 2 runs, 5 in 1',
    'Process 1 ended with "error: x" in 1 of 6 runs',
    'Process 1 ended with "Thread1 x2 done" in 1 of 6 runs',
    'Process 1 printed nothing in 1 of 6 runs',
  ]);
});

test('several gaps, signs and fractions: each varying number its own gap, named N1, N2', () => {
  const lines = ['took 1.5 s, -3 left of 10', 'took 2.25 s, -1 left of 10'];
  const e = workerEndings(0, lines).endings[0];
  assert.equal(formText(e), 'took N1 s, N2 left of 10');
  assert.deepEqual(e.numbers, [[1.5, 2.25], [-3, -1]]);
  lines.forEach((line, i) => assert.equal(lineOf(e, i), line));
});

test('a gap\'s values: each with its count when few, else median and range', () => {
  assert.deepEqual(valueCounts([3, 1, 3, 2, 1, 3]), [[3, 3], [1, 2], [2, 1]]);
  assert.equal(valuesText([3, 1, 3, 2, 1, 3]), '3 in 3 runs, 1 in 2, 2 in 1');
  assert.equal(valuesText([0, 12, 3, 5, 7, 1500, 9]), 'median 7 (0 – 1,500), 7 different values');
  assert.equal(valuesText([1]), '1 in 1 run');
});

test('more forms than are shown: the rest counted together', () => {
  const w = workerEndings(0, ['a', 'b', 'c', 'd', 'e', 'a']);
  assert.deepEqual(endingLines({ model: 'thread', repetitions: 6, workers: [w] }).slice(3), ['Thread 1 ended with other lines in 2 of 6 runs']);
});

test('variants: runs on two compared interpreters are two variants; an entry names its variant as its runs do', () => {
  const py = (executable: string) => ({ executable }) as PythonInfo;
  const runs = [{ model: 'thread' as const }, { model: 'thread' as const, python: py('/a/python3.12') }, { model: 'thread' as const, python: py('/b/python3.13') }, { model: 'thread' as const, python: py('/a/python3.12') }];
  assert.deepEqual(variantGroups(runs), [[0], [1, 3], [2]]);
  assert.equal(entryVariant({ model: 'thread', python: '/b/python3.13' }), variantOf(runs[2]));
  assert.equal(entryVariant({ model: 'thread', gil: false }), variantOf({ model: 'thread', gil: false }));
  assert.notEqual(entryVariant({ model: 'thread', gil: false }), variantOf({ model: 'thread', gil: true }));
});
