/** The panel's Export…: pick what, pick where (a save dialog), write it; say so when it fails. */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPORT_KINDS, exportFileName, type ExportSource } from '../export/exportKinds';

/** Export… of the open timeline, for the keyboard and the Command Palette. */
export const EXPORT_COMMAND = 'interleave.exportTimeline';

export async function exportTimeline(source: ExportSource): Promise<void> {
  const items = EXPORT_KINDS.map((kind) => ({ label: kind.label, description: kind.description, choice: kind }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Export the timeline', placeHolder: 'What to export' });
  if (!picked) return;
  const kind = picked.choice;
  const uri = await vscode.window.showSaveDialog({
    title: `Export ${kind.what}`,
    saveLabel: 'Export',
    filters: { [kind.filter.name]: kind.filter.extensions },
    defaultUri: vscode.Uri.file(path.join(path.dirname(source.trace.target.file), exportFileName(source.trace, kind))),
  });
  if (!uri) return;
  let bytes: Uint8Array;
  try {
    bytes = await kind.content(source);
  } catch (e) {
    void vscode.window.showErrorMessage(`Interleave could not make ${kind.what}: ${reasonOf(e)}.`);
    return;
  }
  try {
    await replaceWhole(uri, bytes);
  } catch (e) {
    void vscode.window.showErrorMessage(`Interleave could not write ${kind.what} to ${uri.fsPath}: ${reasonOf(e)}. Choose another place and export again.`);
    return;
  }
  vscode.window.setStatusBarMessage(`Interleave: exported ${kind.what} to ${path.basename(uri.fsPath)}`, 5000);
}

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');

/** Replaces `uri` only by a complete file: written beside it, then renamed over it (any file system). */
async function replaceWhole(uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const temp = uri.with({ path: path.posix.join(path.posix.dirname(uri.path), `.${path.posix.basename(uri.path)}.${randomBytes(4).toString('hex')}.tmp`) });
  try {
    await vscode.workspace.fs.writeFile(temp, bytes);
    await vscode.workspace.fs.rename(temp, uri, { overwrite: true });
  } catch (e) {
    await Promise.resolve(vscode.workspace.fs.delete(temp)).catch(() => undefined); // it may not exist
    throw e;
  }
}
