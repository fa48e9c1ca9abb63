/** The harness process's life as a state machine, driven by a fake child (no Python started). */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { mock, test } from 'node:test';
import { HarnessProcess, TRANSITIONS, type HarnessState } from '../../src/runner/harnessProcess';
import type { SpawnFn } from '../../src/runner/launch';
import { UserError } from '../../src/runner/errors';

type FakeChild = EventEmitter & { stdout: PassThrough; stderr: PassThrough; pid: undefined };

function fake(): { spawn: SpawnFn; child: () => FakeChild } {
  let made: FakeChild | undefined;
  const spawn = (() => {
    made = Object.assign(new EventEmitter(), { stdout: new PassThrough(), stderr: new PassThrough(), pid: undefined });
    return made;
  }) as unknown as SpawnFn;
  return { spawn, child: () => made! };
}

function start(extra: { inspect?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}) {
  const { spawn, child } = fake();
  const harness = new HarnessProcess({ spawn, python: 'python3', configPath: '/nonexistent/config.json', cwd: '/', inspect: extra.inspect ?? false, timeoutMs: extra.timeoutMs ?? 60_000, signal: extra.signal });
  return { harness, child: child() };
}

test('every state can reach ended, and ended is final', () => {
  for (const state of Object.keys(TRANSITIONS) as HarnessState[]) {
    if (state === 'ended') assert.deepEqual(TRANSITIONS[state], {});
    else assert.ok(Object.values(TRANSITIONS[state]).includes('ended') || TRANSITIONS[state].stop === 'ending', state);
  }
});

test('spawned → inspecting → running → ended, with the exit and the stderr tail', async () => {
  const { harness, child } = start({ inspect: true });
  assert.equal(harness.state, 'spawned');
  child.emit('spawn');
  assert.equal(harness.state, 'inspecting');
  harness.runStarted();
  assert.equal(harness.state, 'running');
  child.stderr.write('boom\n');
  await new Promise((r) => setImmediate(r));
  child.emit('close', 3, null);
  const exit = await harness.done;
  assert.equal(harness.state, 'ended');
  assert.deepEqual(exit, { code: 3, signal: null, stopReason: null, stoppedNs: null, stderrTail: 'boom\n' });
});

test('Cancel → ending (the tree is killed), then the exit; a timeout after that changes nothing', async () => {
  const controller = new AbortController();
  const { harness, child } = start({ signal: controller.signal, timeoutMs: 5 });
  child.emit('spawn');
  controller.abort();
  assert.equal(harness.state, 'ending');
  await new Promise((r) => setTimeout(r, 20)); // the timeout fires while ending: ignored
  child.emit('close', null, 'SIGKILL');
  const exit = await harness.done;
  assert.equal(exit.stopReason, 'cancelled');
  assert.equal(exit.signal, 'SIGKILL');
});

test('a timeout longer than Node timers hold (2^31 ms) is chained, not cut to 1 ms', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { harness, child } = start({ timeoutMs: 1e9 * 1000 });
    child.emit('spawn');
    mock.timers.tick(2 ** 31);
    assert.equal(harness.state, 'running', 'still running after 24.8 days');
    for (let waited = 2 ** 31; waited < 1e12 - 2 ** 31; waited += 2 ** 31) mock.timers.tick(2 ** 31);
    assert.equal(harness.state, 'running', 'still running just before the timeout');
    mock.timers.tick(2 ** 31);
    assert.equal(harness.state, 'ending', 'stopped at the timeout');
    child.emit('close', null, 'SIGKILL');
    assert.equal((await harness.done).stopReason, 'timeout');
  } finally {
    mock.timers.reset();
  }
});

test('a stopped harness says when it was stopped, on the monotonic clock the harness stamps its records with', async () => {
  const { harness, child } = start({ timeoutMs: 60_000 });
  child.emit('spawn');
  const controller = new AbortController();
  const before = Number(process.hrtime.bigint());
  const cancelled = start({ timeoutMs: 60_000, signal: controller.signal });
  cancelled.child.emit('spawn');
  controller.abort();
  const after = Number(process.hrtime.bigint());
  cancelled.child.emit('close', null, 'SIGKILL');
  const exit = await cancelled.harness.done;
  assert.equal(exit.stopReason, 'cancelled');
  assert.ok(exit.stoppedNs !== null && exit.stoppedNs >= before && exit.stoppedNs <= after, `${before} ≤ ${exit.stoppedNs} ≤ ${after}`);
  child.emit('close', 0, null);
  assert.equal((await harness.done).stoppedNs, null, 'a harness that ended by itself was not stopped');
});

test('a Python that cannot be started is a UserError that says what to set', async () => {
  const { harness, child } = start();
  child.emit('error', Object.assign(new Error('spawn python3 ENOENT'), { code: 'ENOENT' }));
  await assert.rejects(harness.done, (e: unknown) => e instanceof UserError && e.kind === 'python' && /interleave\.pythonPath/.test(e.message));
  assert.equal(harness.state, 'ended');
});
