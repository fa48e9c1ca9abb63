import * as vscode from 'vscode';
import { COMMAND } from './runConcurrently';

/** Top-level `def` / `async def` at column 0 (cheap: no Python process per keystroke). */
const TOP_LEVEL_DEF = /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;

export function topLevelFunctions(text: string): Array<{ name: string; line: number }> {
  const out: Array<{ name: string; line: number }> = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = TOP_LEVEL_DEF.exec(line);
    if (m) out.push({ name: m[1], line: i });
  });
  return out;
}

/** "Run concurrently" above each top-level function (setting interleave.codeLens). */
export class RunCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('interleave', document.uri).get<boolean>('codeLens', true)) return [];
    if (!vscode.workspace.isTrusted) return [];
    return topLevelFunctions(document.getText()).map(
      ({ name, line }) =>
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: 'Run concurrently',
          tooltip: `Run ${name}() under the sequential, thread and process models and show the interleaving timeline`,
          command: COMMAND,
          arguments: [document.uri, name],
        }),
    );
  }

  dispose(): void {
    this.changed.dispose();
  }
}
