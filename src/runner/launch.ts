import * as childProcess from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { findAbove } from '../extensionRoot';

/** The spawn function the runner uses; unit tests may replace it. */
export type SpawnFn = typeof childProcess.spawn;

/** The stdlib-only harness shipped with the extension (python/ beside dist/ or out/). */
export function harnessScript(from: string = __dirname): string {
  const relative = path.join('python', 'interleave_harness.py');
  const root = findAbove(relative, from);
  if (!root) throw new Error(`Interleave's harness (${relative}) was not found above ${from}`);
  return path.join(root, relative);
}

/**
 * The child's environment: UTF-8 I/O whatever the locale (UTF-8 mode, which keeps Python's own
 * error handlers: surrogateescape on stdout, so a file name that is not UTF-8 prints as it does
 * in a terminal), no .pyc litter in the user's folder: bytecode goes to a cache of ours instead
 * (the user's own PYTHONPYCACHEPREFIX or PYTHONDONTWRITEBYTECODE win). Not writing it at all cost
 * every run the compiling of the harness's modules again: ≈ 150 ms of a 2-core VM's run start.
 * Not PYTHONIOENCODING: `utf-8` there makes stdout strict, and a user's own setting of it is
 * theirs to keep.
 */
export function harnessEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, PYTHONUTF8: '1', PYTHONPYCACHEPREFIX: base.PYTHONPYCACHEPREFIX || bytecodeCache(base) };
}

/**
 * What harnessEnv changes of `base`, as it was there (null: unset): the harness's config carries
 * it (`userEnv`), and the harness puts it back for the user's code (python/interleave_user_env.py).
 */
export function userEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string | null> {
  return Object.fromEntries(Object.keys(harnessEnv({})).map((name) => [name, base[name] ?? null]));
}

/** The user's cache folder (XDG_CACHE_HOME, ~/Library/Caches, LOCALAPPDATA) for our bytecode: theirs alone, as a .pyc there is code we run. */
export function bytecodeCache(env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  const caches =
    process.platform === 'win32' ? (env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'))
    : process.platform === 'darwin' ? path.join(home, 'Library', 'Caches')
    : (env.XDG_CACHE_HOME ?? path.join(home, '.cache'));
  return path.join(caches, 'interleave', 'pycache');
}

/** Runs a short harness command to completion and returns its stdout. */
export function runToCompletion(spawn: SpawnFn, python: string, args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], env: harnessEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
