/**
 * The timeline's data: per run, the events as typed columns and, per lane, the indices of its
 * events in time order (the spatial index hover and click search in). A worker has one lane, and
 * one sub-lane under it for each thread it started that wrote something.
 */
import type { EventColumns, RunMeta } from '../../../src/shared/columns';
import type { Model, PythonInfo, StateSpan, WorkerInfo } from '../../../src/shared/trace';
import type { RowKind } from './layout';
import type { Times } from '../../../src/shared/sortedTimes';
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
  /**
   * A collapsed process group's summary lane: the events of all its lanes (their keys here,
   * worker × 256 + thread), each mark in its own worker's colour.
   */
  members?: ReadonlySet<number>;
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
  /** It gave up then (a timeout ran out): see LockSpan. */
  gaveUpT?: number;
  releasedT: number | null;
}

/** A process of a script run and its lanes, under a heading that collapses them into one lane. */
export interface ProcessGroup {
  /** Names it across redraws and reloads of the same trace: "pid 4242". */
  key: string;
  /** "Main process · pid 4242", "Process-1 · pid 4243". */
  label: string;
  lanes: LaneModel[];
  events: number;
  collapsed: boolean;
}

/** A row of the run's canvas and label column, top to bottom. */
export type RunRow = { kind: 'heading'; group: ProcessGroup } | { kind: 'lane'; lane: LaneModel };

export interface RunModel {
  model: Model;
  /** The run without its events. */
  run: RunMeta;
  /** Its events, as columns in global order. */
  cols: EventColumns;
  title: string;
  /** Every lane (the names of the event list and the hover come from here). */
  lanes: LaneModel[];
  /** Script runs: its processes' groups, in lane order (else none). */
  groups: ProcessGroup[];
  /** What is drawn: headings and the lanes shown (a collapsed group: its summary lane). */
  rows: RunRow[];
  /** The lanes of `rows`, in order: what layout.lanes and the hit-testing index. */
  shown: LaneModel[];
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
export function buildRunModel(run: RunMeta, cols: EventColumns, runIndex: number, trace?: { python: PythonInfo; runs: readonly RunMeta[] }, collapsed: ReadonlySet<string> = new Set()): RunModel {
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
  const model: RunModel = { model: run.model, run, cols, title: runTitle(run, trace), lanes, groups: [], rows: [], shown: [], endNs };
  setCollapsed(model, collapsed);
  return model;
}

/**
 * The run's rows with these groups collapsed (keys of ProcessGroup): a script run's lanes under
 * one heading per process (in lane order: processGroups put each process's lanes together); any
 * other run, and a live script run (no worker info yet), its lanes as they are.
 */
export function setCollapsed(model: RunModel, collapsed: ReadonlySet<string>): void {
  const groups: ProcessGroup[] = [];
  if (model.model === 'script') {
    for (const lane of model.lanes) {
      const info = model.run.workerInfo.find((w) => w.worker === lane.worker);
      if (!info) continue;
      const key = `pid ${info.pid}`;
      let group = groups.at(-1);
      if (group?.key !== key) groups.push((group = { key, label: processLabel(info), lanes: [], events: 0, collapsed: false }));
      group.lanes.push(lane);
      group.events += lane.index.length;
    }
  }
  for (const group of groups) group.collapsed = group.lanes.length > 1 && collapsed.has(group.key);
  const grouped = groups.reduce((n, g) => n + g.lanes.length, 0) === model.lanes.length && groups.length > 0;
  model.groups = grouped ? groups : [];
  // a process with one lane has no heading: its lane names it, and there is nothing to collapse
  const heading = (group: ProcessGroup): RunRow[] => (group.lanes.length > 1 ? [{ kind: 'heading', group }] : []);
  model.rows = grouped
    ? groups.flatMap((group): RunRow[] => [...heading(group), ...(group.collapsed ? [summaryLane(model, group)] : group.lanes).map((lane) => ({ kind: 'lane' as const, lane }))])
    : model.lanes.map((lane) => ({ kind: 'lane', lane }));
  model.shown = model.rows.flatMap((row) => (row.kind === 'lane' ? [row.lane] : []));
}

/** The kinds of a run's rows, for layoutRun. */
export function rowKinds(model: RunModel): RowKind[] {
  return model.rows.map((row) => row.kind);
}

/** A process group's heading: its main thread's process, or the process worker's own name and pid. */
function processLabel(first: WorkerInfo): string {
  if (first.kind === 'process') return laneLabel('script', first);
  return `${first.kind === 'main' ? 'Main process' : 'Process'}${first.pid ? ` · pid ${first.pid}` : ''}`;
}

/** A collapsed group as one lane: all its events in time order, named by what it holds. */
function summaryLane(model: RunModel, group: ProcessGroup): LaneModel {
  const t = model.cols.t;
  const index = new Int32Array(group.events);
  let at = 0;
  for (const lane of group.lanes) {
    index.set(lane.index, at);
    at += lane.index.length;
  }
  // the run's events are in time order (ties by worker): their indices' numeric order is that order
  index.sort();
  const n = group.lanes.length;
  return {
    run: group.lanes[0].run,
    worker: group.lanes[0].worker,
    thread: 0,
    label: `${n} lane${n === 1 ? '' : 's'} · ${group.events.toLocaleString('en-US')} event${group.events === 1 ? '' : 's'}`,
    info: null,
    index,
    times: { length: index.length, at: (j: number) => t[index[j]] },
    states: [],
    locks: [],
    members: new Set(group.lanes.map((lane) => laneKey(lane.worker, lane.thread))),
  };
}

/** Whether event `i` of the run is drawn on `lane` (its own lane, or the summary lane it is merged into). */
export function laneHas(lane: LaneModel, worker: number, thread: number): boolean {
  return lane.members ? lane.members.has(laneKey(worker, thread)) : lane.worker === worker && lane.thread === thread;
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

export function buildTimelineModel(runs: readonly RunMeta[], columns: readonly EventColumns[], python?: PythonInfo, collapsed?: ReadonlySet<string>): TimelineModel {
  const models = runs.map((r, i) => buildRunModel(r, columns[i], i, python && { python, runs }, collapsed));
  let endNs = 1;
  for (const r of models) endNs = Math.max(endNs, r.endNs);
  return { runs: models, endNs };
}
