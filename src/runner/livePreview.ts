/**
 * The live preview of a run: events as they are recorded (unsorted across workers; times
 * relative to the run's start), at most LIVE_PER_POLL a poll shared among the workers — a flood
 * does not become a million objects; the finished run has every event. This is the one throttle
 * between the runner and the panel.
 */
import type { OutputEvent } from '../shared/trace';
import type { RunProgress, RunSink } from './follower';

export const LIVE_PER_POLL = 5000;

export class LivePreview implements RunSink {
  /** Per worker, per source: how many of its events were shown or passed over already. */
  private readonly sent: number[][] = [];

  constructor(private readonly show: (events: OutputEvent[]) => void) {}

  progress({ t0, workers }: RunProgress): void {
    const fresh: OutputEvent[] = [];
    const share = Math.ceil(LIVE_PER_POLL / workers.length); // each worker its part of the preview
    workers.forEach((state, worker) => {
      const sent = (this.sent[worker] ??= state.sources.map(() => 0));
      const before = fresh.length;
      state.sources.forEach((source, which) => {
        const until = Math.min(source.count, sent[which] + Math.max(0, share - (fresh.length - before)));
        for (let i = sent[which]; i < until; i++) fresh.push(source.event(i, t0, state.begin?.pid ?? null));
        sent[which] = source.count; // beyond the preview's share: only in the finished run
      });
    });
    if (fresh.length) this.show(fresh);
  }
}
