// The machine-level packages the tests, the demo and the bench need beyond Node and Python, in
// one table. `npm test`, `npm run demo` and each tier call ensureSystem() before anything else:
// what is missing is installed once (as root, or with password-less sudo, through apt-get) with
// one line saying so; when that cannot be done, they stop before any test with one message that
// names the command to run. .ci/run installs the same packages its own way and keeps doing so.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian package → why we need it and how to tell it is there without dpkg (other systems). */
export const PACKAGES = {
  chromium: { why: 'headless Chromium for the webview and e2e tests', present: () => fs.existsSync(chromiumPath) },
  ripgrep: { why: "code-server's search (copied into its VS Code)", present: () => onPath('rg') },
  'libkrb5-dev': { why: "headers for code-server's kerberos module", present: () => fs.existsSync('/usr/include/gssapi/gssapi.h') },
  'g++': { why: "compiling code-server's native modules", present: () => onPath('g++') },
  make: { why: "compiling code-server's native modules", present: () => onPath('make') },
  python3: { why: 'the harness and node-gyp', present: () => onPath('python3') },
  gcc: { why: 'compiling the free-threaded CPython', present: () => onPath('gcc') },
  'libffi-dev': { why: "the free-threaded CPython's ctypes", present: () => fs.existsSync('/usr/include/ffi.h') || fs.existsSync('/usr/include/x86_64-linux-gnu/ffi.h') || fs.existsSync('/usr/include/aarch64-linux-gnu/ffi.h') },
  'libssl-dev': { why: "the free-threaded CPython's ssl and hashlib", present: () => fs.existsSync('/usr/include/openssl/ssl.h') },
  'zlib1g-dev': { why: "the free-threaded CPython's zlib", present: () => fs.existsSync('/usr/include/zlib.h') },
  'xz-utils': { why: "unpacking CPython's source tarball", present: () => onPath('xz') },
  'python3-pyflakes': { why: "the harness's lint (pyflakes, run by Debian's python3)", present: () => fs.existsSync('/usr/lib/python3/dist-packages/pyflakes') },
};

/** What each purpose needs; code-server's build needs are dropped once it is set up. */
export const NEEDS = {
  webview: ['chromium'],
  codeServer: ['ripgrep', 'libkrb5-dev', 'g++', 'make', 'python3'],
  e2e: ['chromium'],
  lint: ['python3-pyflakes'],
  freeThreaded: ['gcc', 'make', 'libffi-dev', 'libssl-dev', 'zlib1g-dev', 'xz-utils'],
};

function onPath(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));
}

function hasDpkg() {
  return spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status === 0;
}

function installed(pkg) {
  if (!hasDpkg()) return PACKAGES[pkg].present();
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed') && PACKAGES[pkg].present();
}

/** How we may run apt-get here (as root, or through password-less sudo), or why we may not. */
function aptAccess() {
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return { why: 'apt-get is not available' };
  if (process.getuid?.() === 0) return { prefix: [] };
  if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return { prefix: ['sudo', '-n'] };
  return { why: 'not root, and sudo asks for a password' };
}

function run(prefix, args) {
  const [cmd, ...rest] = [...prefix, ...args];
  return spawnSync(cmd, rest, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/**
 * Makes sure the packages for these purposes are installed. Returns normally when they are;
 * otherwise prints one message and exits with status 1 (`closing` is printed last, for callers
 * whose output must end in a summary line), or with `throwing` throws an Error with that message
 * (for callers that can go on without: the free-threaded build's tests are skipped instead).
 */
export function ensureSystem(purposes, { closing, throwing } = {}) {
  const wanted = [...new Set(purposes.flatMap((p) => NEEDS[p]))];
  const missing = wanted.filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  const { prefix, why } = aptAccess();
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (prefix) {
    process.stderr.write(`[setup] installing ${missing.join(', ')} with apt-get (once): ${missing.map((p) => PACKAGES[p].why).join('; ')}\n`);
    const update = run(prefix, ['apt-get', 'update', '-qq']);
    const install = update.status === 0 ? run(prefix, ['apt-get', 'install', '-y', '-qq', ...missing]) : update;
    if (install.status === 0 && missing.every(installed)) return;
    const said = (install.stderr || install.stdout || install.error?.message || `exit status ${install.status}`).trim();
    fail(throwing, `installing ${missing.join(' ')} failed:\n${said.split('\n').slice(-8).join('\n')}\nRun \`${prefix.length ? 'sudo ' : ''}${command}\`, then try again.`, closing);
  }
  const how = hasDpkg() ? `sudo ${command}` : `install ${missing.join(', ')} with your system's package manager (Chromium at ${chromiumPath} or set CHROMIUM_PATH)`;
  fail(throwing, `these packages are missing and cannot be installed from here (${why}): ${missing.join(', ')}.\nRun \`${how}\`, then try again.`, closing);
}

function fail(throwing, message, closing) {
  if (throwing) throw new Error(message);
  process.stderr.write(`[setup] ${message}\n`);
  if (closing) console.log(closing);
  process.exit(1);
}
