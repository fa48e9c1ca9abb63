/**
 * Compare with Trace… (the command, and the panel's Compare… button): pick a trace file (a --json
 * trace, or one exported) or a recording of the history, and the panel shows its orders beside
 * the trace shown. A file that is not a trace is said in one line; the panel keeps what it shows.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { traceMessage, type HostToWebview } from '../shared/protocol';
import { recordingDetail, recordingLabel } from '../shared/recording';
import { readTraceText, type ReadTrace } from '../shared/traceCompare';
import type { TraceStore } from './traceStore';

/** Where the comparison goes: the open panel. */
export interface ComparePanel {
  post(message: HostToWebview): void;
}

type Picked = ReadTrace & { name: string };

export async function compareWithTrace(panel: ComparePanel | undefined, store: TraceStore): Promise<void> {
  if (!panel) {
    void vscode.window.showInformationMessage('Interleave: no timeline is open. Run a function with Interleave: Run Concurrently, then compare it with another trace.');
    return;
  }
  const recordings = (await store.recordings()).map((r) => r.recording);
  const items = [
    { label: '$(file) Trace file…', description: 'a trace written by --json, or exported from the panel', key: undefined as string | undefined },
    ...recordings.map((r) => ({ label: recordingLabel(r), description: r.fileName, detail: recordingDetail(r), key: r.key as string | undefined })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Compare with Trace', placeHolder: 'A trace file, or a recording of the history' });
  if (!picked) return;
  const read = picked.key === undefined ? await pickFile() : await fromStore(store, picked.key, picked.label);
  if (!read) return;
  if (read.problem !== undefined) {
    panel.post({ type: 'compareFailed', message: read.problem });
    void vscode.window.showErrorMessage(`Interleave: ${read.problem}`);
    return;
  }
  const { trace, columns } = traceMessage(read.trace, 'compare');
  panel.post({ type: 'compare', name: read.name, trace, columns });
}

/** A trace file the user picks (undefined: they picked none). */
async function pickFile(): Promise<Picked | undefined> {
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare', filters: { 'Interleave trace': ['json'], 'All files': ['*'] } });
  const file = uris?.[0]?.fsPath;
  if (!file) return undefined;
  const name = path.basename(file);
  try {
    return { name, ...readTraceText(await fs.readFile(file, 'utf8'), name) };
  } catch (e) {
    return { name, problem: `${name} could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): pick another file.` };
  }
}

async function fromStore(store: TraceStore, key: string, label: string): Promise<Picked> {
  const trace = await store.load(key);
  const name = `the recording ${label}`;
  return trace ? { name, trace } : { name, problem: 'This recording is no longer stored: pick another in the list, or a trace file.' };
}
