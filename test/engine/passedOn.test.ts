import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cli, fixture } from './helpers';

/** The environment of a user who has not set PYTHONUNBUFFERED: stdout is block-buffered. */
function withoutUnbuffered(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PYTHONUNBUFFERED;
  return env;
}

/** The CLI run as a user runs it, its stderr (where the user's stdout is passed on) into a file, read back as bytes. */
function passedOnBytes(args: string[], env: NodeJS.ProcessEnv): { status: number | null; bytes: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-test-'));
  const file = path.join(dir, 'stderr');
  const fd = fs.openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', fd], env, timeout: 120_000 });
    return { status: r.status, bytes: fs.readFileSync(file) };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function byteCounts(bytes: Buffer): number[] {
  const counts = new Array<number>(256).fill(0);
  for (const b of bytes) counts[b]++;
  return counts;
}

test('a 2 × 500,000-line thread flood is passed on unchanged: no foreign byte, every character once, lines whole but for splits at thread switches', () => {
  const n = 500_000;
  const { status, bytes } = passedOnBytes(['run', fixture('big_flood.py'), '--function', 'flood', '--args', String(n), '--models', 'thread', '--workers', '2'], withoutUnbuffered());
  assert.equal(status, 0);
  const expected = Buffer.from(Array.from({ length: n }, (_, i) => `line ${i}\n`).join('').repeat(2));
  const want = byteCounts(expected);
  const got = byteCounts(bytes);
  const foreign = got.map((count, b) => (want[b] === 0 ? count : 0)).reduce((a, b) => a + b, 0);
  const sample = bytes.subarray(Math.max(0, bytes.findIndex((b) => want[b] === 0) - 20)).subarray(0, 60);
  assert.equal(foreign, 0, `bytes that no line of the output has (memory that is not the user's), e.g. ${JSON.stringify(sample.toString('latin1'))}`);
  assert.equal(bytes.length, expected.length);
  assert.deepEqual(got, want, 'every character of the output, as often as it was printed');
  // Plain Python splits a few lines where threads switch between the pieces of one print; a
  // whole line never appears more often than it was printed.
  const seen = new Map<string, number>();
  let pieces = 0;
  for (const line of bytes.toString('latin1').split('\n').slice(0, -1)) {
    if (/^line \d+$/.test(line)) seen.set(line, (seen.get(line) ?? 0) + 1);
    else pieces++;
  }
  assert.ok(pieces <= n / 500, `${pieces} pieces of lines split apart`);
  assert.deepEqual([...seen.values()].filter((c) => c > 2), [], 'no line more often than printed');
  assert.ok(seen.size >= n - pieces, `${seen.size} distinct whole lines`);
});

