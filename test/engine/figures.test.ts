import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeTrace } from '../../src/shared/summary';
import { BUSY_SHARE } from '../../src/shared/states';
import { fixture, runCli } from './helpers';

/**
 * Each model's best wall time over `runs` CLI runs: a transient stall of this VM (seen once:
 * one sequential run 1.8× its usual time) slows one measurement, never the minimum of three.
 */
function bestOf(runs: number, args: string[]) {
  const traces = Array.from({ length: runs }, () => {
    const r = runCli(args);
    assert.equal(r.status, 0, r.stderr);
    return { trace: r.trace!, summaries: summarizeTrace(r.trace!) };
  });
  const best = (i: number) => traces.map((t) => ({ summary: t.summaries[i], run: t.trace.runs[i] })).reduce((a, b) => (b.summary.wallNs < a.summary.wallNs ? b : a));
  return [best(0), best(1), best(2)];
}

// Judged within each run (its CPU time against its own wall time), not by comparing runs taken
// seconds apart: this VM's speed changes by up to 1.8× from one minute to the next, and once made
// a sequential baseline slower than the threads. Wall times across runs only where the margin is wide.
test('CPU-bound: processes beat threads (2 cores); threads take turns on one CPU, processes use both', () => {
  const [seq, thread, best] = bestOf(3, ['run', fixture('cpu_bound.py'), '--function', 'crunch']);
  const proc = best.summary;
  const busy = (s: typeof proc) => s.cpuNs! / s.busyNs; // CPUs busy on average while any worker ran
  // how long the runs were seen to wait for a CPU (their sampled states): a machine busy with
  // other work (a loaded CI machine) cannot give processes both cores, and the runs say so
  const cpuWait = Math.max(...[seq, thread, best].map((b) => b.run.stateSource?.cpuWait ?? 0));
  console.log(`cpu-bound (best of 3): sequential ${seq.summary.wallNs / 1e6} ms, thread ${thread.summary.wallNs / 1e6} ms (${busy(thread.summary).toFixed(2)} CPUs busy), process ${proc.wallNs / 1e6} ms (${busy(proc).toFixed(2)} CPUs busy); waited for a CPU up to ${(cpuWait * 100).toFixed(0)}% of their ready time`);
  assert.ok(busy(thread.summary) < 1.2, 'threads no faster than one after another under the GIL: never much more than one CPU busy');
  assert.ok(busy(seq.summary) < 1.1, 'the baseline is one CPU');
  // the threads' verdict: the GIL, or (starved of CPU) the busy machine — never a speedup story
  assert.match(thread.summary.verdict, cpuWait >= BUSY_SHARE ? /took turns|did not overlap|the machine was busy/ : /took turns|did not overlap/);
  if (cpuWait >= BUSY_SHARE) return void console.log('  the machine was busy: what processes did with the cores is not checked');
  assert.ok(proc.wallNs < thread.summary.wallNs, 'process run faster than thread run');
  assert.ok(busy(proc) > 1.3, 'processes run on both cores at once');
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
