import type * as vscode from 'vscode';
import type { TraceStore } from '../panels/traceStore';

/** What the commands are given by activate. */
export interface CommandContext {
  extensionUri: vscode.Uri;
  store: TraceStore;
  output: vscode.OutputChannel;
  memento: vscode.Memento;
}
