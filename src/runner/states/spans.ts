/**
 * From what the sampler saw of each thread to the trace's states: each worker's threads found by
 * their native ids, their change points cut to the worker's body (startNs to endNs; a helper
 * thread's to the end of the run), each observation classified (a futex wait inside one of the
 * thread's recorded lock waits, runs[].locks, is `lock`), and runs of equal states merged
 * into spans. A run with more spans than the trace should carry is coarsened: spans shorter than
 * a threshold (doubled until it fits) go to their longer neighbour — the note says so.
 */
import { waitEnd } from '../../shared/lockKinds';
import { THREAD_STATES, type LockSpan, type Run, type StateSpan, type ThreadState } from '../../shared/trace';
import { UNSEEN, decode, stateOf, type CodeBook } from './classify';
import type { SampledRun, SampledThread } from './sampler';

/** What the spans need to know of the run beyond what was sampled. */
export interface StateRun {
  run: Pick<Run, 'wallNs' | 'workerInfo' | 'locks'>;
  /** The run's start on the sampler's clock (ns, CLOCK_MONOTONIC). */
  t0: number;
  sampled: SampledRun;
  /** This architecture's system calls by number (null: none known). */
  syscalls: ReadonlyMap<number, string> | null;
  /** Whether a worker's threads share a GIL with other threads that run Python. */
  gilShared: (worker: number) => boolean;
  /** Spans a run may have before it is coarsened. */
  maxSpans: number;
}

export interface RunStates {
  states: StateSpan[];
  /** Per worker (by index): the sums of its own thread's spans; undefined where it has none. */
  stateNs: Array<Record<ThreadState, number> | undefined>;
  /** Spans shorter than this went to their neighbours (null: none did). */
  coarsenedBelowNs: number | null;
}

/** One thread of one worker: its lane of spans. */
interface Lane {
  worker: number;
  thread: number | null;
  series: SampledThread;
  from: number;
  to: number;
}

export function runStates(r: StateRun): RunStates {
  const lanes = lanesOf(r);
  const book: CodeBook = { syscalls: r.syscalls, wchans: r.sampled.wchans };
  let spans = lanes.map((lane) => laneSpans(lane, r.t0, book, r.gilShared(lane.worker), lockWaitsOf(r.run.locks, lane)));
  let coarsenedBelowNs: number | null = null;
  const periodNs = 1e9 / r.sampled.hz;
  for (let below = 2 * periodNs; count(spans) > r.maxSpans; below *= 2) {
    spans = spans.map((lane) => coarsen(lane, below));
    coarsenedBelowNs = below;
  }
  const states = spans.flat();
  const stateNs = r.run.workerInfo.map((w) => sums(states.filter((s) => s.worker === w.worker && s.thread === null)));
  return { states, stateNs, coarsenedBelowNs };
}

/** Each worker's own thread and the threads it started, with the part of the run they are the worker's. */
function lanesOf(r: StateRun): Lane[] {
  const byTid = new Map(r.sampled.threads.map((s) => [`${s.pid}:${s.tid}`, s]));
  const lanes: Lane[] = [];
  for (const w of r.run.workerInfo) {
    // an asyncio task runs on a thread it shares with others: that thread's states are its worker's, no one task's
    if (w.startNs === null || w.pid === null || w.kind === 'task') continue;
    const own = w.tid ? byTid.get(`${w.pid}:${w.tid}`) : undefined;
    if (own) lanes.push({ worker: w.worker, thread: null, series: own, from: w.startNs, to: w.endNs ?? r.run.wallNs });
    for (const helper of w.threads ?? []) {
      const series = helper.tid ? byTid.get(`${w.pid}:${helper.tid}`) : undefined;
      if (series) lanes.push({ worker: w.worker, thread: helper.thread, series, from: w.startNs, to: r.run.wallNs });
    }
  }
  return lanes;
}

/** A recorded lock wait of one thread, times relative to the run. */
interface LockWait {
  from: number;
  to: number;
  lock: string;
}

/**
 * The lane's thread's lock waits in time order (runs[].locks is in order of waitT). One that never
 * got its lock (gave up, or still waiting at the end) lasts until its thread's next wait or the lane's end.
 */
function lockWaitsOf(locks: readonly LockSpan[] | undefined, lane: Lane): LockWait[] {
  const own = (locks ?? []).filter((l) => l.worker === lane.worker && l.thread === lane.thread);
  return own.map((l, i) => ({ from: l.waitT, to: waitEnd(l, own[i + 1]?.waitT ?? lane.to), lock: l.lock }));
}

/**
 * A lane's observations, cut to its part of the run, as spans of equal states (times relative to
 * the run). An observation holds from its sample to the next change: a lock wait that begins or
 * ends inside it splits it — a sample is stamped at its tick, a moment before the thread's files
 * are read, so a wait recorded just after that stamp still covers what the sample saw.
 */
function laneSpans(lane: Lane, t0: number, book: CodeBook, gilShared: boolean, waits: readonly LockWait[]): StateSpan[] {
  const { t, code, end } = lane.series;
  const spans: StateSpan[] = [];
  let w = 0; // the first wait that has not ended before this observation (observations are in time order)
  for (let i = 0; i < t.length; i++) {
    if (code[i] === UNSEEN) continue;
    const from = Math.max(t[i] - t0, lane.from);
    const to = Math.min((i + 1 < t.length ? t[i + 1] : end) - t0, lane.to);
    if (to <= from) continue;
    const observed = decode(code[i], book);
    const add = (a: number, b: number, wait: LockWait | undefined) => {
      const { state, detail } = stateOf(observed, { gilShared, inLockWait: wait !== undefined, lockName: wait?.lock });
      append(spans, { worker: lane.worker, thread: lane.thread, t: a, dur: b - a, state, detail });
    };
    while (w < waits.length && waits[w].to <= from) w++;
    let at = from;
    for (let k = w; k < waits.length && waits[k].from < to; k++) {
      const a = Math.max(waits[k].from, at);
      const b = Math.min(waits[k].to, to);
      if (b <= a) continue;
      if (a > at) add(at, a, undefined);
      add(a, b, waits[k]);
      at = b;
    }
    if (at < to) add(at, to, undefined);
  }
  return spans;
}

/** Adds a span, merged into the last one when they are the same state and touch. */
function append(spans: StateSpan[], s: StateSpan): void {
  const last = spans[spans.length - 1];
  if (last && last.state === s.state && last.detail === s.detail && last.t + last.dur === s.t) last.dur += s.dur;
  else spans.push(s);
}

/** Spans shorter than `below` go to the longer of the neighbours they touch; equal neighbours merge. */
export function coarsen(spans: readonly StateSpan[], below: number): StateSpan[] {
  const out: StateSpan[] = [];
  let carried: { t: number; dur: number } | null = null; // a short span's time, for the next span
  spans.forEach((span, i) => {
    const s = { ...span };
    if (carried && carried.t + carried.dur === s.t) {
      s.t = carried.t;
      s.dur += carried.dur;
    }
    carried = null;
    const prev = out[out.length - 1];
    const next = spans[i + 1];
    const touchesPrev = prev !== undefined && prev.t + prev.dur === s.t;
    const touchesNext = next !== undefined && s.t + s.dur === next.t;
    if (s.dur < below && touchesPrev && (!touchesNext || prev.dur >= next.dur)) prev.dur += s.dur;
    else if (s.dur < below && touchesNext) carried = { t: s.t, dur: s.dur };
    else append(out, s);
  });
  return out;
}

function count(lanes: StateSpan[][]): number {
  return lanes.reduce((n, lane) => n + lane.length, 0);
}

/** Time in each state over `spans` (undefined when there are none). */
export function sums(spans: readonly StateSpan[]): Record<ThreadState, number> | undefined {
  if (!spans.length) return undefined;
  const ns = Object.fromEntries(THREAD_STATES.map((s) => [s, 0])) as Record<ThreadState, number>;
  for (const s of spans) ns[s.state] += s.dur;
  return ns;
}
