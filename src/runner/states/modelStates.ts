/**
 * The thread states of one model run: sampled while it goes on — or the reason they are not —
 * and then written into its run (stateSource, stateNote, states, workerInfo[].stateNs).
 */
import { LIMITS } from '../settings';
import type { WorkerState } from '../records';
import type { Model, Run } from '../../shared/trace';
import { formatNs } from '../../shared/format';
import { BUSY_SHARE } from '../../shared/states';
import type { SampledRun } from './sampler';
import { StateSampler, cannotSample, type SamplingRun } from './stateSampler';
import { runStates } from './spans';
import { syscallNames } from './syscalls';


export class ModelStates {
  private sampled: SampledRun | null = null;
  /** Helper threads handed to the sampler already (`worker:thread`). */
  private readonly added = new Set<string>();
  private ended: Promise<void> | null = null;

  private constructor(
    private readonly model: Model,
    private readonly sampling: SamplingRun | null,
    private note: string | null,
  ) {}

  /**
   * Starts sampling a run whose workers write their event files to `dir` — or, a script run, whose
   * workers are announced in its `control` file as the program makes them (unless it cannot be).
   */
  static start(o: { model: Model; workers: number; hz: number; dir: string; control?: string }): ModelStates {
    const why = o.model === 'asyncio' ? "asyncio tasks share one thread, whose states are no one task's" : cannotSample(o.hz);
    if (why) return new ModelStates(o.model, null, why);
    try {
      return new ModelStates(o.model, StateSampler.shared().begin({ dir: o.dir, workers: o.workers, hz: o.hz, control: o.control }), null);
    } catch (e) {
      return new ModelStates(o.model, null, `the state sampler could not start: ${(e as Error).message}`);
    }
  }

  /** After a poll: threads the workers started are sampled too (the sampler finds the workers' own). */
  follow(workers: readonly WorkerState[]): void {
    const sampling = this.sampling;
    if (!sampling) return;
    workers.forEach((w, worker) => {
      for (const { thread, tid } of w.threads) {
        const key = `${worker}:${thread}`;
        if (!tid || !w.begin || this.added.has(key)) continue;
        this.added.add(key);
        sampling.addThread(w.begin.pid, tid);
      }
    });
  }

  /** The run is over: stop sampling it. */
  end(): Promise<void> {
    // once: the sampler's thread is kept alive until it answers an end, and it answers one per run
    return (this.ended ??= this.endSampling());
  }

  private async endSampling(): Promise<void> {
    if (!this.sampling) return;
    try {
      this.sampled = await this.sampling.end();
    } catch (e) {
      this.note = `the state sampler failed: ${(e as Error).message}`;
    }
  }

  /** Puts what was seen into the run (`t0`: its start; `gil`: its Python has the GIL on). */
  addTo(run: Run, t0: number, gil: boolean): void {
    if (!this.sampled) {
      run.stateSource = null;
      run.stateNote = `Thread states were not sampled: ${this.note ?? 'no sampler'}.`;
      return;
    }
    const s = this.sampled;
    const { states, stateNs, coarsenedBelowNs } = runStates({
      run, t0, sampled: s, syscalls: syscallNames(), maxSpans: LIMITS.stateSpans, gilShared: sharesTheGil(this.model, run, gil),
    });
    run.stateSource = { method: 'proc', hz: s.hz, samples: s.samples, blockedBy: s.blockedBy };
    const cpuWait = cpuWaitShare(s);
    if (cpuWait !== null) run.stateSource.cpuWait = cpuWait;
    run.states = states;
    run.workerInfo.forEach((w, i) => {
      if (stateNs[i]) w.stateNs = stateNs[i];
    });
    const notes = [
      states.length ? '' : 'No thread was seen: the workers ended before the sampler found them (it looks every sample period).',
      s.blockedBy === 'wchan' ? "Some threads' system calls could not be read (no ptrace rights over them): their waits were told apart by the kernel function they slept in, which cannot tell the GIL from other futex waits." : '',
      busyMachine(s),
      coarsenedBelowNs === null ? '' : `Spans shorter than ${formatNs(coarsenedBelowNs)} went to their neighbours, to keep the trace small.`,
    ].filter(Boolean);
    if (notes.length) run.stateNote = notes.join(' ');
  }
}

/**
 * Whether a worker's threads share a GIL with other threads that run Python: a thread model's
 * workers, a worker that started threads, and in a script run every thread of a process that
 * has more than one worker thread (its main thread and the threads it started).
 */
function sharesTheGil(model: Model, run: Run, gil: boolean): (worker: number) => boolean {
  if (!gil) return () => false;
  const threadModel = model === 'thread' || model === 'thread-pool';
  const perPid = new Map<number, number>();
  if (model === 'script') {
    for (const w of run.workerInfo) if (w.kind !== 'task' && w.pid !== null) perPid.set(w.pid, (perPid.get(w.pid) ?? 0) + 1);
  }
  return (worker) => {
    const w = run.workerInfo[worker];
    return threadModel || (w?.threads?.length ?? 0) > 0 || (w?.pid !== undefined && w.pid !== null && (perPid.get(w.pid) ?? 0) > 1);
  };
}

/** Of the sampled threads' ready time (schedstat), the share spent waiting for a CPU; null without schedstat. */
export function cpuWaitShare(s: Pick<SampledRun, 'threads'>): number | null {
  const ready = s.threads.reduce((n, th) => n + th.readyNs, 0);
  const total = ready + s.threads.reduce((n, th) => n + th.onCpuNs, 0);
  return total > 0 ? Math.round((1000 * ready) / total) / 1000 : null;
}

/**
 * Threads ready to run wait for a CPU on a busy machine: the state letter R cannot tell that from
 * running, schedstat can. Said when it is a good part of their ready time and of the time sampled.
 */
export function busyMachine(s: Pick<SampledRun, 'threads'>): string {
  const ready = s.threads.reduce((n, th) => n + th.readyNs, 0);
  const total = ready + s.threads.reduce((n, th) => n + th.onCpuNs, 0);
  const sampled = s.threads.reduce((n, th) => n + (th.t.length ? th.end - th.t[0] : 0), 0);
  if (!(total > 0) || ready < BUSY_SHARE * total || ready < BUSY_SHARE * sampled) return '';
  return `The machine was busy: its threads spent ${Math.round((100 * ready) / total)}% of the time they were ready to run waiting for a CPU, which counts as running here.`;
}
