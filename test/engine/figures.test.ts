import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeTrace } from '../../src/shared/summary';
import { fixture, runCli } from './helpers';

// Ratios measured within one run of the CLI, so a slow machine slows all models alike.
test('CPU-bound: processes beat threads (2 cores); threads are no faster than sequential', () => {
  const r = runCli(['run', fixture('cpu_bound.py'), '--function', 'crunch']);
  assert.equal(r.status, 0, r.stderr);
  const [seq, thread, proc] = summarizeTrace(r.trace!);
  console.log(`cpu-bound: sequential ${seq.wallNs / 1e6} ms, thread ${thread.wallNs / 1e6} ms (${thread.speedup!.toFixed(2)}×), process ${proc.wallNs / 1e6} ms (${proc.speedup!.toFixed(2)}×)`);
  assert.ok(proc.wallNs < thread.wallNs, 'process run faster than thread run');
  assert.ok(thread.speedup! < 1.2, 'threads no faster than sequential under the GIL');
  assert.ok(proc.speedup! > 1.0, 'processes faster than sequential');
  assert.match(thread.verdict, /took turns|did not overlap/);
});

test('I/O-bound: threads overlap and beat sequential', () => {
  const r = runCli(['run', fixture('io_bound.py'), '--function', 'wait_for_io']);
  assert.equal(r.status, 0, r.stderr);
  const [seq, thread] = summarizeTrace(r.trace!);
  console.log(`io-bound: sequential ${seq.wallNs / 1e6} ms, thread ${thread.wallNs / 1e6} ms (${thread.speedup!.toFixed(2)}×), overlap ${thread.overlapNs / 1e6} ms`);
  assert.ok(thread.overlapNs > thread.wallNs * 0.5, 'threads overlap for most of the run');
  assert.ok(thread.speedup! > 1.4, 'threads beat sequential');
  assert.ok(thread.switches >= 2, 'their events interleave');
  assert.match(thread.verdict, /waiting/);
});
