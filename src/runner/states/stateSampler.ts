/**
 * The runner's side of the state sampler: one sampler thread per process (samplerThread.ts),
 * started at the first run that samples — or earlier, with `warm`: starting a worker_thread
 * costs ≈ 50 ms of CPU and, on a busy machine, a few hundred ms before it samples — and kept for
 * the next runs. It never keeps the process alive by itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunToSample, SampledRun } from './sampler';
import type { SamplerData, SamplerReply, SamplerRequest } from './samplerThread';

/** Why this system cannot sample thread states at `hz`, or null when it can. */
export function cannotSample(hz: number): string | null {
  if (hz <= 0) return 'sampling is off (sample rate 0)';
  if (process.platform !== 'linux' || !fs.existsSync('/proc/self/task')) {
    return `they are read from /proc (Linux), which this system (${process.platform}) does not have`;
  }
  return null;
}

/** One run being sampled. */
export interface SamplingRun {
  /** Sample this thread too from now on (a thread the worker started). */
  addThread(pid: number, tid: number): void;
  /** Stops sampling the run: what was seen. */
  end(): Promise<SampledRun>;
}

export class StateSampler {
  private static instance: StateSampler | undefined;
  private worker: Worker | null = null;
  private readonly doorbell = new Int32Array(new SharedArrayBuffer(4));
  private readonly waiting = new Map<number, { resolve: (s: SampledRun) => void; reject: (e: Error) => void }>();
  private lastRun = 0;

  /** The process's sampler. */
  static shared(): StateSampler {
    return (StateSampler.instance ??= new StateSampler());
  }

  /** Starts the sampler's thread now, so that it is ready when the first run begins. */
  warm(): void {
    this.thread();
  }

  /** Samples a run's workers, whose event files are in `dir` (or worker records in `control`), at `hz`, from their begin records on. */
  begin(o: RunToSample): SamplingRun {
    const run = ++this.lastRun;
    const ended = new Promise<SampledRun>((resolve, reject) => this.waiting.set(run, { resolve, reject }));
    ended.catch(() => undefined); // seen by whoever calls end(); a run that never ends must not be an unhandled rejection
    this.send({ type: 'begin', run, ...o });
    return {
      addThread: (pid, tid) => this.send({ type: 'thread', run, pid, tid }),
      end: () => {
        this.send({ type: 'end', run });
        return ended;
      },
    };
  }

  private send(request: SamplerRequest): void {
    const worker = this.thread();
    if (request.type === 'end') worker.ref(); // until its reply comes
    worker.postMessage(request);
    Atomics.add(this.doorbell, 0, 1);
    Atomics.notify(this.doorbell, 0);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const data: SamplerData = { doorbell: this.doorbell.buffer as SharedArrayBuffer };
    // beside this module: dist/ (bundled) and out/src/runner/states/ (compiled for the tests) both have it
    const worker = new Worker(path.join(__dirname, 'samplerThread.js'), { workerData: data, stdout: false, stderr: false });
    worker.on('message', (reply: SamplerReply) => this.settle(reply));
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const { reject } of this.waiting.values()) reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the sampler's thread ended (exit ${code})`)));
    worker.unref(); // after the listeners: adding a 'message' listener refs the worker again
    return (this.worker = worker);
  }

  private settle(reply: SamplerReply): void {
    const waiting = this.waiting.get(reply.run);
    if (!waiting) return;
    this.waiting.delete(reply.run);
    if (reply.type === 'ended') waiting.resolve(reply.sampled);
    else waiting.reject(new Error(reply.message));
    if (!this.waiting.size) this.worker?.unref();
  }
}
