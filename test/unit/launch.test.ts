import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as os from 'node:os';
import * as path from 'node:path';
import { bytecodeCache, harnessEnv, userEnv } from '../../src/runner/launch';

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

test("what the harness's environment changes is named with the caller's values (null: unset), for the harness to put back", () => {
  const base = { PATH: '/bin', PYTHONPYCACHEPREFIX: '/mine' };
  const changed = Object.keys(harnessEnv(base)).filter((name) => harnessEnv(base)[name] !== (base as NodeJS.ProcessEnv)[name]);
  assert.deepEqual(userEnv(base), { PYTHONUTF8: null, PYTHONPYCACHEPREFIX: '/mine' });
  for (const name of changed) assert.ok(name in userEnv(base), `${name} is put back`);
});
