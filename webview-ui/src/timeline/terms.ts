/**
 * The panel's words: each figure's name and what it counts, and the phases of a worker's life.
 * One home for them: the run headers, the key (glossary) and the hover cards read them here.
 */
import type { LifePhase } from './layout';
import type { ThreadState } from '../../../src/shared/trace';
import { STATE_LABELS } from '../../../src/shared/states';

export type Term = 'wall' | 'cpu' | 'cpusBusy' | 'speedup' | 'overlap' | 'switches' | 'events' | 'startup';

export const TERMS: Record<Term, { name: string; meaning: string }> = {
  wall: { name: 'Wall', meaning: 'Time from just before the first worker was created to just after the last one was joined.' },
  cpu: { name: 'CPU', meaning: "Sum of the workers' own CPU time (a thread's, or a process's)." },
  cpusBusy: { name: 'CPUs busy', meaning: 'CPU ÷ wall: how many CPUs the run kept busy on average. 1.0 is one core all the time; threads under the GIL stay near 1.' },
  speedup: { name: 'Speedup', meaning: "Sequential wall time ÷ this run's wall time: above 1 is faster than the calls one after another. From one run of each, so it varies from run to run." },
  overlap: { name: 'Overlap', meaning: 'Time during which two or more workers were running their function at once.' },
  switches: {
    name: 'Worker changes in output order',
    meaning: "How often the next line of output came from another worker than the line before: the changes of colour in the Order strip. Not the operating system's context switches.",
  },
  events: { name: 'Events', meaning: 'Lines of output recorded (print, sys.stdout/stderr, logging, output below Python).' },
  startup: { name: 'Start-up', meaning: "Median time from creating a worker to its function's first line: what starting a thread or a process costs." },
};

export const LIFE_PHASES: Record<LifePhase, { name: string; meaning: string }> = {
  startup: { name: 'start-up', meaning: 'created, its function not yet running' },
  running: { name: 'running', meaning: 'its function running (or its threads, which it waits for)' },
  join: { name: 'waiting to be joined', meaning: 'finished, until the join returned' },
};

/** The id of a term's entry in the key, for aria-describedby. */
export function termId(term: Term): string {
  return `term-${term}`;
}

/** The thread states of the strip under each lane: their names (as in sentences) and how each is told. */
export const STATE_TERMS: Record<ThreadState, { name: string; meaning: string }> = {
  running: { name: STATE_LABELS.running, meaning: 'on a CPU, or ready to run on one' },
  gil: { name: STATE_LABELS.gil, meaning: 'a thread blocked until another thread lets go of the GIL' },
  lock: { name: STATE_LABELS.lock, meaning: 'blocked in a Lock, RLock, Condition, Semaphore, Event, Barrier or Queue, or joining a thread or process' },
  sleep: { name: STATE_LABELS.sleep, meaning: 'time.sleep or another timed wait with nothing to wait for' },
  io: { name: STATE_LABELS.io, meaning: 'blocked on a file, pipe or socket (read, write, poll…)' },
  other: { name: STATE_LABELS.other, meaning: 'blocked in any other call (the hover names it)' },
};

/** How the states were observed, for the key: from outside the interpreter, at the run's rate. */
export function samplingNote(hz: number | null): string {
  const rate = hz === null ? '' : ` ${hz.toLocaleString('en-US')} times a second`;
  return `Thread states are sampled from /proc (Linux)${rate} per thread, from outside Python: a stretch shorter than a sample may not show. Point at the strip for the state, its call and its duration.`;
}
