import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The spawn function the runner uses; unit tests may replace it. */
export type SpawnFn = typeof childProcess.spawn;

/** The stdlib-only harness shipped with the extension (python/ beside dist/ or out/). */
export function harnessScript(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'python', 'interleave_harness.py');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Interleave's harness (python/interleave_harness.py) was not found above ${from}`);
    dir = parent;
  }
}

/** The child's environment: UTF-8 I/O whatever the locale, no .pyc litter in the user's folder. */
export function harnessEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, PYTHONUTF8: '1', PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' };
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
