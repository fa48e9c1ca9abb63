import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { AppendedLines } from '../../src/runner/appendedLines';

test('appended lines: none before the file exists, then each whole line once, a line being written held back', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-lines-')), 'control.jsonl');
  const lines = new AppendedLines(file);
  assert.deepEqual(lines.next(), []);
  fs.writeFileSync(file, '{"a": 1}\n{"b": ');
  assert.deepEqual(lines.next(), ['{"a": 1}']);
  fs.appendFileSync(file, '2}\n');
  assert.deepEqual(lines.next(), ['{"b": 2}']);
  assert.deepEqual(lines.next(), [], 'nothing new: nothing again');
  lines.close();
  fs.appendFileSync(file, '{"c": 3}\n');
  assert.deepEqual(lines.next(), [], 'closed: no more reads (never the file again from its start)');
});

test('appended lines: a character split across two reads comes whole', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-lines-')), 'control.jsonl');
  const long = `${'x'.repeat(64 * 1024 - 1)}é`; // é straddles the 64-KiB read
  fs.writeFileSync(file, `${long}\n`);
  const lines = new AppendedLines(file);
  assert.deepEqual(lines.next(), [long]);
  lines.close();
});
