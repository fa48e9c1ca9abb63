import * as childProcess from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectText, runTraceEvents, type TraceRequest } from '../runner/engine';
import { isUserError, UserError } from '../runner/errors';
import { functionAt, type FunctionInfo } from '../runner/inspect';
import { functionContaining } from './pythonFunctions';
import { interpreterFor } from '../interpreter/interpreterSource';
import { TimelinePanel } from '../panels/TimelinePanel';
import { toColumns } from '../shared/columns';
import { LivePreview } from '../runner/livePreview';
import { DEFAULTS, LIMITS } from '../runner/settings';
import { timeLimitProblem } from '../runner/timeLimit';
import type { TraceStore } from '../panels/traceStore';
import { ALL_MODELS, type Model, type StartMethod, type Trace } from '../shared/trace';

export const COMMAND = 'interleave.runConcurrently';

export interface CommandContext {
  extensionUri: vscode.Uri;
  store: TraceStore;
  output: vscode.OutputChannel;
  memento: vscode.Memento;
}

/** How the command was invoked: editor menus pass the document's uri; a CodeLens also the function's name. */
export type RunTarget = { uri?: vscode.Uri; functionName?: string };

/**
 * Run Concurrently: find the target (selection, function at the cursor, or the CodeLens's
 * function), ask for arguments when needed, run every configured model with progress and Cancel,
 * and show the timeline. Returns the trace (for tests), or undefined when nothing ran.
 */
export async function runConcurrently(ctx: CommandContext, target: RunTarget = {}): Promise<Trace | undefined> {
  try {
    return await run(ctx, target);
  } catch (e) {
    await reportError(e);
    return undefined;
  }
}

async function run(ctx: CommandContext, target: RunTarget): Promise<Trace | undefined> {
  if (!vscode.workspace.isTrusted) {
    const manage = 'Manage Workspace Trust';
    void vscode.window
      .showWarningMessage('Interleave runs your Python code, so it needs a trusted workspace. Trust this workspace to use Run Concurrently.', manage)
      .then((choice) => choice === manage && vscode.commands.executeCommand('workbench.trust.manage'));
    return undefined;
  }
  const editor = await editorFor(target.uri);
  const document = editor.document;
  if (document.languageId !== 'python') throw new UserError('file', `Run Concurrently works on Python files; ${path.basename(document.fileName)} is ${document.languageId}.`);
  if (document.isUntitled) throw new UserError('file', 'Save this Python file first: Interleave loads it as a module, with its folder on the import path.');
  const file = document.uri.fsPath;
  // The webview takes a second or more to start: when the run will most likely go ahead without
  // a question, open the panel now so that it starts while Python looks at the file. If the run
  // does not happen after all (bad input, a prompt cancelled), it closes again.
  const guess = target.functionName ?? (editor.selection.isEmpty ? functionContaining(document.getText(), editor.selection.active.line) : 'selection');
  const early = !TimelinePanel.current && guess ? TimelinePanel.createOrShow(ctx.extensionUri, ctx.store, `Interleave: ${guess}`) : undefined;
  try {
    return await prepareAndRun(ctx, target, editor, file, early);
  } finally {
    if (early && !early.started) early.dispose(); // nothing ran in it
  }
}

async function prepareAndRun(ctx: CommandContext, target: RunTarget, editor: vscode.TextEditor, file: string, early: TimelinePanel | undefined): Promise<Trace | undefined> {
  const document = editor.document;
  const config = vscode.workspace.getConfiguration('interleave', document.uri);
  const python = await interpreterFor(document.uri);
  const text = document.getText();

  const request: TraceRequest = {
    python: python.executable,
    file,
    text,
    models: validModels(config.get<string[]>('models', [...DEFAULTS.models])),
    workers: clamp(Math.floor(config.get<number>('workers', DEFAULTS.workers)), LIMITS.workers.min, LIMITS.workers.max),
    timeoutSeconds: timeLimitSetting(config),
    startMethod: startMethodSetting(config.get<string>('startMethod', 'default')),
    maxEvents: Math.max(LIMITS.maxEvents.min, Math.floor(config.get<number>('maxEvents', DEFAULTS.maxEvents))),
  };
  let title: string;
  const selection = editor.selection;
  if (!target.functionName && !selection.isEmpty) {
    const startLine = selection.start.line;
    const endLine = selection.end.character === 0 && selection.end.line > startLine ? selection.end.line - 1 : selection.end.line;
    const range = new vscode.Range(startLine, 0, endLine, document.lineAt(endLine).text.length);
    request.snippet = { text: document.getText(range), startLine: startLine + 1, endLine: endLine + 1 };
    title = `Interleave: lines ${startLine + 1}–${endLine + 1}`;
  } else {
    request.inspection = await inspectText(childProcess.spawn, python.executable, file, text);
    const fn = await chooseFunction(request.inspection.functions, file, target.functionName, selection.active.line + 1);
    if (!fn) return undefined;
    request.function = fn.name;
    if (fn.required.length) {
      const args = await askArguments(ctx.memento, file, fn);
      if (args === undefined) return undefined;
      request.args = args;
    }
    title = `Interleave: ${fn.name}`;
  }

  const panel = early && TimelinePanel.current === early ? early : TimelinePanel.createOrShow(ctx.extensionUri, ctx.store, title);
  panel.showRunning(file, { type: 'running', title, models: request.models, workers: request.workers });
  ctx.output.appendLine(`── ${title.replace('Interleave: ', '')} · ${path.basename(file)} · Python ${python.version} (${python.executable}) ──`);

  const { trace, events } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return runTraceEvents({
        ...request,
        signal: controller.signal,
        onOutput: (_model, _stream, chunk) => ctx.output.append(chunk),
        follow: (model) => {
          progress.report({ message: `${model} run…`, increment: 100 / request.models.length });
          ctx.output.appendLine(`[${model}]`);
          // typed columns + one text table per poll: VS Code transfers them, no object graph
          return [new LivePreview((events) => panel.post({ type: 'events', model, columns: toColumns(events) }))];
        },
      });
    },
  ).then(undefined, (e: unknown) => {
    panel.post({ type: 'failed', message: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    throw e;
  });
  // The panel and the store take the events as the runner keeps them (columns, JSON bytes);
  // event objects are made only afterwards, for the trace this command returns.
  const key = await ctx.store.save(trace, events);
  panel.showTrace(trace, key, events);
  trace.runs.forEach((run, i) => (run.events = events[i].toEvents()));
  return trace;
}

async function editorFor(uri: vscode.Uri | undefined): Promise<vscode.TextEditor> {
  const active = vscode.window.activeTextEditor;
  if (active && (!uri || active.document.uri.toString() === uri.toString())) return active;
  if (uri) {
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    if (open) return open;
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preserveFocus: true });
  }
  throw new UserError('file', 'Open a Python file and put the cursor in a function (or select some statements), then run Interleave: Run Concurrently.');
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.max(min, Math.min(max, n)) : min;
}

/** interleave.timeoutSeconds, by the CLI's rule: a bad one is said, never turned into 1 ms. */
function timeLimitSetting(config: vscode.WorkspaceConfiguration): number {
  const seconds = Number(config.get<unknown>('timeoutSeconds', DEFAULTS.timeoutSeconds));
  const problem = timeLimitProblem(seconds);
  if (problem) throw new UserError('args', `The setting interleave.timeoutSeconds ${problem}: change it in Settings.`);
  return seconds;
}

function startMethodSetting(value: string): StartMethod | undefined {
  return value === 'fork' || value === 'spawn' || value === 'forkserver' ? value : undefined;
}

function validModels(models: string[]): Model[] {
  const valid = models.filter((m): m is Model => (ALL_MODELS as readonly string[]).includes(m));
  return valid.length ? valid : [...DEFAULTS.models];
}

/** The function named by the CodeLens, at the cursor, or picked from a list. */
async function chooseFunction(functions: FunctionInfo[], file: string, name: string | undefined, cursorLine: number): Promise<FunctionInfo | undefined> {
  if (name) {
    const named = functions.find((f) => f.name === name);
    if (named) return named;
  }
  const here = name ? undefined : functionAt(functions, cursorLine);
  if (here) return here;
  if (!functions.length) throw new UserError('function', `${path.basename(file)} has no top-level function to run. Define one, or select the statements to run.`);
  const picked = await vscode.window.showQuickPick(
    functions.map((f) => ({ label: f.name, description: `(${f.params.join(', ')})`, detail: `line ${f.line}${f.isAsync ? ' · async' : ''}`, fn: f })),
    { title: 'Run Concurrently', placeHolder: 'The cursor is not inside a top-level function: pick one to run' },
  );
  return picked?.fn;
}

/** Arguments for a function with required parameters: asked once, remembered per function. */
async function askArguments(memento: vscode.Memento, file: string, fn: FunctionInfo): Promise<string | undefined> {
  const key = `interleave.args:${file}#${fn.name}`;
  const remembered = memento.get<string>(key);
  const value = await vscode.window.showInputBox({
    title: `Arguments for ${fn.name}(${fn.params.join(', ')})`,
    prompt: `A Python call's arguments, as inside ${fn.name}(…), evaluated in the module — e.g. ${fn.required.map((p, i) => (i === 0 ? '"bob"' : `${p}=3`)).join(', ')}`,
    value: remembered ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : `${fn.name} needs: ${fn.required.join(', ')}`),
  });
  if (value === undefined) return undefined;
  await memento.update(key, value);
  return value;
}

/** Shows the error without waiting for the user to dismiss it (the command must return). */
async function reportError(e: unknown): Promise<void> {
  if (!isUserError(e)) {
    void vscode.window.showErrorMessage(`Interleave failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const actions: string[] = [];
  const { file, line, col } = e.details;
  if (line && file) actions.push('Show Line');
  if (e.kind === 'python') actions.push('Open Settings');
  if (e.kind === 'syntax' && file && line) await showLine(file, line, col); // the line the message names
  const message = e.message.split('\n')[0].split(file ?? '\0').join(path.basename(file ?? '')); // the name, not the full path
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
