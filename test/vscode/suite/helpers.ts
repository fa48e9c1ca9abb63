import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InterleaveApi } from '../../../src/extension';

export const EXTENSION_ID = 'interleave-dev.interleave';

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder (examples + fixtures)');
  return vscode.Uri.file(path.join(folder.uri.fsPath, name));
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function interleaveTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('Interleave'));
}

export async function api(): Promise<InterleaveApi> {
  const ext = vscode.extensions.getExtension<InterleaveApi>(EXTENSION_ID)!;
  return ext.activate();
}
