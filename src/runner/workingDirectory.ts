/**
 * Where a traced program runs (`interleave script --cwd DIR`, the setting
 * interleave.scriptWorkingDirectory): the one home of the rule and of the message for a folder
 * that is not there. Pure path work; no VS Code here, so the CLI and the command share it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from './errors';

/** The setting's name, as the message and the README spell it. */
export const WORKING_DIRECTORY_SETTING = 'interleave.scriptWorkingDirectory';
const WORKSPACE_FOLDER = '${workspaceFolder}';

/**
 * The program's working directory from the setting's value: empty is the file's folder (as
 * `python FILE` run from there); `${workspaceFolder}` is replaced; a relative path is taken from
 * the workspace folder, or from the file's folder when the file is in none.
 */
export function scriptWorkingDirectory(setting: string, file: string, workspaceFolder: string | undefined): string {
  const fileFolder = path.dirname(file);
  const value = setting.trim();
  if (!value) return fileFolder;
  const base = workspaceFolder ?? fileFolder;
  const expanded = value.split(WORKSPACE_FOLDER).join(base);
  return path.resolve(base, expanded);
}

/** Throws the user's error (bad input: the CLI's exit 2) when `dir` is not an existing folder. */
export function requireWorkingDirectory(dir: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) return;
  const what = stat ? 'is not a folder' : 'does not exist';
  throw new UserError('file', `The working directory ${dir} ${what}: create it, or give another (--cwd DIR, or the setting ${WORKING_DIRECTORY_SETTING}).`, { file: dir });
}
