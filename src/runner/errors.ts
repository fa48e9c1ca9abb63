import { MIN_PYTHON_TEXT } from './settings';

/** Problems a user can meet and fix; `message` tells them what to do. */
export type UserErrorKind =
  | 'file' // unknown or unreadable file
  | 'syntax' // syntax error in the file or selection
  | 'function' // no such function / no function at the cursor
  | 'args' // missing or bad call arguments
  | 'import' // the module's import failed
  | 'python' // no Python, or too old
  | 'encoding'
  | 'model' // a model that cannot run this target (asyncio needs an async def)
  | 'output' // a --json/--html/--chrome path that cannot be written (found before anything runs)
  | 'harness'; // the harness itself failed (a bug of ours, reported with its output)

export class UserError extends Error {
  constructor(
    readonly kind: UserErrorKind,
    message: string,
    /** `problem`: what is wrong without the CLI's words around it (bad arguments: "NameError: name 'bob' is not defined"). */
    readonly details: { file?: string; line?: number | null; col?: number | null; traceback?: string; functions?: string[]; problem?: string } = {},
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * Writing an output file failed after the runs (a full disk, a reader that went away): not bad
 * input, but not a bug of ours either — one line, and the file that was there is left as it was.
 */
export class OutputWriteError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'OutputWriteError';
  }
}

/** An interpreter given to compare with (--compare-python, interleave.compareWith) that cannot serve. */
export function compareProblem(python: string, why: string): string {
  return `cannot compare with "${python}": ${why.split('\n')[0]}; give the path of a Python ${MIN_PYTHON_TEXT}+ interpreter (--compare-python PATH, setting interleave.compareWith), or leave it out.`;
}
