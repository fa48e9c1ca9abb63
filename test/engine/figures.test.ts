import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeTrace } from '../../src/shared/summary';
import { fixture, runCli } from './helpers';

/**
 * Each model's best wall time over `runs` CLI runs: a transient stall of this VM (seen once:
 * one sequential run 1.8× its usual time) slows one measurement, never the minimum of three.
 */
function bestOf(runs: number, args: string[]) {
  const summaries = Array.from({ length: runs }, () => {
    const r = runCli(args);
    assert.equal(r.status, 0, r.stderr);
    return summarizeTrace(r.trace!);
  });
  const best = (i: number) => summaries.map((s) => s[i]).reduce((a, b) => (b.wallNs < a.wallNs ? b : a));
  return [best(0), best(1), best(2)];
}

// Judged within each run (its CPU time against its own wall time), not by comparing runs taken
// seconds apart: this VM's speed changes by up to 1.8× from one minute to the next, and once made
// a sequential baseline slower than the threads. Wall times across runs only where the margin is wide.
test('CPU-bound: processes beat threads (2 cores); threads take turns on one CPU, processes use both', () => {
  const [seq, thread, proc] = bestOf(3, ['run', fixture('cpu_bound.py'), '--function', 'crunch']);
  const busy = (s: typeof seq) => s.cpuNs! / s.busyNs; // CPUs busy on average while any worker ran
  console.log(`cpu-bound (best of 3): sequential ${seq.wallNs / 1e6} ms, thread ${thread.wallNs / 1e6} ms (${busy(thread).toFixed(2)} CPUs busy), process ${proc.wallNs / 1e6} ms (${busy(proc).toFixed(2)} CPUs busy)`);
  assert.ok(proc.wallNs < thread.wallNs, 'process run faster than thread run');
  assert.ok(busy(thread) < 1.2, 'threads no faster than one after another under the GIL: never much more than one CPU busy');
  assert.ok(busy(proc) > 1.3, 'processes run on both cores at once');
  assert.ok(busy(seq) < 1.1, 'the baseline is one CPU');
  assert.match(thread.verdict, /took turns|did not overlap/);
  assert.equal(proc.kind, 'parallel', proc.verdict);
  // said "in parallel" only when it also beat sequential: a slower run is never called parallel
  assert.match(proc.verdict, proc.speedup! >= 1 ? /in parallel/ : /computed at the same time.*, yet the run was/);
});

test('I/O-bound: threads overlap and beat sequential', () => {
  const r = runCli(['run', fixture('io_bound.py'), '--function', 'wait_for_io']);
  assert.equal(r.status, 0, r.stderr);
  const [seq, thread] = summarizeTrace(r.trace!);
  console.log(`io-bound: sequential ${seq.wallNs / 1e6} ms, thread ${thread.wallNs / 1e6} ms (${thread.speedup!.toFixed(2)}×), overlap ${thread.overlapNs / 1e6} ms`);
  assert.ok(thread.overlapNs > thread.wallNs * 0.5, 'threads overlap for most of the run');
  assert.ok(thread.speedup! > 1.4, 'threads beat sequential');
  assert.ok(thread.switches >= 2, 'their events interleave');
  assert.match(thread.verdict, /sleeping|waiting/); // sleeping: when thread states were sampled
});
