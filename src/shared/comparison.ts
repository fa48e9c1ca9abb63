/**
 * "Threads or processes?" answered across the runs of a trace: the runs ranked by wall time and
 * one sentence in the way hyperfine states its results ("processes ran 1.9× faster than threads
 * (one run each): the work is CPU-bound — threads used 1.0 CPU, processes 1.9 CPUs").
 * Pure: the panel shows it above the runs and the CLI prints its sentence last.
 * Every clause comes from the runs' summaries (their `kind`, their speedup bands), so the
 * comparison never says what a run's own verdict contradicts.
 */
import { busyWords, workerNoun } from './verdicts';
import { cpusPhrase, formatNs, speedWords } from './format';
import { sharesOneInterpreter } from './summary';
import type { RunSummary, Spread } from './runSummary';
import type { Model } from './trace';
import { STATE_LABELS } from './states';

export interface ComparisonRow {
  /** Index of the run in the trace. */
  run: number;
  model: Model;
  wallNs: number;
  /** Against sequential; null without a sequential run (sequential itself: 1). */
  speedup: number | null;
  cpusBusy: number | null;
  /** Why this row's time is not the work's ("stopped", "deadlocked", "1 failed"), or ''. */
  note: string;
  /** A repeated model (--repeat): `wallNs` and `speedup` are medians over these ranges. */
  repeated?: { runs: number; wallNs: Spread; speedup: Spread | null };
}

export interface Comparison {
  /** Runs that ran, fastest first (runs we stopped come last: their time is the limit's). */
  rows: ComparisonRow[];
  sentence: string;
}

/** Models as the subject of a sentence ("processes ran …"). */
const NOUNS: Record<Model, string> = {
  sequential: 'sequential',
  thread: 'threads',
  process: 'processes',
  'thread-pool': 'the thread pool',
  'process-pool': 'the process pool',
  asyncio: 'asyncio tasks',
  interpreter: 'subinterpreters',
  script: 'the program',
};

type Family = 'sequential' | 'one interpreter' | 'several interpreters';

function familyOf(model: Model): Family {
  if (model === 'sequential') return 'sequential';
  return sharesOneInterpreter(model) ? 'one interpreter' : 'several interpreters';
}

/** The runs ranked, and the sentence; null when fewer than two runs ran. */
/** `inSentence[i]` false: run i is ranked but left out of the sentence (see modelComparisonRuns). */
export function compareRuns(summaries: readonly RunSummary[], inSentence?: readonly boolean[]): Comparison | null {
  const ran = summaries.map((s, run) => ({ s, run })).filter(({ s }) => s.kind !== 'not-run' && s.wallNs > 0);
  if (ran.length < 2) return null;
  ran.sort((a, b) => Number(a.s.stopped) - Number(b.s.stopped) || a.s.wallNs - b.s.wallNs);
  const rows = ran.map(({ s, run }): ComparisonRow => ({
    run,
    model: s.model,
    wallNs: s.wallNs,
    speedup: s.model === 'sequential' ? 1 : s.speedup,
    cpusBusy: s.cpusBusy,
    note: s.deadlocked ? 'deadlocked' : s.stopped ? 'stopped' : s.failed ? `${s.failed} failed` : '',
    ...(s.repeated ? { repeated: s.repeated } : {}),
  }));
  // the sentence compares models, one run of each (`inSentence`: those of the trace's interpreter,
  // the GIL as it starts); none when fewer than two are left to compare (the ranking still has all)
  const spoken = ran.filter(({ run }) => inSentence?.[run] !== false);
  const finished = spoken.filter(({ s }) => !s.stopped).map(({ s }) => s);
  const deadlocked = spoken.some(({ s }) => s.deadlocked);
  if (spoken.length < 2) return { rows, sentence: '' };
  return { rows, sentence: finished.length < 2 ? onlyOneFinished(finished[0], deadlocked) : sentence(finished) };
}

function onlyOneFinished(s: RunSummary | undefined, deadlocked: boolean): string {
  const others = deadlocked ? 'stopped or ended at a deadlock' : 'stopped';
  return s ? `Only ${NOUNS[s.model]} finished: the other runs were ${others}, so their times cannot be compared.` : 'No run finished: their times cannot be compared.';
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `finished`: fastest first. */
function sentence(finished: readonly RunSummary[]): string {
  const [first] = finished;
  const targets = rivals(finished);
  const against = targets.map((t) => speedWords(t.wallNs / first.wallNs, NOUNS[t.model]));
  const headline = `${capital(NOUNS[first.model])} ran ${joinAnd(against)} ${basis(finished)}`;
  const why = reason(first, targets);
  return `${headline}${why ? `: ${why}` : ''}.`;
}

/**
 * What the fastest run is held against: the fastest of each other family (sequential; threads,
 * tasks — one interpreter; processes, subinterpreters), else the runner-up.
 */
function rivals(finished: readonly RunSummary[]): RunSummary[] {
  const first = finished[0];
  const families: Family[] = ['one interpreter', 'several interpreters', 'sequential'];
  const out = families
    .filter((f) => f !== familyOf(first.model))
    .map((f) => finished.find((s) => familyOf(s.model) === f))
    .filter((s): s is RunSummary => s !== undefined);
  return out.length ? out : [finished[1]];
}

/** "(one run each)", "(medians of 20 runs each)", or "(medians of 3–20 runs each)" when a deadlock ended some early. */
function basis(finished: readonly RunSummary[]): string {
  const counts = new Set(finished.map((s) => s.repeated?.runs ?? 1));
  if (counts.size === 1 && !counts.has(1)) return `(medians of ${[...counts][0]} runs each)`;
  return counts.size === 1 ? '(one run each)' : `(medians of ${Math.min(...counts)}–${Math.max(...counts)} runs each)`;
}

function joinAnd(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const busy = (s: RunSummary) => (s.cpusBusy === null ? '' : cpusPhrase(s.cpusBusy));

/** Why the fastest won, in the words of the runs' kinds (what their verdicts say). */
function reason(first: RunSummary, targets: readonly RunSummary[]): string {
  const threads = targets.find((t) => familyOf(t.model) === 'one interpreter');
  if (first.model === 'sequential') return whySequentialWon(first, targets);
  switch (first.kind) {
    case 'parallel':
      return threads?.kind === 'took-turns' && threads.cpusBusy !== null && first.cpusBusy !== null
        ? `the work is CPU-bound — ${NOUNS[threads.model]} used ${busy(threads)}, ${NOUNS[first.model]} ${busy(first)}`
        : first.cpusBusy === null ? '' : `${NOUNS[first.model]} kept ${busy(first)} busy`;
    case 'waiting':
      if (first.starved !== undefined) return `${NOUNS[first.model]} used little CPU, yet were mostly ready to run: ${busyWords(first.starved)}`;
      return `the work mostly waits${waitWords(first)}${first.cpusBusy === null ? '' : ` — ${NOUNS[first.model]} used ${busy(first)}`}${startupNote(first, targets)}`;
    case 'took-turns':
      return `${NOUNS[first.model]} took turns on one CPU${startupNote(first, targets)}`;
    case 'apart':
      return `the ${workerNoun(first.model)} did not overlap${startupNote(first, targets)}`;
    default:
      return first.cpusBusy === null ? '' : `${NOUNS[first.model]} used ${busy(first)}`;
  }
}

/** ", and threads start sooner (1.1 ms vs 98 ms)" when start-up told the runs apart. */
function startupNote(first: RunSummary, targets: readonly RunSummary[]): string {
  const slow = targets.find((t) => t.startupNs !== null && first.startupNs !== null && t.startupNs > 2 * first.startupNs);
  return slow ? `, and ${NOUNS[first.model]} start sooner (${formatNs(first.startupNs!)} vs ${formatNs(slow.startupNs!)})` : '';
}

/** Sequential won: the others' start-up outweighed the work, or they could not share it. */
function whySequentialWon(sequential: RunSummary, targets: readonly RunSummary[]): string {
  const quickest = targets.filter((t) => t.startupNs !== null).sort((a, b) => a.startupNs! - b.startupNs!)[0];
  const work = sequential.workNs ?? quickest?.workNs ?? null;
  if (quickest && work !== null && work < quickest.startupNs!) {
    return `each call's work (${formatNs(work)}) is shorter than starting a worker (${formatNs(quickest.startupNs!)} for ${NOUNS[quickest.model]}), so workers only add their start-up`;
  }
  if (targets.some((t) => t.kind === 'took-turns')) return 'the threads took turns on one CPU, and the other workers cost more to start and feed than they saved';
  return 'starting the workers and handing them the work cost more than running them together saved';
}

/** " (sleeping)", " (waiting for I/O)": only what the sampled states saw, nothing without them. */
function waitWords(s: RunSummary): string {
  if (!s.waitedFor) return '';
  return ` (${s.waitedFor === 'sleep' ? 'sleeping' : STATE_LABELS[s.waitedFor]})`;
}
