import * as vscode from 'vscode';
import type { RunEvents } from '../runner/eventStore';
import { eventsJson } from '../runner/eventsJson';
import { traceJsonChunks } from '../shared/traceJson';
import type { Trace } from '../shared/trace';

const KEEP = 20;

/** Finished traces, kept in the extension's storage so a panel can come back after a reload. */
export class TraceStore {
  constructor(private readonly folder: vscode.Uri) {}

  /** `events`: the runs' events when they are in the runner's columns rather than in `trace`. */
  async save(trace: Trace, events?: readonly RunEvents[]): Promise<string> {
    const key = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    await vscode.workspace.fs.createDirectory(this.folder);
    const chunks = [...traceJsonChunks(trace, events && ((r) => eventsJson(events[r])))].map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(this.folder, `${key}.json`), Buffer.concat(chunks));
    void this.prune();
    return key;
  }

  async load(key: string): Promise<Trace | undefined> {
    if (!/^[a-z0-9-]+$/.test(key)) return undefined;
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, `${key}.json`));
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as Trace;
    } catch {
      return undefined;
    }
  }

  private async prune(): Promise<void> {
    try {
      const entries = (await vscode.workspace.fs.readDirectory(this.folder)).map(([name]) => name).filter((n) => n.endsWith('.json')).sort();
      for (const name of entries.slice(0, Math.max(0, entries.length - KEEP))) {
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, name));
      }
    } catch {
      // storage is a cache: failing to prune loses nothing
    }
  }
}
