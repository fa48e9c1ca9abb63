import * as childProcess from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runScriptEvents } from '../runner/scriptRun';
import { UserError } from '../runner/errors';
import { interpreterFor } from '../interpreter/interpreterSource';
import { TimelinePanel } from '../panels/TimelinePanel';
import { toColumns } from '../shared/columns';
import { LivePreview } from '../runner/livePreview';
import type { RunSettings } from '../panels/traceStore';
import type { Trace } from '../shared/trace';
import type { CommandContext } from './context';
import { settingsOf } from './runSettings';
import { reportError, workspaceTrusted } from './userMessages';
import { splitArguments } from './scriptArguments';
import { scriptWorkingDirectory } from '../runner/workingDirectory';

/**
 * Trace Script: run the whole file as written (its `if __name__ == "__main__":` block included),
 * with the arguments asked for (remembered per file), and show every thread, process and task it
 * made as a lane of the timeline. The file is saved first: its spawn children import it from disk.
 */
export async function traceScript(ctx: CommandContext, uri?: unknown): Promise<Trace | undefined> {
  try {
    if (!workspaceTrusted('Trace Script')) return undefined;
    const file = await savedFile(uri instanceof vscode.Uri ? uri : undefined);
    const key = `interleave.scriptArgs:${file}`;
    const typed = await vscode.window.showInputBox({
      title: `Trace Script: ${path.basename(file)}`,
      prompt: 'Arguments for the script (sys.argv[1:]), as in a shell; empty for none',
      value: ctx.memento.get<string>(key) ?? '',
    });
    if (typed === undefined) return undefined;
    await ctx.memento.update(key, typed);
    const settings: RunSettings = { ...settingsOf(vscode.workspace.getConfiguration('interleave', vscode.Uri.file(file)), file), models: ['script'], script: { argv: splitArguments(typed) } };
    return await runScriptInPanel(ctx, settings);
  } catch (e) {
    await reportError(e);
    return undefined;
  }
}

/** The Python file to trace, saved: the Explorer's, else the active editor's. */
async function savedFile(uri: vscode.Uri | undefined): Promise<string> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document) throw new UserError('file', 'Open a Python file (or pick one in the Explorer), then run Interleave: Trace Script.');
  if (document.languageId !== 'python') throw new UserError('file', `Trace Script runs Python files; ${path.basename(document.fileName)} is ${document.languageId}: open a .py file.`);
  if (document.isUntitled) throw new UserError('file', 'Save this Python file first: Trace Script runs it from its folder, as python FILE does.');
  if (document.isDirty && !(await document.save())) throw new UserError('file', `${path.basename(document.fileName)} could not be saved: save it, then trace it again.`);
  return document.uri.fsPath;
}

/** Runs the program with progress and Cancel, shows its timeline and keeps the recording (also for Run again). */
export async function runScriptInPanel(ctx: CommandContext, settings: RunSettings): Promise<Trace> {
  const file = settings.file;
  const title = `Interleave: ${path.basename(file)}`;
  const python = await interpreterFor(vscode.Uri.file(file));
  const panel = TimelinePanel.createOrShow(ctx.extensionUri, ctx.store, title);
  const startedAt = Date.now();
  panel.showRunning(file, { type: 'running', title, models: ['script'], workers: 1 });
  ctx.output.appendLine(`── ${path.basename(file)} as written · Python ${python.version} (${python.executable}) ──`);
  const { trace, events } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    progress.report({ message: 'the program runs…' });
    panel.post({ type: 'progress', model: 'script', index: 0, total: 1 });
    return runScriptEvents({
      python: python.executable, file, argv: settings.script?.argv ?? [], cwd: workingDirectoryFor(file), timeoutSeconds: settings.timeoutSeconds, maxEvents: settings.maxEvents,
      sampleHz: settings.sampleHz, deadlockSeconds: settings.deadlockSeconds,
      signal: controller.signal, spawn: childProcess.spawn,
      onOutput: (_stream, chunk) => ctx.output.append(chunk),
      follow: () => [new LivePreview((fresh) => panel.post({ type: 'events', model: 'script', columns: toColumns(fresh) }))],
    });
  }).then(undefined, (e: unknown) => {
    panel.post({ type: 'failed', message: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    throw e;
  });
  const recording = await ctx.store.save(trace, { ...settings, workers: trace.runs[0].workers }, startedAt, events);
  panel.showTrace(trace, recording.key, events);
  trace.runs[0].events = events[0].toEvents();
  return trace;
}

/** interleave.scriptWorkingDirectory as it is now (Run again too), relative paths from the file's workspace folder. */
function workingDirectoryFor(file: string): string {
  const uri = vscode.Uri.file(file);
  const setting = vscode.workspace.getConfiguration('interleave', uri).get<unknown>('scriptWorkingDirectory', '');
  return scriptWorkingDirectory(typeof setting === 'string' ? setting : '', file, vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath);
}
