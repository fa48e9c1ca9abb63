/**
 * The program as written (`interleave script FILE -- ARG…`): the harness runs the whole file as
 * `__main__` (python/interleave_script.py), and every thread, process and asyncio task it makes
 * is a worker of one run, `model: "script"`. The pieces are the function runs': the harness
 * process (its time limit, Cancel and process tree), the follower (which takes each new worker's
 * event file as the program makes it), the sinks; only the assembly is the script's own.
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from './errors';
import { userEnv, type SpawnFn } from './launch';
import type { RunEvents } from './eventStore';
import { RunFollower, type RunSink } from './follower';
import { HAS_LIFELINE, HarnessProcess, LIFELINE_FD, type HarnessExit } from './harnessProcess';
import { throwIfBadInput } from './runModel';
import { runContext } from './records';
import { assembleScript, TASK_STATES_NOTE } from './scriptAssemble';
import { DEFAULTS, MIN_PYTHON } from './settings';
import { requireWorkingDirectory } from './workingDirectory';
import { ModelStates } from './states/modelStates';
import { requireSupported } from '../interpreter/interpreter';
import { TRACE_SCHEMA, type Trace } from '../shared/trace';

/** Everything needed to trace a program as written. */
export interface ScriptRequest {
  python: string;
  file: string;
  /** The editor's unsaved text; the file on disk when absent. */
  text?: string;
  /** The program's arguments: `sys.argv[1:]`. */
  argv: readonly string[];
  timeoutSeconds: number;
  maxEvents?: number;
  /** Thread states: samples per second of every thread of the program (0: off). */
  sampleHz?: number;
  /** The deadlock watchdog's limit (0: off). */
  deadlockSeconds?: number;
  /** The program's working directory (default: the file's folder); one that does not exist is the user's error. */
  cwd?: string;
  signal?: AbortSignal;
  spawn?: SpawnFn;
  /** The user's own output, unchanged, as it arrives. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** The user's stdout straight to this descriptor, or nowhere, instead of through onOutput. */
  stdout?: number | 'ignore';
  /** Who watches the run as it goes on and takes it when it ends (live preview, trace file). */
  follow?: () => readonly RunSink[];
  pollMs?: number;
}

/** Runs the program and returns its trace (one run), its events in the runner's columns. */
export async function runScriptEvents(req: ScriptRequest): Promise<{ trace: Trace; events: RunEvents[] }> {
  if (!fs.existsSync(req.file) && req.text === undefined) throw new UserError('file', `No such file: ${req.file}; check the path.`, { file: req.file });
  if (req.text === undefined && fs.statSync(req.file).isDirectory()) throw new UserError('file', `${req.file} is a folder: give the Python file to run.`, { file: req.file });
  const cwd = req.cwd ?? path.dirname(req.file);
  requireWorkingDirectory(cwd);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-script-'));
  const sinks = req.follow?.() ?? [];
  // before the program starts: the sampler finds each thread, process and task by its worker record
  const states = ModelStates.start({ model: 'script', workers: 0, hz: req.sampleHz ?? DEFAULTS.sampleHz, dir, control: path.join(dir, 'control.jsonl') });
  try {
    const harness = new HarnessProcess({
      spawn: req.spawn ?? childProcess.spawn, python: req.python, configPath: writeConfig(req, dir), cwd,
      inspect: false, timeoutMs: req.timeoutSeconds * 1000, signal: req.signal, stdout: req.stdout, onOutput: req.onOutput,
    });
    const follower = new RunFollower(dir, 0, sinks);
    const follow = () => {
      follower.poll();
      states.follow(follower.workers); // the threads of a Pool's machinery, on their worker's lane
    };
    const ticker = setInterval(follow, req.pollMs ?? 50);
    let exit: HarnessExit;
    try {
      exit = await harness.done;
      follow(); // what was written last
    } finally {
      clearInterval(ticker);
      follower.close();
      await states.end();
    }
    throwIfBadInput(follower.control, req.file);
    const { python } = runContext(follower.control);
    if (follower.t0 === null || python === null) {
      if (exit.stopReason === 'cancelled') throw new UserError('harness', 'The script was cancelled before it started.');
      throw new UserError('harness', `The script ended before it started (exit ${exit.code ?? exit.signal}).\n${exit.stderrTail.trim()}`);
    }
    requireSupported({ executable: python.executable, version: python.version });
    const { run, events } = assembleScript(follower.control, follower.workers, follower.t0, exit);
    states.addTo(run, follower.t0, python.gil);
    if (run.stateSource && run.workerInfo.some((w) => w.kind === 'task')) run.stateNote = [run.stateNote, TASK_STATES_NOTE].filter(Boolean).join(' ');
    for (const sink of sinks) sink.end?.(events, run);
    const trace: Trace = { schema: TRACE_SCHEMA, target: { file: req.file, function: null, line: 1, script: { argv: [...req.argv] } }, python, runs: [run] };
    return { trace, events: [events] };
  } catch (e) {
    for (const sink of sinks) sink.drop?.();
    throw e;
  } finally {
    await states.end(); // a harness that never started: the sampler must not go on sampling nothing
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** runScriptEvents, with the events as objects in the run. */
export async function runScript(req: ScriptRequest): Promise<Trace> {
  const { trace, events } = await runScriptEvents(req);
  trace.runs[0].events = events[0].toEvents();
  return trace;
}

/** The harness's instructions: the file (and where its text is), its arguments, our limits. */
function writeConfig(req: ScriptRequest, dir: string): string {
  let source = req.file;
  if (req.text !== undefined) {
    source = path.join(dir, 'source.py');
    fs.writeFileSync(source, req.text, 'utf8');
  }
  const config = {
    model: 'script', file: req.file, source, argv: req.argv, dir, maxEvents: req.maxEvents ?? DEFAULTS.maxEvents,
    deadlockSeconds: req.deadlockSeconds ?? DEFAULTS.deadlockSeconds,
    minPython: MIN_PYTHON, lifeline: HAS_LIFELINE ? LIFELINE_FD : null,
    userEnv: userEnv(), // the program gets the user's PYTHONUTF8…, not the harness's
  };
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  return configPath;
}
