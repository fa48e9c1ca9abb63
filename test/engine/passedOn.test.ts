import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Trace } from '../../src/shared/trace';
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

/** The CLI with a trace file and without --quiet: the trace, and the user's output as passed on (stderr). */
function traceAndOutput(args: string[]): { status: number | null; trace?: Trace; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-test-'));
  const json = path.join(dir, 'trace.json');
  try {
    const r = spawnSync(process.execPath, [cli, ...args, '--json', json], { encoding: 'utf8', timeout: 120_000 });
    const trace = fs.existsSync(json) ? (JSON.parse(fs.readFileSync(json, 'utf8')) as Trace) : undefined;
    return { status: r.status, trace, output: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines written past sys.stdout/sys.stderr's text layer, with the stream and the line of the fixture that wrote them (null: a subprocess). */
const PAST_TEXT: [string, 'stdout' | 'stderr', number | null][] = [
  ['fileno line', 'stdout', 9],
  ['stderr fileno line', 'stderr', 10],
  ['buffer line', 'stdout', 11],
  ['stderr buffer line', 'stderr', 13],
  ['wrapper line', 'stdout', 16],
  ['subprocess line', 'stdout', null],
];

test('writes through sys.stdout.fileno(), sys.stdout.buffer (or a wrapper of it) and a subprocess given sys.stdout: each line one event, marked approximate, and passed on once', () => {
  const workers = 2;
  const models = ['sequential', 'thread', 'process'];
  const r = traceAndOutput(['run', fixture('writes_past_text_layer.py'), '--function', 'write_past_text_layer', '--models', models.join(','), '--workers', String(workers)]);
  assert.equal(r.status, 0, r.output);
  for (const run of r.trace!.runs) {
    for (const [text, stream, line] of PAST_TEXT) {
      const events = run.events.filter((e) => e.text === text);
      assert.equal(events.length, workers, `${run.model}: "${text}" once per call`);
      for (const e of events) {
        assert.equal(e.stream, stream, `${run.model}: "${text}"`);
        assert.equal(e.approximate, true, `${run.model}: "${text}" bypassed the text layer`);
        assert.equal(e.line, line, `${run.model}: "${text}" has the line that wrote it`);
      }
    }
    assert.equal(run.events.filter((e) => e.text === 'text line' && !e.approximate).length, workers, run.model);
  }
  const shown = r.output.split('\n');
  for (const [text] of PAST_TEXT) {
    assert.equal(shown.filter((l) => l === text).length, workers * models.length, `"${text}" shown once per call`);
  }
});
