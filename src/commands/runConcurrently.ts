import * as childProcess from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectText, runTraceEvents, type TraceRequest } from '../runner/engine';
import { isUserError, UserError } from '../runner/errors';
import { argumentsSyntaxProblem, functionAt, type FunctionInfo } from '../runner/inspect';
import { promptArguments } from './argumentsPrompt';
import { ARGS_MESSAGES } from './callArguments';
import { functionContaining } from './pythonFunctions';
import { againTargetOf, settingsAgain } from './runAgainTarget';
import { interpreterFor } from '../interpreter/interpreterSource';
import { TimelinePanel } from '../panels/TimelinePanel';
import { runScriptInPanel } from './traceScript';
import { settingsOf } from './runSettings';
import { reportError, workspaceTrusted } from './userMessages';
import { toColumns } from '../shared/columns';
import { LivePreview } from '../runner/livePreview';
import { LIMITS } from '../runner/settings';
import type { RunSettings } from '../panels/traceStore';
import { modelProgress } from '../shared/recording';
import type { Trace } from '../shared/trace';

export { COMMAND } from './ids';

import type { CommandContext } from './context';
export type { CommandContext };

/**
 * How the command was invoked: editor menus pass the document's uri; a CodeLens also the
 * function's name; the panel's Run again `{ again: key }`, a stored recording to run as it ran
 * (Run ×20: `repeat`, each model that many times).
 */
export type RunTarget = { uri?: vscode.Uri; functionName?: string; again?: string; repeat?: number };

/** The command's arguments, however it was invoked, as a RunTarget. */
export function commandTarget(first: unknown, functionName: unknown): RunTarget {
  if (first instanceof vscode.Uri) return { uri: first, functionName: typeof functionName === 'string' ? functionName : undefined };
  return againTargetOf(first) ?? {};
}

/**
 * Run Concurrently: find the target (selection, function at the cursor, or the CodeLens's
 * function), ask for arguments when needed, run every configured model with progress and Cancel,
 * and show the timeline. Returns the trace (for tests), or undefined when nothing ran.
 */
export async function runConcurrently(ctx: CommandContext, target: RunTarget = {}): Promise<Trace | undefined> {
  return runTargetWith(ctx, target, { title: 'Run Concurrently', runJob: execute });
}

/**
 * How a command runs the job it prepared: Run Concurrently executes it; Be the Scheduler runs it,
 * asks for an order and runs it again. `title` is the command's, for what the steps say.
 */
export interface JobRunner {
  title: string;
  runJob: (ctx: CommandContext, job: Job) => Promise<Trace | undefined>;
}

/** Run Concurrently's steps (trust, target, arguments) with the last one, running the job, given by the command. */
export async function runTargetWith(ctx: CommandContext, target: RunTarget, command: JobRunner): Promise<Trace | undefined> {
  try {
    return await run(ctx, target, command);
  } catch (e) {
    await reportError(e);
    return undefined;
  }
}

async function run(ctx: CommandContext, target: RunTarget, command: JobRunner): Promise<Trace | undefined> {
  if (!workspaceTrusted(command.title)) return undefined;
  if (target.again) return runAgain(ctx, target.again, target.repeat);
  const editor = await editorFor(target.uri);
  const document = editor.document;
  if (document.languageId !== 'python') throw new UserError('file', `${command.title} works on Python files; ${path.basename(document.fileName)} is ${document.languageId}.`);
  if (document.isUntitled) throw new UserError('file', 'Save this Python file first: Interleave loads it as a module, with its folder on the import path.');
  const file = document.uri.fsPath;
  // The webview takes a second or more to start: when the run will most likely go ahead without
  // a question, open the panel now so that it starts while Python looks at the file. If the run
  // does not happen after all (bad input, a prompt cancelled), it closes again.
  const guess = target.functionName ?? (editor.selection.isEmpty ? functionContaining(document.getText(), editor.selection.active.line) : 'selection');
  const early = !TimelinePanel.current && guess ? TimelinePanel.createOrShow(ctx.extensionUri, ctx.store, `Interleave: ${guess}`) : undefined;
  try {
    return await prepareAndRun(ctx, target, editor, file, early, command);
  } finally {
    if (early && !early.started) early.dispose(); // nothing ran in it
  }
}

async function prepareAndRun(ctx: CommandContext, target: RunTarget, editor: vscode.TextEditor, file: string, early: TimelinePanel | undefined, command: JobRunner): Promise<Trace | undefined> {
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
    return command.runJob(ctx, { request, settings, title: `Interleave: lines ${startLine + 1}–${endLine + 1}`, pythonText: pythonText(python), early });
  }
  request.inspection = await inspectText(childProcess.spawn, python.executable, file, request.text!);
  const fn = await chooseFunction(request.inspection.functions, file, target.functionName, selection.active.line + 1);
  if (!fn) return undefined;
  request.function = settings.function = fn.name;
  const job = { request, settings, title: `Interleave: ${fn.name}`, pythonText: pythonText(python), early };
  if (!fn.required.length) return command.runJob(ctx, job);
  // Arguments the run could not evaluate (a NameError…) bring the box back with them and the problem.
  let problem: string | undefined;
  const checker = request.inspection.python.executable || python.executable; // the real binary: a pyenv shim costs its start-up per check
  for (;;) {
    const args = await askArguments(ctx.memento, file, fn, checker, problem);
    if (args === undefined) return undefined;
    request.args = settings.args = args;
    try {
      return await command.runJob(ctx, job);
    } catch (e) {
      if (!(isUserError(e) && e.kind === 'args' && e.details.problem)) throw e;
      problem = ARGS_MESSAGES.evaluation(e.details.problem);
    }
  }
}

/**
 * Run again: a stored recording's target (as the file reads now), with the settings and arguments
 * it ran with — each model `repeat` times instead, for Run ×20.
 */
async function runAgain(ctx: CommandContext, key: string, repeat?: number): Promise<Trace | undefined> {
  const stored = await ctx.store.find(key);
  if (!stored) throw new UserError('file', `That recording is no longer stored (the panel keeps the last ${LIMITS.recordings}). Run the function from its file instead.`);
  const { recording } = stored;
  const settings = settingsAgain(stored.settings, repeat);
  if (settings.script) return runScriptInPanel(ctx, settings); // a program as written: as it ran
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
export interface Job {
  request: TraceRequest;
  settings: RunSettings;
  title: string;
  /** "Python 3.12.1 (/usr/bin/python3)", for the output channel. */
  pythonText: string;
  /** A panel opened ahead of the run, while Python looked at the file. */
  early?: TimelinePanel;
}

/** Runs every model with progress and Cancel, shows the timeline and keeps the recording. */
export async function execute(ctx: CommandContext, job: Job): Promise<Trace> {
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
          // with repetitions, a model's progress is said once; each repetition is previewed as it runs, on its own
          if (repetition > 0) return [new LivePreview((events) => panel.post({ type: 'events', model, repetition, columns: toColumns(events) }))];
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

/** The engine's request for these settings (target and Python added by the caller). */
function requestOf(s: RunSettings): TraceRequest {
  return { python: '', file: s.file, models: s.models, workers: s.workers, timeoutSeconds: s.timeoutSeconds, startMethod: s.startMethod, maxEvents: s.maxEvents, sampleHz: s.sampleHz,
    deadlockSeconds: s.deadlockSeconds, repeat: s.repeat, align: s.align, switchInterval: s.switchInterval, ...(s.order ? { order: s.order } : {}),
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

