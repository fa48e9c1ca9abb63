// `npm run demo`: real VS Code (code-server 4.100.3) in the browser with the packaged extension
// installed into a fresh profile and examples/ open. Prints the URL; Ctrl+C stops everything.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupCodeServer } from './setup-code-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 0) || (await freePort());
const host = process.env.HOST ?? '127.0.0.1';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address();
      server.close(() => resolve(p));
    });
    server.on('error', reject);
  });
}

const entry = setupCodeServer(); // installs the Debian packages it builds with, once
console.log('[demo] building and packaging the extension…');
execFileSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const profile = path.join(root, '.vscode-test', 'demo-profile');
fs.rmSync(profile, { recursive: true, force: true });
const userData = path.join(profile, 'user-data');
const extensions = path.join(profile, 'extensions');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
fs.writeFileSync(
  path.join(userData, 'User', 'settings.json'),
  JSON.stringify({ 'workbench.startupEditor': 'none', 'extensions.ignoreRecommendations': true, 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off', 'security.workspace.trust.startupPrompt': 'never', 'git.openRepositoryInParentFolders': 'never' }, null, 2),
);
const env = { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'config'), XDG_DATA_HOME: path.join(profile, 'data') };
const install = spawnSync(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--force', '--install-extension', path.join(root, 'interleave.vsix')], { env, encoding: 'utf8' });
if (install.status !== 0) {
  console.error(`[demo] installing the .vsix failed:\n${install.stderr || install.stdout}`);
  process.exit(1);
}
const folder = path.join(root, 'examples');
const server = spawn(process.execPath, [entry, '--auth', 'none', '--bind-addr', `${host}:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', userData, '--extensions-dir', extensions, folder], { env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });

const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('SIGINT', () => {
  stop();
  process.exit(0);
});
process.on('SIGTERM', () => {
  stop();
  process.exit(0);
});
process.on('exit', stop);
server.on('exit', (code) => {
  console.log(`[demo] code-server exited (${code})`);
  process.exit(code ?? 0);
});

for (let i = 0; i < 300; i++) {
  try {
    if ((await fetch(`http://${host}:${port}/healthz`)).ok) break;
  } catch {
    // not yet
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`\n[demo] VS Code with Interleave is ready: http://${host}:${port}/?folder=${encodeURIComponent(folder)}`);
console.log('[demo] Open threads_example.py, right-click inside print_numbers → Run Concurrently. Ctrl+C stops the demo.\n');
