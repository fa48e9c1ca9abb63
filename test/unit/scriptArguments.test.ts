import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitArguments } from '../../src/commands/scriptArguments';

test("Trace Script's arguments are split as a shell splits words: quotes and backslashes, nothing expanded", () => {
  assert.deepEqual(splitArguments(''), []);
  assert.deepEqual(splitArguments('  a  b '), ['a', 'b']);
  assert.deepEqual(splitArguments(`--name 'c d' "e \\"f\\"" g\\ h`), ['--name', 'c d', 'e "f"', 'g h']);
  assert.deepEqual(splitArguments(`'' $HOME *.py`), ['', '$HOME', '*.py']);
});
