/**
 * `interleave script FILE`, below Python: output that never passes through sys.stdout (os.write,
 * C's printf, a non-Python child sharing stdout) is on the lane that wrote it, marked approximate,
 * nothing lost; and a `subprocess` child's exit status is what its parent saw.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cli, fixture } from './helpers';
import type { Run, Trace, WorkerInfo } from '../../src/shared/trace';

/** The CLI's script verb on a fixture of test/fixtures/scripts: its one run, and the program's own output (the CLI passes it on on its stderr). */
function traceScript(name: string, argv: string[] = []): { run: Run; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-script-below-'));
  const json = path.join(dir, 'trace.json');
  try {
    const r = spawnSync(process.execPath, [cli, 'script', fixture(path.join('scripts', name)), '--json', json, ...(argv.length ? ['--', ...argv] : [])], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const trace = JSON.parse(fs.readFileSync(json, 'utf8')) as Trace;
    return { run: trace.runs[0], output: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const processNamed = (run: Run, pattern: RegExp): WorkerInfo => {
  const found = run.workerInfo.find((w) => w.kind === 'process' && pattern.test(w.name ?? ''));
  assert.ok(found, `a process named ${pattern} in ${run.workerInfo.map((w) => w.name).join(', ')}`);
  return found;
};

test('a Python subprocess child that calls sys.exit(3) says exited 3; one that raises says error, with its exception', () => {
  const { run } = traceScript('subprocess_child_exits.py');
  const exits = processNamed(run, /sys\.exit\(3\)/);
  assert.equal(exits.status, 'exited');
  assert.equal(exits.exitCode, 3);
  assert.deepEqual(run.events.filter((e) => e.worker === exits.worker).map((e) => e.text), ['child says bye']);
  const raises = processNamed(run, /ValueError/);
  assert.equal(raises.status, 'error');
  assert.equal(raises.error?.type, 'ValueError');
  assert.equal(raises.error?.message, 'child fails');
});

/** Each of `texts` once in the run, on `worker`'s lane, marked approximate (and with no line when written below Python). */
function assertOnceOn(run: Run, worker: number, texts: string[], o: { line: 'none' | 'known' }): void {
  for (const text of texts) {
    const found = run.events.filter((e) => e.text === text);
    assert.equal(found.length, 1, `"${text}" once, not ${found.length} times`);
    assert.equal(found[0].worker, worker, `"${text}" on ${run.workerInfo[worker].name}, not ${run.workerInfo[found[0].worker].name}`);
    assert.equal(found[0].approximate, true, `"${text}" is approximate`);
    if (o.line === 'none') assert.equal(found[0].line, null);
    else assert.equal(typeof found[0].line, 'number');
  }
}

test('os.write to fds 1 and 2 from a thread: on that thread\'s lane with its line, approximate, once', () => {
  const { run, output } = traceScript('os_write_in_a_thread.py');
  const thread = run.workerInfo.find((w) => w.kind === 'thread');
  assert.ok(thread);
  assertOnceOn(run, thread.worker, ['os.write from a thread', 'os.write to stderr from a thread'], { line: 'known' });
  assert.equal(run.events.find((e) => e.text === 'os.write to stderr from a thread')?.stream, 'stderr');
  assert.match(output, /^os\.write from a thread$/m, 'passed on to the user');
});

for (const method of ['spawn', 'fork', 'forkserver']) {
  test(`C's printf in the main process and in a ${method} child: each once, on its process's main lane, approximate`, (t) => {
    const { run, output } = traceScript('c_printf.py', [method]);
    if (run.events.some((e) => e.text === 'no libc here')) return t.skip('no libc to call printf from');
    const child = processNamed(run, /Process-1$/);
    assertOnceOn(run, 0, ['printf from the main process'], { line: 'none' });
    assertOnceOn(run, child.worker, [`printf from a ${method} child`], { line: 'none' });
    assert.match(output, new RegExp(`^printf from a ${method} child$`, 'm'), 'passed on to the user');
  });
}

test('a non-Python child sharing stdout (echo): its lines once, approximate, on the main lane of the process that started it', () => {
  const { run, output } = traceScript('echo_subprocess.py');
  assertOnceOn(run, 0, ['echo started by the main thread', 'echo started by a thread'], { line: 'none' });
  assert.match(output, /^echo started by a thread$/m);
});

test("a Python child's own print is recorded once (not again by its parent, whose stdout it shares); its echo child's line is on its lane", () => {
  const { run, output } = traceScript('child_writes_below.py');
  const child = processNamed(run, /python/);
  const printed = run.events.filter((e) => e.text === 'print from the python child');
  assert.equal(printed.length, 1);
  assert.equal(printed[0].worker, child.worker);
  assert.equal(printed[0].approximate, undefined);
  assertOnceOn(run, child.worker, ['echo from the python child'], { line: 'none' });
  assert.match(output, /^print from the python child$/m);
});

test("a Python child started with Popen's arguments after `args` by position (bufsize … pass_fds, through run and check_call too): its lines once, on its own lane; an env by position is read", () => {
  const { run } = traceScript('popen_positional_arguments.py');
  for (const name of ['bufsize', 'stdin and stdout', 'close_fds', 'pass_fds', 'run', 'check_call', 'stdout piped']) {
    const child = processNamed(run, new RegExp(`'out of ${name}'`));
    for (const text of [`out of ${name}`, `err of ${name}`]) {
      const found = run.events.filter((e) => e.text === text);
      assert.deepEqual(found.map((e) => run.workerInfo[e.worker].name), [child.name], `"${text}" once, on its own lane, not again below its parent's Python`);
      assert.equal(found[0].approximate, undefined);
    }
  }
  assert.match(run.events.find((e) => e.text === 'the parent read: out of stdout piped')?.text ?? '', /piped/);
  // given by position, an env without our variables: that child cannot be followed, and is said so
  assert.deepEqual(run.untraced?.map((u) => u.reason), ["started with an env= that leaves out Interleave's variables"]);
  assert.match(run.untraced![0].command, /out of env/);
});
