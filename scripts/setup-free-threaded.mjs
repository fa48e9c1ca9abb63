// Builds a free-threaded CPython (3.13, `--disable-gil`) for trying and testing issue 17's GIL
// comparison, following ../shared/notes/free-threaded.md: no registry reachable here ships one, but
// Debian 13 ("trixie") source package python3.13 carries the upstream tarball and builds with
// bookworm's compiler. The source is fetched with apt's own tooling through a PRIVATE apt
// configuration in the cache (the system's sources and lists stay untouched).
//   npm run setup:free-threaded            build once (5 min on an idle 2-core machine, 30+ when busy), then seconds; last line: the path
//   node scripts/setup-free-threaded.mjs --where   the path if built, else nothing (never builds)
// The cache lives outside the repository (shared by clones and worktrees): $INTERLEAVE_CACHE or
// $XDG_CACHE_HOME/interleave or ~/.cache/interleave, folder python3.13t.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystem } from './system.mjs';

const SUITE = 'trixie';
const SOURCE_PACKAGE = 'python3.13';
const cacheRoot = process.env.INTERLEAVE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'interleave');
export const cacheDir = path.join(cacheRoot, 'python3.13t');
export const interpreter = path.join(cacheDir, 'inst', 'bin', 'python3.13t');

/** True when the cached interpreter runs and is really a free-threaded build. */
export function freeThreadedReady() {
  if (!fs.existsSync(interpreter)) return false;
  const r = spawnSync(interpreter, ['-c', 'import sysconfig; print(sysconfig.get_config_var("Py_GIL_DISABLED"))'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === '1';
}

function say(line) {
  process.stderr.write(`[setup:free-threaded] ${line}\n`);
}

/** What stops the set-up, with what to do; the command line prints it, the test tiers decide. */
export class SetupError extends Error {}

function fail(message) {
  throw new SetupError(message);
}

/** Runs a step, its output into the cache's log (make's is thousands of lines); fails with its tail. */
function step(title, cmd, args, cwd, log) {
  const started = Date.now();
  say(`${title}…`);
  const fd = fs.openSync(log, 'a');
  fs.writeSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', fd, fd], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  fs.closeSync(fd);
  if (r.status !== 0) {
    const tail = fs.readFileSync(log, 'utf8').trimEnd().split('\n').slice(-12).join('\n');
    fail(`${title} failed (${r.error?.message ?? `exit status ${r.status}`}); the end of ${log}:\n${tail}\nFix the cause above, then run \`npm run setup:free-threaded\` again.`);
  }
  say(`  ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The Debian mirror the system already uses (first URIs:/deb line), else the public one. */
function debianMirror() {
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  const texts = [deb822, '/etc/apt/sources.list'].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8'));
  for (const text of texts) {
    const m = /^URIs:\s*(\S+)/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/m.exec(text);
    if (m && !/security/.test(m[1])) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/** Downloads the source package with a private apt configuration; returns the orig tarball. */
function fetchSource(log) {
  const aptDir = path.join(cacheDir, 'apt');
  const srcDir = path.join(cacheDir, 'src');
  const found = () => (fs.existsSync(srcDir) ? fs.readdirSync(srcDir).find((f) => /^python3\.13_[\d.]+\.orig\.tar\.xz$/.test(f)) : undefined);
  if (found()) return path.join(srcDir, found());
  fs.mkdirSync(path.join(aptDir, 'lists', 'partial'), { recursive: true });
  fs.mkdirSync(srcDir, { recursive: true });
  const list = path.join(aptDir, `${SUITE}.list`);
  fs.writeFileSync(list, `deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${debianMirror()} ${SUITE} main\n`);
  const apt = ['-o', `Dir::Etc::SourceList=${list}`, '-o', 'Dir::Etc::SourceParts=/dev/null', '-o', `Dir::State::Lists=${path.join(aptDir, 'lists')}`];
  step(`reading Debian ${SUITE}'s source index (private apt configuration, ≈ 10 MB)`, 'apt-get', [...apt, 'update'], cacheDir, log);
  step(`downloading the ${SOURCE_PACKAGE} source package (≈ 22 MB)`, 'apt-get', [...apt, 'source', '--download-only', SOURCE_PACKAGE], srcDir, log);
  if (!found()) fail(`apt-get downloaded no python3.13_*.orig.tar.xz into ${srcDir}; see ${log}, then run \`npm run setup:free-threaded\` again.`);
  return path.join(srcDir, found());
}

/** Configures, builds and installs into the cache's inst/ (nice'd: the machine may be shared). */
function build(tarball, log) {
  const work = path.join(cacheDir, 'build');
  fs.rmSync(work, { recursive: true, force: true }); // only our own half-finished build folder
  fs.mkdirSync(work, { recursive: true });
  step(`unpacking ${path.basename(tarball)}`, 'tar', ['xf', tarball, '-C', work], cacheDir, log);
  const srcTree = path.join(work, fs.readdirSync(work).find((d) => d.startsWith('Python-')) ?? 'Python-3.13');
  const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  step('configuring (--disable-gil --without-ensurepip)', 'nice', ['-n', '10', './configure', '--disable-gil', '--without-ensurepip', `--prefix=${path.join(cacheDir, 'inst')}`], srcTree, log);
  step(`compiling with ${jobs} jobs (the long part: 5 min on 2 idle cores, 30+ on busy ones)`, 'nice', ['-n', '10', 'make', `-j${jobs}`], srcTree, log);
  step('installing into the cache', 'nice', ['-n', '10', 'make', 'install'], srcTree, log);
  fs.rmSync(work, { recursive: true, force: true }); // ≈ 500 MB of objects nobody needs again
}

/** One build at a time per cache (clones and worktrees share it): a second one stops, saying whose it is. */
function lock() {
  const file = path.join(cacheDir, 'build.pid');
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (pid > 0 && alive(pid)) fail(`another build is under way (pid ${pid}, log in ${path.join(cacheDir, 'setup.log')}): wait for it to end, then run \`npm run setup:free-threaded\` again.`);
    fs.writeFileSync(file, String(process.pid)); // left by a build that was killed
  }
  return () => fs.rmSync(file, { force: true });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

export function setupFreeThreaded() {
  if (freeThreadedReady()) return interpreter;
  try {
    ensureSystem(['freeThreaded'], { throwing: true });
  } catch (e) {
    fail(e.message);
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const log = path.join(cacheDir, 'setup.log');
  const release = lock();
  try {
    say(`building a free-threaded CPython into ${cacheDir} (once; log in ${log})`);
    build(fetchSource(log), log);
  } finally {
    release();
  }
  if (!freeThreadedReady()) fail(`the build finished but ${interpreter} is not a free-threaded Python; see ${log}, then run \`npm run setup:free-threaded\` again.`);
  return interpreter;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--where')) {
    if (freeThreadedReady()) console.log(interpreter);
  } else {
    const started = Date.now();
    try {
      const python = setupFreeThreaded();
      say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(python);
    } catch (e) {
      if (!(e instanceof SetupError)) throw e;
      say(e.message);
      process.exitCode = 1;
    }
  }
}
