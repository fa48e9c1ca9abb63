/**
 * The user's code gets the user's environment: the variables the harness starts with for itself
 * (PYTHONUTF8, PYTHONPYCACHEPREFIX: src/runner/launch.ts) are put back as the caller had them —
 * at the module's import, in the call, in a child the code starts — in every model; the harness's
 * own worker processes still start as the harness did (its UTF-8 mode).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { Trace } from '../../src/shared/trace';
import { cli, fixture } from './helpers';

/** The CLI on sees_the_callers_environment.py with `env` as the caller's environment: each run's lines by model. */
function linesByModel(env: NodeJS.ProcessEnv, options: string[]): Map<string, string[]> {
  const r = spawnSync(process.execPath, [cli, 'run', fixture('sees_the_callers_environment.py'), '--function', 'show_environment', '--workers', '1', '--json', '-', ...options],
    { encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const trace = JSON.parse(r.stdout) as Trace;
  return new Map(trace.runs.map((run) => [run.model, run.events.map((e) => e.text)]));
}

const seen = (values: string) => [`at import ${values}`, `in the call ${values}`, `in a child ${values}`, 'utf8 mode 1'];

test('variables the caller did not set are unset for the user\'s code (None), in every model and a spawned process', () => {
  const env = { ...process.env };
  delete env.PYTHONUTF8;
  delete env.PYTHONPYCACHEPREFIX;
  const lines = linesByModel(env, ['--models', 'sequential,thread,thread-pool,process,process-pool', '--start-method', 'spawn']);
  assert.deepEqual([...lines.keys()], ['sequential', 'thread', 'thread-pool', 'process', 'process-pool']);
  for (const [model, texts] of lines) assert.deepEqual(texts, seen('[None, None]'), model);
});

test("the caller's own values are the user's code's, in a forked process too (the harness still in UTF-8 mode)", () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-user-pycache-'));
  try {
    const lines = linesByModel({ ...process.env, PYTHONUTF8: '0', PYTHONPYCACHEPREFIX: cache }, ['--models', 'thread,process', '--start-method', 'fork']);
    for (const [model, texts] of lines) assert.deepEqual(texts, seen(`['0', '${cache}']`), model);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
