/**
 * Real VS Code for tests: code-server 4.100.3 (VS Code 1.100.3) with the packaged .vsix installed
 * into a fresh profile, on a free port, in its own process group, ended by its PGID.
 * Recipe: ../shared/notes/real-vscode.md.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export { makeWorkspace } from '../workspace';

export const root = path.resolve(__dirname, '..', '..', '..');
export const vsix = path.join(root, 'interleave.vsix');
export const entry = path.join(root, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Installs code-server when missing (cached in .vscode-test/), then builds and packages the .vsix. */
export function prepare(): void {
  if (!fs.existsSync(entry)) execFileSync(process.execPath, [path.join(root, 'scripts', 'setup-code-server.mjs')], { stdio: 'inherit' });
  execFileSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ServerOptions {
  /** Workspace folder to open. */
  folder: string;
  /** Leave workspace trust on (the folder then opens untrusted). */
  trust?: boolean;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Install the packaged .vsix (false: the tests load a development copy through `payload`). */
  install?: boolean;
  env?: NodeJS.ProcessEnv;
}

export class CodeServer {
  readonly dir: string;
  private child: ChildProcess | null = null;
  port = 0;
  log = '';

  constructor(private readonly options: ServerOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-e2e-'));
  }

  get userDataDir(): string {
    return path.join(this.dir, 'user-data');
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, XDG_CONFIG_HOME: path.join(this.dir, 'config'), XDG_DATA_HOME: path.join(this.dir, 'data'), ...this.options.env };
  }

  async start(): Promise<void> {
    const extensions = path.join(this.dir, 'extensions');
    const settings = {
      'workbench.startupEditor': 'none',
      'extensions.ignoreRecommendations': true,
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'workbench.enableExperiments': false,
      'window.commandCenter': false,
      'editor.minimap.enabled': false,
      'security.workspace.trust.startupPrompt': 'never',
      'git.openRepositoryInParentFolders': 'never',
      ...this.options.settings,
    };
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    if (this.options.install !== false) {
      const r = spawnSync(process.execPath, [entry, '--user-data-dir', this.userDataDir, '--extensions-dir', extensions, '--force', '--install-extension', vsix], { env: this.env(), encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`installing the .vsix failed: ${r.stderr || r.stdout}`);
    }
    this.port = await freePort();
    const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${this.port}`, '--disable-telemetry', '--disable-update-check', '--user-data-dir', this.userDataDir, '--extensions-dir', extensions];
    if (!this.options.trust) args.push('--disable-workspace-trust');
    args.push(this.options.folder);
    this.child = spawn(process.execPath, args, { env: this.env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (this.child.exitCode !== null) throw new Error(`code-server exited: ${this.log}`);
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz in 60 s: ${this.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  workspaceUrl(query: Record<string, string> = {}): string {
    const params = new URLSearchParams({ folder: this.options.folder, ...query });
    return `${this.url}/?${params.toString()}`;
  }

  /** Ends code-server and everything it started (its process group), then removes the profile. */
  stop(): void {
    if (this.child?.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.child = null;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}


export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}
