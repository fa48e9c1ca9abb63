import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Run, Trace } from '../../src/shared/trace';

export const root = path.resolve(__dirname, '..', '..', '..');
export const fixture = (name: string) => path.join(root, 'test', 'fixtures', name);
/** The demo's examples double as the canonical fixtures: they must stay canonical. */
export const example = (name: string) => path.join(root, 'examples', name);
export const cli = path.join(root, 'dist', 'cli.js');
export const python = process.env.INTERLEAVE_TEST_PYTHON ?? 'python3';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  trace?: Trace;
}

/**
 * Runs the real CLI (real Python) and reads back the trace it wrote. With `showOutput`, the
 * user's own output is shown as well: on the CLI's stderr.
 */
export function runCli(args: string[], timeoutMs = 120_000, showOutput = false): CliResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-test-'));
  const json = path.join(dir, 'trace.json');
  const r = spawnSync(process.execPath, [cli, ...args, '--json', json, ...(showOutput ? [] : ['--quiet'])], { encoding: 'utf8', timeout: timeoutMs });
  const result: CliResult = { status: r.status, stdout: r.stdout, stderr: r.stderr };
  if (fs.existsSync(json)) result.trace = JSON.parse(fs.readFileSync(json, 'utf8')) as Trace;
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

export function runOf(trace: Trace, model: Run['model']): Run {
  const run = trace.runs.find((r) => r.model === model);
  if (!run) throw new Error(`no ${model} run in the trace`);
  return run;
}

/** Processes whose command line mentions `marker` (to prove nothing was left behind). */
export function processesMentioning(marker: string): string[] {
  const r = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

/** The CLI without --quiet: the user's own output arrives on stderr, unchanged. */
export function runCliShowingOutput(args: string[], timeoutMs = 120_000) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: timeoutMs });
}
