import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harnessEnv } from '../../src/runner/launch';

test('the harness environment: UTF-8 mode, not PYTHONIOENCODING (it would make stdout strict); the user\'s own settings kept', () => {
  const env = harnessEnv({ PATH: '/bin', PYTHONUNBUFFERED: '1' });
  assert.equal(env.PYTHONUTF8, '1');
  assert.equal(env.PYTHONIOENCODING, undefined);
  assert.equal(env.PYTHONUNBUFFERED, '1');
  assert.equal(harnessEnv({ PYTHONIOENCODING: 'latin-1:backslashreplace' }).PYTHONIOENCODING, 'latin-1:backslashreplace');
});
