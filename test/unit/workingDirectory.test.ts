import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/runner/errors';
import { requireWorkingDirectory, scriptWorkingDirectory } from '../../src/runner/workingDirectory';

const file = path.resolve('/work/project/src/app.py');
const workspace = path.resolve('/work/project');

test("the script's working directory: empty is the file's folder; relative is from the workspace folder; ${workspaceFolder} replaced", () => {
  assert.equal(scriptWorkingDirectory('', file, workspace), path.dirname(file));
  assert.equal(scriptWorkingDirectory('   ', file, workspace), path.dirname(file));
  assert.equal(scriptWorkingDirectory('data', file, workspace), path.join(workspace, 'data'));
  assert.equal(scriptWorkingDirectory('./data/../out', file, workspace), path.join(workspace, 'out'));
  assert.equal(scriptWorkingDirectory('${workspaceFolder}', file, workspace), workspace);
  assert.equal(scriptWorkingDirectory('${workspaceFolder}/runs', file, workspace), path.join(workspace, 'runs'));
  assert.equal(scriptWorkingDirectory('/tmp/elsewhere', file, workspace), path.resolve('/tmp/elsewhere'));
});

test('a file in no workspace folder: a relative working directory is from its own folder', () => {
  assert.equal(scriptWorkingDirectory('data', file, undefined), path.join(path.dirname(file), 'data'));
  assert.equal(scriptWorkingDirectory('${workspaceFolder}', file, undefined), path.dirname(file));
});

test('a working directory that is missing, or a file: the user\'s error, one line naming it and what to do', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-cwd-unit-'));
  try {
    assert.doesNotThrow(() => requireWorkingDirectory(dir));
    const missing = path.join(dir, 'nope');
    assert.throws(() => requireWorkingDirectory(missing), (e: unknown) => e instanceof UserError && e.message.includes(missing) && /does not exist: create it/.test(e.message) && !e.message.includes('\n'));
    const plain = path.join(dir, 'a.txt');
    fs.writeFileSync(plain, '');
    assert.throws(() => requireWorkingDirectory(plain), /is not a folder: create it, or give another/);
    assert.ok(fs.existsSync(plain), 'the user\'s file is left alone');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
