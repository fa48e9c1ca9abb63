import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runTrace } from '../../src/runner/engine';
import { LivePreview } from '../../src/runner/livePreview';
import type { Model, Trace } from '../../src/shared/trace';
import { cli, eventually, fixture, harnessRun, isRunning, killLeftovers, pidsIn, processesMentioning, python } from './helpers';

test('Cancel ends a run like a timeout: events kept, stopped "cancelled", no process left', async () => {
  const controller = new AbortController();
  const seen = new Set<Model>();
  const started = Date.now();
  const trace = await runTrace({
    python,
    file: fixture('hangs.py'),
    function: 'hang',
    models: ['thread', 'process'],
    workers: 2,
    timeoutSeconds: 60,
    spawn,
    signal: controller.signal,
    // cancel as soon as the first event of the first run shows up (the live stream)
    follow: (model) => [
      new LivePreview(() => {
        seen.add(model);
        controller.abort();
      }),
    ],
  });
  assert.ok(Date.now() - started < 20_000, 'cancelled long before the 60 s limit');
  assert.deepEqual(trace.runs.map((r) => r.model), ['thread'], 'later models do not start after Cancel');
  const run = trace.runs[0];
  assert.equal(run.stopped, 'cancelled');
  assert.ok(run.events.some((e) => e.text === 'started'));
  assert.ok(run.workerInfo.every((w) => w.status === 'timeout'));
  assert.ok(seen.has('thread'));
  assert.deepEqual(processesMentioning(harnessRun), []);
});

test('Cancel (the command\'s path) also ends processes the run started in other sessions', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-test-'));
  const pidFile = path.join(dir, 'pids');
  const controller = new AbortController();
  let cancelled = 0;
  try {
    const trace = await runTrace({
      python,
      file: fixture('escapes_session.py'),
      function: 'escape_and_hang',
      args: JSON.stringify(pidFile),
      models: ['process'],
      workers: 2,
      timeoutSeconds: 60,
      spawn,
      signal: controller.signal,
      follow: () => [
        {
          progress: () => {
            if (pidsIn(pidFile).length < 2 || cancelled) return; // both daemons started
            cancelled = Date.now();
            controller.abort();
          },
        },
      ],
    });
    // not when the daemons end (60 s), holding the run's output pipes until then
    assert.ok(Date.now() - cancelled < 30_000, `Cancel took ${Date.now() - cancelled} ms`);
    assert.equal(trace.runs[0].stopped, 'cancelled');
    assert.equal(pidsIn(pidFile).length, 2);
    assert.ok(await eventually(() => !pidsIn(pidFile).some(isRunning), 5000), `still running: ${pidsIn(pidFile).filter(isRunning)}`);
  } finally {
    killLeftovers(pidsIn(pidFile));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The CLI running spins_forever.py (thread, then process) with its temporary folders in a TMPDIR of its own. */
async function startSpinning(): Promise<{ cli: ChildProcess; dir: string; tmp: string; pidFile: string; json: string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-test-'));
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const pidFile = path.join(dir, 'pids');
  const json = path.join(dir, 'trace.json');
  const args = ['run', fixture('spins_forever.py'), '--function', 'spin', '--args', JSON.stringify(pidFile), '--models', 'thread,process', '--timeout', '60', '--json', json, '--quiet'];
  const child = spawn(process.execPath, [cli, ...args], { stdio: 'ignore', env: { ...process.env, TMPDIR: tmp } });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  // "pid parent-pid" of both workers of the thread run: the harness and the process above it
  assert.ok(await eventually(() => pidsIn(pidFile).length === 4, 60_000), 'the thread run started');
  return { cli: child, dir, tmp, pidFile, json, exit };
}

for (const name of ['SIGTERM', 'SIGHUP'] as const) {
  test(`${name} to the CLI ends the run as Cancel does: no process, no temporary folder, the trace whole, exit 128 + ${os.constants.signals[name]}`, async () => {
    const run = await startSpinning();
    try {
      run.cli.kill(name);
      const { code, signal } = await run.exit;
      assert.deepEqual({ code, signal }, { code: 128 + os.constants.signals[name], signal: null });
      assert.ok(await eventually(() => !pidsIn(run.pidFile).some(isRunning), 5000), `still running: ${pidsIn(run.pidFile).filter(isRunning)}`);
      assert.deepEqual(fs.readdirSync(run.tmp), [], 'our temporary folders are removed');
      const trace = JSON.parse(fs.readFileSync(run.json, 'utf8')) as Trace; // whole: it parses
      assert.deepEqual(trace.runs.map((r) => [r.model, r.stopped]), [['thread', 'cancelled']], 'the process run never started');
    } finally {
      run.cli.kill('SIGKILL');
      killLeftovers(pidsIn(run.pidFile));
      fs.rmSync(run.dir, { recursive: true, force: true });
    }
  });
}

test('when the CLI itself is killed (SIGKILL), the run does not go on: its processes and folder go too', async () => {
  const run = await startSpinning();
  try {
    run.cli.kill('SIGKILL');
    await run.exit;
    assert.ok(await eventually(() => !pidsIn(run.pidFile).some(isRunning), 10_000), `still running: ${pidsIn(run.pidFile).filter(isRunning)}`);
    assert.ok(await eventually(() => fs.readdirSync(run.tmp).length === 0, 10_000), `left: ${fs.readdirSync(run.tmp)}`);
  } finally {
    killLeftovers(pidsIn(run.pidFile));
    fs.rmSync(run.dir, { recursive: true, force: true });
  }
});
