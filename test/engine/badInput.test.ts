import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { runTrace } from '../../src/runner/engine';
import { UserError } from '../../src/runner/errors';
import { example, fixture, python, runCli, runCliShowingOutput } from './helpers';

function assertOneLineError(r: { status: number | null; stderr: string; trace?: unknown }, pattern: RegExp): void {
  assert.equal(r.status, 2, `exit status 2, got ${r.status}: ${r.stderr}`);
  assert.equal(r.trace, undefined, 'no trace written');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /Traceback|at .*\.js:\d+/, 'no stack trace of ours');
  assert.match(lines[0], pattern);
}

test('unknown file', () => {
  assertOneLineError(runCli(['run', fixture('no_such_file.py'), '--function', 'f']), /no such file/i);
});

test('syntax error names file:line:col', () => {
  assertOneLineError(runCli(['run', fixture('syntax_error.py'), '--function', 'fine']), /syntax_error\.py:5:\d+: SyntaxError/);
});

test('no such function lists the functions there are', () => {
  assertOneLineError(runCli(['run', fixture('raises.py'), '--function', 'nope']), /no top-level function "nope".*fail_after_two/);
});

test('required arguments missing, bad --args syntax, --args that fail to evaluate', () => {
  assertOneLineError(runCli(['run', fixture('needs_args.py'), '--function', 'greet']), /greet\(\) needs arguments \(name\)/);
  assertOneLineError(runCli(['run', fixture('needs_args.py'), '--function', 'greet', '--args', '"bob", times=']), /--args is not valid/);
  assertOneLineError(runCli(['run', fixture('needs_args.py'), '--function', 'greet', '--args', 'undefined_name']), /evaluating --args .*NameError/);
});

test('--args are evaluated in the module and passed to every worker', () => {
  const r = runCli(['run', fixture('needs_args.py'), '--function', 'greet', '--args', '"bob", times=2', '--models', 'sequential,process']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    for (const w of [0, 1]) assert.deepEqual(run.events.filter((e) => e.worker === w).map((e) => e.text), ['hello bob 0', 'hello bob 1'], `${run.model} worker ${w}`);
  }
  assert.equal(r.trace!.target.args, '"bob", times=2');
});

test('a module whose import fails is reported as an import error', () => {
  assertOneLineError(runCli(['run', fixture('import_fails.py'), '--function', 'never']), /importing import_fails\.py failed: ModuleNotFoundError/);
});

test('bad options: unknown model, bad worker count', () => {
  assert.equal(runCli(['run', fixture('raises.py'), '--function', 'x', '--models', 'fibers']).status, 2);
  assert.equal(runCli(['run', fixture('raises.py'), '--function', 'x', '--workers', '0']).status, 2);
});

test('a missing Python is named', () => {
  assertOneLineError(runCli(['run', fixture('raises.py'), '--function', 'fail_after_two', '--python', '/nonexistent/python3']), /Python was not found/);
});

test('a huge --timeout is kept (not Node\'s 1 ms overflow); a --timeout that is not a positive number is refused', () => {
  const r = runCli(['run', fixture('needs_args.py'), '--function', 'greet', '--args', '"bob"', '--models', 'sequential', '--timeout', '1e9']);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
  const run = r.trace!.runs[0];
  assert.deepEqual(run.workerInfo.map((w) => w.status), ['ok', 'ok']);
  assert.deepEqual(run.events.map((e) => e.text), ['hello bob 0', 'hello bob 0']);
  for (const bad of ['-1', '0', 'NaN', 'soon', 'Infinity', '']) {
    const refused = runCli(['run', fixture('needs_args.py'), '--function', 'greet', '--args', '"bob"', `--timeout=${bad}`]);
    assert.equal(refused.status, 2, `--timeout ${JSON.stringify(bad)}: ${refused.stderr}`);
    assert.match(refused.stderr, /--timeout must be a number of seconds greater than 0/);
    assert.equal(refused.trace, undefined);
  }
});

test('--args that close the call and go on, or nest too deeply: exit 2, one line, no traceback', () => {
  for (const args of ['1).__class__(', '['.repeat(100_000), '-'.repeat(100_000) + '1']) {
    assertOneLineError(runCli(['run', fixture('needs_args.py'), '--function', 'greet', `--args=${args}`, '--models', 'sequential,thread']), /^interleave: --args is not valid call-argument syntax: .{0,300}$/);
  }
});

test('asyncio with a plain def (or a selection) is refused before any model runs', async () => {
  const r = runCliShowingOutput(['run', example('threads_example.py'), '--function', 'print_numbers', '--models', 'sequential,thread,asyncio']);
  assert.equal(r.status, 2, r.stderr);
  // no "Number: …" of a sequential or thread run first: the one line is all there is
  assert.deepEqual(r.stderr.trim().split('\n'), ['interleave: the asyncio model runs coroutines: print_numbers is not an async def; make it an async def, or leave asyncio out of the models. (threads_example.py:4)']);
  assert.equal(r.stdout, '');
  let output = '';
  const selection = runTrace({
    python, file: example('threads_example.py'), snippet: { text: 'print_numbers()', startLine: 10, endLine: 10 },
    models: ['sequential', 'asyncio'], workers: 1, timeoutSeconds: 60, spawn, onOutput: (_model, _stream, text) => (output += text),
  });
  await assert.rejects(selection, (e: unknown) => e instanceof UserError && e.kind === 'model' && /the selection is not an async def/.test(e.message));
  assert.equal(output, '', 'the selection did not run');
});

test('a file in latin-1 with its coding line (PEP 263) runs, as Python runs it', () => {
  const r = runCli(['run', fixture('latin1_coding_line.py'), '--function', 'greet', '--models', 'sequential,process']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) assert.deepEqual(run.events.map((e) => e.text), ['caf\u00e9 cr\u00e8me', 'caf\u00e9 cr\u00e8me'], run.model);
});
