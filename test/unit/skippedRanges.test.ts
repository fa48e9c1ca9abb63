import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { skippedRanges } from '../../src/panels/skippedRanges';

const root = path.resolve(__dirname, '..', '..', '..');
const lines = (text: string) => text.split('\n');

test("the seed's thread1.start() … thread2.join(): each line dimmed on its own, the blank line between left alone", () => {
  const seed = fs.readFileSync(path.join(root, 'examples', 'threads_example.py'), 'utf8').split(/\r?\n/);
  assert.deepEqual(skippedRanges(seed, [13, 14, 16, 17]), [
    { start: 13, end: 13 },
    { start: 14, end: 14 },
    { start: 16, end: 16 },
    { start: 17, end: 17 },
  ]);
});

test('the __main__ block and a loop: their indented bodies, not the comments and blank lines after them', () => {
  const text = lines('import x\n\nif __name__ == "__main__":\n    main()\n\n    # then\n    other()\n\n# the end\nfor i in range(3):\n    go(i)\n# after\nx = 1');
  assert.deepEqual(skippedRanges(text, [3, 10]), [
    { start: 3, end: 7 },
    { start: 10, end: 11 },
  ]);
});

test('a call over several lines: brackets, a closing bracket at the margin, a backslash, a triple-quoted string', () => {
  const text = lines('run(\n    a,\n    "(",\n)\nb = 1\nx = 1 + \\\n  2\nprint("""\nnot code (\n""")\nc = 2');
  assert.deepEqual(skippedRanges(text, [1, 6, 8]), [
    { start: 1, end: 4 },
    { start: 6, end: 7 },
    { start: 8, end: 10 },
  ]);
});

test('a # or a bracket in a string or a comment does not open anything; lines beyond the document are ignored', () => {
  const text = lines('print("# (")  # [\nnext()\n');
  assert.deepEqual(skippedRanges(text, [1, 2, 40, 2]), [
    { start: 1, end: 1 },
    { start: 2, end: 2 },
  ]);
});

test('a statement nested in a kept block (an if that is not the main guard) is dimmed at its own indentation', () => {
  const text = lines('if DEBUG:\n    setup()\n    start(\n        1)\n    y = 2');
  assert.deepEqual(skippedRanges(text, [3]), [{ start: 3, end: 4 }]);
});
