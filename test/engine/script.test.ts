/**
 * `interleave script FILE`: the program as written, on real Python. Every thread, process and
 * task it makes is a worker (a lane) of one `script` run, and every line is on the lane of the
 * thread that wrote it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cli, fixture, harnessRun, processesMentioning, pythonVersion, type CliResult } from './helpers';
import { summarizeTrace } from '../../src/shared/summary';
import type { OutputEvent, Run, WorkerInfo } from '../../src/shared/trace';

const script = (name: string) => fixture(path.join('scripts', name));

/** The CLI's script verb on `name`, its options before `--` and the program's arguments after. */
function traceScript(name: string, o: { argv?: string[]; options?: string[]; env?: NodeJS.ProcessEnv } = {}): CliResult & { run: Run } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-script-test-'));
  const json = path.join(dir, 'trace.json');
  try {
    const args = [cli, 'script', script(name), '--json', json, '--quiet', ...(o.options ?? []), ...(o.argv ? ['--', ...o.argv] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, env: o.env ?? process.env });
    assert.equal(r.status, 0, r.stderr);
    const trace = JSON.parse(fs.readFileSync(json, 'utf8')) as CliResult['trace'];
    assert.equal(trace!.runs.length, 1);
    assert.equal(trace!.runs[0].model, 'script');
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, trace, run: trace!.runs[0] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ofKind = (run: Run, kind: WorkerInfo['kind']) => run.workerInfo.filter((w) => w.kind === kind);
const textsOf = (run: Run, worker: number) => run.events.filter((e) => e.worker === worker).map((e) => e.text);
const named = (run: Run, name: string) => {
  const found = run.workerInfo.find((w) => w.name === name);
  assert.ok(found, `a worker named ${name} in ${run.workerInfo.map((w) => w.name).join(', ')}`);
  return found;
};
const NUMBERS = ['Number: 0', 'Number: 1', 'Number: 2', 'Number: 3', 'Number: 4'];

function assertWellFormed(run: Run): void {
  const main = run.workerInfo[0];
  assert.equal(main.kind, 'main');
  assert.equal(main.parent, null);
  run.workerInfo.forEach((w, i) => {
    assert.equal(w.worker, i);
    if (i > 0) assert.equal(typeof w.parent, 'number', `${w.name} has a creator`);
  });
  run.events.forEach((e: OutputEvent, i) => {
    if (i > 0) assert.ok(run.events[i - 1].t <= e.t, 'events in global time order');
    assert.equal(e.pid, run.workerInfo[e.worker].pid, 'an event carries its worker pid');
  });
}

test('the seed threads script as written: a lane per thread (5 events each, named by Python), and the main lane', () => {
  const { run } = traceScript('threads_as_written.py');
  assertWellFormed(run);
  const threads = ofKind(run, 'thread');
  assert.deepEqual(threads.map((w) => w.name).sort(), ['Thread-1 (print_numbers)', 'Thread-2 (print_numbers)']);
  for (const w of threads) {
    assert.deepEqual(textsOf(run, w.worker), NUMBERS);
    assert.equal(w.parent, 0);
    assert.equal(w.pid, run.workerInfo[0].pid);
    assert.equal(w.status, 'ok');
  }
  assert.equal(new Set(run.workerInfo.map((w) => w.tid)).size, 3, 'each lane its own native thread');
  assert.ok(run.events.every((e) => e.line === 6));
  assert.equal(run.events.length, 10);
});

test('the seed processes script as written: its __main__ block runs, a lane per process with its own pid', () => {
  const { run } = traceScript('processes_as_written.py');
  assertWellFormed(run);
  const processes = ofKind(run, 'process');
  assert.deepEqual(processes.map((w) => w.name).sort(), ['Process-1', 'Process-2']);
  assert.equal(new Set([...processes.map((w) => w.pid), run.workerInfo[0].pid]).size, 3, 'distinct pids');
  for (const w of processes) {
    assert.deepEqual(textsOf(run, w.worker), NUMBERS);
    assert.equal(w.parent, 0);
    assert.equal(w.status, 'ok');
    assert.ok(w.startNs! >= w.createdNs! && w.endNs! >= w.startNs!);
    assert.equal(w.joinedBy, 0, `${w.name} was joined by the main thread (even if it had ended before its join)`);
    assert.equal(w.forkedAmidThreads, undefined, 'forked before any other thread ran');
    assert.ok(w.joinedNs! >= w.endNs!);
  }
  assert.equal(run.events.length, 10);
});

for (const method of ['spawn', 'forkserver']) {
  test(`${method} children are traced (through our sitecustomize), each on its lane`, () => {
    const { run } = traceScript('spawn_children.py', { argv: [method] });
    assertWellFormed(run);
    const prefix = method === 'spawn' ? 'SpawnProcess' : 'ForkServerProcess';
    for (const n of [1, 2]) {
      const w = named(run, `${prefix}-${n}`);
      assert.deepEqual(textsOf(run, w.worker), [`child ${n - 1} says hello`]);
      assert.equal(w.parent, 0);
      assert.notEqual(w.pid, run.workerInfo[0].pid);
    }
    assert.deepEqual(textsOf(run, 0), ['main done']);
  });
}

test("on Python 3.9 (no sys.orig_argv) multiprocessing's own processes are not lanes: only the program's children are", (t) => {
  const py39 = pythonVersion('3.9');
  if (!py39) return t.skip('no Python 3.9 on this machine');
  for (const method of ['spawn', 'forkserver']) {
    const { run } = traceScript('spawn_children.py', { argv: [method], options: ['--python', py39] });
    const prefix = method === 'spawn' ? 'SpawnProcess' : 'ForkServerProcess';
    assert.deepEqual(run.workerInfo.map((w) => w.name).sort(), ['MainThread', `${prefix}-1`, `${prefix}-2`].sort(), `${method}: the resource tracker (python -c …) was a lane`);
  }
});

test('multiprocessing.Pool.map: the pool processes are lanes and the tasks print on them', () => {
  const { run } = traceScript('pool_map.py');
  assertWellFormed(run);
  const pool = run.workerInfo.filter((w) => w.name?.startsWith('ForkPoolWorker-'));
  assert.equal(pool.length, 2);
  const printed = run.events.filter((e) => e.text.startsWith('square of'));
  assert.equal(printed.length, 4);
  assert.ok(printed.every((e) => pool.some((w) => w.worker === e.worker)));
  assert.deepEqual(textsOf(run, 0), ['[0, 1, 4, 9]']);
  for (const w of pool.filter((x) => x.status === 'killed')) {
    assert.deepEqual(w.endedBy, { worker: 0, call: 'terminate()' }, `${w.name}: ended by the pool's terminate() at the end of the with`);
  }
});

test("a child the program ends with terminate() is killed as it meant: who ended it, and no failure in the verdict", () => {
  const r = traceScript('terminates_its_child.py');
  const run = r.run;
  const child = named(run, 'Process-1');
  assert.deepEqual([child.status, child.signal, child.endedBy], ['killed', 'SIGTERM', { worker: 0, call: 'terminate()' }]);
  assert.deepEqual(textsOf(run, 0), ['child ended with -15']);
  const [summary] = summarizeTrace(r.trace!);
  assert.equal(summary.failed, 0);
  assert.doesNotMatch(summary.verdict, /did not finish normally/);
  assert.match(r.stdout, /Process-1 · pid \d+: killed \(SIGTERM\) — ended by MainThread's terminate\(\)/);
});

test('a child killed before it ran a line of Python is a lane too: its name, its parent, how its parent saw it end', () => {
  const { run } = traceScript('child_killed_at_once.py');
  const child = named(run, 'SpawnProcess-1');
  assert.deepEqual([child.kind, child.parent, child.startNs, child.status, child.signal], ['process', 0, null, 'killed', 'SIGKILL']);
  assert.deepEqual(textsOf(run, child.worker), []);
  assert.deepEqual(textsOf(run, 0), ['child ended with -9']);
});

test('ProcessPoolExecutor: its processes are lanes and the tasks print on them', () => {
  const { run } = traceScript('process_pool_executor.py');
  assertWellFormed(run);
  const printed = run.events.filter((e) => e.text.startsWith('cube of'));
  assert.equal(printed.length, 4);
  assert.ok(printed.every((e) => run.workerInfo[e.worker].kind === 'process' && e.pid !== run.workerInfo[0].pid));
  assert.deepEqual(textsOf(run, 0), ['[0, 1, 8, 27]']);
});

test('ThreadPoolExecutor: each line on the lane of the pool thread that wrote it', () => {
  const { run } = traceScript('thread_pool_executor.py');
  assertWellFormed(run);
  const printed = run.events.filter((e) => e.text.startsWith('task '));
  assert.equal(printed.length, 4);
  for (const e of printed) assert.equal(e.text.split(' on ')[1], run.workerInfo[e.worker].name, e.text);
  assert.ok(printed.every((e) => run.workerInfo[e.worker].name!.startsWith('ThreadPoolExecutor-0_')));
});

test('asyncio tasks are lanes named as asyncio names them, created by the task that made them', () => {
  const { run } = traceScript('asyncio_tasks.py');
  assertWellFormed(run);
  const first = named(run, 'Task-1 main()');
  assert.deepEqual(textsOf(run, first.worker), ['gathering']);
  for (const n of [1, 2]) {
    const w = named(run, `Task-${n + 1} fetch()`);
    assert.equal(w.kind, 'task');
    assert.equal(w.parent, first.worker);
    assert.deepEqual(textsOf(run, w.worker), [`fetch ${n} step 0`, `fetch ${n} step 1`]);
  }
  assert.equal(ofKind(run, 'task').length, 3, "asyncio's own shutdown coroutines are not the program's tasks");
});

test('SystemExit in the main thread: status exited with its code, the trace still written (exit 0)', () => {
  const { run } = traceScript('exits_in_main.py');
  assert.equal(run.workerInfo[0].status, 'exited');
  assert.equal(run.workerInfo[0].exitCode, 3);
  assert.deepEqual(textsOf(run, 0), ['before exit']);
});

test('an uncaught exception in the main thread: status error, and its traceback as Python writes it (no empty line after)', () => {
  const { run } = traceScript('raises_in_main.py');
  const main = run.workerInfo[0];
  assert.equal(main.status, 'error');
  assert.equal(main.error?.type, 'ValueError');
  const texts = textsOf(run, 0);
  assert.equal(texts[0], 'about to fail');
  assert.equal(texts.at(-1), 'ValueError: broken on purpose');
  assert.ok(run.events.filter((e) => e.stream === 'stderr').every((e) => e.line !== null || e.text !== ''));
});

test('KeyboardInterrupt in the main thread: status error KeyboardInterrupt', () => {
  const { run } = traceScript('interrupted_main.py');
  assert.equal(run.workerInfo[0].status, 'error');
  assert.equal(run.workerInfo[0].error?.type, 'KeyboardInterrupt');
});

test('script arguments reach sys.argv as given, and the trace says what they were', () => {
  const argv = ['a', '--b', 'c d'];
  const { run, trace } = traceScript('prints_its_arguments.py', { argv });
  assert.deepEqual(textsOf(run, 0), ['args: a --b c d']);
  assert.deepEqual(trace!.target.script, { argv });
});

test("the user's own sitecustomize still runs, in the main process and in a spawn child", () => {
  const env = { ...process.env, PYTHONPATH: script('user_site') };
  const { run } = traceScript('uses_its_sitecustomize.py', { env });
  assert.deepEqual(textsOf(run, 0), ["main: the user's sitecustomize ran"]);
  const child = ofKind(run, 'process');
  assert.equal(child.length, 1);
  assert.deepEqual(textsOf(run, child[0].worker), ["child: the user's sitecustomize ran"]);
});

test('a process that starts its own threads: their lanes have it as their creator, and its pid', () => {
  const { run } = traceScript('nested_process_threads.py');
  assertWellFormed(run);
  const [child] = ofKind(run, 'process');
  const threads = ofKind(run, 'thread');
  assert.equal(threads.length, 2);
  for (const t of threads) {
    assert.equal(t.parent, child.worker);
    assert.equal(t.pid, child.pid);
    assert.deepEqual(textsOf(run, t.worker), [`thread ${t.name === 'Thread-1 (say)' ? 0 : 1} in the child`]);
  }
});

test('a subprocess running Python is a lane; one started with -I is not traced, and the trace says so (its output is its parent\'s, approximate)', () => {
  const { run } = traceScript('python_subprocess.py');
  const [child] = ofKind(run, 'process');
  assert.deepEqual(textsOf(run, child.worker), ['from the python child']);
  assert.equal(child.parent, 0);
  assert.equal(run.untraced?.length, 1);
  assert.match(run.untraced![0].reason, /-I/);
  assert.equal(run.untraced![0].parent, 0);
  assert.deepEqual(textsOf(run, 0), ['from an isolated child', 'parent done']);
  assert.deepEqual(run.events.filter((e) => e.worker === 0).map((e) => e.approximate ?? false), [true, false]);
});

test('a subprocess whose args is its program alone, as bytes or as a path: the program goes on as without us, each child a lane with its line', () => {
  const { run } = traceScript('popen_program_as_bytes_or_path.py');
  assert.equal(run.workerInfo[0].status, 'ok', run.workerInfo[0].error?.message);
  assert.deepEqual(textsOf(run, 0), ['parent done']);
  const children = ofKind(run, 'process');
  assert.deepEqual(children.map((c) => textsOf(run, c.worker)), [['from a child named by bytes'], ['from a child named by a path']]);
});

test('a daemon thread still printing when the program ends: its lines so far, status exited', () => {
  const { run } = traceScript('daemon_still_printing.py');
  const [daemon] = ofKind(run, 'thread');
  assert.equal(daemon.status, 'exited');
  assert.ok(textsOf(run, daemon.worker).length >= 1);
  assert.ok(textsOf(run, daemon.worker).every((t, i) => t === `daemon ${i}`), 'every line once, in order');
  assert.deepEqual(textsOf(run, 0), ['main leaves']);
});

test("a child forked with os.fork that calls os._exit(7): its lines kept (print's buffer too), status exited with that code", () => {
  const { run } = traceScript('child_exits_abruptly.py');
  const [child] = ofKind(run, 'process');
  assert.equal(child.status, 'exited');
  assert.equal(child.exitCode, 7);
  assert.deepEqual(textsOf(run, child.worker), ['leaving with 7']);
  assert.deepEqual(textsOf(run, 0), ['child exit code 7']);
});

test('the time limit ends the whole tree: workers still going are timeout, and no process is left', () => {
  const { run } = traceScript('child_outlives_timeout.py', { options: ['--timeout', '3'] });
  assert.equal(run.stopped, 'timeout');
  const [child] = ofKind(run, 'process');
  assert.deepEqual(textsOf(run, child.worker), ['child sleeping']);
  assert.equal(child.status, 'timeout');
  assert.equal(run.workerInfo[0].status, 'timeout');
  assert.deepEqual(processesMentioning(harnessRun), []);
});

test('a syntax error: exit 2 with file:line:col, nothing run', () => {
  const r = spawnSync(process.execPath, [cli, 'script', script('syntax_error.py')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /syntax_error\.py:2:\d+: SyntaxError/);
  assert.doesNotMatch(r.stderr, /never runs/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test("the program gets the user's environment, not the harness's (no PYTHONUTF8 the user did not set), in its children too", () => {
  const env: NodeJS.ProcessEnv = { ...process.env, INTERLEAVE_TEST_MARK: 'kept' };
  delete env.PYTHONUTF8;
  const { run } = traceScript('shows_its_environment.py', { env });
  const [child] = ofKind(run, 'process');
  assert.deepEqual(textsOf(run, 0), ['main PYTHONUTF8 None MARK kept']);
  assert.deepEqual(textsOf(run, child.worker), ['child PYTHONUTF8 None MARK kept']);
});

test('many threads and processes printing at once: every line once, each on the lane of the one that wrote it, in order', () => {
  const { run } = traceScript('many_workers.py', { argv: ['20', '4', '200'] });
  assert.equal(run.events.length, 24 * 200);
  assert.equal(new Set(run.events.map((e) => e.text)).size, 24 * 200, 'no line twice');
  const writers = run.workerInfo.filter((w) => w.kind !== 'main');
  assert.equal(writers.length, 24);
  for (const w of writers) {
    const texts = textsOf(run, w.worker);
    const who = texts[0].split(' line ')[0];
    assert.equal(who.startsWith('thread'), w.kind === 'thread', `${w.name} wrote ${who}`);
    assert.deepEqual(texts, Array.from({ length: 200 }, (_, i) => `${who} line ${i}`));
  }
});

test('a line printed from another file of the program carries that file and its line, in every kind of worker', () => {
  const { run, trace } = traceScript('prints_from_a_module.py');
  const helper = script('helper_module.py');
  const [own] = run.events.filter((e) => e.text === 'main says hi');
  assert.equal(own.line, 7);
  assert.equal(own.file, undefined, 'a line of the traced file names no file');
  const theirs = run.events.filter((e) => e.text.startsWith('helper says'));
  assert.deepEqual(theirs.map((e) => e.text).sort(), ['helper says from a fork child', 'helper says from a spawn child', 'helper says from a thread', 'helper says hello']);
  for (const e of theirs) assert.deepEqual([e.file, e.line], [helper, 3], e.text);
  assert.equal(trace!.target.file, script('prints_from_a_module.py'));
});

test('a child killed with SIGKILL: the lines it printed are kept, status killed SIGKILL', () => {
  const { run } = traceScript('child_killed.py');
  const [child] = ofKind(run, 'process');
  assert.deepEqual(textsOf(run, child.worker), ['child printed before the kill']);
  assert.equal(child.status, 'killed');
  assert.equal(child.signal, 'SIGKILL');
  assert.deepEqual(textsOf(run, 0), ['main saw -9']);
});

test('a folder instead of a file: exit 2, one line that says so, no traceback', () => {
  const r = spawnSync(process.execPath, [cli, 'script', path.dirname(script('exits_in_main.py'))], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /is a folder: give the Python file to run/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test("a thread that raises: status error, and Python's own traceback for it on its lane, no frame of ours in it", () => {
  const { run } = traceScript('thread_raises.py');
  const [thread] = ofKind(run, 'thread');
  assert.equal(thread.status, 'error');
  assert.equal(thread.error?.type, 'RuntimeError');
  const texts = textsOf(run, thread.worker);
  assert.equal(texts[0], 'about to raise');
  assert.equal(texts[1], 'Exception in thread Thread-1 (boom):');
  assert.equal(texts.at(-1), 'RuntimeError: in a thread');
  assert.ok(!texts.some((t) => t.includes('interleave')), texts.join('\n'));
  assert.deepEqual(textsOf(run, 0), ['main goes on']);
});

test("every worker's times are inside the run: made, then begun, then ended, none before the run's 0", () => {
  const { run } = traceScript('nested_process_threads.py');
  for (const w of run.workerInfo) {
    assert.ok(w.createdNs! >= 0, `${w.name} made at ${w.createdNs}`);
    assert.ok(w.startNs! >= w.createdNs!, `${w.name} begun after it was made`);
    assert.ok(w.endNs! >= w.startNs! && w.endNs! <= run.wallNs, `${w.name} ended inside the run`);
  }
});

test("asyncio.to_thread: the function's lines are on the pool thread that wrote them, not the awaiting task's", () => {
  const { run } = traceScript('to_thread_lines.py');
  const blocking = run.events.filter((e) => e.text.startsWith('blocking'));
  assert.equal(blocking.length, 6);
  for (const e of blocking) assert.match(run.workerInfo[e.worker].name!, /^asyncio_\d+$/, e.text);
  const chatty = named(run, 'Task-4 chatty()');
  assert.deepEqual(textsOf(run, chatty.worker), ['task 0', 'task 1', 'task 2']);
});

test('--cwd DIR: the program runs there (its relative paths from DIR), its own folder still first on sys.path', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-cwd-')));
  try {
    fs.writeFileSync(path.join(dir, 'marker.txt'), 'here');
    const { run } = traceScript('prints_its_working_directory.py', { options: ['--cwd', dir] });
    assert.deepEqual(textsOf(run, 0), [`cwd ${dir}`, 'relative file found', 'helper says still importable']);
    const bare = traceScript('prints_its_working_directory.py').run;
    assert.equal(textsOf(bare, 0)[0], `cwd ${path.dirname(script('prints_its_working_directory.py'))}`, 'by default: the file\'s folder');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--cwd naming a folder that does not exist: exit 2, one line that names it, nothing written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-cwd-'));
  try {
    const missing = path.join(dir, 'not-there');
    const json = path.join(dir, 'trace.json');
    const r = spawnSync(process.execPath, [cli, 'script', script('prints_its_working_directory.py'), '--cwd', missing, '--json', json], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(missing), r.stderr);
    assert.match(r.stderr, /does not exist: create it, or give another/);
    assert.equal(fs.existsSync(json), false, 'no trace file left behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
