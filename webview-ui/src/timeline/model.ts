/**
 * The timeline's data: per run, the events as typed columns and, per lane, the indices of its
 * events in time order (the spatial index hover and click search in). A worker has one lane, and
 * one sub-lane under it for each thread it started that wrote something.
 */
import type { EventColumns, RunMeta } from '../../../src/shared/columns';
import type { Model, PythonInfo, StateSpan, WorkerInfo } from '../../../src/shared/trace';
import type { Times } from './layout';
import { helperThreadName, laneLabel, runTitle } from '../../../src/shared/labels';

export interface LaneModel {
  run: number;
  worker: number;
  /** 0: the worker's own thread; n: thread n that it started (a sub-lane). */
  thread: number;
  label: string;
  /** The worker's life (its own lane only). */
  info: WorkerInfo | null;
  /** Index into the run's events of this lane's events, in time order. */
  index: Int32Array;
  /** Their times (ns since the run's start), ascending: read through `index`, not copied. */
  times: Times;
  /** The thread's sampled states, in time order (none when states were not sampled). */
  states: StateSpan[];
  /** The thread's contended lock acquires, in the order they began to wait. */
  locks: LockWait[];
}

/**
 * One contended acquire (`runs[].locks`, trace format in DESIGN.md): waited from `waitT`, got the
 * lock at `acquiredT` and let it go at `releasedT` (null: not before the run ended). Read when present.
 */
export interface LockWait {
  worker: number;
  thread: number | null;
  /** The name it was assigned to and the line it was created on: "counter_lock (line 3)". */
  lock: string;
  kind: string;
  /** Where acquire (or `with`) was called. */
  line: number;
  /** `script` runs: the file of that line, when it is another file of the program than the traced one. */
  file?: string;
  waitT: number;
  acquiredT: number | null;
  releasedT: number | null;
}

export interface RunModel {
  model: Model;
  /** The run without its events. */
  run: RunMeta;
  /** Its events, as columns in global order. */
  cols: EventColumns;
  title: string;
  lanes: LaneModel[];
  endNs: number;
}

const laneKey = (worker: number, thread: number) => worker * 256 + thread;

/** Who wrote event `i` of the run, for people: "Thread 1", or "Thread 1 ↳ its-helper". */
export function writerOf(run: RunModel, i: number): string {
  const worker = run.cols.worker[i];
  const thread = run.cols.thread[i];
  const own = run.lanes.find((l) => l.worker === worker && l.thread === 0)?.label ?? `Worker ${worker + 1}`;
  const sub = thread ? run.lanes.find((l) => l.worker === worker && l.thread === thread) : undefined;
  return sub ? `${own} ${sub.label}` : own;
}

/** The process id of the worker that wrote event `i`, when it ran in a process of its own. */
export function pidOf(run: RunModel, i: number): number | null {
  return run.run.workerInfo.find((w) => w.worker === run.cols.worker[i])?.pid ?? null;
}

export interface TimelineModel {
  runs: RunModel[];
  /** The longest run: all runs share one time axis from 0 to here. */
  endNs: number;
}

export { laneLabel, runTitle };

/**
 * A `script` run's lane order: worker → its place, each process's lanes together (processes in
 * the order their first worker appeared), within a process the main lane first, then by creation
 * (the program's threads register as they start, not as they were made). Empty for the other
 * models: their lanes stay in worker order.
 */
export function processGroups(run: Pick<RunMeta, 'model' | 'workerInfo'>): Map<number, number> {
  if (run.model !== 'script') return new Map();
  const firstOfPid = new Map<number | null, number>();
  for (const w of run.workerInfo) if (!firstOfPid.has(w.pid)) firstOfPid.set(w.pid, w.worker);
  const own = (w: WorkerInfo) => (w.kind === 'thread' || w.kind === 'task' ? 1 : 0); // the process's own lane first
  const sorted = [...run.workerInfo].sort((a, b) => firstOfPid.get(a.pid)! - firstOfPid.get(b.pid)! || own(a) - own(b) || (a.createdNs ?? 0) - (b.createdNs ?? 0) || a.worker - b.worker);
  return new Map(sorted.map((w, place) => [w.worker, place]));
}

/** `trace`: the trace's interpreter and runs, for titles that name the GIL and, when several ran, the interpreter. */
export function buildRunModel(run: RunMeta, cols: EventColumns, runIndex: number, trace?: { python: PythonInfo; runs: readonly RunMeta[] }): RunModel {
  const n = cols.t.length;
  let workers = run.unavailable ? 0 : run.workers; // a model this Python cannot run has no lanes
  for (const w of run.workerInfo) workers = Math.max(workers, w.worker + 1);
  const counts = new Map<number, number>();
  for (let w = 0; w < workers; w++) counts.set(laneKey(w, 0), 0);
  for (let i = 0; i < n; i++) {
    const key = laneKey(cols.worker[i], cols.thread[i]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const group = processGroups(run);
  // a script's lanes together by process, in the order their processes appeared (else by worker)
  const keys = [...counts.keys()].sort((a, b) => (group.get(Math.floor(a / 256)) ?? 0) - (group.get(Math.floor(b / 256)) ?? 0) || a - b);
  const lanes: LaneModel[] = keys.map((key) => {
    const worker = Math.floor(key / 256);
    const thread = key % 256;
    const info = run.workerInfo.find((x) => x.worker === worker) ?? null;
    const index = new Int32Array(counts.get(key)!);
    return {
      run: runIndex,
      worker,
      thread,
      label: thread ? `↳ ${helperThreadName(info, thread)}` : laneLabel(run.model, info ?? { worker }),
      info: thread ? null : info,
      index,
      times: { length: index.length, at: (j: number) => cols.t[index[j]] },
      states: [],
      locks: [],
    };
  });
  const laneOf = new Map(keys.map((key, i) => [key, i]));
  const fill = new Int32Array(lanes.length);
  let endNs = run.wallNs;
  for (let i = 0; i < n; i++) {
    const l = laneOf.get(laneKey(cols.worker[i], cols.thread[i]))!;
    lanes[l].index[fill[l]++] = i;
    if (cols.t[i] > endNs) endNs = cols.t[i];
  }
  for (const lane of lanes) sortLane(lane, cols.t);
  placeStates(run, lanes, laneOf);
  return { model: run.model, run, cols, title: runTitle(run, trace), lanes, endNs };
}

/** Each thread's states and lock waits on its lane (a thread that wrote nothing has no lane: not shown). */
function placeStates(run: RunMeta, lanes: LaneModel[], laneOf: Map<number, number>): void {
  const laneFor = (w: { worker: number; thread: number | null }) => lanes[laneOf.get(laneKey(w.worker, w.thread ?? 0)) ?? -1];
  for (const span of run.states ?? []) laneFor(span)?.states.push(span);
  for (const wait of (run as RunMeta & { locks?: LockWait[] }).locks ?? []) laneFor(wait)?.locks.push(wait);
  for (const lane of lanes) {
    lane.states.sort((a, b) => a.t - b.t);
    lane.locks.sort((a, b) => a.waitT - b.waitT);
  }
}

/** Events of one worker are in time order already; a pending line's time may not be (kept exact). */
function sortLane(lane: LaneModel, t: Float64Array): void {
  const index = lane.index;
  for (let i = 1; i < index.length; i++) {
    if (t[index[i]] < t[index[i - 1]]) {
      index.set(Array.from(index).sort((a, b) => t[a] - t[b] || a - b));
      return;
    }
  }
}

export function buildTimelineModel(runs: readonly RunMeta[], columns: readonly EventColumns[], python?: PythonInfo): TimelineModel {
  const models = runs.map((r, i) => buildRunModel(r, columns[i], i, python && { python, runs }));
  let endNs = 1;
  for (const r of models) endNs = Math.max(endNs, r.endNs);
  return { runs: models, endNs };
}
