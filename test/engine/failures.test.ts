import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { neverStarted } from '../../src/shared/trace';
import { eventually, fixture, harnessRun, isRunning, killLeftovers, pidsIn, processesMentioning, pythonWithSubinterpreters, runCli as runCliRaw, runOf, type CliResult } from './helpers';

/** case × model → outcome, printed after the suite (the fault-injection table). */
const outcomes = new Map<string, Map<string, string>>();
function runCli(args: string[], showOutput = false): CliResult {
  const r = runCliRaw(args, undefined, showOutput);
  const name = args[1].split('/').pop()!.replace('.py', '');
  const row = outcomes.get(name) ?? new Map<string, string>();
  for (const run of r.trace?.runs ?? []) {
    const statuses = [...new Set(run.workerInfo.map((w) => w.status + (w.exitCode !== undefined ? ` ${w.exitCode}` : '') + (w.signal ? ` ${w.signal}` : '') + (w.error ? ` ${w.error.type}` : '')))].join('/');
    row.set(run.model, `${statuses}${run.stopped ? ` (${run.stopped})` : ''}${run.truncated ? ' truncated' : ''}, ${run.events.length} ev`);
  }
  if (!r.trace) row.set('cli', `exit ${r.status}`);
  outcomes.set(name, row);
  return r;
}

after(() => {
  const models = ['sequential', 'thread', 'process'];
  const lines = [['case', ...models].map((c, i) => c.padEnd(i ? 34 : 22)).join('')];
  for (const [name, row] of outcomes) lines.push([name.padEnd(22), ...models.map((m) => (row.get(m) ?? row.get('cli') ?? '—').padEnd(34))].join(''));
  console.log(`fault injection: case × model → worker status, events kept\n${lines.join('\n')}`);
});

test('a worker that raises: status error with type, message, traceback; earlier events kept', () => {
  const r = runCli(['run', fixture('raises.py'), '--function', 'fail_after_two']);
  assert.equal(r.status, 0, 'a worker failure is data, not a CLI failure');
  for (const run of r.trace!.runs) {
    for (const w of [0, 1]) assert.deepEqual(run.events.filter((e) => e.worker === w).map((e) => e.text), ['step 1', 'step 2'], `${run.model} worker ${w}`);
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

test('sys.exit follows Python\'s rules: True is exit 1; a message is exit 1 and is printed to stderr, an event of the worker at the sys.exit line', () => {
  const models = ['--models', 'sequential,thread,process,thread-pool,process-pool'];
  const yes = runCli(['run', fixture('exits_with_a_value.py'), '--function', 'exit_true', ...models]);
  assert.equal(yes.status, 0, yes.stderr);
  for (const run of yes.trace!.runs) {
    assert.deepEqual(run.workerInfo.map((w) => [w.status, w.exitCode]), [['exited', 1], ['exited', 1]], `${run.model}: an integer, not true`);
    assert.deepEqual(run.events.map((e) => e.text), ['leaving', 'leaving'], run.model);
  }
  const message = 'cannot go on: no input file';
  const said = runCli(['run', fixture('exits_with_a_value.py'), '--function', 'exit_with_message', ...models], true);
  assert.equal(said.status, 0, said.stderr);
  assert.equal(said.stderr.split(`${message}\n`).length - 1, 10, 'each worker of the 5 runs shows the message to the user, once');
  for (const run of said.trace!.runs) {
    assert.deepEqual(run.workerInfo.map((w) => [w.status, w.exitCode]), [['exited', 1], ['exited', 1]], run.model);
    for (const w of [0, 1]) {
      const mine = run.events.filter((e) => e.worker === w).map((e) => [e.stream, e.text, e.line]);
      assert.deepEqual(mine, [['stdout', 'leaving', 10], ['stderr', message, 11]], `${run.model} worker ${w}`);
    }
  }
});

test('killed by a signal: status killed with the signal', () => {
  const r = runCli(['run', fixture('killed_by_signal.py'), '--function', 'die', '--models', 'process,thread']);
  assert.equal(r.status, 0, r.stderr);
  const run = runOf(r.trace!, 'process');
  assert.deepEqual(run.workerInfo.map((w) => [w.status, w.signal]), [['killed', 'SIGKILL'], ['killed', 'SIGKILL']]);
  assert.deepEqual(run.events.map((e) => e.text), ['about to die', 'about to die']);
  // in threads the signal ends the harness: the run says so, whatever process stands above it
  const thread = runOf(r.trace!, 'thread');
  assert.ok(thread.workerInfo.every((w) => w.status === 'killed' && w.signal === 'SIGKILL'), JSON.stringify(thread.workerInfo));
  assert.ok(thread.events.some((e) => e.text === 'about to die'));
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
  assert.deepEqual(processesMentioning(harnessRun), [], 'no harness or worker process left');
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

test('a flood stops recording at the event cap: truncated, the trace still valid', () => {
  const r = runCli(['run', fixture('floods.py'), '--function', 'flood', '--max-events', '100']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    assert.equal(run.truncated, true, run.model);
    for (const w of [0, 1]) {
      const texts = run.events.filter((e) => e.worker === w).map((e) => e.text);
      assert.deepEqual(texts, Array.from({ length: 100 }, (_, i) => String(i)), `${run.model} worker ${w}: the first 100 lines`);
    }
    assert.ok(run.workerInfo.every((w) => w.status === 'ok'));
  }
});

test('a worker that forks: the fork child cannot corrupt the worker\'s events', () => {
  const r = runCli(['run', fixture('forks_itself.py'), '--function', 'fork_and_print']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    for (const w of [0, 1]) assert.deepEqual(run.events.filter((e) => e.worker === w).map((e) => e.text), ['parent before', 'parent after'], `${run.model} worker ${w}`);
  }
});

test('a module that cannot be imported again in spawn children: explained, with the fix; fork runs it', () => {
  const spawn = runCli(['run', fixture('not_reimportable.py'), '--function', 'serve', '--models', 'process,process-pool', '--start-method', 'spawn']);
  assert.equal(spawn.status, 0, spawn.stderr);
  for (const run of spawn.trace!.runs) {
    assert.equal(run.events.length, 0);
    for (const w of run.workerInfo) {
      assert.equal(w.status, 'error');
      assert.equal(w.error!.type, 'NotReimportable');
      assert.match(w.error!.message, /imported again in this spawn child \(line 5\): OSError: \[Errno 98\] Address already in use/);
      assert.match(w.error!.message, /under spawn every process imports the file anew.*Fix: move that code into the function.*--start-method fork/);
    }
  }
  assert.match(spawn.stdout, /None of the processes got to run the function: NotReimportable/);
  const fork = runCli(['run', fixture('not_reimportable.py'), '--function', 'serve', '--models', 'process', '--start-method', 'fork']);
  assert.equal(fork.status, 0, fork.stderr);
  assert.deepEqual(fork.trace!.runs[0].events.map((e) => e.text), ['serving on 47361', 'serving on 47361']);
});

test('a process that leaves the session and its parent (setsid, double fork) ends with the run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-test-'));
  const pidFile = path.join(dir, 'pids');
  try {
    const started = Date.now();
    const models = ['sequential', 'thread', 'process', 'process-pool'];
    // the function returns at once; its daemon would sleep 60 s holding the run's output pipes
    const r = runCli(['run', fixture('escapes_session.py'), '--function', 'escape', '--args', JSON.stringify(pidFile), '--models', models.join(','), '--timeout', '30']);
    const elapsed = Date.now() - started;
    assert.equal(r.status, 0, r.stderr);
    assert.equal(pidsIn(pidFile).length, models.length * 2, 'a daemon per worker');
    for (const run of r.trace!.runs) assert.ok(run.workerInfo.every((w) => w.status === 'ok') && !run.stopped, run.model);
    assert.ok(elapsed < 45_000, `the runs end when their workers do, not when the daemons do: ${elapsed} ms`);
    assert.ok(await eventually(() => !pidsIn(pidFile).some(isRunning), 5000), `still running: ${pidsIn(pidFile).filter(isRunning)}`);
  } finally {
    killLeftovers(pidsIn(pidFile));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('at --timeout, processes in other sessions are ended too: the run ends at its limit', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-test-'));
  const pidFile = path.join(dir, 'pids');
  try {
    const started = Date.now();
    const r = runCli(['run', fixture('escapes_session.py'), '--function', 'escape_and_hang', '--args', JSON.stringify(pidFile), '--models', 'thread,process', '--timeout', '2']);
    const elapsed = Date.now() - started;
    assert.equal(r.status, 0, r.stderr);
    assert.equal(pidsIn(pidFile).length, 4, 'a daemon per worker');
    for (const run of r.trace!.runs) {
      assert.equal(run.stopped, 'timeout', run.model);
      assert.ok(run.events.some((e) => e.text === 'daemon started'), run.model);
    }
    assert.ok(elapsed < 45_000, `two runs of ≈ 2 s, not the daemons' 60 s: ${elapsed} ms`);
    assert.ok(await eventually(() => !pidsIn(pidFile).some(isRunning), 5000), `still running: ${pidsIn(pidFile).filter(isRunning)}`);
  } finally {
    killLeftovers(pidsIn(pidFile));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('process-pool: a task whose process dies says how (exited 7, killed SIGSEGV); a task that never ran, never started', () => {
  const cases = [
    { file: 'exits_abruptly.py', fn: 'leave', outcome: 'exited 7', words: 'exited with code 7' },
    { file: 'segfaults.py', fn: 'crash', outcome: 'killed SIGSEGV', words: 'was killed by SIGSEGV' },
  ];
  for (const { file, fn, outcome, words } of cases) {
    for (const method of ['fork', 'spawn']) {
      const r = runCli(['run', fixture(file), '--function', fn, '--models', 'process-pool', '--start-method', method]);
      assert.equal(r.status, 0, r.stderr);
      const run = runOf(r.trace!, 'process-pool');
      const what = `${fn} under ${method}: ${JSON.stringify(run.workerInfo)}`;
      for (const w of run.workerInfo) {
        if (w.startNs === null) {
          // the pool broke first: nothing of it ran
          assert.equal(w.pid, null, what);
          assert.deepEqual([w.status, w.error?.type], ['error', 'BrokenProcessPool'], what);
          assert.match(w.error!.message, new RegExp(`^never started: the pool broke before this task ran — worker \\d's process \\(pid \\d+\\) ${words}$`), what);
        } else {
          // its own end, or the pool's SIGTERM once another process had died
          assert.ok([outcome, 'killed SIGTERM'].includes(`${w.status} ${w.exitCode ?? w.signal}`), what);
        }
      }
      assert.ok(run.workerInfo.some((w) => `${w.status} ${w.exitCode ?? w.signal}` === outcome), what);
    }
  }
});

for (const fn of ['close_all', 'close_each']) {
  test(`a worker that closes every descriptor from 3 up (${fn}) closes only its own: the run, its records and the output go on`, () => {
    const models = ['sequential', 'thread', 'process', 'thread-pool'];
    const r = runCli(['run', fixture('closes_descriptors.py'), '--function', fn, '--models', models.join(',')], true);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.trace!.runs.map((run) => run.model), models);
    for (const run of r.trace!.runs) {
      assert.deepEqual(run.workerInfo.map((w) => w.status), ['ok', 'ok'], `${run.model}: ${JSON.stringify(run.workerInfo)}`);
      for (const w of [0, 1]) assert.deepEqual(run.events.filter((e) => e.worker === w).map((e) => e.text), ['before close', 'after close'], `${run.model} worker ${w}`);
    }
    assert.equal(r.stderr.split('after close\n').length - 1, models.length * 2, 'the output written after closing still reaches the user');
  });
}

test('a subinterpreter that closes every descriptor from 3 up leaves the ones it shares with us', (t) => {
  const py = pythonWithSubinterpreters();
  if (!py) return t.skip('no Python 3.13+ on this machine');
  const r = runCli(['run', fixture('closes_descriptors.py'), '--function', 'close_all', '--models', 'interpreter', '--python', py]);
  assert.equal(r.status, 0, r.stderr);
  const run = runOf(r.trace!, 'interpreter');
  assert.deepEqual(run.workerInfo.map((w) => w.status), ['ok', 'ok'], JSON.stringify(run.workerInfo));
  for (const w of [0, 1]) assert.deepEqual(run.events.filter((e) => e.worker === w).map((e) => e.text), ['before close', 'after close'], `worker ${w}`);
});

test('a process-pool task that closes the pool\'s own pipes: the pool ends its processes, and the trace says so', () => {
  const r = runCli(['run', fixture('closes_descriptors.py'), '--function', 'close_all', '--models', 'process-pool']);
  assert.equal(r.status, 0, r.stderr);
  const run = runOf(r.trace!, 'process-pool');
  // as in a plain run: the pool sees its process's pipe close, takes it for dead and ends them all
  // a task the pool had not handed out yet when it broke never runs (a race on a loaded machine): it says so
  const started = run.workerInfo.filter((w) => !neverStarted(w));
  assert.ok(started.length >= 1, JSON.stringify(run.workerInfo));
  // a task that began may be ended by the pool before its first print (seen on a loaded machine)
  const firstLines = started.map((w) => run.events.find((e) => e.worker === w.worker)?.text);
  for (const w of started) assert.ok(w.status === 'ok' || (w.status === 'killed' && w.signal === 'SIGTERM'), JSON.stringify(w));
  assert.ok(firstLines.every((text) => text === undefined || text === 'before close'), JSON.stringify(firstLines));
  assert.ok(firstLines.includes('before close'), `a task closed the pipes, so one printed first: ${JSON.stringify(firstLines)}`);
  for (const w of run.workerInfo.filter((x) => !started.includes(x))) {
    assert.equal(run.events.filter((e) => e.worker === w.worker).length, 0, `worker ${w.worker} never started yet printed`);
  }
});
