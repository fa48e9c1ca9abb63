import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { traceMessage, type HostToWebview, type TimelineState, type WebviewToHost } from '../shared/protocol';
import type { RunEvents } from '../runner/eventStore';
import type { Trace } from '../shared/trace';
import { SkippedLinesDecoration } from './skippedLinesDecoration';
import type { TraceStore } from './traceStore';

/**
 * The timeline webview: created or revealed by the command, revived by the serializer after a
 * reload. Messages wait for the webview's `ready` before they are sent.
 */
export class TimelinePanel {
  static readonly viewType = 'interleave.timeline';
  static current: TimelinePanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private queue: HostToWebview[] = [];
  private trace: Trace | undefined;
  private pendingFile: string | undefined;
  private readonly received: Trace[] = [];
  /** The traced file's statements that did not run, dimmed in its editors while the panel is open. */
  private readonly skipped = new SkippedLinesDecoration();

  static createOrShow(extensionUri: vscode.Uri, store: TraceStore, title: string): TimelinePanel {
    if (TimelinePanel.current) {
      TimelinePanel.current.panel.title = title;
      TimelinePanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      return TimelinePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(TimelinePanel.viewType, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, TimelinePanel.options(extensionUri));
    TimelinePanel.current = new TimelinePanel(panel, extensionUri, store);
    return TimelinePanel.current;
  }

  /** After a reload: the webview's saved state names the trace to show again. */
  static async revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, store: TraceStore, state: TimelineState | undefined): Promise<void> {
    panel.webview.options = TimelinePanel.options(extensionUri);
    const revived = new TimelinePanel(panel, extensionUri, store);
    TimelinePanel.current?.dispose();
    TimelinePanel.current = revived;
    const trace = state?.key ? await store.load(state.key) : undefined;
    if (trace && state?.key) revived.showTrace(trace, state.key);
    else revived.post({ type: 'failed', message: 'This timeline is no longer stored. Run the function again.' });
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    readonly store: TraceStore,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.html = this.html();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: WebviewToHost) => this.onMessage(m), null, this.disposables);
    vscode.window.onDidChangeTextEditorSelection((e) => this.onCursor(e), null, this.disposables);
    this.disposables.push(this.skipped);
  }

  /** The traced file, for reveal and cursor highlights. */
  get traceFile(): string | undefined {
    return this.trace?.target.file;
  }

  /** Traces this panel was given (the integration tests compare them with the engine's). */
  get shownTraces(): readonly Trace[] {
    return this.received;
  }

  post(message: HostToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  /** Whether a run was ever shown here (a panel opened ahead of a run that did not happen has none). */
  get started(): boolean {
    return this.pendingFile !== undefined || this.trace !== undefined;
  }

  /** A new run of `file` started: the panel shows progress until its trace arrives. */
  showRunning(file: string, message: Extract<HostToWebview, { type: 'running' }>): void {
    this.panel.title = message.title;
    this.trace = undefined;
    this.pendingFile = file;
    this.skipped.show(undefined);
    this.post(message);
  }

  /** `events`: the runs' events when they are in the runner's columns (sent as they are) rather than in `trace`. */
  showTrace(trace: Trace, key: string, events?: readonly RunEvents[]): void {
    this.trace = trace;
    this.received.push(trace);
    this.skipped.show(trace.target.file, trace.target.skippedLines);
    this.panel.title = `Interleave: ${trace.target.function ?? 'selection'}`;
    this.post(traceMessage(trace, key, events && { columns: events.map((e) => e.toColumns()), counts: events.map((e) => e.counts()) }));
  }

  private onMessage(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) void this.panel.webview.postMessage(m);
        break;
      }
      case 'reveal':
        void this.reveal(message.line, message.focus);
        break;
    }
  }

  /** `focus` false: the line is shown and selected but the keyboard stays in the panel. */
  private async reveal(line: number, focus: boolean): Promise<void> {
    const file = this.trace?.target.file ?? this.pendingFile;
    if (!file) return;
    const uri = vscode.Uri.file(file);
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri.fsPath);
    const document = open?.document ?? (await vscode.workspace.openTextDocument(uri));
    const editor = await vscode.window.showTextDocument(document, { viewColumn: open?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: !focus });
    const position = new vscode.Position(Math.max(0, line - 1), document.lineAt(Math.max(0, Math.min(document.lineCount - 1, line - 1))).firstNonWhitespaceCharacterIndex);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private onCursor(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.trace || e.textEditor.document.uri.fsPath !== this.trace.target.file) return;
    this.post({ type: 'highlightLine', line: e.selections[0].active.line + 1 });
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = getNonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'timeline.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>Interleave</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

export function getNonce(): string {
  return randomBytes(16).toString('hex');
}
