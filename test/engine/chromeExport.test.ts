import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { assertWellFormed, microsText, type ChromeFile } from '../chromeTraceRules';
import { spawnSync } from 'node:child_process';
import { cli, example, runCli } from './helpers';

test('--chrome writes a Chrome trace of the runs: a process per model, an instant per output line at its exact time', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-chrome-'));
  const file = path.join(dir, 'trace.chrome.json');
  fs.writeFileSync(file, 'an older file that must be replaced');
  const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--chrome', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`chrome trace: ${file.replace(/[.\\/]/g, '\\$&')}`));
  const text = fs.readFileSync(file, 'utf8');
  const chrome = JSON.parse(text) as ChromeFile;
  assertWellFormed(chrome);
  const trace = r.trace!;
  const processes = chrome.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args!.name);
  assert.deepEqual(processes.slice(0, 2), ['Sequential × 2', 'Threads × 2']);
  assert.match(String(processes[2]), /^Processes × 2 \((fork|spawn|forkserver)\)$/);
  trace.runs.forEach((run, r) => {
    const instants = chrome.traceEvents.filter((e) => e.ph === 'i' && e.pid === r + 1);
    assert.deepEqual(instants.map((e) => e.args!.text), run.events.map((e) => e.text), run.model);
    for (const ev of run.events) assert.ok(text.includes(`"ts":${microsText(ev.t)},`), `${run.model}: ${ev.t} ns`);
    const lives = chrome.traceEvents.filter((e) => e.ph === 'X' && e.pid === r + 1 && e.name === 'print_numbers()');
    assert.deepEqual(lives.map((e) => e.args!.status), run.workerInfo.map((w) => w.status), `${run.model}: a body span per worker`);
  });
  assert.deepEqual(fs.readdirSync(dir), ['trace.chrome.json'], 'no temporary file is left');
  fs.rmSync(dir, { recursive: true });
});

test('--chrome into a folder that does not exist is refused before anything runs', () => {
  const missing = path.join(os.tmpdir(), 'interleave-no-such-folder', 'x.json');
  const r = runCli(['run', example('threads_example.py'), '--function', 'print_numbers', '--chrome', missing]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /cannot write the Chrome trace to .*x\.json: the folder .* does not exist/);
  assert.equal(r.stdout, '', 'no run happened');
});

test('--chrome and --json on one file are refused before anything runs, and the file is left as it was', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-chrome-'));
  const file = path.join(dir, 'both.json');
  fs.writeFileSync(file, 'keep me');
  const r = spawnSync(process.execPath, [cli, 'run', example('threads_example.py'), '--function', 'print_numbers', '--quiet', '--json', file, '--chrome', file], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--json and --chrome name the same file/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
  assert.deepEqual(fs.readdirSync(dir), ['both.json']);
  fs.rmSync(dir, { recursive: true });
});
