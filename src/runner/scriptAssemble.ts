/**
 * From what a traced script left behind — its control records (a `worker` record per thread,
 * process and task, in the order the follower took their files) and each worker's records — to
 * the run of `model: "script"`: who created whom, names, statuses, and every event in global order.
 */
import { RunEvents } from './eventStore';
import { setExit, wallEnd, type AssembledRun, type RunExit } from './assemble';
import { lockSpans } from './lockSpans';
import { runContext, type ControlRecord, type WorkerState } from './records';
import { JOIN_KINDS } from '../shared/lockKinds';
import type { LockSpan, Run, WorkerInfo } from '../shared/trace';

type WorkerRecord = Extract<ControlRecord, { type: 'worker' }>;
type Spawned = Extract<ControlRecord, { type: 'spawned' }>;
type Deadlock = Extract<ControlRecord, { type: 'deadlock' }>;
type Ended = Extract<ControlRecord, { type: 'ended' }>;

/** Said in a sampled script run with asyncio tasks: why a task's lane has no states. */
export const TASK_STATES_NOTE = "An asyncio task has no states of its own: it runs on a thread it shares with the event loop's other tasks, whose states are on that thread's lane.";

/** How the harness process ended (the program's main process is the harness). */
export type ScriptExit = RunExit;

export function assembleScript(control: readonly ControlRecord[], workers: readonly WorkerState[], t0: number, exit: ScriptExit): AssembledRun {
  const records = control.filter((r): r is WorkerRecord => r.type === 'worker');
  const index = new Map(records.map((r, i) => [r.key, i]));
  const spawned = new Map<number, Spawned>();
  const exits = new Map<number, number | null>();
  const ended = new Map<number, Ended>();
  const forked = new Map<number, number>(); // pid -> the parent's other threads at its fork
  for (const r of control) {
    if (r.type === 'spawned') spawned.set(r.pid, r);
    if (r.type === 'processExit') exits.set(r.pid, r.exitCode);
    if (r.type === 'ended' && !ended.has(r.pid)) ended.set(r.pid, r);
    if (r.type === 'forked') forked.set(r.pid, r.threads);
  }
  const indexOf = (key: string | null | undefined) => (key ? (index.get(key) ?? null) : null);
  const deadlock = control.find((r): r is Deadlock => r.type === 'deadlock');
  let lastNs = t0;
  const workerInfo = records.map((r, worker): WorkerInfo => {
    const state = workers[worker];
    // a process's creator and name as its parent saw them (Process.start, Popen), when it did
    const by = r.kind === 'process' ? spawned.get(r.pid) : undefined;
    for (const s of state.sources) if (s.count && s.t[s.count - 1] > lastNs) lastNs = s.t[s.count - 1];
    if (state.end && state.end.ns > lastNs) lastNs = state.end.ns;
    const info: WorkerInfo = {
      worker,
      pid: r.pid,
      tid: r.tid,
      kind: r.kind,
      name: by && !by.name.startsWith('subprocess ') ? by.name : r.name,
      parent: indexOf(r.parent) ?? indexOf(by?.by),
      createdNs: Math.min(by?.t ?? r.t, r.t) - t0,
      startNs: state.begin ? state.begin.ns - t0 : null,
      endNs: state.end ? state.end.ns - t0 : null,
      cpuNs: state.end && state.end.cpuNs >= 0 ? state.end.cpuNs : null,
      status: 'ok',
    };
    if (state.threads.length) info.threads = state.threads;
    if (r.kind === 'process' && forked.has(r.pid)) info.forkedAmidThreads = forked.get(r.pid);
    setScriptStatus(info, state.end, exit, exits.get(r.pid));
    if (deadlock) setDeadlocked(info, r.key, state, deadlock, exits.has(r.pid));
    return info;
  });
  workerInfo.push(...neverBegan(records, spawned, exits, indexOf, t0, workerInfo.length, exit));
  for (const info of workerInfo) setEndedBy(info, info.pid === null ? undefined : ended.get(info.pid), indexOf);
  const runEnd = control.find((r) => r.type === 'runEnd');
  const run: Run = {
    model: 'script',
    workers: workerInfo.length,
    startMethod: null,
    wallNs: wallEnd(runEnd?.type === 'runEnd' ? runEnd.t : undefined, lastNs, exit) - t0,
    workerInfo,
    events: [],
    locks: lockSpans(workers, t0),
  };
  const untraced = control.filter((r): r is Extract<ControlRecord, { type: 'untraced' }> => r.type === 'untraced');
  setJoins(workerInfo, run.locks!);
  if (untraced.length) run.untraced = untraced.map((u) => ({ pid: u.pid, parent: indexOf(u.by), command: u.command, reason: u.reason }));
  if (workers.some((w) => w.truncated)) run.truncated = true;
  if (exit.stopReason) run.stopped = exit.stopReason;
  const events = new RunEvents(workers.flatMap((w) => w.sources), t0, workerInfo.map((w) => w.pid));
  return { run, events, ...runContext(control) };
}

/**
 * Processes the program started (Process.start: its parent said so) that never got to run a line
 * of ours — a Pool's process ended by its terminate() while still starting, a child killed at once
 * —: a lane each too, with how its parent saw it end. (A `subprocess` child that is not Python is
 * its parent's output, not a lane.)
 */
function neverBegan(records: readonly WorkerRecord[], spawned: ReadonlyMap<number, Spawned>, exits: ReadonlyMap<number, number | null>, indexOf: (key: string | null) => number | null, t0: number, first: number, exit: ScriptExit): WorkerInfo[] {
  const began = new Set(records.filter((r) => r.kind === 'process').map((r) => r.pid));
  const lanes: WorkerInfo[] = [];
  for (const s of spawned.values()) {
    if (began.has(s.pid) || s.name.startsWith('subprocess ')) continue;
    const info: WorkerInfo = {
      worker: first + lanes.length, pid: s.pid, tid: null, kind: 'process', name: s.name, parent: indexOf(s.by),
      createdNs: s.t - t0, startNs: null, endNs: null, cpuNs: null, status: 'ok',
    };
    setScriptStatus(info, undefined, exit, exits.get(s.pid));
    lanes.push(info);
  }
  return lanes;
}

/** The signal each of the program's own ending calls sends (POSIX). */
const ENDING_SIGNALS: Readonly<Record<string, string>> = { 'terminate()': 'SIGTERM', 'kill()': 'SIGKILL' };

/**
 * A process killed by the program's own terminate()/kill(): who called it, and which — when the
 * signal is that call's (one that had crashed before the call, SIGABRT or SIGSEGV, stays a failure).
 */
function setEndedBy(info: WorkerInfo, ended: Ended | undefined, indexOf: (key: string | null) => number | null): void {
  if (ended && info.kind === 'process' && info.status === 'killed' && info.signal === ENDING_SIGNALS[ended.call]) {
    info.endedBy = { worker: indexOf(ended.by), call: ended.call };
  }
}

/**
 * A process's watchdog ended the program at a deadlock of its threads: the workers it names
 * waited on each other (their stacks then); the others still going went with the program (the
 * main process too, when the deadlock was a child's) — unless their parent saw how they ended.
 */
function setDeadlocked(info: WorkerInfo, key: string, state: WorkerState, deadlock: Deadlock, joined: boolean): void {
  const stuck = deadlock.workers.find((d) => d.worker === key);
  if (stuck) info.deadlock = { cycle: deadlock.cycle, stack: stuck.stack };
  else if (state.end || joined) return;
  info.status = 'deadlock';
  delete info.signal;
}

/**
 * What it said (its end record) — unless a process said "ok" and its parent saw it exit otherwise —, or else what became of it: still going when we stopped the run;
 * the main thread of a program killed by a signal; a process that ended without a word (a
 * signal, a crash: our os._exit says its code); a thread whose process ended under it.
 */
function setScriptStatus(info: WorkerInfo, end: WorkerState['end'], exit: ScriptExit, exitCode: number | null | undefined): void {
  if (end && end.status.status === 'ok' && info.kind === 'process' && exitCode) {
    setExit(info, exitCode); // it thought it ended well (sys.exit(3) at its top level is past our hooks): its parent saw more
  } else if (end) {
    info.status = end.status.status;
    if (end.status.error) info.error = end.status.error;
    if (end.status.exitCode !== undefined) info.exitCode = end.status.exitCode;
  } else if (exit.stopReason) {
    info.status = 'timeout';
  } else if (info.kind === 'main' && exit.signal) {
    info.status = 'killed';
    info.signal = exit.signal;
  } else if (info.kind === 'process' && typeof exitCode === 'number') {
    setExit(info, exitCode); // as its parent's join saw it: -15 is SIGTERM (a Pool's terminate)
  } else if (info.kind === 'process' || info.kind === 'main') {
    info.status = 'killed';
    info.signal = 'unknown (the process ended without a word: a signal, or a crash)';
  } else {
    info.status = 'exited'; // its process ended while it still ran (a daemon thread at exit)
  }
}

/**
 * Who joined each thread and process of the program, and when that join returned: the first
 * recorded join of it (by name) that ended once it had ended — a thread's by a lane of its own
 * process, a process's by a lane of its parent's.
 */
function setJoins(workerInfo: WorkerInfo[], locks: readonly LockSpan[]): void {
  const joins = locks.filter((l) => JOIN_KINDS.includes(l.kind) && l.acquiredT !== null);
  if (!joins.length) return;
  for (const info of workerInfo) {
    if (info.kind !== 'thread' && info.kind !== 'process') continue;
    const kind = info.kind === 'thread' ? 'Thread.join' : 'Process.join';
    const joinerPid = info.kind === 'thread' ? info.pid : (info.parent !== null && info.parent !== undefined ? workerInfo[info.parent]?.pid : undefined);
    const join = joins.find((l) => l.kind === kind && l.lock === info.name && workerInfo[l.worker]?.pid === joinerPid && l.acquiredT! >= (info.endNs ?? 0));
    if (!join) continue;
    info.joinedNs = join.acquiredT;
    info.joinedBy = join.worker;
  }
}
