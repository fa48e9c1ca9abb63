import assert from 'node:assert/strict';
import { test } from 'node:test';
import { example, fixture, runCli, runCliShowingOutput, runOf } from './helpers';
import type { Run } from '../../src/shared/trace';

function assertCanonical(run: Run): void {
  assert.equal(run.events.length, 10, `${run.model}: exactly 10 events`);
  for (const w of [0, 1]) {
    const mine = run.events.filter((e) => e.worker === w);
    assert.deepEqual(mine.map((e) => e.text), ['Number: 0', 'Number: 1', 'Number: 2', 'Number: 3', 'Number: 4'], `${run.model} worker ${w}`);
    assert.ok(mine.every((e) => e.line === 6 && e.stream === 'stdout'), `${run.model}: line is the print's line`);
  }
  for (let i = 1; i < run.events.length; i++) {
    const a = run.events[i - 1];
    const b = run.events[i];
    assert.ok(a.t < b.t || (a.t === b.t && a.worker <= b.worker), `${run.model}: events in global time order`);
  }
  assert.ok(run.wallNs > 0);
  for (const w of run.workerInfo) {
    assert.equal(w.status, 'ok');
    assert.ok(w.startNs! >= 0 && w.endNs! >= w.startNs! && w.endNs! <= run.wallNs, `${run.model}: worker times inside the run`);
    assert.ok(w.cpuNs! > 0);
  }
}

for (const [name, label] of [
  ['threads_example.py', 'threads started at top level'],
  ['processes_example.py', '__main__ guard'],
] as const) {
  test(`canonical print_numbers (${label}): 10 events per model, right workers, lines and pids`, () => {
    const r = runCli(['run', example(name), '--function', 'print_numbers']);
    assert.equal(r.status, 0, r.stderr);
    const trace = r.trace!;
    assert.equal(trace.schema, 'interleave.trace/1');
    assert.deepEqual(trace.target, { file: example(name), function: 'print_numbers', line: 4, skippedLines: trace.target.skippedLines });
    assert.deepEqual(trace.runs.map((x) => x.model), ['sequential', 'thread', 'process']);
    trace.runs.forEach(assertCanonical);
    const thread = runOf(trace, 'thread');
    assert.equal(new Set(thread.events.map((e) => e.pid)).size, 1, 'thread workers share the harness pid');
    const proc = runOf(trace, 'process');
    const pids = new Set(proc.workerInfo.map((w) => w.pid));
    assert.equal(pids.size, 2, 'two distinct process pids');
    assert.ok(!pids.has(thread.events[0].pid), 'process pids differ from the harness pid');
    assert.ok(proc.events.every((e) => e.pid === proc.workerInfo[e.worker].pid));
    assert.ok(['fork', 'spawn', 'forkserver'].includes(proc.startMethod!));
  });
}

test('the script part of the file does not run: no top-level calls, no __main__ block', () => {
  const r = runCliShowingOutput(['run', fixture('script_part.py'), '--function', 'work', '--models', 'sequential,thread,process']);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /SCRIPT PART RAN|MAIN GUARD RAN/);
  // the module-level assignments did run: counter and lock exist, and only our calls counted
  assert.match(r.stderr, /counter 1\ncounter 2/);
});

test('every start method loads the module the same way', () => {
  for (const method of ['fork', 'spawn', 'forkserver']) {
    const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--models', 'process', '--start-method', method]);
    assert.equal(r.status, 0, r.stderr);
    const run = runOf(r.trace!, 'process');
    assert.equal(run.startMethod, method);
    assertCanonical(run);
  }
});

