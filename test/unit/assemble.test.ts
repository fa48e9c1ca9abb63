import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { assemble } from '../../src/runner/assemble';
import type { ControlRecord, WorkerState } from '../../src/runner/records';
import { EventSource } from '../../src/runner/eventStore';
import type { ModelRunOptions } from '../../src/runner/runModel';

const options: ModelRunOptions = { python: 'python3', file: '/x.py', source: '/x.py', function: 'f', model: 'process-pool', workers: 3, timeoutMs: 1000, spawn };

/** A worker that began in process `pid` (or never began) and never recorded its end. */
function lostWorker(worker: number, pid: number | null): WorkerState {
  return { ...(pid === null ? {} : { begin: { ns: 1000 + worker, pid } }), sources: [new EventSource(worker, false), new EventSource(worker, true)], threads: [], locks: [], truncated: false };
}

function poolRun(exits: Array<[number, number | null]>) {
  const control: ControlRecord[] = [
    { type: 'runStart', t: 0 },
    ...[0, 1, 2].map((worker): ControlRecord => ({ type: 'joined', worker, t: 5000, lost: 'BrokenProcessPool' })),
    ...exits.map(([pid, exitCode]): ControlRecord => ({ type: 'processExit', pid, exitCode })),
  ];
  const workers = [lostWorker(0, 11), lostWorker(1, 12), lostWorker(2, null)];
  return assemble(options, control, workers, 0, { code: 0, signal: null, stopReason: null }).run.workerInfo;
}

test('process-pool: each lost task gets its own process\'s end; one that never began, "never started" and why', () => {
  const [exited, terminated, never] = poolRun([[11, 7], [12, -15]]);
  assert.deepEqual([exited.status, exited.exitCode], ['exited', 7]);
  assert.deepEqual([terminated.status, terminated.signal], ['killed', 'SIGTERM'], 'the pool ended it after the other died');
  assert.deepEqual([never.status, never.pid, never.startNs], ['error', null, null]);
  assert.deepEqual(never.error, { type: 'BrokenProcessPool', message: "never started: the pool broke before this task ran — worker 0's process (pid 11) exited with code 7", traceback: '' });
  const [segv, , neverAfterSegv] = poolRun([[11, -11], [12, -15]]);
  assert.deepEqual([segv.status, segv.signal], ['killed', 'SIGSEGV']);
  assert.match(neverAfterSegv.error!.message, /worker 0's process \(pid 11\) was killed by SIGSEGV$/);
});

test('process-pool: without the pool\'s exit codes (another Python), a lost task is killed, signal unknown, as before', () => {
  const [began, , never] = poolRun([]);
  assert.deepEqual([began.status, began.signal], ['killed', 'unknown (the pool process ended abruptly)']);
  assert.match(never.error!.message, /never started: the pool broke before this task ran — one of its processes ended abruptly/);
});

test('a run stopped at the time limit runs until it was stopped, not until its last event; one that ended says when', () => {
  const control: ControlRecord[] = [{ type: 'runStart', t: 0 }];
  const workers = [lostWorker(0, 11)];
  const hung = assemble({ ...options, model: 'thread', workers: 1 }, control, workers, 0, { code: null, signal: 'SIGKILL', stopReason: 'timeout', stoppedNs: 3e9 }).run;
  assert.equal(hung.wallNs, 3e9, 'one line at 1 µs, then 3 s of nothing');
  const ended = assemble({ ...options, model: 'thread', workers: 1 }, [...control, { type: 'runEnd', t: 5000 }], workers, 0, { code: 0, signal: null, stopReason: null, stoppedNs: null }).run;
  assert.equal(ended.wallNs, 5000);
  const lost = assemble({ ...options, model: 'thread', workers: 1 }, control, workers, 0, { code: null, signal: 'SIGKILL', stopReason: null }).run;
  assert.equal(lost.wallNs, 1000, 'killed by someone else: its last sign of life');
});
