import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { SpawnFn } from '../../src/runner/launch';
import { resolvePyenvShim } from '../../src/interpreter/pyenv';
import { clearInterpreterCache, findInterpreter, firstExecutable, probeInterpreter } from '../../src/interpreter/interpreter';

/** A fake spawn: each command answers the probe with a version, or fails to start. */
function fakeSpawn(answers: Record<string, string | 'ENOENT'>): SpawnFn {
  return ((command: string) => {
    const child = new EventEmitter() as EventEmitter & { stdout: PassThrough; stderr: PassThrough; kill: () => void };
    child.stdout = new PassThrough();
    child.stderr = new PassThrough();
    child.kill = () => undefined;
    setImmediate(() => {
      const answer = answers[command];
      if (answer === undefined || answer === 'ENOENT') {
        child.emit('error', Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' }));
        return;
      }
      child.stdout.end(JSON.stringify({ executable: `/usr/bin/${command}-real`, version: answer }));
      child.stderr.end();
      setImmediate(() => child.emit('close', 0));
    });
    return child;
  }) as unknown as SpawnFn;
}

test('the real executable is returned, not the command (a shim costs start-up every run)', async () => {
  clearInterpreterCache();
  const found = await probeInterpreter('python3', fakeSpawn({ python3: '3.11.7' }));
  assert.deepEqual(found, { executable: '/usr/bin/python3-real', version: '3.11.7' });
});

test('a Python older than 3.9 is refused with what to do', async () => {
  clearInterpreterCache();
  await assert.rejects(findInterpreter(['python3'], fakeSpawn({ python3: '3.8.10' })), /3\.8\.10 .* is too old: Interleave needs Python 3\.9\+.*interleave\.pythonPath/);
});

test('candidates are tried in order; "too old" wins over "not found" in the message', async () => {
  clearInterpreterCache();
  assert.equal((await findInterpreter(['python3', 'python'], fakeSpawn({ python3: 'ENOENT', python: '3.12.1' }))).version, '3.12.1');
  clearInterpreterCache();
  await assert.rejects(findInterpreter(['python3', 'python'], fakeSpawn({ python3: '3.7.0', python: 'ENOENT' })), /too old/);
  clearInterpreterCache();
  await assert.rejects(findInterpreter(['python3', 'python'], fakeSpawn({})), /No Python 3\.9\+ found \(tried python3, python\)/);
});

test('firstExecutable finds a candidate on PATH or by path, without starting it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-path-'));
  const exe = path.join(dir, 'mypython');
  fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'notexec'), '', { mode: 0o644 });
  const saved = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${saved ?? ''}`;
  try {
    assert.deepEqual(firstExecutable(['nosuchpython', 'notexec', 'mypython']), { candidate: 'mypython', path: exe });
    assert.deepEqual(firstExecutable([exe]), { candidate: exe, path: exe });
    assert.equal(firstExecutable(['nosuchpython', path.join(dir, 'notexec')]), undefined);
  } finally {
    process.env.PATH = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A pyenv root with a python3 shim and the given installed versions; returns [root, shim]. */
function fakePyenv(versions: string[]): [string, string] {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-pyenv-'));
  fs.mkdirSync(path.join(root, 'shims'));
  const shim = path.join(root, 'shims', 'python3');
  fs.writeFileSync(shim, '#!/usr/bin/env bash\nset -e\nexport PYENV_ROOT="/x"\nexec "/x/libexec/pyenv" exec "$program" "$@"\n', { mode: 0o755 });
  for (const v of versions) {
    fs.mkdirSync(path.join(root, 'versions', v, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(root, 'versions', v, 'bin', 'python3'), '', { mode: 0o755 });
  }
  return [root, shim];
}

test('a pyenv shim resolves to the binary pyenv would run, by pyenv\'s own order', () => {
  const [root, shim] = fakePyenv(['3.11.7', '3.12.1', 'myenv']);
  const bin = (v: string) => path.join(root, 'versions', v, 'bin', 'python3');
  const project = path.join(root, 'project', 'sub');
  fs.mkdirSync(project, { recursive: true });
  const env = { PYENV_ROOT: root, PATH: '/usr/bin' };
  try {
    // nothing selected: "system", i.e. the first python3 on PATH outside the shims (or the shim)
    const system = resolvePyenvShim(shim, project, env);
    assert.ok(system === shim || (system.startsWith('/usr/bin/') && !system.includes('shims')), system);
    fs.writeFileSync(path.join(root, 'version'), '3.11.7\n');
    assert.equal(resolvePyenvShim(shim, project, env), bin('3.11.7'));
    // .python-version in a parent directory wins over the global version; comments and several versions
    fs.writeFileSync(path.join(root, 'project', '.python-version'), '# pinned\n3.10.0\n3.12.1\n');
    assert.equal(resolvePyenvShim(shim, project, env), bin('3.12.1'), 'the first installed of the listed versions');
    // PYENV_VERSION wins over both
    assert.equal(resolvePyenvShim(shim, project, { ...env, PYENV_VERSION: 'myenv' }), bin('myenv'));
    // a version that is not installed, or one we cannot read for sure: the shim, and pyenv decides
    assert.equal(resolvePyenvShim(shim, project, { ...env, PYENV_VERSION: '3.9.9' }), shim);
    fs.writeFileSync(path.join(root, 'project', '.python-version'), '../../etc\n');
    assert.equal(resolvePyenvShim(shim, project, env), shim);
    // not a pyenv shim at all: unchanged
    const plain = path.join(root, 'versions', '3.11.7', 'bin', 'python3');
    assert.equal(resolvePyenvShim(plain, project, env), plain);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
