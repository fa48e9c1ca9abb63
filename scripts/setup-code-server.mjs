// Installs real VS Code as code-server 4.100.3 (VS Code 1.100.3, runs on Node 20) into
// .vscode-test/code-server, following ../shared/notes/real-vscode.md. Idempotent: a marker file
// makes a rerun instant. Installs the Debian packages it builds with first (scripts/system.mjs).
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystem } from './system.mjs';

export const VERSION = '4.100.3';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const toolDir = path.join(root, '.vscode-test', 'code-server');
export const entry = path.join(toolDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const marker = path.join(toolDir, `.ready-${VERSION}`);

function sh(cmd, cwd) {
  const started = Date.now();
  process.stderr.write(`[setup] ${path.relative(root, cwd) || '.'}$ ${cmd}\n`);
  execSync(cmd, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false' } });
  process.stderr.write(`[setup]   (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

export function codeServerReady() {
  return fs.existsSync(marker) && fs.existsSync(entry);
}

export function setupCodeServer() {
  if (codeServerReady()) return entry;
  ensureSystem(['codeServer']);
  const rg = execSync('command -v rg', { encoding: 'utf8' }).trim();
  fs.mkdirSync(toolDir, { recursive: true });
  if (!fs.existsSync(path.join(toolDir, 'package.json'))) fs.writeFileSync(path.join(toolDir, 'package.json'), '{ "private": true }\n');
  sh(`npm install --no-save --ignore-scripts --loglevel=error code-server@${VERSION}`, toolDir);
  const vscodeDir = path.join(toolDir, 'node_modules', 'code-server', 'lib', 'vscode');
  sh('npm install --unsafe-perm --omit=dev --ignore-scripts --loglevel=error', vscodeDir);
  sh('npm rebuild node-pty @vscode/spdlog kerberos native-watchdog @parcel/watcher @vscode/deviceid', vscodeDir);
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgBin, { recursive: true });
  fs.copyFileSync(rg, path.join(rgBin, 'rg'));
  fs.chmodSync(path.join(rgBin, 'rg'), 0o755);
  const link = (target, at) => {
    fs.rmSync(at, { force: true });
    fs.symlinkSync(target, at);
  };
  link('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  link('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  sh('npm install --unsafe-perm --omit=dev --loglevel=error', path.join(vscodeDir, 'extensions'));
  sh('npm rebuild argon2', toolDir);
  fs.writeFileSync(marker, new Date().toISOString());
  return entry;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  setupCodeServer();
  console.log(`code-server ${VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${entry}`);
}
