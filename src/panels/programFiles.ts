/**
 * The files of the program a panel shows lines of: the traced file, and (a script run's) the other
 * files its events name. The webview may ask to reveal only these — a message naming any other
 * path is ignored — and the editor's cursor highlights events only in the file they are in.
 * Pure path work (no VS Code), so it is tested as is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EventColumns } from '../shared/columns';

/** One spelling for a path: normalised, and on Windows without case (VS Code lower-cases the drive letter). */
function pathKey(file: string): string {
  const normal = path.normalize(file);
  return process.platform === 'win32' ? normal.toLowerCase() : normal;
}

export class ProgramFiles {
  private target: string | undefined;
  /** Other files, by pathKey, as the trace spells them. */
  private readonly others = new Map<string, string>();

  /** A new run or trace of `target` (undefined: none shown): the other files are forgotten. */
  reset(target: string | undefined): void {
    this.target = target;
    this.others.clear();
  }

  /** The other files these columns' events name (a live chunk's, or a finished run's). */
  addFrom(columns: readonly EventColumns[]): void {
    for (const c of columns) for (const file of c.files?.paths ?? []) this.others.set(pathKey(file), file);
  }

  /** The file to open for a reveal of `file` (undefined: the traced file); null when it is none of the program's. */
  revealable(file: string | undefined): string | null {
    if (file === undefined) return this.target ?? null;
    return this.others.get(pathKey(file)) ?? null;
  }

  /**
   * The editor at `fsPath` is: the traced file (`{}`), another file of the program (`{ file }`,
   * as the trace spells it), or none of them (null).
   */
  inEditor(fsPath: string): { file?: string } | null {
    const key = pathKey(fsPath);
    if (this.target !== undefined && pathKey(this.target) === key) return {};
    const file = this.others.get(key);
    return file === undefined ? null : { file };
  }
}

/** Why a line cannot be shown when its file is gone, ending in what to do (one line). */
export function missingFileMessage(file: string): string {
  return `Interleave: ${path.basename(file)} is no longer at ${file} (moved or deleted since the run), so its line cannot be shown. Restore it, or run the program again.`;
}

/** Whether `file` is there to open (a file, not a folder). */
export function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
