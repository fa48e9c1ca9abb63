/**
 * `interleave script FILE`, below Python: output that never passes through sys.stdout (os.write,
 * C's printf, a non-Python child sharing stdout) is on the lane that wrote it, marked approximate,
 * nothing lost; and a `subprocess` child's exit status is what its parent saw.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cli, fixture } from './helpers';
import type { Run, Trace, WorkerInfo } from '../../src/shared/trace';

/** The CLI's script verb on a fixture of test/fixtures/scripts: its one run, and what it printed. */
function traceScript(name: string): { run: Run; stdout: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-script-below-'));
  const json = path.join(dir, 'trace.json');
  try {
    const r = spawnSync(process.execPath, [cli, 'script', fixture(path.join('scripts', name)), '--json', json, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const trace = JSON.parse(fs.readFileSync(json, 'utf8')) as Trace;
    return { run: trace.runs[0], stdout: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const processNamed = (run: Run, pattern: RegExp): WorkerInfo => {
  const found = run.workerInfo.find((w) => w.kind === 'process' && pattern.test(w.name ?? ''));
  assert.ok(found, `a process named ${pattern} in ${run.workerInfo.map((w) => w.name).join(', ')}`);
  return found;
};

test('a Python subprocess child that calls sys.exit(3) says exited 3; one that raises says error, with its exception', () => {
  const { run } = traceScript('subprocess_child_exits.py');
  const exits = processNamed(run, /sys\.exit\(3\)/);
  assert.equal(exits.status, 'exited');
  assert.equal(exits.exitCode, 3);
  assert.deepEqual(run.events.filter((e) => e.worker === exits.worker).map((e) => e.text), ['child says bye']);
  const raises = processNamed(run, /ValueError/);
  assert.equal(raises.status, 'error');
  assert.equal(raises.error?.type, 'ValueError');
  assert.equal(raises.error?.message, 'child fails');
});
