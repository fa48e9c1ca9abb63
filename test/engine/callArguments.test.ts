/**
 * The arguments box's two checks against each other, on real Python: the harness's check-args
 * (what Enter asks) and the quick check (each keystroke). The quick one must never refuse what
 * Python accepts, and the problems it names must be problems to Python too.
 */
import assert from 'node:assert/strict';
import * as childProcess from 'node:child_process';
import { test } from 'node:test';
import { quickArgumentsProblem } from '../../src/commands/callArguments';
import { argumentsSyntaxProblem } from '../../src/runner/inspect';
import { fixture, python, runCli } from './helpers';

const VALID = ['"bob", times=3', "'a,b', x=(1, 2)", 'f(1)[0], *xs, k={"a": [1]}, **kw', '"""a\'b"""', "r'\\d+', b'x'", '1.', '...', 'x == 1, y=a if b else c', 'key=lambda v: -v', 'f"{x!r:>10}"', '1,', 'x=1, *more', '[i for i in range(3)]', 'undefined_name', '"a"  # a note (tuple'];
const INVALID = ['"bob", times=', '"bob', '[1, 2', '(1, 2]', '1), print("x"', 'a)(b', '1,, 2', 'x=1, 2', '**kw, 2', '1 +', 'n and', '"bob" 2', ',', 'lambda', 'x=', '*', 'x=1, x=2'];

test("the harness's check-args accepts call arguments and names the problem, with its column, of the rest", async () => {
  for (const args of VALID) assert.equal(await argumentsSyntaxProblem(childProcess.spawn, python, args), null, args);
  for (const args of INVALID) assert.ok(await argumentsSyntaxProblem(childProcess.spawn, python, args), args);
  assert.match((await argumentsSyntaxProblem(childProcess.spawn, python, '"bob", (times=2'))!, /\(column \d+\)$/);
});

test('the quick check refuses nothing Python accepts, and what it refuses Python refuses', async () => {
  for (const args of [...VALID, ...INVALID]) {
    const quick = quickArgumentsProblem(args);
    if (quick !== null) assert.ok(await argumentsSyntaxProblem(childProcess.spawn, python, args), `quick check: ${quick}; Python accepts ${args}`);
  }
});

test('the CLI words the same check as --args, as before', () => {
  const r = runCli(['run', fixture('needs_args.py'), '--function', 'greet', '--args', 'a)(b']);
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), /^.*--args is not valid call-argument syntax: the brackets do not hold one list of arguments/);
});
