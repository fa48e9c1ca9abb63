import * as childProcess from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectText, runTraceEvents, type TraceRequest } from '../runner/engine';
import { isUserError, UserError } from '../runner/errors';
import { argumentsSyntaxProblem, functionAt, type FunctionInfo } from '../runner/inspect';
import { promptArguments } from './argumentsPrompt';
import { ARGS_MESSAGES } from './callArguments';
import { functionContaining } from './pythonFunctions';
import { interpreterFor } from '../interpreter/interpreterSource';
import { TimelinePanel } from '../panels/TimelinePanel';
import { toColumns } from '../shared/columns';
import { LivePreview } from '../runner/livePreview';
import { DEFAULTS, LIMITS, checkDeadlockSeconds } from '../runner/settings';
import type { RunSettings, TraceStore } from '../panels/traceStore';
import { modelProgress } from '../shared/recording';
import { timeLimitProblem } from '../runner/timeLimit';
import { ALL_MODELS, type Model, type StartMethod, type Trace } from '../shared/trace';

export { COMMAND } from './ids';

export interface CommandContext {
  extensionUri: vscode.Uri;
  store: TraceStore;
  output: vscode.OutputChannel;
  memento: vscode.Memento;
}

/**
 * How the command was invoked: editor menus pass the document's uri; a CodeLens also the
 * function's name; the panel's Run again `{ again: key }`, a stored recording to run as it ran.
 */
export type RunTarget = { uri?: vscode.Uri; functionName?: string; again?: string };

/** The command's arguments, however it was invoked, as a RunTarget. */
export function commandTarget(first: unknown, functionName: unknown): RunTarget {
  if (first instanceof vscode.Uri) return { uri: first, functionName: typeof functionName === 'string' ? functionName : undefined };
  const again = (first as { again?: unknown } | undefined)?.again;
  return typeof again === 'string' ? { again } : {};
}

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
  if (target.again) return runAgain(ctx, target.again);
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
  const python = await interpreterFor(document.uri);
  const settings = settingsOf(vscode.workspace.getConfiguration('interleave', document.uri), file);
  const request: TraceRequest = { ...requestOf(settings), python: python.executable, text: document.getText() };
  const selection = editor.selection;
  if (!target.functionName && !selection.isEmpty) {
    const startLine = selection.start.line;
    const endLine = selection.end.character === 0 && selection.end.line > startLine ? selection.end.line - 1 : selection.end.line;
    settings.lines = { startLine: startLine + 1, endLine: endLine + 1 };
    request.snippet = snippetOf(document, settings.lines);
    return execute(ctx, { request, settings, title: `Interleave: lines ${startLine + 1}–${endLine + 1}`, pythonText: pythonText(python), early });
  }
  request.inspection = await inspectText(childProcess.spawn, python.executable, file, request.text!);
  const fn = await chooseFunction(request.inspection.functions, file, target.functionName, selection.active.line + 1);
  if (!fn) return undefined;
  request.function = settings.function = fn.name;
  const job = { request, settings, title: `Interleave: ${fn.name}`, pythonText: pythonText(python), early };
  if (!fn.required.length) return execute(ctx, job);
  // Arguments the run could not evaluate (a NameError…) bring the box back with them and the problem.
  let problem: string | undefined;
  const checker = request.inspection.python.executable || python.executable; // the real binary: a pyenv shim costs its start-up per check
  for (;;) {
    const args = await askArguments(ctx.memento, file, fn, checker, problem);
    if (args === undefined) return undefined;
    request.args = settings.args = args;
    try {
      return await execute(ctx, job);
    } catch (e) {
      if (!(isUserError(e) && e.kind === 'args' && e.details.problem)) throw e;
      problem = ARGS_MESSAGES.evaluation(e.details.problem);
    }
  }
}

/** Run again: a stored recording's target (as the file reads now), with the settings and arguments it ran with. */
async function runAgain(ctx: CommandContext, key: string): Promise<Trace | undefined> {
  const stored = await ctx.store.find(key);
  if (!stored) throw new UserError('file', `That recording is no longer stored (the panel keeps the last ${LIMITS.recordings}). Run the function from its file instead.`);
  const { settings, recording } = stored;
  const uri = vscode.Uri.file(settings.file);
  const document = await vscode.workspace.openTextDocument(uri).then(undefined, () => {
    throw new UserError('file', `${path.basename(settings.file)} is no longer there. Open the file to run, then run Interleave: Run Concurrently.`, { file: settings.file });
  });
  const python = await interpreterFor(uri);
  const request: TraceRequest = { ...requestOf(settings), python: python.executable, text: document.getText() };
  if (settings.lines) request.snippet = snippetOf(document, settings.lines);
  else request.function = settings.function;
  return execute(ctx, { request, settings, title: `Interleave: ${recording.target}`, pythonText: pythonText(python) });
}

/** A run to do: the engine's request, the settings that make it again, what to call it. */
interface Job {
  request: TraceRequest;
  settings: RunSettings;
  title: string;
  /** "Python 3.12.1 (/usr/bin/python3)", for the output channel. */
  pythonText: string;
  /** A panel opened ahead of the run, while Python looked at the file. */
  early?: TimelinePanel;
}

/** Runs every model with progress and Cancel, shows the timeline and keeps the recording. */
async function execute(ctx: CommandContext, job: Job): Promise<Trace> {
  const { request, settings, title } = job;
  const panel = job.early && TimelinePanel.current === job.early ? job.early : TimelinePanel.createOrShow(ctx.extensionUri, ctx.store, title);
  const startedAt = Date.now();
  panel.showRunning(request.file, { type: 'running', title, models: request.models, workers: request.workers });
  ctx.output.appendLine(`── ${title.replace('Interleave: ', '')} · ${path.basename(request.file)} · ${job.pythonText} ──`);

  const { trace, events } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return runTraceEvents({
        ...request,
        signal: controller.signal,
        onOutput: (_model, _stream, chunk) => ctx.output.append(chunk),
        follow: (model, repetition) => {
          const index = request.models.indexOf(model);
          // with repetitions, a model's progress is said once; each repetition is previewed as it runs
          if (repetition > 0) return [new LivePreview((events) => panel.post({ type: 'events', model, columns: toColumns(events) }))];
          progress.report({ message: `${modelProgress(index, request.models.length, model)} run…`, increment: 100 / request.models.length });
          panel.post({ type: 'progress', model, index, total: request.models.length });
          ctx.output.appendLine(`[${model}]`);
          // typed columns + one text table per poll: VS Code transfers them, no object graph
          return [new LivePreview((events) => panel.post({ type: 'events', model, columns: toColumns(events) }))];
        },
      });
    },
  ).then(undefined, (e: unknown) => {
    panel.post({ type: 'failed', message: failureMessage(e) });
    throw e;
  });
  // The panel and the store take the events as the runner keeps them (columns, JSON bytes);
  // event objects are made only afterwards, for the trace this command returns.
  const recording = await ctx.store.save(trace, settings, startedAt, events);
  panel.showTrace(trace, recording.key, events);
  trace.runs.forEach((run, i) => (run.events = events[i].toEvents()));
  return trace;
}

/** What the panel says when a run fails: bad arguments in the editor's words, not the CLI's. */
function failureMessage(e: unknown): string {
  if (isUserError(e) && e.kind === 'args' && e.details.problem) return ARGS_MESSAGES.inPanel(ARGS_MESSAGES.evaluation(e.details.problem));
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/** The settings of this moment, for `file` (its folder's settings). */
function settingsOf(config: vscode.WorkspaceConfiguration, file: string): RunSettings {
  return {
    file,
    models: validModels(config.get<string[]>('models', [...DEFAULTS.models])),
    workers: clamp(Math.floor(config.get<number>('workers', DEFAULTS.workers)), LIMITS.workers.min, LIMITS.workers.max),
    timeoutSeconds: timeLimitSetting(config),
    startMethod: startMethodSetting(config.get<string>('startMethod', 'default')),
    maxEvents: Math.max(LIMITS.maxEvents.min, Math.floor(config.get<number>('maxEvents', DEFAULTS.maxEvents))),
    sampleHz: clamp(Math.floor(config.get<number>('sampleHz', DEFAULTS.sampleHz)), LIMITS.sampleHz.min, LIMITS.sampleHz.max),
    deadlockSeconds: deadlockSetting(config),
    repeat: clamp(Math.floor(config.get<number>('repeat', DEFAULTS.repeat)), LIMITS.repeat.min, LIMITS.repeat.max),
    align: config.get<boolean>('align', DEFAULTS.align) === true,
    switchInterval: switchIntervalSetting(config.get<number | null>('switchInterval', DEFAULTS.switchInterval)),
    comparePythons: compareWithSetting(config.get<unknown>('compareWith', [])),
  };
}

/** The interpreters to compare with: the non-empty strings of the setting (anything else is ignored). */
function compareWithSetting(s: unknown): string[] {
  return Array.isArray(s) ? s.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim()) : [];
}

/** The thread models' switch interval: null (Python's own) unless a number of seconds, kept within its limits. */
function switchIntervalSetting(s: number | null): number | null {
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? clamp(s, LIMITS.switchInterval.min, LIMITS.switchInterval.max) : null;
}

/** The engine's request for these settings (target and Python added by the caller). */
function requestOf(s: RunSettings): TraceRequest {
  return { python: '', file: s.file, models: s.models, workers: s.workers, timeoutSeconds: s.timeoutSeconds, startMethod: s.startMethod, maxEvents: s.maxEvents, sampleHz: s.sampleHz,
    deadlockSeconds: s.deadlockSeconds, repeat: s.repeat, align: s.align, switchInterval: s.switchInterval,
    comparePythons: s.comparePythons };
}

/** Lines `startLine`–`endLine` (1-based) of the document as it reads now. */
function snippetOf(document: vscode.TextDocument, lines: { startLine: number; endLine: number }): NonNullable<TraceRequest['snippet']> {
  const last = Math.max(0, document.lineCount - 1);
  const start = Math.min(lines.startLine - 1, last);
  const end = Math.max(start, Math.min(lines.endLine - 1, last));
  const range = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
  return { text: document.getText(range), startLine: start + 1, endLine: end + 1 };
}

function pythonText(python: { version: string; executable: string }): string {
  return `Python ${python.version} (${python.executable})`;
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

/** interleave.deadlockSeconds, by the CLI's rule: a bad one is said, not guessed at. */
function deadlockSetting(config: vscode.WorkspaceConfiguration): number {
  const seconds = Number(config.get<unknown>('deadlockSeconds', DEFAULTS.deadlockSeconds));
  const problem = checkDeadlockSeconds(seconds, 'The setting interleave.deadlockSeconds');
  if (problem) throw new UserError('args', `${problem}: change it in Settings.`);
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

/**
 * Arguments for a function with required parameters: asked once, remembered per function; the
 * box stays open on arguments Python cannot parse. `problem`: why the last ones were refused.
 */
async function askArguments(memento: vscode.Memento, file: string, fn: FunctionInfo, python: string, problem?: string): Promise<string | undefined> {
  const key = `interleave.args:${file}#${fn.name}`;
  const value = await promptArguments(vscode.window.createInputBox(), {
    function: fn.name,
    params: fn.params,
    required: fn.required,
    value: memento.get<string>(key) ?? '',
    problem,
    checkWithPython: (args) => argumentsSyntaxProblem(childProcess.spawn, python, args),
  });
  if (value !== undefined) await memento.update(key, value);
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
