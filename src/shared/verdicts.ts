/**
 * The verdict: one sentence in plain words about what a run's figures and sampled states mean —
 * what it did, why (as observed, never guessed), how it compares with sequential, how it failed.
 */
import { eachShareText, MIN_SAMPLES, sharesText, STATE_LABELS, WAIT_STATES, workersStates, type WorkersStates } from './states';
import type { Run, ThreadState, WorkerInfo } from './trace';
import { endedBadly } from './workerLife';
import type { RunFacts, RunSummary } from './runSummary';
import { cpusPhrase, formatNs, percent, speedWords } from './format';

/** One sentence in plain words about what the figures mean. */
export function verdict(run: RunFacts, s: RunSummary, gil = true): string {
  const parts: string[] = [];
  const n = run.workerInfo.length;
  const name = run.model === 'script' ? scriptNoun(run.workerInfo) : workerNoun(run.model, 2);
  if (run.unavailable) return `Not run: ${run.unavailable}.`;
  if (run.stopped) parts.push(run.stopped === 'timeout' ? 'Stopped at the time limit.' : 'Cancelled.');
  const why = failureReason(run);
  if (s.kind === 'not-run') {
    parts.push(`None of the ${name} got to run the function${why ? `: ${why}` : ''}.`);
    return parts.join(' ');
  }
  const stuck = run.workerInfo.find((w) => w.deadlock);
  if (stuck) {
    // its times say how long they waited, not how the model performs
    parts.push(`Deadlocked, so the run was ended early: ${stuck.deadlock!.cycle}.`);
    const hazard = forkHazard(run); // a lock held by a thread the forked child does not have
    if (hazard) parts.push(hazard);
    return parts.join(' ');
  }
  if (n > 0 && run.workerInfo.every(failedByItself)) {
    // their times are those of the failure: start-up against work, overlap or speed would mislead
    parts.push(`${failedTogether(run, name)}, so the times measure the failure, not the function's work: fix it and run again.`);
    if (run.truncated) parts.push('Recording stopped at the event cap.');
    return parts.join(' ');
  }
  if (s.kind === 'baseline') parts.push(`Baseline: ${n} call${n === 1 ? '' : 's'} one after another took ${formatNs(run.wallNs)}.`);
  else {
    parts.push(`${concurrentVerdict(run, s, name, gil)}.`);
    if (s.speedup !== null && s.speedup < 0.8 && s.startupNs !== null && s.startupNs * n > run.wallNs * 0.3) {
      parts.push(`Starting the ${name} cost more than the work they did.`);
    }
  }
  if (s.failed) parts.push(`${s.failed} of ${n} worker${n === 1 ? '' : 's'} did not finish normally${why ? ` (first: ${why})` : ''}.`);
  const hazard = forkHazard(run);
  if (hazard) parts.push(hazard);
  if (run.truncated) parts.push('Recording stopped at the event cap.');
  return parts.join(' ');
}

/**
 * A script's process that did not end well and was forked while other threads of its parent ran:
 * the likely reason, said as what was observed (the threads at the fork), and what avoids it.
 */
function forkHazard(run: RunFacts): string {
  const w = run.workerInfo.find((x) => x.forkedAmidThreads && (x.status === 'timeout' || (x.deadlock !== undefined && waitsForNoOnesLock(x))));
  if (!w) return '';
  const n = w.forkedAmidThreads!;
  return `${w.name ?? 'A process'} was forked while ${n} other thread${n === 1 ? '' : 's'} of its parent ran: a lock one of them held then (sys.stdout's, a logging handler's) stays held in the child and can hang it — start the processes before the threads, or use the spawn or forkserver start method.`;
}

/**
 * A deadlocked worker waits for a lock no one in the cycle holds (a lock held in its parent at the
 * fork, by a thread the child does not have) — not a lock-order deadlock, where someone does.
 */
function waitsForNoOnesLock(w: WorkerInfo): boolean {
  const parts = w.deadlock!.cycle.split('; ');
  const held = parts.map((p) => (/ holds (.*) and (?:waits|cannot)/.exec(p)?.[1] ?? '')).join(' and ');
  return parts.filter((p) => p.startsWith(`${w.name} `)).some((p) => {
    const lock = / waits for (.*)$/.exec(p)?.[1];
    return lock !== undefined && !lock.startsWith('its ') && !held.includes(lock); // "its thread … to end": a join
  });
}

/** What a model's workers are called: "thread"/"threads", "call"/"calls" (sequential), … */
export function workerNoun(model: Run['model'], count = 2): string {
  const [one, many] = NOUNS[model] ?? ['call', 'calls'];
  return count === 1 ? one : many;
}

const NOUNS: Partial<Record<Run['model'], [string, string]>> = {
  thread: ['thread', 'threads'],
  process: ['process', 'processes'],
  'thread-pool': ['pool thread', 'pool threads'],
  'process-pool': ['pool process', 'pool processes'],
  asyncio: ['task', 'tasks'],
  interpreter: ['subinterpreter', 'subinterpreters'],
  script: ['thread or process', 'threads and processes'],
};

/** What a script's lanes are called, by what the program made besides its main thread: "threads", "processes", "threads and tasks"… */
export function scriptNoun(workers: readonly Pick<WorkerInfo, 'kind'>[]): string {
  const made = (['thread', 'process', 'task'] as const).filter((kind) => workers.some((w) => w.kind === kind));
  const words = made.map((kind) => ({ thread: 'threads', process: 'processes', task: 'tasks' })[kind]);
  if (!words.length) return NOUNS.script![1];
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A worker that ended through its own failure (not one we stopped at the time limit). */
function failedByItself(w: WorkerInfo): boolean {
  return endedBadly(w) && w.status !== 'timeout';
}

/** "All 3 threads raised ValueError: boom", "Both processes exited with code 1", or the first of several reasons. */
function failedTogether(run: RunFacts, many: string): string {
  const n = run.workerInfo.length;
  const who = n === 1 ? `The one ${workerNoun(run.model, 1)}` : n === 2 ? `Both ${many}` : `All ${n} ${many}`;
  const reasons = new Set(run.workerInfo.map((w) => failureWords(w, n)));
  return reasons.size === 1 ? `${who} ${[...reasons][0]}` : `${who} failed (first: ${failureReason(run)})`;
}

/** How a worker ended, as a verb phrase: "raised ValueError: boom", "exited with code 1". */
function failureWords(w: WorkerInfo, workers: number): string {
  if (w.startNs === null) return 'never started';
  if (w.error) return `raised ${w.error.type}: ${w.error.message.split('\n')[0].replace(/\.$/, '')}`;
  if (w.status === 'exited') return `exited with code ${w.exitCode ?? '?'}`;
  if (w.status === 'killed') return `${workers === 1 ? 'was' : 'were'} killed by ${w.signal ?? 'a signal'}`;
  return `ended with status ${w.status}`;
}

/**
 * What a concurrent run did, then how it compares with sequential. A run slower than sequential
 * is never said to be parallel: its workers computed at the same time, yet it lost.
 */
function concurrentVerdict(run: RunFacts, s: RunSummary, name: string, gil: boolean): string {
  const speed = s.speedup === null ? '' : ` — ${speedWords(s.speedup, 'sequential')}${speedupBasis(s)}`;
  const busy = s.cpusBusy === null ? '' : ` (${cpusPhrase(s.cpusBusy)} busy on average)`;
  switch (s.kind) {
    case 'one-worker':
      return `One worker: nothing to interleave${speed}`;
    case 'apart': {
      const why =
        s.startupNs !== null && s.workNs !== null && s.workNs < s.startupNs
          ? `: each one's work (${formatNs(s.workNs)}) was shorter than starting the next (${formatNs(s.startupNs)}), so it was done before the next began`
          : ': each finished its work before the next one began';
      return `The ${name} did not overlap${why}${speed}`;
    }
    case 'parallel':
      return s.speedup === null || s.speedup >= 1
        ? `The ${name} ran in parallel on several cores${busy}${speed}`
        : `The ${name} computed at the same time${busy}, yet the run was ${speedWords(s.speedup, 'sequential')}${speedupBasis(s)}: starting them and handing them the work cost more than sharing it saved`;
    case 'took-turns':
      if (s.waitedFor === 'gil') return `The threads overlapped but ${gilTurns(run)}${speed}`;
      return `The threads overlapped but took turns on the CPU${gilNote(run, gil)}${speed}`;
    case 'waiting':
      return `${waitingVerdict(run, s, name)}${speed}${s.waitedFor === undefined ? `; ${s.tooShortToSample ? TOO_SHORT : NOT_SAMPLED}` : ''}`;
    default:
      if (s.waitedFor === 'gil') return `The ${name} overlapped but ${gilTurns(run)}${speed}`;
      return `The ${name} overlapped for ${formatNs(s.overlapNs)} of ${formatNs(run.wallNs)}${speed}`;
  }
}

/** Said when the states exist but too few samples of a worker do (a run of a few milliseconds). */
const TOO_SHORT = `the run was too short to sample what they waited for (fewer than ${MIN_SAMPLES} samples of a worker)`;
/**
 * What a speedup rests on, said beside it: two runs timed once each vary from run to run; medians
 * of repetitions (--repeat) much less.
 */
export function speedupBasis(s: Pick<RunSummary, 'repeated' | 'baselineRuns'>): string {
  if (s.repeated) return ` (medians of ${s.repeated.runs} runs)`;
  return s.baselineRuns ? ` (this run against the median of ${s.baselineRuns} sequential runs)` : ' (one run of each)';
}
/** Said instead of guessing when CPU time alone says the workers waited. */
const NOT_SAMPLED = 'no thread states were sampled, so what they waited for is not known';
/** A thread run's workers waited for the GIL at least this share of their time: they took turns on it. */
export const GIL_TURNS = 0.2;
/** A waiting state that covers more than this share of the workers' time is what they waited for. */
export const MOSTLY = 0.5;

/** What the sampled states say the workers waited for (see RunSummary.waitedFor). */
export function waitedFor(run: RunFacts, observed: WorkersStates): ThreadState | null {
  // a script's threads share their process's GIL as a thread model's do: two of one process, at least
  const threads = run.model === 'thread' || run.model === 'thread-pool' || (run.model === 'script' && gilTakers(run, observed).length > 1);
  if (threads && observed.together.gil >= GIL_TURNS) return 'gil';
  const most = [...WAIT_STATES].sort((a, b) => observed.together[b] - observed.together[a])[0];
  return observed.together[most] > MOSTLY ? most : null;
}

/**
 * "took turns on the GIL: each waited 48% of its time for it" (from the sampled states); a
 * script's, of the threads that did: "2 threads took turns on the GIL: each waited 48–51% …".
 */
function gilTurns(run: RunFacts): string {
  const observed = workersStates(run)!;
  const working = observed.lanes.filter((l) => l.joining < MOSTLY); // not a main thread that only joined the others
  const waited = gilTakers(run, observed);
  if (run.model !== 'script') return `took turns on the GIL: each waited ${eachShareText(observed.lanes, 'gil')} of its time for it`;
  if (waited.length === working.length) return `took turns on the GIL: each waited ${eachShareText(waited, 'gil')} of its time for it`;
  return `${waited.length} thread${waited.length === 1 ? '' : 's'} took turns on the GIL: ${waited.length === 1 ? 'it' : 'each'} waited ${eachShareText(waited, 'gil')} of its time for it`;
}

/** A script's thread that waited for the GIL at least this share of its time took turns on it. */
const GIL_LANE = 0.05;

/**
 * A script's threads that took turns on a GIL: those that waited for it, in a process where two or
 * more did (one thread alone takes no turns: a timed wait of its own is no GIL wait; each process
 * has a GIL of its own).
 */
function gilTakers(run: RunFacts, observed: WorkersStates): WorkersStates['lanes'] {
  const pid = (worker: number) => run.workerInfo[worker]?.pid ?? null;
  const waited = observed.lanes.filter((l) => l.shares.gil >= GIL_LANE);
  return waited.filter((l) => waited.some((o) => o !== l && pid(o.worker) === pid(l.worker)));
}

/** Waiting workers (little CPU): what the sampled states saw them wait for, never a guess. */
function waitingVerdict(run: RunFacts, s: RunSummary, name: string): string {
  if (s.waitedFor === undefined) return `The ${name} overlapped while waiting rather than computing`;
  if (s.starved !== undefined) return `The ${name} were ready to run ${percent(workersStates(run)!.together.running)} of their time but got little CPU: ${busyWords(s.starved)}`;
  if (s.waitedFor === 'gil') return `The ${name} overlapped but ${gilTurns(run)}`;
  const observed = workersStates(run)!;
  if (s.waitedFor === null) return `The ${name} overlapped while using little CPU (sampled: ${sharesText(observed.together)})`;
  const share = `${Math.round(observed.together[s.waitedFor] * 100)}% of their time`;
  const what = s.waitedFor === 'sleep' ? 'sleeping' : STATE_LABELS[s.waitedFor];
  return `The ${name} overlapped while ${what} (${share}) rather than computing`;
}

/** "the machine was busy: …" — said where a run's times are the machine's more than the code's. */
export function busyWords(cpuWait: number): string {
  return `the machine was busy, and they waited for a CPU ${percent(cpuWait)} of the time they were ready to run, so these times say more about the machine than about the code`;
}


/** The first failed worker's reason in a few words. */
function failureReason(run: RunFacts): string {
  const w = run.workerInfo.find(endedBadly);
  if (!w) return '';
  if (w.error) return `${w.error.type}: ${w.error.message.split('\n')[0].replace(/\.$/, '')}`;
  if (w.status === 'exited') return `exit ${w.exitCode ?? '?'}`;
  if (w.status === 'killed') return `killed by ${w.signal ?? 'a signal'}`;
  if (w.status === 'deadlock') return 'deadlocked';
  return w.status;
}

function gilNote(run: RunFacts, gil: boolean): string {
  return (run.model === 'thread' || run.model === 'thread-pool') && gil ? ' (the GIL lets one thread run Python at a time)' : '';
}
