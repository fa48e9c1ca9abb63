import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerLogParser, parseRecord, type WorkerRecord } from '../../src/runner/workerLog';

const records = [
  'B\t1000\t4242\t140000',
  'O\t1500\t1\t5\tNumber: 0',
  'O\t1600\t2\t0\tstderr line\twith a tab',
  'O\t1700\t1\t7\théllo wörld ✓ 日本 🧵',
  'O\t1800\t1\t7\t',
  'E\t2000\t900\t{"status": "error", "error": {"type": "ValueError", "message": "boom\\tx", "traceback": "T"}}',
  'T\t2100',
  'S\t1\tmy-helper',
  'o\t2200\t1\t9\t1\tfrom the helper\twith a tab',
];
const bytes = new TextEncoder().encode(records.join('\n') + '\n');

function feed(chunks: Uint8Array[]): WorkerRecord[] {
  const parser = new WorkerLogParser();
  const out: WorkerRecord[] = [];
  for (const c of chunks) out.push(...parser.push(c));
  assert.equal(parser.finish(), 0);
  return out;
}

test('parses every record kind', () => {
  const out = feed([bytes]);
  assert.equal(out.length, 9);
  assert.deepEqual(out[0], { kind: 'begin', ns: 1000, pid: 4242 });
  assert.deepEqual(out[1], { kind: 'output', ns: 1500, stream: 1, line: 5, text: 'Number: 0' });
  assert.deepEqual(out[2], { kind: 'output', ns: 1600, stream: 2, line: null, text: 'stderr line\twith a tab' });
  assert.equal((out[3] as { text: string }).text, 'héllo wörld ✓ 日本 🧵');
  assert.equal((out[4] as { text: string }).text, '');
  assert.deepEqual(out[5], { kind: 'end', ns: 2000, cpuNs: 900, status: { status: 'error', error: { type: 'ValueError', message: 'boom\tx', traceback: 'T' } } });
  assert.deepEqual(out[6], { kind: 'truncated', ns: 2100 });
  assert.deepEqual(out[7], { kind: 'thread', thread: 1, name: 'my-helper' });
  assert.deepEqual(out[8], { kind: 'output', ns: 2200, stream: 1, line: 9, thread: 1, text: 'from the helper\twith a tab' });
});

test('fed byte by byte, the result is the same (multi-byte UTF-8 split across pushes)', () => {
  const whole = feed([bytes]);
  const single = feed(Array.from(bytes, (b) => Uint8Array.of(b)));
  assert.deepEqual(single, whole);
});

test('fed in uneven chunks, the result is the same', () => {
  const whole = feed([bytes]);
  for (const size of [2, 3, 7, 13, 64]) {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    assert.deepEqual(feed(chunks), whole, `chunk size ${size}`);
  }
});

test('an incomplete last record is held back and reported by finish()', () => {
  const parser = new WorkerLogParser();
  const out = parser.push(new TextEncoder().encode('O\t1\t1\t1\tcomplete\nO\t2\t1\t1\tcut off mid'));
  assert.equal(out.length, 1);
  assert.equal(parser.finish(), 'O\t2\t1\t1\tcut off mid'.length);
});

test('unknown or malformed records are skipped, not fatal', () => {
  assert.equal(parseRecord('X\t1'), null);
  assert.equal(parseRecord('O\t1'), null);
  assert.equal(parseRecord('E\t1\t2\t{not json'), null);
});

test('a line ended by \\r\\n loses its \\r; a lone \\r inside the text stays', () => {
  assert.equal((parseRecord('O\t1\t1\t1\tWindows line\r') as { text: string }).text, 'Windows line');
  assert.equal((parseRecord('O\t1\t1\t1\tprogress\r50%') as { text: string }).text, 'progress\r50%');
  assert.equal((parseRecord('O\t1\t1\t1\t\r') as { text: string }).text, '');
});
