import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND, COMPARE_COMMAND } from '../commands/ids';
import { traceMessage, type HostToWebview, type ImageFormat, type TimelineState, type WebviewToHost } from '../shared/protocol';
import type { RunEvents } from '../runner/eventStore';
import type { Trace } from '../shared/trace';
import { exportTimeline } from './exportTimeline';
import { fileExists, missingFileMessage, ProgramFiles } from './programFiles';
import { SkippedLinesDecoration } from './skippedLinesDecoration';
import type { TraceStore } from './traceStore';

/** How long the webview may take to draw an image of itself. */
const IMAGE_TIMEOUT_MS = 30_000;

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
  /**
   * What the panel shows now (the run going on, or its trace): a webview hidden behind another
   * tab is unloaded and says `ready` again when shown; it gets this again.
   */
  private shown: HostToWebview | undefined;
  /** With it: the history, and which model of the run going on is running. */
  private history: HostToWebview | undefined;
  private progress: HostToWebview | undefined;
  private trace: Trace | undefined;
  private pendingFile: string | undefined;
  private readonly received: Trace[] = [];
  /** Images asked of the webview, by request id. */
  private readonly images = new Map<number, { resolve(bytes: Uint8Array): void; reject(e: Error): void }>();
  private nextImage = 1;
  /** The traced file's statements that did not run, dimmed in its editors while the panel is open. */
  private readonly skipped = new SkippedLinesDecoration();
  /** The files whose lines the panel shows: the traced file, and the other files of the program its events name. */
  private readonly files = new ProgramFiles();

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

  /** After a reload: the webview's saved state names the trace to show again; the history comes from the store. */
  static async revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, store: TraceStore, state: TimelineState | undefined): Promise<void> {
    panel.webview.options = TimelinePanel.options(extensionUri);
    const revived = new TimelinePanel(panel, extensionUri, store);
    TimelinePanel.current?.dispose();
    TimelinePanel.current = revived;
    await revived.showRecording(state?.key);
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

  /** Traces this panel was given (the integration tests compare them with the engine's). */
  get shownTraces(): readonly Trace[] {
    return this.received;
  }

  post(message: HostToWebview): void {
    if (message.type === 'running' || message.type === 'trace' || message.type === 'failed') [this.shown, this.progress] = [message, undefined];
    else if (message.type === 'history') this.history = message;
    else if (message.type === 'progress') this.progress = message;
    if (message.type === 'events') this.files.addFrom([message.columns]);
    else if (message.type === 'trace') this.files.addFrom(message.columns);
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
    this.files.reset(file);
    this.skipped.show(undefined);
    this.post(message);
  }

  /** `events`: the runs' events when they are in the runner's columns (sent as they are) rather than in `trace`. */
  showTrace(trace: Trace, key: string, events?: readonly RunEvents[]): void {
    this.trace = trace;
    this.files.reset(trace.target.file);
    this.received.push(trace);
    this.skipped.show(trace.target.file, trace.target.skippedLines);
    // the function, the program as written (its file, as Trace Script titled it while running), or a selection
    this.panel.title = `Interleave: ${trace.target.function ?? (trace.target.script ? path.basename(trace.target.file) : 'selection')}`;
    this.post(traceMessage(trace, key, events && { columns: events.map((e) => e.toColumns()), counts: events.map((e) => e.counts()) }));
    void this.sendHistory(key);
  }

  /** A stored recording (picked in the history, or the one shown before a reload). */
  private async showRecording(key: string | undefined): Promise<void> {
    const trace = key ? await this.store.load(key) : undefined;
    if (trace && key) return this.showTrace(trace, key);
    this.post({ type: 'failed', message: 'This recording is no longer stored. Pick another in the history, or run the function again.' });
    await this.sendHistory(null);
  }

  /** The store's recordings, newest first, for the history; `shown`: the one on screen. */
  private async sendHistory(shown: string | null): Promise<void> {
    const recordings = (await this.store.recordings()).map((r) => r.recording);
    this.post({ type: 'history', recordings, shown });
  }

  private onMessage(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready': {
        if (this.ready && this.shown) {
          // shown again after being hidden: reloaded
          for (const m of [this.shown, this.progress, this.history]) if (m) void this.panel.webview.postMessage(m);
          break;
        }
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) void this.panel.webview.postMessage(m);
        break;
      }
      case 'reveal':
        void this.reveal(message.line, message.focus, message.file);
        break;
      case 'showRecording':
        void this.showRecording(message.key);
        break;
      case 'runAgain':
        // through the command: its trust check, progress, Cancel and error messages
        void vscode.commands.executeCommand(COMMAND, message.repeat ? { again: message.key, repeat: message.repeat } : { again: message.key });
        break;
      case 'export':
        void this.exportTimeline();
        break;
      case 'compareTrace':
        void vscode.commands.executeCommand(COMPARE_COMMAND);
        break;
      case 'image': {
        const pending = this.images.get(message.requestId);
        this.images.delete(message.requestId);
        if ('error' in message) pending?.reject(new Error(message.error));
        else pending?.resolve(asBytes(message.bytes));
        break;
      }
    }
  }

  /**
   * Export… (the toolbar's button, the command): the shown trace — its events are in it, the
   * command fills them right after showing it — or an image the webview draws of itself.
   */
  async exportTimeline(): Promise<void> {
    const trace = this.trace;
    if (!trace) {
      void vscode.window.showInformationMessage('Interleave: there is nothing to export yet. Wait for the run to finish, then export again.');
      return;
    }
    await exportTimeline({ trace, image: (format) => this.requestImage(format) });
  }

  private requestImage(format: ImageFormat): Promise<Uint8Array> {
    // A hidden webview has no page to draw (VS Code drops it until it is shown again).
    if (!this.panel.visible) return Promise.reject(new Error('the timeline panel is hidden — show it, then export the image again'));
    const requestId = this.nextImage++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.images.delete(requestId);
        reject(new Error(`the view did not draw the image within ${IMAGE_TIMEOUT_MS / 1000} s`));
      }, IMAGE_TIMEOUT_MS);
      this.images.set(requestId, {
        resolve: (bytes) => {
          clearTimeout(timer);
          resolve(bytes);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.post({ type: 'exportImage', requestId, format });
    });
  }

  /**
   * `focus` false: the line is shown and selected but the keyboard stays in the panel. `other`:
   * another file of the program (only one the trace's events name: the webview opens nothing else).
   */
  private async reveal(line: number, focus: boolean, other?: string): Promise<void> {
    const file = this.files.revealable(other);
    if (!file) return;
    if (!fileExists(file)) {
      void vscode.window.showWarningMessage(missingFileMessage(file));
      return;
    }
    const uri = vscode.Uri.file(file);
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri.fsPath);
    const document = open?.document ?? (await vscode.workspace.openTextDocument(uri));
    const editor = await vscode.window.showTextDocument(document, { viewColumn: open?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: !focus });
    const position = new vscode.Position(Math.max(0, line - 1), document.lineAt(Math.max(0, Math.min(document.lineCount - 1, line - 1))).firstNonWhitespaceCharacterIndex);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private onCursor(e: vscode.TextEditorSelectionChangeEvent): void {
    const where = this.trace ? this.files.inEditor(e.textEditor.document.uri.fsPath) : null;
    if (!where) return; // an editor of no file of the program: the highlight stays as it was
    this.post({ type: 'highlightLine', line: e.selections[0].active.line + 1, ...where });
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
    for (const pending of this.images.values()) pending.reject(new Error('the panel was closed'));
    this.images.clear();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/** The webview's bytes as they arrive: a Uint8Array, or its plain-object form where typed arrays do not travel. */
function asBytes(bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  return Uint8Array.from(Object.values(bytes as Record<string, number>));
}

export function getNonce(): string {
  return randomBytes(16).toString('hex');
}
