import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatColumns, eventAt, fileAt, fileIndexIn, isAtLine, runMeta, sortColumns, textAt, toColumns } from '../../src/shared/columns';
import { traceMessage } from '../../src/shared/protocol';
import { traceJsonChunks } from '../../src/shared/traceJson';
import type { OutputEvent, Run, Trace } from '../../src/shared/trace';

const events: OutputEvent[] = [
  { t: 10, worker: 0, pid: 100, stream: 'stdout', text: 'Number: 0', line: 6 },
  { t: 20, worker: 1, pid: 101, stream: 'stderr', text: '', line: null, approximate: true },
  { t: 30, worker: 1, pid: 101, stream: 'stdout', text: 'héllo ✓ 日本', line: 7, thread: 2 },
];
const workerInfo = [0, 1].map((w) => ({ worker: w, pid: 100 + w, startNs: 0, endNs: 40, cpuNs: 1, status: 'ok' as const }));

test('events survive the trip through columns exactly', () => {
  const cols = toColumns(events);
  assert.equal(cols.t.length, 3);
  assert.deepEqual([0, 1, 2].map((i) => eventAt(cols, workerInfo, i)), events);
  assert.equal(textAt(cols, 2), 'héllo ✓ 日本');
  assert.equal(cols.text, 'Number: 0héllo ✓ 日本');
});

test('the trace message carries runs without events, their columns and the header figures', () => {
  const run: Run = { model: 'thread', workers: 2, startMethod: null, wallNs: 50, workerInfo, events };
  const trace = { schema: 'interleave.trace/1' as const, target: { file: 'f.py', function: 'f', line: 1 }, python: { version: '3.11.7', implementation: 'CPython', executable: 'py', gil: true, cpuCount: 2, platform: 'linux' }, runs: [run] };
  const m = traceMessage(trace, 'k');
  assert.equal(m.type, 'trace');
  assert.deepEqual(m.trace.runs[0], runMeta(run));
  assert.equal(m.trace.runs[0].eventCount, 3);
  assert.ok(!('events' in m.trace.runs[0]));
  assert.equal(m.columns[0].t.length, 3);
  assert.equal(m.summaries[0].switches, 1);
});

test('live chunks: concatenated and put in global order (time, then worker), nothing lost', () => {
  const late = toColumns([events[2], events[0]]);
  const early = toColumns([{ ...events[1], t: 10 }]);
  const merged = sortColumns(concatColumns([late, early]));
  assert.deepEqual([0, 1, 2].map((i) => eventAt(merged, workerInfo, i)), [events[0], { ...events[1], t: 10 }, events[2]]);
  assert.equal(sortColumns(concatColumns([])).t.length, 0);
});

test('the trace written in pieces is the same document as JSON.stringify of it', () => {
  const run = (model: Run['model'], n: number): Run => ({ model, workers: 2, startMethod: null, wallNs: 50, workerInfo, events: Array.from({ length: n }, (_, i) => ({ ...events[i % 3], t: i })), ...(n === 0 ? { truncated: true } : {}) });
  const trace: Trace = { schema: 'interleave.trace/1', target: { file: '/f.py', function: 'f', line: 1 }, python: { version: '3.11.7', implementation: 'CPython', executable: 'p', gil: true, cpuCount: 2, platform: 'linux' }, runs: [run('thread', 45_001), run('process', 0), run('sequential', 3)] };
  assert.deepEqual(JSON.parse([...traceJsonChunks(trace)].join('')), JSON.parse(JSON.stringify(trace)));
  assert.deepEqual(JSON.parse([...traceJsonChunks({ ...trace, runs: [] })].join('')), { ...trace, runs: [] });
});

test("lines in other files of the program: each event keeps its file through columns, live chunks and their sorting", () => {
  const script: OutputEvent[] = [
    { t: 10, worker: 0, pid: 100, stream: 'stdout', text: 'own', line: 7 },
    { t: 20, worker: 1, pid: 101, stream: 'stdout', text: 'helper', line: 3, file: '/p/helper.py' },
    { t: 30, worker: 0, pid: 100, stream: 'stdout', text: 'util', line: 3, file: '/p/util.py' },
  ];
  const cols = toColumns(script);
  assert.deepEqual([0, 1, 2].map((i) => eventAt(cols, workerInfo, i)), script);
  assert.deepEqual([0, 1, 2].map((i) => fileAt(cols, i)), [undefined, '/p/helper.py', '/p/util.py']);
  assert.equal(toColumns(events).files, undefined, 'no other file: no column');
  // line 3 is in two files: the cursor's file tells them apart
  assert.deepEqual([0, 1, 2].filter((i) => isAtLine(cols, i, 3, fileIndexIn(cols, '/p/util.py'))), [2]);
  assert.deepEqual([0, 1, 2].filter((i) => isAtLine(cols, i, 7, fileIndexIn(cols, null))), [0]);
  assert.equal(fileIndexIn(cols, '/p/elsewhere.py'), -1);
  const merged = sortColumns(concatColumns([toColumns([script[2]]), toColumns([script[0]]), toColumns([script[1]])]));
  assert.deepEqual([0, 1, 2].map((i) => eventAt(merged, workerInfo, i)), script);
});
