/**
 * The panel's words: each figure's name and what it counts, and the phases of a worker's life.
 * One home for them: the run headers, the key (glossary) and the hover cards read them here.
 */
import type { LifePhase } from './layout';

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
