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
  const ours = ['--json', json, ...(showOutput ? [] : ['--quiet'])];
  const end = args.includes('--') ? args.indexOf('--') : args.length; // a script's own arguments stay last
  const r = spawnSync(process.execPath, [cli, ...args.slice(0, end), ...ours, ...args.slice(end)], { encoding: 'utf8', timeout: timeoutMs });
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

/** This checkout's harness running a model (the machine may run other checkouts' tests meanwhile). */
export const harnessRun = `${path.join(root, 'python', 'interleave_harness.py')} run`;

/** Processes whose command line mentions `marker` (to prove nothing was left behind). */
export function processesMentioning(marker: string): string[] {
  const r = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

/** The CLI without --quiet: the user's own output arrives on stderr, unchanged. */
export function runCliShowingOutput(args: string[], timeoutMs = 120_000) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: timeoutMs });
}

/** The pids a fixture wrote to `file`, one line each ("pid" or "pid parent-pid"). */
export function pidsIn(file: string): number[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number);
}

/** Whether `pid` is a process that has not ended (a zombie waiting to be reaped has). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    if (fs.existsSync('/proc/self')) return false; // no such process
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` every 50 ms until it holds or `ms` have passed; whether it held. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; !check(); ) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Kills what a failed test left running (Python processes the fixture itself reported). */
export function killLeftovers(pids: number[]): void {
  for (const pid of pids.filter(isRunning)) {
    try {
      if (fs.existsSync('/proc/self') && !fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('python')) continue; // not ours: reused
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** A Python of this minor version (`3.9`), if this machine has one: on PATH as python3.9, or under pyenv. */
export function pythonVersion(minor: string): string | null {
  const pyenv = path.join(os.homedir(), '.pyenv', 'versions');
  const candidates = [`python${minor}`];
  if (fs.existsSync(pyenv)) for (const v of fs.readdirSync(pyenv).filter((v) => v.startsWith(`${minor}.`) && !v.endsWith('t'))) candidates.push(path.join(pyenv, v, 'bin', 'python3'));
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', `import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '${minor}' else 1)`]);
    if (r.status === 0) return c;
  }
  return null;
}

/** A Python that has subinterpreters (3.13+), if this machine has one. */
export function pythonWithSubinterpreters(): string | null {
  const candidates = [process.env.INTERLEAVE_TEST_PYTHON_313, 'python3.14', 'python3.13'];
  const pyenv = path.join(os.homedir(), '.pyenv', 'versions');
  if (fs.existsSync(pyenv)) for (const v of fs.readdirSync(pyenv).filter((v) => /^3\.1[3-9]\./.test(v) && !v.endsWith('t')).reverse()) candidates.push(path.join(pyenv, v, 'bin', 'python3'));
  for (const c of candidates) {
    if (!c) continue;
    const r = spawnSync(c, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)']);
    if (r.status === 0) return c;
  }
  return null;
}

/**
 * The free-threaded CPython that `npm run setup:free-threaded` built (or $INTERLEAVE_FREE_THREADED_PYTHON),
 * else undefined: the tests that need it are skipped with `FREE_THREADED_SKIP` as their reason.
 */
export function freeThreadedPython(): string | undefined {
  if (process.env.INTERLEAVE_FREE_THREADED_PYTHON) return process.env.INTERLEAVE_FREE_THREADED_PYTHON;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup-free-threaded.mjs'), '--where'], { encoding: 'utf8' });
  return r.stdout.trim() || undefined;
}
export const FREE_THREADED_SKIP = 'no free-threaded CPython here: run `npm run setup:free-threaded` to build one (once, 5 min on an idle 2-core machine, 30+ when busy)';
