import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventSource, RunEvents } from '../../src/runner/eventStore';
import { EncodedEvents, eventsJson } from '../../src/runner/eventsJson';
import { toColumns } from '../../src/shared/columns';
import { traceJsonChunks } from '../../src/shared/traceJson';
import type { Trace } from '../../src/shared/trace';

/** A source holding `events` as [t, text] (stdout, line 1), pushed from a larger buffer as the parser does. */
function source(worker: number, events: Array<[number, string]>, approximate = false): EventSource {
  const s = new EventSource(worker, approximate);
  for (const [t, text] of events) {
    const buf = Buffer.from(`xx${text}\nyy`);
    s.push(t, 1, 1, buf, 2, 2 + Buffer.byteLength(text), 0, false);
  }
  return s;
}

test('RunEvents: per-worker sources into global order, ties by worker, nothing lost', () => {
  // worker 1's second line was written in pieces: its time (of the first piece) is earlier than the line before it
  const sources = [source(0, [[10, 'a'], [20, 'b'], [30, 'c']]), source(1, [[5, 'd'], [25, 'e'], [15, 'f']]), source(2, []), source(3, [[20, 'g']])];
  const run = new RunEvents(sources, 0, [1, 1, 1, 1]);
  assert.deepEqual(run.toEvents().map((e) => `${e.worker}@${e.t}:${e.text}`), ['1@5:d', '0@10:a', '1@15:f', '0@20:b', '3@20:g', '1@25:e', '0@30:c']);
  assert.deepEqual(run.counts(), { events: 7, switches: 6 });
  assert.equal(new RunEvents([], 0, []).length, 0);
});

test('an EventSource grows past its first columns and text pool, and keeps every text', () => {
  const long = 'ü'.repeat(40_000); // longer than the first pool, and not ASCII
  const texts = Array.from({ length: 5000 }, (_, i) => (i === 2500 ? long : `line ${i}`));
  const run = new RunEvents([source(0, texts.map((text, i) => [i, text]))], 0, [7]);
  assert.deepEqual(run.toEvents().map((e) => e.text), texts);
});

test('eventsJson writes exactly what JSON.stringify writes for the same events', () => {
  const odd = ['', 'plain', 'quote " and \\ backslash', 'tab\there', 'ctl \u0001\u001f', 'déjà vu ✓ 🎉', '\u2028 sep', '</script>', 'x'.repeat(3000)];
  const a = new EventSource(0, false);
  const b = new EventSource(1, true);
  odd.forEach((text, i) => {
    const buf = Buffer.from(text);
    a.push(1_000_000_000_000 + i * 1000, i % 2 ? 2 : 1, i % 3 ? i : null, buf, 0, buf.length, i % 4, i === 3);
    b.push(1_000_000_000_500 + i * 1000, 1, 42, buf, 0, buf.length, 0, false);
  });
  // more events than one 1 MB chunk holds, so chunks join mid-way
  for (let i = 0; i < 20_000; i++) a.push(1_000_000_100_000 + i, 1, 3, Buffer.from(`Number: ${i} "${'y'.repeat(i % 90)}"`), 0, 10 + String(i).length + (i % 90), 0, false);
  for (const pids of [[4242, null], [null, 0]]) {
    const run = new RunEvents([a, b], 1_000_000_000_000 - 7, pids);
    const chunks = [...eventsJson(run)];
    assert.ok(chunks.length > 1, 'several chunks');
    assert.equal(Buffer.concat(chunks).toString('utf8'), JSON.stringify(run.toEvents()).slice(1, -1));
  }
});

test('traceJsonChunks with the events from columns is the same document as JSON.stringify(trace)', () => {
  const run = new RunEvents([source(0, [[5, 'one'], [9, 'two "2"']]), source(1, [[7, 'three']])], 1, [10, 11]);
  const trace: Trace = {
    schema: 'interleave.trace/1',
    target: { file: '/x/f.py', function: 'f', line: 1 },
    python: { version: '3.11.7', implementation: 'CPython', executable: '/usr/bin/python3', gil: true, cpuCount: 2, platform: 'linux' },
    runs: [
      { model: 'thread', workers: 2, startMethod: null, wallNs: 20, workerInfo: [], events: [] },
      { model: 'sequential', workers: 2, startMethod: null, wallNs: 20, workerInfo: [], events: [] },
    ],
  };
  const text = Buffer.concat([...traceJsonChunks(trace, (r) => (r === 0 ? eventsJson(run) : undefined))].map((c) => Buffer.from(c))).toString();
  trace.runs[0].events = run.toEvents();
  assert.equal(text, JSON.stringify(trace));
});

test('RunEvents.toColumns gives the columns toColumns makes from the event objects (ASCII or not)', () => {
  for (const texts of [['a', 'bb', '', 'Number: 3'], ['a', 'déjà', '🎉 x', '', 'plain']]) {
    const a = new EventSource(0, false);
    const b = new EventSource(1, true);
    texts.forEach((text, i) => {
      const buf = Buffer.from(text);
      a.push(100 + i * 10, i % 2 ? 2 : 1, i || null, buf, 0, buf.length, i === 2 ? 300 : i, false);
      b.push(105 + i * 10, 1, 7, buf, 0, buf.length, 0, false);
    });
    const run = new RunEvents([a, b], 90, [1, 2]);
    assert.deepEqual(run.toColumns(), toColumns(run.toEvents()));
  }
});

test('events encoded while the run went on give the same JSON, whole, in part, or for another pid', () => {
  const a = new EventSource(0, false);
  const b = new EventSource(1, false);
  const push = (s: EventSource, t: number, text: string) => {
    const buf = Buffer.from(text);
    s.push(t, 1, 3, buf, 0, buf.length, 0, false);
  };
  // long stretches of one worker (copied as they are), then single events alternating (copied in pieces)
  // (worker 0's stretch is longer than one 1 MB block of encoded events)
  for (let i = 0; i < 16000; i++) push(a, 1000 + i, `Number: ${i}`);
  for (let i = 0; i < 3000; i++) push(b, 20000 + i, `Number: ${i} "quoted" déjà`);
  for (let i = 0; i < 500; i++) push(i % 2 ? a : b, 30000 + i, `x${i}`);
  const t0 = 900;
  const whole = [new EncodedEvents(0, t0, 11), new EncodedEvents(1, t0, 12)];
  whole[0].encodeNew(a);
  whole[1].encodeNew(b);
  assert.ok(whole[0].blocks.length > 1, 'several blocks');
  const partial = new EncodedEvents(0, t0, 11);
  const some = new EventSource(0, false); // encoded up to a point, then more events came
  for (let i = 0; i < a.count; i++) {
    some.push(a.t[i], 1, 3, a.pool, a.textStart(i), a.textEnd[i], 0, false);
    if (i === 1234) partial.encodeNew(some);
  }
  const cases: Array<[EventSource[], Array<EncodedEvents | undefined>, Array<number | null>]> = [
    [[a, b], whole, [11, 12]],
    [[some, b], [partial, undefined], [11, 12]],
    [[a, b], whole, [99, 12]], // encoded for another pid: not used
  ];
  for (const [sources, encoded, pids] of cases) {
    const run = new RunEvents(sources, t0, pids);
    const chunks = [...eventsJson(run, 0, encoded)];
    assert.equal(Buffer.concat(chunks).toString('utf8'), JSON.stringify(run.toEvents()).slice(1, -1));
  }
  // and they are what gets written (not encoded again): a changed byte shows
  whole[0].blocks[whole[0].block[10]][whole[0].start(10) + 6] = 0x39;
  const changed = Buffer.concat([...eventsJson(new RunEvents([a, b], t0, [11, 12]), 0, whole)]).toString('utf8');
  assert.notEqual(changed, JSON.stringify(new RunEvents([a, b], t0, [11, 12]).toEvents()).slice(1, -1));
  assert.equal([...eventsJson(new RunEvents([], 0, []), 0, [])].length, 0);
});

test('RunEvents merges like a stable sort by time, worker and source, whatever the stretches', () => {
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  for (let round = 0; round < 50; round++) {
    const sources = Array.from({ length: 1 + random(5) }, (_, n) => new EventSource(random(3), n % 2 === 1));
    for (const s of sources) {
      let t = random(50);
      for (let i = 0, count = random(40); i < count; i++) {
        t += random(4) === 0 ? -random(5) : random(random(2) ? 2 : 30); // ties, stretches, and now and then out of order
        const text = Buffer.from(`${i}`);
        s.push(t, 1, 1, text, 0, text.length, 0, false);
      }
    }
    const expected = sources
      .flatMap((s, n) => Array.from(s.order(), (i) => ({ t: s.t[i], worker: s.worker, n, i })))
      .sort((a, b) => a.t - b.t || a.worker - b.worker || a.n - b.n);
    const run = new RunEvents(sources, 0, [1, 2, 3]);
    assert.deepEqual(Array.from(run.index, (i, k) => [run.source[k], i]), expected.map((e) => [e.n, e.i]), `round ${round}`);
  }
});

test("a script run's lines in other files reach the panel's columns with their file: the same events as toEvents gives", () => {
  const FILE_UNIT = 1 << 20;
  const s = new EventSource(0, false);
  s.files = new Map([[1, '/p/helper.py'], [2, '/p/pkg/util.py']]);
  const lines: Array<[number, string]> = [[7, 'own'], [3 + FILE_UNIT, 'helper'], [12 + 2 * FILE_UNIT, 'util'], [4 + FILE_UNIT, 'helper again']];
  lines.forEach(([line, text], i) => s.push(i, 1, line, Buffer.from(text), 0, text.length, 0, false));
  const run = new RunEvents([s], 0, [9]);
  const cols = run.toColumns();
  assert.deepEqual([...cols.line], [7, 3, 12, 4]);
  assert.deepEqual(cols.files?.paths, ['/p/helper.py', '/p/pkg/util.py']);
  assert.deepEqual([...cols.files!.index], [0, 1, 2, 1]);
  assert.deepEqual(toColumns(run.toEvents()), cols, 'from events or from the store: the same columns');
});
