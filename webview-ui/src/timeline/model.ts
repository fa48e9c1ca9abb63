/**
 * The timeline's data: per run, the events as typed columns and, per worker lane, the indices of
 * its events in time order (the spatial index hover and click search in).
 */
import type { EventColumns, RunMeta } from '../../../src/shared/columns';
import type { Model, Run, WorkerInfo } from '../../../src/shared/trace';

export interface LaneModel {
  run: number;
  worker: number;
  label: string;
  info: WorkerInfo | null;
  /** Times (ns since the run's start) of this lane's events, ascending. */
  times: Float64Array;
  /** Index into the run's events of each entry of `times`. */
  index: Int32Array;
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

export interface TimelineModel {
  runs: RunModel[];
  /** The longest run: all runs share one time axis from 0 to here. */
  endNs: number;
}

const TITLES: Record<Model, string> = {
  sequential: 'Sequential',
  thread: 'Threads',
  process: 'Processes',
  'thread-pool': 'Thread pool',
  'process-pool': 'Process pool',
  asyncio: 'asyncio tasks',
  interpreter: 'Subinterpreters',
};

export function laneLabel(model: Model, w: Pick<WorkerInfo, 'worker' | 'pid'>): string {
  const n = w.worker + 1;
  const pid = w.pid ? ` · pid ${w.pid}` : '';
  switch (model) {
    case 'process':
      return `Process ${n}${pid}`;
    case 'process-pool':
      return `Pool task ${n}${pid}`;
    case 'thread':
      return `Thread ${n}`;
    case 'thread-pool':
      return `Pool thread ${n}`;
    case 'asyncio':
      return `Task ${n}`;
    case 'interpreter':
      return `Interpreter ${n}`;
    default:
      return `Call ${n}`;
  }
}

export function runTitle(run: Pick<Run, 'model' | 'workers' | 'startMethod'>): string {
  const method = run.startMethod ? ` (${run.startMethod})` : '';
  return `${TITLES[run.model] ?? run.model} × ${run.workers}${method}`;
}

export function buildRunModel(run: RunMeta, cols: EventColumns, runIndex: number): RunModel {
  const n = cols.t.length;
  let workers = run.unavailable ? 0 : run.workers; // a model this Python cannot run has no lanes
  for (const w of run.workerInfo) workers = Math.max(workers, w.worker + 1);
  for (let i = 0; i < n; i++) if (cols.worker[i] >= workers) workers = cols.worker[i] + 1;
  const counts = new Int32Array(workers);
  for (let i = 0; i < n; i++) counts[cols.worker[i]]++;
  const lanes: LaneModel[] = [];
  for (let w = 0; w < workers; w++) {
    const info = run.workerInfo.find((x) => x.worker === w) ?? null;
    lanes.push({
      run: runIndex,
      worker: w,
      label: laneLabel(run.model, info ?? { worker: w, pid: null }),
      info,
      times: new Float64Array(counts[w]),
      index: new Int32Array(counts[w]),
    });
  }
  const fill = new Int32Array(workers);
  let endNs = run.wallNs;
  for (let i = 0; i < n; i++) {
    const w = cols.worker[i];
    const lane = lanes[w];
    lane.times[fill[w]] = cols.t[i];
    lane.index[fill[w]++] = i;
    if (cols.t[i] > endNs) endNs = cols.t[i];
  }
  for (const lane of lanes) sortLane(lane);
  return { model: run.model, run, cols, title: runTitle(run), lanes, endNs };
}

/** Events of one worker are in time order already; a pending line's time may not be (kept exact). */
function sortLane(lane: LaneModel): void {
  for (let i = 1; i < lane.times.length; i++) {
    if (lane.times[i] < lane.times[i - 1]) {
      const pairs = Array.from(lane.times, (t, j) => [t, lane.index[j]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      pairs.forEach(([t, j], k) => {
        lane.times[k] = t;
        lane.index[k] = j;
      });
      return;
    }
  }
}

export function buildTimelineModel(runs: readonly RunMeta[], columns: readonly EventColumns[]): TimelineModel {
  const models = runs.map((r, i) => buildRunModel(r, columns[i], i));
  let endNs = 1;
  for (const r of models) endNs = Math.max(endNs, r.endNs);
  return { runs: models, endNs };
}
