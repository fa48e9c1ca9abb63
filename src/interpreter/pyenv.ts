/**
 * A pyenv shim (`~/.pyenv/shims/python3`) is a bash script that asks pyenv which version is
 * selected and then execs it: ≈ 0.3 s before Python itself starts. The CLI starts Python once to
 * inspect the file before it knows `sys.executable`, so it reads pyenv's selection itself (the
 * same rules, no process) and starts the real binary. Anything it cannot read for certain
 * returns the shim unchanged, and pyenv decides as it always does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstExecutable, isExecutableFile as isExecutable, pathDirs } from './interpreter';

/** The binary the pyenv shim at `shim` would run from `cwd`, or `shim` itself when unsure. */
export function resolvePyenvShim(shim: string, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const shimsDir = path.dirname(shim);
  if (path.basename(shimsDir) !== 'shims' || !isPyenvShim(shim)) return shim;
  const root = env.PYENV_ROOT || path.dirname(shimsDir);
  const name = path.basename(shim);
  for (const version of selectedVersions(root, cwd, env)) {
    if (version === 'system') return systemBinary(name, shimsDir, env) ?? shim;
    const candidate = path.join(root, 'versions', version, 'bin', name);
    if (isExecutable(candidate)) return candidate;
  }
  return shim;
}

/** pyenv's order: PYENV_VERSION, then .python-version from the directory up, then $PYENV_ROOT/version. */
function selectedVersions(root: string, cwd: string, env: NodeJS.ProcessEnv): string[] {
  if (env.PYENV_VERSION) return env.PYENV_VERSION.split(':').filter(Boolean);
  for (let dir = path.resolve(env.PYENV_DIR || cwd); ; dir = path.dirname(dir)) {
    const versions = readVersionFile(path.join(dir, '.python-version'));
    if (versions) return versions;
    if (path.dirname(dir) === dir) break;
  }
  return readVersionFile(path.join(root, 'version')) ?? ['system'];
}

/**
 * The versions a version file names (one or more, whitespace-separated, `#` comments); null
 * without one; none when it names something we do not judge (the caller keeps the shim).
 */
function readVersionFile(file: string): string[] | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const versions = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).join(' ').split(/\s+/).filter(Boolean);
  // "..", absolute paths and the like are pyenv's to judge, not ours
  return versions.every((v) => /^[\w.+-]+$/.test(v) && v !== '..' && v !== '.') ? versions : [];
}

function isPyenvShim(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(512);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      const text = head.toString('latin1', 0, n);
      return text.startsWith('#!') && text.includes('pyenv');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** "system": the first `name` on PATH that is not in pyenv's shims directory. */
function systemBinary(name: string, shimsDir: string, env: NodeJS.ProcessEnv): string | undefined {
  return firstExecutable([name], pathDirs(env).filter((d) => path.resolve(d) !== path.resolve(shimsDir)))?.path;
}
