import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as os from 'node:os';
import * as path from 'node:path';
import { bytecodeCache, harnessEnv } from '../../src/runner/launch';

test('the harness environment: UTF-8 mode, not PYTHONIOENCODING (it would make stdout strict); the user\'s own settings kept', () => {
  const env = harnessEnv({ PATH: '/bin', PYTHONUNBUFFERED: '1' });
  assert.equal(env.PYTHONUTF8, '1');
  assert.equal(env.PYTHONIOENCODING, undefined);
  assert.equal(env.PYTHONUNBUFFERED, '1');
  assert.equal(harnessEnv({ PYTHONIOENCODING: 'latin-1:backslashreplace' }).PYTHONIOENCODING, 'latin-1:backslashreplace');
});

test("the harness's bytecode is cached in the user's cache folder, not beside their files nor compiled anew each run; their own choice wins", () => {
  const env = harnessEnv({ PATH: '/bin' });
  assert.equal(env.PYTHONDONTWRITEBYTECODE, undefined, 'bytecode is written (to our cache)');
  assert.equal(env.PYTHONPYCACHEPREFIX, bytecodeCache({}));
  assert.ok(path.isAbsolute(env.PYTHONPYCACHEPREFIX!) && env.PYTHONPYCACHEPREFIX!.startsWith(os.homedir()), 'a folder of the user\'s own, not a shared temporary one');
  assert.equal(harnessEnv({ PYTHONPYCACHEPREFIX: '/mine' }).PYTHONPYCACHEPREFIX, '/mine');
  assert.equal(harnessEnv({ PYTHONDONTWRITEBYTECODE: '1' }).PYTHONDONTWRITEBYTECODE, '1');
});
