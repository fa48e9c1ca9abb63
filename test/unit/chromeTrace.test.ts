import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { chromeTraceChunks, chromeTraceEvents } from '../../src/export/chromeTrace';
import { assertWellFormed, microsText, type ChromeFile } from '../chromeTraceRules';
import type { OutputEvent, Run, Trace } from '../../src/shared/trace';

const root = path.resolve(__dirname, '..', '..', '..');
const canonical = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'traces', 'canonical.json'), 'utf8')) as Trace;

function exported(trace: Trace): { text: string; file: ChromeFile; chunks: string[] } {
  const chunks = [...chromeTraceChunks(trace)];
  const text = chunks.join('');
  return { text, file: JSON.parse(text) as ChromeFile, chunks };
}

test('the canonical trace exports as a well-formed Chrome trace object', () => {
  const { file } = exported(canonical);
  assertWellFormed(file);
  assert.equal(file.displayTimeUnit, 'ns');
  assert.equal((file.metadata?.target as { function: string }).function, 'print_numbers');
});

test('a process per run, named as the panel names it, kept in the trace order', () => {
  const { file } = exported(canonical);
  const m = file.traceEvents.filter((e) => e.ph === 'M');
  const names = m.filter((e) => e.name === 'process_name').map((e) => [e.pid, e.args!.name]);
  assert.deepEqual(names, [[1, 'Sequential × 2'], [2, 'Threads × 2'], [3, 'Processes × 2 (fork)']]);
  const order = m.filter((e) => e.name === 'process_sort_index').map((e) => [e.pid, e.args!.sort_index]);
  assert.deepEqual(order, [[1, 0], [2, 1], [3, 2]]);
});

test('a thread track per worker, named as its lane, tids unique across runs and apart from the pids', () => {
  const { file } = exported(canonical);
  const threads = file.traceEvents.filter((e) => e.name === 'thread_name');
  const pids = canonical.runs[2].workerInfo.map((w) => w.pid);
  assert.deepEqual(threads.map((e) => e.args!.name), ['Call 1', 'Call 2', 'Thread 1', 'Thread 2', `Process 1 · pid ${pids[0]}`, `Process 2 · pid ${pids[1]}`]);
  const tids = threads.map((e) => e.tid);
  assert.equal(new Set(tids).size, tids.length);
  for (const tid of tids) assert.ok(tid > canonical.runs.length, 'no tid is also a pid');
});

test("each output line is an instant on its worker's track: text, stream and line in args, µs exact", () => {
  const { file, text } = exported(canonical);
  const tidOf = new Map(file.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}/${e.args!.name}`, e.tid]));
  const instants = file.traceEvents.filter((e) => e.ph === 'i');
  assert.equal(instants.length, 30);
  canonical.runs.forEach((run, r) => {
    const mine = instants.filter((e) => e.pid === r + 1);
    assert.equal(mine.length, run.events.length);
    run.events.forEach((ev, k) => {
      const e = mine[k];
      assert.equal(e.name, ev.text);
      assert.deepEqual(e.args, { text: ev.text, stream: ev.stream, line: ev.line });
      const lane = file.traceEvents.find((x) => x.name === 'thread_name' && x.tid === e.tid)!.args!.name as string;
      assert.equal(tidOf.get(`${r + 1}/${lane}`), e.tid);
      assert.ok(lane.endsWith(String(ev.worker + 1)) || lane.includes(`${ev.worker + 1} ·`), `${lane} for worker ${ev.worker}`);
      assert.equal(e.ts, Number(microsText(ev.t)), `ts of ${ev.t} ns`);
      assert.ok(text.includes(`"ts":${microsText(ev.t)},`), `written as ${microsText(ev.t)}`);
    });
  });
});

test("each worker's life is complete spans — start-up, its body, waiting to be joined — with its status", () => {
  const { file } = exported(canonical);
  const run = canonical.runs[1]; // threads: created before they start, joined after they end
  const w = run.workerInfo[0];
  const tid = file.traceEvents.find((e) => e.name === 'thread_name' && e.args!.name === 'Thread 1')!.tid;
  const spans = file.traceEvents.filter((e) => e.ph === 'X' && e.tid === tid);
  assert.deepEqual(spans.map((e) => e.name), ['start-up', 'print_numbers()', 'waiting to be joined']);
  const body = spans[1];
  assert.equal(body.ts, Number(microsText(w.startNs!)));
  assert.equal(body.dur, (w.endNs! - w.startNs!) / 1000);
  assert.equal(body.args!.status, 'ok');
  assert.equal(body.args!.pid, w.pid);
  assert.equal(body.args!.cpuNs, w.cpuNs);
});

function withRun(run: Partial<Run> & { events: OutputEvent[] }): Trace {
  return { ...canonical, runs: [{ ...canonical.runs[1], ...run }] };
}

test("a helper thread's output gets a track of its own under its worker; approximate lines say so", () => {
  const base = canonical.runs[1];
  const trace = withRun({
    workerInfo: [{ ...base.workerInfo[0], threads: [{ thread: 1, name: 'downloader' }] }, base.workerInfo[1]],
    events: [
      { t: 1_100_000, worker: 0, pid: 1, stream: 'stdout', text: 'from the helper', line: 9, thread: 1 },
      { t: 1_200_000, worker: 1, pid: 1, stream: 'stderr', text: 'read below Python', line: null, approximate: true },
    ],
  });
  const { file } = exported(trace);
  assertWellFormed(file);
  const threads = file.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args!.name);
  assert.deepEqual(threads, ['Thread 1', 'Thread 1 ↳ downloader', 'Thread 2']);
  const [helper, below] = file.traceEvents.filter((e) => e.ph === 'i');
  assert.equal(file.traceEvents.find((e) => e.tid === helper.tid && e.name === 'thread_name')!.args!.name, 'Thread 1 ↳ downloader');
  assert.equal(file.traceEvents.filter((e) => e.ph === 'X' && e.tid === helper.tid).length, 0, 'the helper has no life span of its own');
  assert.deepEqual(below.args, { text: 'read below Python', stream: 'stderr', line: null, approximate: true });
  assert.equal(below.cat, 'stderr');
});

test('a worker stopped at the time limit still has a finite span; a run this Python cannot do has a process and no tracks', () => {
  const base = canonical.runs[1];
  const stopped = withRun({ stopped: 'timeout', workerInfo: [{ ...base.workerInfo[0], endNs: null, joinedNs: null, status: 'timeout' }], events: [] });
  const unavailable: Trace = { ...canonical, runs: [{ model: 'interpreter', workers: 2, startMethod: null, wallNs: 0, workerInfo: [], events: [], unavailable: 'needs Python 3.14' }] };
  const a = exported(stopped).file;
  assertWellFormed(a);
  const body = a.traceEvents.find((e) => e.ph === 'X' && e.name === 'print_numbers()')!;
  assert.equal(body.args!.status, 'timeout');
  assert.equal(Math.round((body.ts + body.dur!) * 1000), base.wallNs, 'it runs to the end of the run');
  assert.match(a.traceEvents.find((e) => e.name === 'process_name')!.args!.name as string, /stopped: timeout/);
  const b = exported(unavailable).file;
  assertWellFormed(b);
  assert.deepEqual(b.traceEvents.map((e) => e.name), ['process_name', 'process_sort_index']);
});

test('many events are written as many bounded chunks that join into the same JSON', () => {
  const events: OutputEvent[] = Array.from({ length: 25_000 }, (_, i) => ({ t: i * 1001, worker: i % 2, pid: 1, stream: 'stdout', text: `line "${i}"\t\\`, line: 5 }));
  const { chunks, file } = exported(withRun({ events, wallNs: 25_000 * 1001 }));
  assertWellFormed(file);
  assert.equal(file.traceEvents.filter((e) => e.ph === 'i').length, 25_000);
  assert.equal(file.traceEvents.filter((e) => e.ph === 'i')[7].args!.text, 'line "7"\t\\');
  assert.ok(chunks.length >= 4, `${chunks.length} chunks`);
  assert.ok(Math.max(...chunks.map((c) => c.length)) < 2_000_000, 'no chunk holds the whole file');
});

test('times are written as exact decimals of their ns, and the text is the events as objects', () => {
  const times = [0, 7, 999, 1000, 1050, 1005, 120_000_000_001, 29_999_999_999];
  const events: OutputEvent[] = times.map((t, i) => ({ t, worker: 0, pid: 1, stream: 'stdout', text: `at ${i}`, line: 3 }));
  const trace = withRun({ events, wallNs: 130_000_000_000 });
  const { text, file } = exported(trace);
  const instants = file.traceEvents.filter((e) => e.ph === 'i');
  times.forEach((t, i) => {
    assert.ok(text.includes(`"ts":${microsText(t)},`), `${t} ns written as ${microsText(t)} µs`);
    assert.equal(instants[i].ts, t / 1000);
  });
  assert.deepEqual(file.traceEvents, JSON.parse(JSON.stringify([...chromeTraceEvents(trace)])));
});

test('the file holds exactly the events as objects, whatever the lines hold', () => {
  const base = canonical.runs[1];
  const odd = ['', 'x'.repeat(200), 'quote " backslash \\ tab \t', 'ünïcödé → 🧵', '</script>', '\u2028'];
  const events: OutputEvent[] = odd.map((text, i) => ({ t: 1000 * i + 7, worker: i % 2, pid: 1, stream: i % 3 ? 'stdout' : 'stderr', text, line: i % 2 ? null : i + 1 }));
  events.push({ t: 9000, worker: 0, pid: 1, stream: 'stdout', text: 'helper', line: 4, thread: 2 }, { t: 9500, worker: 1, pid: 1, stream: 'stdout', text: 'below', line: null, approximate: true });
  const trace = withRun({ workerInfo: [{ ...base.workerInfo[0], threads: [{ thread: 2, name: 'io' }] }, base.workerInfo[1]], events });
  const { file } = exported(trace);
  assertWellFormed(file);
  assert.deepEqual(file.traceEvents, JSON.parse(JSON.stringify([...chromeTraceEvents(trace)])));
  const names = file.traceEvents.filter((e) => e.ph === 'i').map((e) => e.name);
  assert.equal(names[0], '(empty line)');
  assert.equal(names[1], `${'x'.repeat(79)}…`);
  assert.equal(file.traceEvents.filter((e) => e.ph === 'i')[1].args!.text, 'x'.repeat(200));
});

test("a script run's line in another file of the program: the instant's args name that file (both writers alike)", () => {
  const base = canonical.runs[1];
  const trace = withRun({
    workerInfo: base.workerInfo,
    events: [
      { t: 1_000, worker: 0, pid: 1, stream: 'stdout', text: 'own', line: 7 },
      { t: 2_000, worker: 1, pid: 1, stream: 'stdout', text: 'theirs "q"', line: 3, file: '/p/helper "x".py', approximate: true },
    ],
  });
  const { file } = exported(trace);
  assertWellFormed(file);
  const [own, theirs] = file.traceEvents.filter((e) => e.ph === 'i');
  assert.deepEqual(own.args, { text: 'own', stream: 'stdout', line: 7 });
  assert.deepEqual(theirs.args, { text: 'theirs "q"', stream: 'stdout', line: 3, file: '/p/helper "x".py', approximate: true });
  assert.deepEqual(file.traceEvents, JSON.parse(JSON.stringify([...chromeTraceEvents(trace)])));
});
