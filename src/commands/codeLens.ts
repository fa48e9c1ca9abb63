import * as vscode from 'vscode';
import { topLevelFunctions } from './pythonFunctions';
import { COMMAND } from './ids';


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
