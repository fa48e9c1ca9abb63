/** What the commands tell the user: a workspace that is not trusted, an error (with the line it names). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isUserError } from '../runner/errors';
import { ARGS_MESSAGES } from './callArguments';

/** Whether the workspace is trusted; if not, says so (with the way to trust it) and nothing runs. */
export function workspaceTrusted(command: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(`Interleave runs your Python code, so it needs a trusted workspace. Trust this workspace to use ${command}.`, manage)
    .then((choice) => choice === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

/** Shows the error without waiting for the user to dismiss it (the command must return). */
export async function reportError(e: unknown): Promise<void> {
  if (!isUserError(e)) {
    void vscode.window.showErrorMessage(`Interleave failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const actions: string[] = [];
  const { file, line, col } = e.details;
  if (line && file) actions.push('Show Line');
  if (e.kind === 'python') actions.push('Open Settings');
  if (e.kind === 'syntax' && file && line) await showLine(file, line, col); // the line the message names
  const words = e.kind === 'args' && e.details.problem ? ARGS_MESSAGES.evaluation(e.details.problem) : e.message; // not the CLI's --args
  const message = words.split('\n')[0].split(file ?? '\0').join(path.basename(file ?? '')); // the name, not the full path
  void vscode.window.showErrorMessage(`Interleave: ${message}`, ...actions).then(async (choice) => {
    if (choice === 'Show Line' && file && line) await showLine(file, line, col);
    else if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'interleave.pythonPath');
  });
}

async function showLine(file: string, line: number, col: number | null | undefined): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, (col ?? 1) - 1));
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}
