import * as vscode from 'vscode';
import { RunCodeLensProvider } from './commands/codeLens';
import { COMMAND, commandTarget, runConcurrently, type CommandContext } from './commands/runConcurrently';
import { SCHEDULER_COMMAND, beTheScheduler } from './commands/beTheScheduler';
import { EXPORT_COMMAND } from './panels/exportTimeline';
import { compareWithTrace } from './panels/compareWithTrace';
import { COMPARE_COMMAND, TRACE_SCRIPT_COMMAND } from './commands/ids';
import { traceScript } from './commands/traceScript';
import { TimelinePanel } from './panels/TimelinePanel';
import { TraceStore } from './panels/traceStore';
import type { TimelineState } from './shared/protocol';
import type { Recording } from './shared/recording';
import type { Trace } from './shared/trace';

/** What the extension exports (used by the integration tests). */
export interface InterleaveApi {
  /** Traces the current panel has been given, in order. */
  shownTraces(): readonly Trace[];
  /** The recordings kept for the panel's history, newest first. */
  recordings(): Promise<Recording[]>;
}

// Registers commands, the CodeLens and the panel serializer. Runs no user code.
export function activate(context: vscode.ExtensionContext): InterleaveApi {
  const output = vscode.window.createOutputChannel('Interleave');
  // per workspace where there is one: the history is of this workspace's runs
  const store = new TraceStore(vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'traces').fsPath);
  const ctx: CommandContext = { extensionUri: context.extensionUri, store, output, memento: context.workspaceState };
  const codeLens = new RunCodeLensProvider();
  context.subscriptions.push(
    output,
    codeLens,
    vscode.commands.registerCommand(COMMAND, (first?: unknown, functionName?: unknown) => runConcurrently(ctx, commandTarget(first, functionName))),
    vscode.commands.registerCommand(SCHEDULER_COMMAND, (first?: unknown, functionName?: unknown) => beTheScheduler(ctx, commandTarget(first, functionName))),
    vscode.commands.registerCommand(TRACE_SCRIPT_COMMAND, (uri?: unknown) => traceScript(ctx, uri)),
    vscode.commands.registerCommand(EXPORT_COMMAND, () =>
      TimelinePanel.current
        ? TimelinePanel.current.exportTimeline()
        : vscode.window.showInformationMessage('Interleave: no timeline is open. Run a function with Interleave: Run Concurrently, then export it.'),
    ),
    vscode.commands.registerCommand(COMPARE_COMMAND, () => compareWithTrace(TimelinePanel.current, store)),
    vscode.languages.registerCodeLensProvider({ language: 'python' }, codeLens),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('interleave.codeLens') && codeLens.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => codeLens.refresh()),
    vscode.window.registerWebviewPanelSerializer(TimelinePanel.viewType, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: TimelineState | undefined) => TimelinePanel.revive(panel, context.extensionUri, store, state),
    }),
  );
  return { shownTraces: () => TimelinePanel.current?.shownTraces ?? [], recordings: async () => (await store.recordings()).map((r) => r.recording) };
}

export function deactivate(): void {
  TimelinePanel.current?.dispose();
}
