/**
 * Thread states as people read them: each lane's share of its observed time in each state,
 * computed from a run's spans alone (for the CLI's summary and the timeline alike).
 */
import { JOIN_KINDS, waitEnd } from './lockKinds';
import { upperBound } from './sortedTimes';
import { THREAD_STATES, type LockSpan, type Run, type StateSpan, type ThreadState } from './trace';

/** What each state is called in sentences. */
export const STATE_LABELS: Readonly<Record<ThreadState, string>> = {
  running: 'running',
  gil: 'waiting for the GIL',
  lock: 'waiting for a lock',
  sleep: 'sleeping',
  io: 'waiting for I/O',
  other: 'blocked elsewhere',
};

/** One thread of a worker: the time its spans cover, and each state's part of it (0 to 1). */
export interface LaneShares {
  worker: number;
  /** null: the worker's own thread; n: thread n that it started. */
  thread: number | null;
  observedNs: number;
  shares: Record<ThreadState, number>;
  /**
   * The part of its observed time it spent joining another thread or process (a recorded join:
   * waiting for work that is another lane's); that time is not in `shares`' `lock`.
   */
  joining: number;
}

/** Every lane that has spans, the worker's own thread first, then the threads it started. */
export function stateShares(run: Pick<Run, 'states' | 'locks'>): LaneShares[] {
  const lanes = new Map<string, { worker: number; thread: number | null; ns: Record<ThreadState, number>; joinNs: number }>();
  const inJoin = joinTest(run);
  for (const s of run.states ?? []) {
    const key = `${s.worker}:${s.thread ?? 0}`;
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { worker: s.worker, thread: s.thread, ns: zeros(), joinNs: 0 }));
    if (s.state === 'lock' && inJoin(s)) lane.joinNs += s.dur;
    else lane.ns[s.state] += s.dur;
  }
  return [...lanes.values()]
    .sort((a, b) => a.worker - b.worker || (a.thread ?? 0) - (b.thread ?? 0))
    .map(({ worker, thread, ns, joinNs }) => {
      const observedNs = THREAD_STATES.reduce((sum, s) => sum + ns[s], joinNs);
      const shares = zeros();
      for (const s of THREAD_STATES) shares[s] = observedNs > 0 ? ns[s] / observedNs : 0;
      return { worker, thread, observedNs, shares, joining: observedNs > 0 ? joinNs / observedNs : 0 };
    });
}

/**
 * Whether a `lock` span lies in one of its thread's recorded joins (the spans are cut at the
 * waits' edges: a span is wholly in a wait or out of it).
 */
function joinTest(run: Pick<Run, 'locks'>): (s: StateSpan) => boolean {
  const joins = new Map<string, LockSpan[]>();
  for (const l of run.locks ?? []) {
    if (!JOIN_KINDS.includes(l.kind)) continue;
    const key = `${l.worker}:${l.thread ?? 0}`;
    const own = joins.get(key);
    if (own) own.push(l);
    else joins.set(key, [l]);
  }
  for (const own of joins.values()) own.sort((a, b) => a.waitT - b.waitT);
  if (!joins.size) return () => false;
  return (s) => {
    // a thread is in one join at a time: its joins (in order of waitT) do not overlap
    const own = joins.get(`${s.worker}:${s.thread ?? 0}`);
    if (!own) return false;
    const mid = s.t + s.dur / 2;
    const i = upperBound({ length: own.length, at: (k) => own[k]?.waitT }, mid) - 1;
    return i >= 0 && mid <= waitEnd(own[i], Infinity); // a join that timed out ended there
  };
}

/** "running 49% · waiting for the GIL 48% · sleeping 3%": the states that round to 1% or more (and joining, when given). */
export function sharesText(shares: Record<ThreadState, number>, joining = 0): string {
  const parts = THREAD_STATES.filter((s) => Math.round(shares[s] * 100) >= 1).map((s) => `${STATE_LABELS[s]} ${Math.round(shares[s] * 100)}%`);
  if (Math.round(joining * 100) >= 1) parts.push(`${JOINING} ${Math.round(joining * 100)}%`);
  return parts.join(' · ');
}

/** A lane's joins in sentences. */
export const JOINING = 'waiting for others to end (join)';

/**
 * Fewer samples than this of a thread say too little to name what it did: a 2-ms run sampled at
 * 1 kHz has one or two, which can contradict its CPU time. Its shares are shown with a warning, and
 * the verdict does not rest on them.
 */
export const MIN_SAMPLES = 10;

/** About how many samples a lane's observed time holds at the run's rate (null: not sampled). */
export function samplesIn(run: Pick<Run, 'stateSource'>, lane: Pick<LaneShares, 'observedNs'>): number | null {
  const hz = run.stateSource?.hz;
  return hz ? Math.max(1, Math.round((lane.observedNs * hz) / 1e9)) : null; // a lane with a span had a sample
}

/** "running 49% · waiting for the GIL 48%", or with "(2 samples: too few to tell)" after it. */
export function laneSharesText(run: Pick<Run, 'stateSource'>, lane: LaneShares): string {
  const n = samplesIn(run, lane);
  const few = n !== null && n < MIN_SAMPLES ? ` (${n} sample${n === 1 ? '' : 's'}: too few to tell)` : '';
  return `${sharesText(lane.shares, lane.joining)}${few}`;
}

/** Whether every worker's own thread was sampled often enough for a verdict to rest on its states. */
export function sampledEnough(run: Pick<Run, 'stateSource'>, observed: WorkersStates): boolean {
  return observed.lanes.every((lane) => (samplesIn(run, lane) ?? 0) >= MIN_SAMPLES);
}

/** From this share of their ready time spent waiting for a CPU (stateSource.cpuWait), the machine was busy. */
export const BUSY_SHARE = 0.2;

function zeros(): Record<ThreadState, number> {
  return { running: 0, gil: 0, lock: 0, sleep: 0, io: 0, other: 0 };
}

/** The states in which a thread waits for something other than the GIL, as a verdict names them. */
export const WAIT_STATES = ['sleep', 'io', 'lock', 'other'] as const satisfies readonly ThreadState[];

/** What the workers' own threads were observed doing: each one's shares, and all of them together. */
export interface WorkersStates {
  lanes: LaneShares[];
  /** Each state's share of all the workers' observed time. */
  together: Record<ThreadState, number>;
}

/**
 * The workers' own threads (not the helpers they started); null when no span of theirs was
 * sampled. `together` leaves their joins out: waiting for another lane to end says nothing of why
 * the work took its time (the other lane's states do).
 */
export function workersStates(run: Pick<Run, 'states' | 'locks'>): WorkersStates | null {
  const lanes = stateShares(run).filter((l) => l.thread === null && l.observedNs > 0);
  if (!lanes.length) return null;
  const total = lanes.reduce((sum, l) => sum + l.observedNs * (1 - l.joining), 0);
  const together = zeros();
  for (const s of THREAD_STATES) together[s] = total > 0 ? lanes.reduce((sum, l) => sum + l.shares[s] * l.observedNs, 0) / total : 0;
  return { lanes, together };
}

/** "48%" when the lanes' shares of `state` round alike (within 5 points), else "45–51%". */
export function eachShareText(lanes: readonly LaneShares[], state: ThreadState): string {
  const pct = lanes.map((l) => Math.round(l.shares[state] * 100));
  const lo = Math.min(...pct);
  const hi = Math.max(...pct);
  return hi - lo <= 5 ? `${Math.round(pct.reduce((a, b) => a + b, 0) / pct.length)}%` : `${lo}–${hi}%`;
}

/** What a blocked thread's system call was doing, for the few calls people know by name. */
const IO_VERBS: Record<string, string> = {
  read: 'blocked reading', readv: 'blocked reading', pread64: 'blocked reading', recvfrom: 'blocked reading', recvmsg: 'blocked reading',
  write: 'blocked writing', writev: 'blocked writing', pwrite64: 'blocked writing', sendto: 'blocked writing', sendmsg: 'blocked writing',
  accept: 'waiting for a connection', accept4: 'waiting for a connection', connect: 'connecting',
};

/** A span's state in words, with what it was in: "sleeping (clock_nanosleep)", "blocked reading (read)". */
export function stateWords(state: ThreadState, detail: string | null): string {
  const words = state === 'io' ? (detail && IO_VERBS[detail]) || STATE_LABELS.io : state === 'sleep' ? 'sleeping' : state === 'other' ? 'blocked' : STATE_LABELS[state];
  if (state === 'running') return 'running (on a CPU, or ready to run on one)';
  return detail ? `${words} (${detail})` : words;
}
