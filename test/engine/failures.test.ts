import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, processesMentioning, runCli, runOf } from './helpers';

test('a worker that raises: status error with type, message, traceback; earlier events kept', () => {
  const r = runCli(['run', fixture('raises.py'), '--function', 'fail_after_two']);
  assert.equal(r.status, 0, 'a worker failure is data, not a CLI failure');
  for (const run of r.trace!.runs) {
    assert.deepEqual(run.events.map((e) => e.text), ['step 1', 'step 2', 'step 1', 'step 2'], run.model);
    for (const w of run.workerInfo) {
      assert.equal(w.status, 'error');
      assert.equal(w.error!.type, 'ValueError');
      assert.equal(w.error!.message, 'boom');
      assert.match(w.error!.traceback, /raises\.py", line 4, in fail_after_two/);
      assert.doesNotMatch(w.error!.traceback, /interleave_harness/, 'the harness frames are not shown');
    }
  }
});

test('os._exit: process workers exited with the code; in threads it ends the run, events kept', () => {
  const r = runCli(['run', fixture('exits_abruptly.py'), '--function', 'leave']);
  assert.equal(r.status, 0, r.stderr);
  const proc = runOf(r.trace!, 'process');
  assert.deepEqual(proc.workerInfo.map((w) => [w.status, w.exitCode]), [['exited', 7], ['exited', 7]]);
  assert.equal(proc.events.length, 2);
  const thread = runOf(r.trace!, 'thread');
  assert.ok(thread.events.some((e) => e.text === 'before exit'), 'the event before os._exit is kept');
  assert.ok(thread.workerInfo.some((w) => w.status === 'exited' && w.exitCode === 7));
});

test('killed by a signal: status killed with the signal', () => {
  const r = runCli(['run', fixture('killed_by_signal.py'), '--function', 'die', '--models', 'process']);
  assert.equal(r.status, 0, r.stderr);
  const run = runOf(r.trace!, 'process');
  assert.deepEqual(run.workerInfo.map((w) => [w.status, w.signal]), [['killed', 'SIGKILL'], ['killed', 'SIGKILL']]);
  assert.deepEqual(run.events.map((e) => e.text), ['about to die', 'about to die']);
});

test('a hanging worker is stopped at --timeout, the whole tree ended, events kept', () => {
  const started = Date.now();
  const r = runCli(['run', fixture('hangs.py'), '--function', 'hang', '--timeout', '2']);
  const elapsed = Date.now() - started;
  assert.equal(r.status, 0, r.stderr);
  assert.ok(elapsed < 30_000, `three runs of ≈2 s, took ${elapsed} ms`);
  for (const run of r.trace!.runs) {
    assert.equal(run.stopped, 'timeout', run.model);
    assert.ok(run.events.some((e) => e.text === 'started'), `${run.model}: the event before the hang is kept`);
    assert.ok(run.workerInfo.some((w) => w.status === 'timeout'), run.model);
  }
  assert.deepEqual(processesMentioning('interleave_harness.py run'), [], 'no harness or worker process left');
});

test('reading stdin: input() raises EOFError at once', () => {
  const started = Date.now();
  const r = runCli(['run', fixture('reads_stdin.py'), '--function', 'ask']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Date.now() - started < 20_000);
  for (const run of r.trace!.runs) {
    assert.ok(run.workerInfo.every((w) => w.status === 'error' && w.error!.type === 'EOFError'), run.model);
    assert.ok(run.events.some((e) => e.text === 'asking'));
  }
});

test('capture: partial writes, several lines per write, stderr, non-ASCII, tabs', () => {
  const r = runCli(['run', fixture('partial_writes.py'), '--function', 'pieces', '--workers', '1']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    assert.deepEqual(
      run.events.map((e) => [e.stream, e.text, e.line]),
      [
        ['stdout', 'abc', 5],
        ['stdout', 'one', 8],
        ['stdout', 'two', 8],
        ['stdout', 'three!', 8],
        ['stderr', 'to stderr', 10],
        ['stdout', 'héllo wörld ✓ 日本', 11],
        ['stdout', 'tab\tinside', 12],
      ],
      run.model,
    );
  }
});

test('async def targets run to completion in every model', () => {
  const r = runCli(['run', fixture('async_target.py'), '--function', 'tick', '--workers', '1']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) assert.deepEqual(run.events.map((e) => e.text), ['tick 0', 'tick 1', 'tick 2']);
});
