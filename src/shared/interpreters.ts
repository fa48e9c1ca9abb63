/**
 * Interpreters side by side (issue 17): which runs a model makes on an interpreter, what to call
 * an interpreter, and the one-sentence answer to "does free-threading help this function?".
 * Pure: the runner, the CLI and the panel share it.
 */
import type { Model, PythonInfo, Run, Trace } from './trace';

/** A run without its events (the panel's runs): all the GIL verdict reads. */
type RunInfo = Omit<Run, 'events'>;

/** The models whose workers are threads of one process: the GIL is theirs to feel. */
export const GIL_MODELS: readonly Model[] = ['thread', 'thread-pool'];

/**
 * The runs a model makes on an interpreter, by the GIL each asks for: on a free-threaded build the
 * thread models run twice, GIL off (the build's default) then GIL on; else once (undefined).
 */
export function gilVariants(model: Model, python: Pick<PythonInfo, 'freeThreaded'>): Array<boolean | undefined> {
  return python.freeThreaded && GIL_MODELS.includes(model) ? [false, true] : [undefined];
}

/** "3.11", "3.13t" (free-threaded), "PyPy 3.10": what runs on several interpreters are told apart by. */
export function interpreterName(python: Pick<PythonInfo, 'version' | 'implementation' | 'freeThreaded'>): string {
  const version = python.version.split('.').slice(0, 2).join('.') + (python.freeThreaded ? 't' : '');
  return python.implementation && python.implementation !== 'CPython' ? `${python.implementation} ${version}` : version;
}

/** The interpreter a run ran on. */
export function runPython(run: Pick<Run, 'python'>, trace: Pick<Trace, 'python'>): PythonInfo {
  return run.python ?? trace.python;
}

/** What labels need of a trace (the panel has runs without their events). */
export interface TraceInterpreters {
  python: PythonInfo;
  runs: ReadonlyArray<Pick<Run, 'python'>>;
}

/** Whether a trace holds runs of more than one interpreter (then every run is labelled with its own). */
export function comparesInterpreters(trace: Pick<TraceInterpreters, 'runs'>): boolean {
  return trace.runs.some((r) => r.python !== undefined);
}

/**
 * Which runs the comparison of models speaks for ("Processes ran 1.9× faster than threads"): one
 * run per model — those of the trace's own interpreter, and of a free-threaded build's thread
 * models the one as it starts (GIL off); the others have their own sentence (gilVerdict).
 */
export function modelComparisonRuns(runs: ReadonlyArray<Pick<Run, 'python' | 'gil' | 'model'>>): boolean[] {
  return runs.map((r) => r.python === undefined && !(r.gil === true && runs.some((o) => o.python === undefined && o.model === r.model && o.gil === false)));
}

/** Summed CPU time of a run's workers ÷ its wall time: how many CPUs it kept busy; null when unknown. */
export function cpusBusy(run: Pick<Run, 'wallNs' | 'workerInfo'>): number | null {
  const cpu = workerCpu(run);
  return cpu === null || run.wallNs <= 0 ? null : cpu.reduce((a, b) => a + b, 0) / run.wallNs;
}

/** Each worker's CPU time, or null when a worker did not end ok or has none (no fair figure). */
function workerCpu(run: Pick<Run, 'workerInfo'>): number[] | null {
  if (!run.workerInfo.length || run.workerInfo.some((w) => w.status !== 'ok' || typeof w.cpuNs !== 'number' || w.cpuNs <= 0)) return null;
  return run.workerInfo.map((w) => w.cpuNs as number);
}

function fixed(x: number): string {
  return x.toFixed(1);
}

/** "1.7× faster", "1.3× slower", "as fast" (within 5 %). */
function ratioWords(ratio: number, faster: string, slower: string): string {
  if (ratio >= 0.95 && ratio <= 1.05) return 'about as fast';
  return ratio > 1 ? `${fixed(ratio)}× ${faster}` : `${fixed(1 / ratio)}× ${slower}`;
}

function workerWords(run: Pick<Run, 'model' | 'workers'>): string {
  const noun = run.model === 'thread-pool' ? 'pool thread' : 'thread';
  return run.workers === 2 ? `the two ${noun}s` : `the ${run.workers} ${noun}s`;
}

/**
 * One sentence on the GIL for a model: "without the GIL the two threads used 1.6 CPUs and finished
 * 1.7× faster; each thread alone ran 1.8× slower than on 3.11". Needs the model's GIL-on and
 * GIL-off runs of one free-threaded interpreter; the second half needs the same model's run on an
 * interpreter with a GIL (its workers' mean CPU time against the GIL-off run's). Null: nothing to compare.
 */
export function gilVerdict(trace: { python: PythonInfo; runs: ReadonlyArray<RunInfo> }, model: Model = 'thread'): string | null {
  const ofModel = trace.runs.filter((r) => r.model === model && !r.unavailable && r.repetition === undefined);
  const off = ofModel.find((r) => r.gil === false);
  const on = off && ofModel.find((r) => r.gil === true && runPython(r, trace).executable === runPython(off, trace).executable);
  if (!off || !on) return gilNotFree(ofModel);
  const busyOff = cpusBusy(off);
  if (busyOff === null || off.wallNs <= 0) return null;
  let sentence = `without the GIL ${workerWords(off)} used ${fixed(busyOff)} CPUs and finished ${ratioWords(on.wallNs / off.wallNs, 'faster', 'slower')}`;
  if (sentence.endsWith('about as fast')) sentence = `without the GIL ${workerWords(off)} used ${fixed(busyOff)} CPUs and finished about as fast as with it`;
  const withGil = ofModel.find((r) => !runPython(r, trace).freeThreaded);
  const cpuOff = workerCpu(off);
  const cpuGil = withGil && workerCpu(withGil);
  if (withGil && cpuOff && cpuGil) {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const name = interpreterName(runPython(withGil, trace));
    const each = ratioWords(mean(cpuGil) / mean(cpuOff), 'faster', 'slower');
    sentence += each === 'about as fast' ? `; each thread alone ran about as fast as on ${name}` : `; each thread alone ran ${each} than on ${name}`;
  }
  return sentence.charAt(0).toUpperCase() + sentence.slice(1) + '.';
}

/** A free-threaded interpreter whose runs all had the GIL on: the sentence says why, not a comparison. */
function gilNotFree(runs: readonly RunInfo[]): string | null {
  const forced = runs.find((r) => r.gil === true && r.gilNote);
  return forced ? `No run without the GIL to compare: ${forced.gilNote}.` : null;
}
