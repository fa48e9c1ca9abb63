import { UserError } from './errors';
import { harnessScript, runToCompletion, type SpawnFn } from './launch';
import type { PythonInfo } from '../shared/trace';

/** A top-level function of the user's file, as Python's own parser sees it. */
export interface FunctionInfo {
  name: string;
  /** Line of `def`. */
  line: number;
  /** First line including decorators. */
  startLine: number;
  endLine: number;
  params: string[];
  /** Parameters without a default: the call needs arguments for these. */
  required: string[];
  isAsync: boolean;
}

export interface Inspection {
  functions: FunctionInfo[];
  python: PythonInfo;
}

/** What the harness answers to `inspect` (also a control record of a run that inspected first). */
export interface InspectReply {
  ok: boolean;
  functions?: FunctionInfo[];
  python: PythonInfo;
  error?: { kind: string; message: string; line: number | null; col: number | null };
}

/** Parses the file with the user's Python (no code of theirs runs); syntax errors become UserErrors. */
export async function inspectFile(spawn: SpawnFn, python: string, sourcePath: string, displayFile: string): Promise<Inspection> {
  // -S: no `site` (its .pth files can import packages: 40 ms here); parsing needs the stdlib only
  const { code, stdout, stderr } = await runToCompletion(spawn, python, ['-S', harnessScript(), 'inspect', sourcePath, displayFile]);
  let reply: InspectReply;
  try {
    reply = JSON.parse(stdout) as InspectReply;
  } catch {
    throw new UserError('harness', `Interleave could not inspect ${displayFile} (exit ${code}): ${stderr.trim() || stdout.trim()}`);
  }
  return inspectionOf(reply, displayFile);
}

/** The inspection a reply gives, or the UserError (syntax, encoding) it stands for. */
export function inspectionOf(reply: InspectReply, displayFile: string): Inspection {
  if (!reply.ok || !reply.functions) {
    const e = reply.error!;
    throw new UserError(e.kind === 'syntax' ? 'syntax' : 'encoding', e.message, { file: displayFile, line: e.line, col: e.col });
  }
  return { functions: reply.functions, python: reply.python };
}

/**
 * The harness's own check of call-argument syntax (it only parses: no code runs): null when the
 * text is a call's arguments, else the problem in Python's words with its column. When Python
 * cannot answer, null: the run will say what is wrong.
 */
export async function argumentsSyntaxProblem(spawn: SpawnFn, python: string, args: string): Promise<string | null> {
  try {
    const { stdout } = await runToCompletion(spawn, python, ['-S', harnessScript(), 'check-args', args], 10_000);
    const reply = JSON.parse(stdout) as { ok: boolean; problem: string | null };
    return reply.ok ? null : (reply.problem ?? 'invalid syntax');
  } catch {
    return null;
  }
}

/** The top-level function whose lines (decorators included) hold `line`. */
export function functionAt(functions: FunctionInfo[], line: number): FunctionInfo | undefined {
  return functions.find((f) => line >= f.startLine && line <= f.endLine);
}
