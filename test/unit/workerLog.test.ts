import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { WorkerFileReader } from '../../src/runner/workerFile';
import { FILE_HEADER, HEAD, KIND, MAGIC, parseRecords } from '../../src/runner/workerLog';

/** One record as python/interleave_capture.py writes it. */
function record(kind: number, ns: number, a: number, b: number, payload = ''): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const head = Buffer.alloc(HEAD);
  head[0] = kind;
  head.writeUInt32LE(body.length, 1);
  head.writeBigInt64LE(BigInt(ns), 5);
  head.writeInt32LE(a, 13);
  head.writeInt32LE(b, 17);
  return Buffer.concat([head, body]);
}

const T = 1_732_000_000_123_456; // a perf_counter_ns-sized time: more than 32 bits
const records = Buffer.concat([
  record(KIND.begin, T, 4242, 4250),
  record(KIND.output, T + 500, 5, 1, 'Number: 0'),
  record(KIND.output, T + 600, 0, 2, 'stderr line\twith a tab\nand a newline'),
  record(KIND.output, T + 700, 7, 1, 'héllo wörld ✓ 日本 🧵'),
  record(KIND.output, T + 800, 7, 1, ''),
  record(KIND.end, T + 1000, 0, 0, JSON.stringify({ cpuNs: 5_000_000_000, status: { status: 'error', error: { type: 'ValueError', message: 'boom', traceback: 'T' } } })),
  record(KIND.truncated, T + 1100, 0, 0),
  record(KIND.thread, T + 1150, 1, 4251, 'my-helper'),
  record(KIND.output, T + 1200, 9, 1 | (1 << 3), 'from the helper'),
  record(KIND.output, T + 1300, 4, 2 | (1 << 2), 'with os.write'),
]);

test('parses every record kind, with times beyond 32 bits', () => {
  const { records: out, consumed } = parseRecords(records);
  assert.equal(consumed, records.length);
  assert.equal(out.length, 10);
  assert.deepEqual(out[0], { kind: 'begin', ns: T, pid: 4242, tid: 4250 });
  assert.deepEqual(out[1], { kind: 'output', ns: T + 500, stream: 1, line: 5, text: 'Number: 0' });
  assert.deepEqual(out[2], { kind: 'output', ns: T + 600, stream: 2, line: null, text: 'stderr line\twith a tab\nand a newline' });
  assert.equal((out[3] as { text: string }).text, 'héllo wörld ✓ 日本 🧵');
  assert.equal((out[4] as { text: string }).text, '');
  assert.deepEqual(out[5], { kind: 'end', ns: T + 1000, cpuNs: 5_000_000_000, status: { status: 'error', error: { type: 'ValueError', message: 'boom', traceback: 'T' } } });
  assert.deepEqual(out[6], { kind: 'truncated', ns: T + 1100 });
  assert.deepEqual(out[7], { kind: 'thread', thread: 1, name: 'my-helper', tid: 4251 });
  assert.deepEqual(out[8], { kind: 'output', ns: T + 1200, stream: 1, line: 9, thread: 1, text: 'from the helper' });
  assert.deepEqual(out[9], { kind: 'output', ns: T + 1300, stream: 2, line: 4, below: true, text: 'with os.write' });
});

test('a begin or thread record without a thread id (0: the worker could not say) has no tid', () => {
  const out = parseRecords(Buffer.concat([record(KIND.begin, T, 4242, 0), record(KIND.thread, T, 1, 0, 'h')])).records;
  assert.deepEqual(out, [{ kind: 'begin', ns: T, pid: 4242 }, { kind: 'thread', thread: 1, name: 'h' }]);
});

test('a record whose kind byte is not written yet stops the parse there, as does the zero-filled rest', () => {
  const unwritten = record(KIND.output, T, 1, 1, 'not yet');
  unwritten[0] = 0;
  const buf = Buffer.concat([record(KIND.output, T, 1, 1, 'done'), unwritten, record(KIND.output, T, 1, 1, 'after'), Buffer.alloc(64)]);
  const { records: out, consumed } = parseRecords(buf);
  assert.deepEqual(out.map((r) => (r as { text: string }).text), ['done']);
  assert.equal(consumed, HEAD + 4);
});

test('cut anywhere, the whole records before the cut are returned and the rest is asked for again', () => {
  const whole = parseRecords(records).records;
  for (let cut = 0; cut <= records.length; cut++) {
    const first = parseRecords(records.subarray(0, cut));
    const second = parseRecords(records.subarray(first.consumed));
    assert.deepEqual([...first.records, ...second.records], whole, `cut at ${cut}`);
    if (first.need !== undefined) assert.ok(first.consumed + first.need > cut);
  }
});

test('unknown kinds and malformed end records are skipped, not fatal', () => {
  const buf = Buffer.concat([record(0x58, T, 1, 1, 'X'), record(KIND.end, T, 0, 0, '{not json'), record(KIND.output, T, 1, 1, 'kept')]);
  assert.deepEqual(parseRecords(buf).records.map((r) => r.kind), ['output']);
});

test('a line ended by \\r\\n loses its \\r; a lone \\r inside the text stays', () => {
  const texts = parseRecords(Buffer.concat(['Windows line\r', 'progress\r50%', '\r'].map((t) => record(KIND.output, T, 1, 1, t)))).records.map((r) => (r as { text: string }).text);
  assert.deepEqual(texts, ['Windows line', 'progress\r50%', '']);
});

test('the file reader follows a growing file and a record longer than its buffer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-reader-'));
  const file = path.join(dir, 'w0.trc');
  const header = Buffer.alloc(FILE_HEADER);
  header.write(MAGIC, 'latin1');
  const big = 'x'.repeat(3 << 20);
  fs.writeFileSync(file, Buffer.concat([header, record(KIND.output, T, 1, 1, 'one'), Buffer.alloc(4096)]));
  const reader = new WorkerFileReader(file);
  assert.deepEqual(reader.poll().map((r) => (r as { text: string }).text), ['one']);
  assert.deepEqual(reader.poll(), []);
  fs.writeFileSync(file, Buffer.concat([header, record(KIND.output, T, 1, 1, 'one'), record(KIND.output, T, 1, 1, big), record(KIND.output, T, 1, 1, 'three'), Buffer.alloc(4096)]));
  assert.deepEqual(reader.poll().map((r) => (r as { text: string }).text.length), [big.length, 5]);
  reader.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with a sink, output lines go to it (same fields) and the other records are returned', () => {
  const seen: Array<[number, number, number | null, string, number, boolean]> = [];
  const { records: rest, consumed } = parseRecords(records, (ns, stream, line, buf, start, end, thread, below) => seen.push([ns, stream, line, buf.toString('utf8', start, end), thread, below]));
  assert.equal(consumed, records.length);
  assert.deepEqual(rest.map((r) => r.kind), ['begin', 'end', 'truncated', 'thread']);
  const outputs = parseRecords(records).records.filter((r) => r.kind === 'output') as Array<{ ns: number; stream: number; line: number | null; text: string; thread?: number; below?: true }>;
  assert.deepEqual(seen, outputs.map((r) => [r.ns, r.stream, r.line, r.text, r.thread ?? 0, r.below === true]));
});

test('lock records: a wait with its kind and name, then acquired, released (by id), gave up; thread in b above the phase', () => {
  const buf = Buffer.concat([
    record(KIND.lock, T, 12, 0, '4242.1\tLock\tcounter_lock (line 3)'),
    record(KIND.lock, T + 10, 12, 1, '4242.1'),
    record(KIND.lock, T + 20, 14, 2 | (2 << 2), '4242.1'),
    record(KIND.lock, T + 30, 0, 3, '4242.2'),
  ]);
  assert.deepEqual(parseRecords(buf).records, [
    { kind: 'lock', ns: T, phase: 'wait', id: '4242.1', line: 12, thread: 0, lockKind: 'Lock', name: 'counter_lock (line 3)' },
    { kind: 'lock', ns: T + 10, phase: 'acquired', id: '4242.1', line: 12, thread: 0 },
    { kind: 'lock', ns: T + 20, phase: 'released', id: '4242.1', line: 14, thread: 2 },
    { kind: 'lock', ns: T + 30, phase: 'gaveUp', id: '4242.2', line: null, thread: 0 },
  ]);
});
