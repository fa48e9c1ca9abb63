import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { WorkerState } from '../../src/runner/records';
import { EventSource, RunEvents } from '../../src/runner/eventStore';
import { openOutput } from '../../src/cli/outputFile';
import { TraceFileWriter } from '../../src/cli/traceFile';
import type { Trace } from '../../src/shared/trace';

const T0 = 1_000_000_000;
const MS = 1_000_000;

function worker(n: number, pid: number): WorkerState {
  return { begin: { ns: T0, pid }, sources: [new EventSource(n, false), new EventSource(n, true)], threads: [], truncated: false, locks: [] };
}

function push(w: WorkerState, which: 0 | 1, t: number, text: string): void {
  const buf = Buffer.from(text);
  w.sources[which].push(t, 1, 2, buf, 0, buf.length, 0, false);
}

/** What the follower does each poll: show the run so far to its sinks (the stream encodes what is new and writes what is final). */
function poll(workers: WorkerState[], stream: ReturnType<TraceFileWriter['beginRun']>): void {
  stream.progress({ t0: T0, workers });
}

function runEvents(workers: WorkerState[]): RunEvents {
  return new RunEvents(workers.flatMap((w) => w.sources), T0, workers.map((w) => w.begin!.pid));
}

/** Two runs; the second has thread states (written after its events, so that its head fits its gap). */
function traceOf(): Trace {
  const states = Array.from({ length: 3000 }, (_, i) => ({ worker: i % 2, thread: null, t: i * MS, dur: MS, state: 'running' as const, detail: null }));
  return {
    schema: 'interleave.trace/1',
    target: { file: '/x/f.py', function: 'f', line: 1 },
    python: { version: '3.11.7', implementation: 'CPython', executable: '/usr/bin/python3', gil: true, cpuCount: 2, platform: 'linux' },
    runs: [0, 1].map((i) => ({
      model: i ? 'process' : 'thread', workers: 2, startMethod: null, wallNs: 5, workerInfo: [], events: [],
      ...(i ? { stateSource: { method: 'proc' as const, hz: 1000, samples: 6000, blockedBy: 'syscall' as const }, states } : {}),
    })),
  };
}

/** Two workers taking turns (a stretch each), polled as it goes; `spoil` may add a late line. */
async function simulate(file: string, compactBelow: number, spoil?: (workers: WorkerState[]) => void) {
  const writer = new TraceFileWriter(openOutput(file, 'trace', '{'), compactBelow);
  const trace = traceOf();
  const all: RunEvents[] = [];
  for (let r = 0; r < 2; r++) {
    const stream = writer.beginRun();
    const workers = [worker(0, 100 + r), worker(1, 200 + r)];
    let t = T0;
    for (let slice = 0; slice < 40; slice++) {
      const w = workers[slice % 2];
      for (let i = 0; i < 200; i++) push(w, 0, (t += 10_000), `${slice}/${i} "q" é`);
      t += 10 * MS;
      if (slice === 30) spoil?.(workers);
      poll(workers, stream);
    }
    workers.forEach((w) => (w.end = { kind: 'end', ns: t, cpuNs: 1, status: { status: 'ok' } }));
    poll(workers, stream);
    const events = runEvents(workers);
    stream.end(events, trace.runs[r]);
    all.push(events);
  }
  await writer.finish(trace, all);
  // the states after the events, as the writer puts them
  const expected = { ...trace, runs: trace.runs.map(({ events: _none, states, ...run }, i) => ({ ...run, events: all[i].toEvents(), ...(states ? { states } : {}) })) };
  return { text: fs.readFileSync(file, 'utf8'), expected };
}

test('the trace file written while the runs go on is the trace (gaps for the heads, or compact)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-tracefile-'));
  try {
    const file = path.join(dir, 't.json');
    // streamed: the heads went into their gaps (whitespace), the events as they became final
    const streamed = await simulate(file, 0);
    assert.deepEqual(JSON.parse(streamed.text), streamed.expected);
    assert.ok(/"events":\[ {1000}/.test(streamed.text), 'a gap of spaces after a head');
    assert.equal(JSON.parse(streamed.text).runs[0].events.length, 8000);
    // a small trace: written again, without gaps: exactly JSON.stringify's text
    const compact = await simulate(file, 1 << 30);
    assert.equal(compact.text, JSON.stringify(compact.expected));
    // a line that comes late (its time before events already written): written again, still right
    const late = await simulate(file, 0, (workers) => push(workers[0], 1, T0 + 5 * MS, 'read below Python, late'));
    assert.equal(late.text, JSON.stringify(late.expected));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a trace the runs did not finish leaves what was at the path as it was, and no temporary file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-tracefile-'));
  const file = path.join(dir, 't.json');
  fs.writeFileSync(file, 'the old trace');
  const writer = new TraceFileWriter(openOutput(file, 'trace', '{'));
  writer.beginRun();
  writer.discard();
  assert.equal(fs.readFileSync(file, 'utf8'), 'the old trace');
  assert.deepEqual(fs.readdirSync(dir), ['t.json']);
  fs.rmSync(dir, { recursive: true, force: true });
});
