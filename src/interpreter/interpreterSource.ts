import * as vscode from 'vscode';
import { PythonExtension } from '@vscode/python-extension';
import { findInterpreter, pathCandidates, type Interpreter } from './interpreter';

/** Where the interpreter came from, for messages. */
export type InterpreterOrigin = 'setting' | 'python-extension' | 'path';

/**
 * The interpreter to run `resource` with: the `interleave.pythonPath` setting, else the Python
 * extension's active interpreter for that file (when installed), else python3/python on PATH.
 */
export async function interpreterFor(resource: vscode.Uri): Promise<Interpreter & { origin: InterpreterOrigin }> {
  const configured = vscode.workspace.getConfiguration('interleave', resource).get<string>('pythonPath', '').trim();
  if (configured) return { ...(await findInterpreter([configured])), origin: 'setting' };
  const fromExtension = await pythonExtensionInterpreter(resource);
  if (fromExtension) {
    try {
      return { ...(await findInterpreter([fromExtension])), origin: 'python-extension' };
    } catch {
      // fall through to PATH: the Python extension may point at an environment that is gone
    }
  }
  return { ...(await findInterpreter(pathCandidates())), origin: 'path' };
}

async function pythonExtensionInterpreter(resource: vscode.Uri): Promise<string | undefined> {
  if (!vscode.extensions.getExtension('ms-python.python')) return undefined;
  try {
    const api = await PythonExtension.api();
    const path = api.environments.getActiveEnvironmentPath(resource);
    const env = await api.environments.resolveEnvironment(path);
    return env?.executable.uri?.fsPath ?? path.path;
  } catch {
    return undefined;
  }
}
