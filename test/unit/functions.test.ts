import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionContaining, topLevelFunctions } from '../../src/commands/pythonFunctions';

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

test('functionContaining: the function whose body holds the line, by the same cheap scan', () => {
  const text = ['import os', '', 'def first(a,', '          b):', '    x = 1', '', '    # note', '    return x', 'y = 2', '@decorated', 'async def second():', '    pass'].join('\n');
  assert.equal(functionContaining(text, 0), undefined, 'before any def');
  assert.equal(functionContaining(text, 2), 'first', 'on the def line');
  assert.equal(functionContaining(text, 4), 'first');
  assert.equal(functionContaining(text, 7), 'first', 'past a blank line and a comment');
  assert.equal(functionContaining(text, 8), undefined, 'a top-level statement ends the body');
  assert.equal(functionContaining(text, 9), undefined, 'a decorator is not inside the previous function');
  assert.equal(functionContaining(text, 11), 'second');
});
