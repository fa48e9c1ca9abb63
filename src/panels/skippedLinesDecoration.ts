import * as vscode from 'vscode';
import { skippedRanges } from './skippedRanges';

const HOVER = new vscode.MarkdownString(
  "**Not run by Interleave**: the script part (top-level calls, loops, the `__main__` block). Interleave imports the file without it and starts its own workers, so the timeline's threads and processes are not the ones these lines start.",
);

/**
 * Dims, in the editors showing the traced file, the statements Interleave did not run, with a
 * hover saying why. Lives as long as the panel: disposing it takes the dimming away.
 */
export class SkippedLinesDecoration implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({ opacity: '0.5' });
  private readonly listener: vscode.Disposable;
  private file: string | undefined;
  private lines: readonly number[] = [];

  constructor() {
    this.listener = vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.decorate(e)));
  }

  /** The traced file and the first lines of its skipped statements; `file` undefined: none. */
  show(file: string | undefined, lines: readonly number[] = []): void {
    const before = this.file;
    this.file = file;
    this.lines = lines;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.fsPath === before) editor.setDecorations(this.type, []);
      this.decorate(editor);
    }
  }

  private decorate(editor: vscode.TextEditor): void {
    if (!this.file || editor.document.uri.fsPath !== this.file) return;
    const text = editor.document.getText().split(/\r?\n/);
    const ranges = skippedRanges(text, this.lines).map(({ start, end }) => ({
      range: new vscode.Range(start - 1, 0, end - 1, text[end - 1].length),
      hoverMessage: HOVER,
    }));
    editor.setDecorations(this.type, ranges);
  }

  dispose(): void {
    this.listener.dispose();
    this.type.dispose();
  }
}
