/**
 * The state sampler's own thread (a worker_thread, bundled as dist/samplerThread.js): it samples
 * every run that is going on at its rate, on a schedule of its own — Atomics.wait sleeps to the
 * next tick to within ≈ 0.1 ms, where the event loop's timers round to whole milliseconds and
 * wait behind whatever the runner's thread is doing (reading and encoding a flood of output).
 * Idle between runs, it waits for messages on its event loop; while runs go on, it takes them
 * synchronously between ticks, and the runner rings a doorbell so that a message cuts a wait short.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { RunSampler, type RunToSample, type SampledRun } from './sampler';

/** From the runner to the sampler. */
export type SamplerRequest =
  | ({ type: 'begin'; run: number } & RunToSample)
  | { type: 'thread'; run: number; pid: number; tid: number }
  | { type: 'end'; run: number };

/** From the sampler to the runner. */
export type SamplerReply = { type: 'ended'; run: number; sampled: SampledRun } | { type: 'failed'; run: number; message: string };

/** What the thread is given at its start: the doorbell the runner rings after each message. */
export interface SamplerData {
  doorbell: SharedArrayBuffer;
}

/** At most this share of a core, by wall time per tick: beyond, the period stretches (hundreds of threads). */
const MAX_DUTY = 0.1;

interface Scheduled {
  sampler: RunSampler;
  /** When its next tick is due (ns, the monotonic clock). */
  due: number;
  /** Its ticks' recent cost (ns, a moving average). */
  costNs: number;
}

const runs = new Map<number, Scheduled>();
const now = () => Number(process.hrtime.bigint());
let looping = false;

function reply(message: SamplerReply): void {
  parentPort!.postMessage(message);
}

function apply(request: SamplerRequest): void {
  try {
    if (request.type === 'begin') {
      const { type: _type, run, ...o } = request;
      runs.set(run, { sampler: new RunSampler(o), due: now(), costNs: 0 });
    } else if (request.type === 'thread') {
      runs.get(request.run)?.sampler.addThread(request.pid, request.tid);
    } else {
      const scheduled = runs.get(request.run);
      runs.delete(request.run);
      if (scheduled) reply({ type: 'ended', run: request.run, sampled: scheduled.sampler.stop(now()) });
    }
  } catch (e) {
    runs.delete(request.run);
    reply({ type: 'failed', run: request.run, message: (e as Error).message });
  }
}

/** Ticks every run when it is due, until no run is left (then back to the event loop). */
function sampleWhileRunsGoOn(doorbell: Int32Array): void {
  let rung = Atomics.load(doorbell, 0);
  while (runs.size) {
    for (let m = receiveMessageOnPort(parentPort!); m; m = receiveMessageOnPort(parentPort!)) apply(m.message as SamplerRequest);
    let wake = Infinity;
    for (const [run, s] of runs) {
      const t = now();
      if (t >= s.due) {
        try {
          s.sampler.tick(t);
        } catch (e) {
          runs.delete(run);
          reply({ type: 'failed', run, message: (e as Error).message });
          continue;
        }
        s.costNs += (now() - t - s.costNs) / 16;
        const period = Math.max(s.sampler.periodNs, s.costNs / MAX_DUTY);
        s.due = Math.max(s.due + period, t + period / 2); // late: the next one sooner, but no burst
      }
      wake = Math.min(wake, s.due);
    }
    const waitMs = (wake - now()) / 1e6;
    if (waitMs > 0 && Number.isFinite(waitMs)) Atomics.wait(doorbell, 0, rung, waitMs);
    rung = Atomics.load(doorbell, 0);
  }
  looping = false;
}

if (parentPort) {
  const doorbell = new Int32Array((workerData as SamplerData).doorbell);
  parentPort.on('message', (request: SamplerRequest) => {
    apply(request);
    if (runs.size && !looping) {
      looping = true;
      setImmediate(() => sampleWhileRunsGoOn(doorbell));
    }
  });
}
