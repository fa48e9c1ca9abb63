import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topLevelFunctions } from '../../src/python/functions';

test('topLevelFunctions finds top-level def and async def, not methods or nested ones', () => {
  const text = [
    'import threading',
    'def print_numbers():',
    '    def inner():',
    '        pass',
    'class A:',
    '    def method(self):',
    '        pass',
    'async def tick(n):',
    '    pass',
    '"""',
    'def in_docstring():',
    '"""',
    'def last(x, *, y=1): pass',
  ].join('\n');
  assert.deepEqual(topLevelFunctions(text), [
    { name: 'print_numbers', line: 1 },
    { name: 'tick', line: 7 },
    { name: 'last', line: 12 },
  ]);
});
