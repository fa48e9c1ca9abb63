import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../runner/errors';
import { runToCompletion, type SpawnFn } from '../runner/launch';
import { MIN_PYTHON, MIN_PYTHON_TEXT, pythonHint } from '../runner/settings';

export interface Interpreter {
  /** The real binary (`sys.executable`): a pyenv-style shim costs ≈ 5× the start-up time. */
  executable: string;
  version: string;
}

const PROBE = 'import sys, json; print(json.dumps({"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3]}))';
const cache = new Map<string, Interpreter>();

/** Asks `command` what it is; checks it is Python MIN_PYTHON or newer. Cached per command. */
export async function probeInterpreter(command: string, spawn: SpawnFn = childProcess.spawn): Promise<Interpreter> {
  const known = cache.get(command);
  if (known) return known;
  let reply: { code: number | null; stdout: string; stderr: string };
  try {
    reply = await runToCompletion(spawn, command, ['-c', PROBE], 15_000);
  } catch (e) {
    throw new UserError('python', `Python was not found at "${command}" (${(e as Error).message}). Install Python ${MIN_PYTHON_TEXT}+, or ${pythonHint('set')}`);
  }
  let found: Interpreter;
  try {
    found = JSON.parse(reply.stdout.trim()) as Interpreter;
  } catch {
    throw new UserError('python', `"${command}" did not answer as Python 3 does (exit ${reply.code}): ${(reply.stderr || reply.stdout).trim().slice(0, 300)}. ${pythonHint()}`);
  }
  requireSupported(found);
  if (!found.executable) found.executable = command;
  cache.set(command, found);
  return found;
}

/** Throws the "too old" UserError for a Python before MIN_PYTHON. */
export function requireSupported(found: Interpreter): void {
  const [major, minor] = found.version.split('.').map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new UserError('python', `Python ${found.version} at "${found.executable}" is too old: Interleave needs Python ${MIN_PYTHON_TEXT}+. ${pythonHint()}`);
  }
}

/**
 * The first of `candidates` that is an executable file (a path, or a name in one of `dirs`: PATH's),
 * with its path; no process is started.
 */
export function firstExecutable(candidates: string[], dirs = pathDirs()): { candidate: string; path: string } | undefined {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const c of candidates) {
    const paths = c.includes('/') || c.includes('\\') ? [c] : dirs.flatMap((d) => exts.map((e) => path.join(d, c + e)));
    const found = paths.find(isExecutableFile);
    if (found) return { candidate: c, path: found };
  }
  return undefined;
}

export function pathDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PATH ?? '').split(path.delimiter).filter(Boolean);
}

export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Commands to try when no interpreter is configured. */
export function pathCandidates(): string[] {
  return process.platform === 'win32' ? ['python', 'py'] : ['python3', 'python'];
}

/** The first of `candidates` that is a usable Python; the last error when none is. */
export async function findInterpreter(candidates: string[], spawn?: SpawnFn): Promise<Interpreter> {
  const problems: UserError[] = [];
  for (const c of candidates) {
    try {
      return await probeInterpreter(c, spawn);
    } catch (e) {
      if (e instanceof UserError) problems.push(e);
      else throw e;
    }
  }
  if (problems.length === 1) throw problems[0];
  // "too old" says more than "not found": lead with it when one of them was
  const tooOld = problems.find((p) => /too old/.test(p.message));
  if (tooOld) throw tooOld;
  throw new UserError('python', `No Python ${MIN_PYTHON_TEXT}+ found (tried ${candidates.join(', ')}). Install Python, or ${pythonHint('set')}`);
}

export function clearInterpreterCache(): void {
  cache.clear();
}
