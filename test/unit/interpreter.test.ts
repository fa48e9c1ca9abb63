import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { SpawnFn } from '../../src/runner/harness';
import { clearInterpreterCache, findInterpreter, firstExecutable, probeInterpreter } from '../../src/python/interpreter';

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
    assert.equal(firstExecutable(['nosuchpython', 'notexec', 'mypython']), 'mypython');
    assert.equal(firstExecutable([exe]), exe);
    assert.equal(firstExecutable(['nosuchpython', path.join(dir, 'notexec')]), undefined);
  } finally {
    process.env.PATH = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
