import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Trace } from '../../src/shared/trace';
import { cli, eventually, example, fixture, isRunning, root } from './helpers';

/** The --json and --html files: what was at the path is replaced only by a whole file, never removed. */

const numbers = example('threads_example.py');

function inTempDir<T>(body: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-outputs-'));
  try {
    return body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI, in a folder of its own (a CLI that took `-` for a file name would leave it there). */
function interleave(args: string[]): SpawnSyncReturns<string> {
  return inTempDir((cwd) => spawnSync(process.execPath, [cli, 'run', ...args], { encoding: 'utf8', timeout: 120_000, cwd }));
}

function assertOneLine(r: { status: number | null; stderr: string }, status: number, pattern: RegExp): void {
  assert.equal(r.status, status, `exit status ${status}, got ${r.status}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/, 'no stack trace of ours');
  assert.match(lines[0], pattern);
}

const isTrace = (text: string) => (JSON.parse(text) as Trace).schema === 'interleave.trace/1';

test('a run that fails leaves the --json and --html files that were there as they were', () => {
  inTempDir((dir) => {
    const json = path.join(dir, 't.json');
    const html = path.join(dir, 'r.html');
    fs.writeFileSync(json, '{}');
    fs.writeFileSync(html, 'my report');
    const r = interleave([numbers, '--function', 'typo', '--json', json, '--html', html, '--quiet']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(fs.readFileSync(json, 'utf8'), '{}');
    assert.equal(fs.readFileSync(html, 'utf8'), 'my report');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['r.html', 't.json'], 'no temporary file left behind');
  });
});

test('a good run replaces the file with the whole trace, keeping its permissions, through a symlink', () => {
  inTempDir((dir) => {
    const json = path.join(dir, 't.json');
    fs.writeFileSync(json, '{"old": true, "padding": "' + 'x'.repeat(100_000) + '"}');
    fs.chmodSync(json, 0o640);
    const link = path.join(dir, 'link.json');
    fs.symlinkSync(json, link);
    const r = interleave([numbers, '--function', 'print_numbers', '--models', 'sequential', '--json', link, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(isTrace(fs.readFileSync(json, 'utf8')), 'the file the link names holds the trace (nothing left of the longer old one)');
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.equal(fs.statSync(json).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['link.json', 't.json']);
  });
});

test('--json - writes the trace to stdout (the summary goes to stderr); so does the path stdout already is', () => {
  const r = interleave([numbers, '--function', 'print_numbers', '--models', 'sequential', '--json', '-', '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(isTrace(r.stdout), 'stdout is the trace, and only the trace');
  assert.match(r.stderr, /^sequential +wall/m);
  inTempDir((dir) => {
    // what /dev/stdout is, without touching the real one
    const stdout = path.join(dir, 'stdout');
    fs.symlinkSync('/proc/self/fd/1', stdout);
    const viaLink = interleave([numbers, '--function', 'print_numbers', '--models', 'sequential', '--json', stdout, '--quiet']);
    assert.equal(viaLink.status, 0, viaLink.stderr);
    assert.ok(isTrace(viaLink.stdout));
    assert.ok(fs.lstatSync(stdout).isSymbolicLink(), 'the link is left as it was');
  });
});

test('a device (/dev/null) is written as it is: never truncated, replaced or removed', () => {
  const r = interleave([numbers, '--function', 'print_numbers', '--models', 'sequential', '--json', '/dev/null', '--html', '/dev/null', '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.statSync('/dev/null').isCharacterDevice(), '/dev/null is still the device');
  inTempDir((dir) => {
    // a failed run: a link to the device stands in for it (were it removed, only the link would go)
    const link = path.join(dir, 'null');
    fs.symlinkSync('/dev/null', link);
    const failed = interleave([numbers, '--function', 'typo', '--json', link, '--quiet']);
    assert.equal(failed.status, 2, failed.stderr);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the path is still there');
    assert.ok(fs.statSync(link).isCharacterDevice());
  });
});

test('a fifo gets the trace in order', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-outputs-'));
  try {
    const fifo = path.join(dir, 'trace.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    reader.stdout.setEncoding('utf8').on('data', (s: string) => (text += s));
    const read = new Promise((resolve) => reader.on('close', resolve));
    const r = await runAsync([numbers, '--function', 'print_numbers', '--models', 'sequential', '--json', fifo, '--quiet']);
    const stuck = setTimeout(() => reader.kill(), 10_000); // a CLI that never opened the fifo leaves cat waiting
    await read;
    clearTimeout(stuck);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(isTrace(text));
    assert.ok(fs.statSync(fifo).isFIFO(), 'the fifo is still there');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('two runs writing one --json path at the same time each leave a whole trace (the last one wins)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-outputs-'));
  try {
    const json = path.join(dir, 't.json');
    // a large trace (streamed into gaps while it runs) and a small one that ends while it does
    const large = runAsync([fixture('big_flood.py'), '--function', 'flood', '--args', '60000', '--models', 'sequential', '--json', json, '--quiet']);
    const small = runAsync([fixture('big_flood.py'), '--function', 'flood', '--args', '10', '--models', 'sequential', '--json', json, '--quiet']);
    const results = await Promise.all([large, small]);
    for (const r of results) assert.equal(r.status, 0, r.stderr);
    const trace = JSON.parse(fs.readFileSync(json, 'utf8')) as Trace;
    assert.ok([120_000, 20].includes(trace.runs[0].events.length), 'one of the two traces, whole');
    assert.deepEqual(fs.readdirSync(dir), ['t.json'], 'no temporary file left behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an output path that cannot be written is said before anything runs (exit 2, one line with the fix)', () => {
  inTempDir((dir) => {
    const cases: Array<[string[], RegExp]> = [
      [['--html', path.join(dir, 'missing', 'r.html')], /cannot write the report to .*missing.r\.html: the folder .*missing does not exist; create it/],
      [['--json', path.join(dir, 'missing', 't.json')], /cannot write the trace to .*t\.json: the folder .*missing does not exist/],
      [['--json', dir], /cannot write the trace to .*: it is a folder; give a file name/],
      [['--json', '/dev/full'], /cannot write the trace to \/dev\/full: no space left on the device; free some space or choose another path/],
      [['--json', '-', '--html', '-'], /--json and --html name the same file/],
    ];
    for (const [output, message] of cases) {
      const r = interleave([numbers, '--function', 'print_numbers', '--models', 'sequential', ...output, '--quiet']);
      assertOneLine(r, 2, message);
      assert.equal(r.stdout, '', `nothing ran: ${output.join(' ')}`);
    }
  });
});

test('an output that would replace the program being run, or both outputs on one file, is refused', () => {
  inTempDir((dir) => {
    const program = path.join(dir, 'numbers.py');
    fs.copyFileSync(numbers, program);
    const before = fs.readFileSync(program, 'utf8');
    assertOneLine(interleave([program, '--function', 'print_numbers', '--json', program, '--quiet']), 2, /--json .*numbers\.py is the program being run: choose another path/);
    assert.equal(fs.readFileSync(program, 'utf8'), before);
    const out = path.join(dir, 'out');
    assertOneLine(interleave([program, '--function', 'print_numbers', '--json', out, '--html', out, '--quiet']), 2, /--json and --html name the same file/);
    assert.deepEqual(fs.readdirSync(dir), ['numbers.py']);
  });
});

test('a reader that goes away before the trace is written: exit 1, one line, no stack trace', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-outputs-'));
  try {
    const fifo = path.join(dir, 'trace.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // reads the first byte, then leaves
    const reader = spawn('sh', ['-c', 'head -c 1 < "$0" > /dev/null', fifo], { stdio: 'ignore' });
    const r = await runAsync([numbers, '--function', 'print_numbers', '--models', 'sequential', '--json', fifo, '--quiet']);
    reader.kill();
    assertOneLine(r, 1, /could not write the trace to .*trace\.fifo: its reader went away/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a write that fails at the end (file too large, as a full disk) leaves the old file and no temporary file', () => {
  inTempDir((dir) => {
    const file = path.join(dir, 't.json');
    fs.writeFileSync(file, 'old');
    // a file-size limit makes writes past 8 blocks fail (EFBIG) in this Node only
    const script = `
      const { openOutput } = require(${JSON.stringify(path.join(root, 'out', 'src', 'cli', 'outputFile.js'))});
      const out = openOutput(${JSON.stringify(file)}, 'trace', '{');
      out.append(Buffer.alloc(1 << 20, 0x20)).then(() => out.commit()).then(
        () => console.log('written'),
        (e) => console.log(e.name + ': ' + e.message));`;
    const r = spawnSync('sh', ['-c', 'ulimit -f 8 && exec "$0" -e "$1"', process.execPath, script], { encoding: 'utf8' });
    assert.match(r.stdout, /^OutputWriteError: could not write the trace to .*t\.json: .*; .*t\.json was left as it was\. To fix: /);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.equal(fs.readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(dir), ['t.json']);
  });
});

function runAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('the reader of stdout goes away (| head): the CLI ends quietly, no EPIPE stack trace', async () => {
  const child = spawn(process.execPath, [cli, 'run', numbers, '--function', 'print_numbers', '--models', 'sequential', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // as `| head -0` does
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const status = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(stderr, '', 'nothing said');
  assert.equal(status, 0);
});

test('the reader of stderr goes away during a run (2>&1 | head): the run and its processes end, quietly', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-outputs-'));
  try {
    const pidFile = path.join(dir, 'pids');
    const started = Date.now();
    const child = spawn(process.execPath, [cli, 'run', fixture('chatters_on_stderr.py'), '--function', 'chatter', '--models', 'thread', '--timeout', '600'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, INTERLEAVE_TEST_PID_FILE: pidFile },
    });
    child.stderr.once('data', () => child.stderr.destroy()); // the first lines read, then gone
    const status = await new Promise((resolve) => child.on('close', resolve));
    assert.ok(Date.now() - started < 60_000, 'ended long before the 600 s limit');
    assert.equal(status, 0);
    const pids = fs.readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    assert.ok(pids.length > 0);
    // ended: gone, or a zombie waiting for init to reap it (its parent was ended with it)
    for (const pid of pids) assert.ok(await eventually(() => !isRunning(pid), 5000), `process ${pid} was ended`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
