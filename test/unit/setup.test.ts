/**
 * The README's commands on a fresh machine: every npm test script goes through the one runner
 * that does its own set-up, and a machine that lacks a Debian package it cannot install stops
 * before any test with one message naming the command to run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');
const runner = path.join(root, 'scripts', 'test-all.mjs');

/** A PATH with node and npm but no apt-get and no sudo: nothing can be installed from here. */
function pathWithoutApt(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-noapt-'));
  for (const name of ['node', 'npm', 'dpkg-query']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) fs.symlinkSync(found, path.join(dir, name));
  }
  return dir;
}

test('a missing package that cannot be installed stops the run before any test, naming the command', () => {
  const r = spawnSync(process.execPath, [runner, 'webview'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: pathWithoutApt(), CHROMIUM_PATH: path.join(os.tmpdir(), 'no-such-chromium') },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot be installed from here \(apt-get is not available\): chromium/);
  assert.match(r.stderr, /Run `sudo apt-get install -y chromium`/);
  assert.doesNotMatch(r.stderr, /\[prepare\]/, 'nothing was built or run before the message');
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /^\s+at /m, 'no stack trace');
  assert.match(r.stdout, /0 passed, 1 failed\s*$/);
});

test('every test script of package.json runs through the runner that sets itself up', () => {
  const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
  const tiers = ['unit', 'python', 'engine', 'webview', 'e2e'];
  for (const tier of tiers) assert.match(scripts[`test:${tier}`], /^node scripts\/test-all\.mjs \w+$/, `test:${tier}`);
  assert.equal(scripts.test, 'node scripts/test-all.mjs');
  assert.equal(scripts.pretest, undefined, 'the runner prepares itself; a pretest would only run for `npm test`');
});

test('an unknown tier is refused with the list of tiers', () => {
  const r = spawnSync(process.execPath, [runner, 'nosuch'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown tier "nosuch": one of lint, unit, harness, engine, webview, e2e/);
});
