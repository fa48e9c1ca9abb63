/**
 * From the lock records of a run's workers to the trace's `runs[].locks`: one span per contended
 * acquire (or blocking wait), its steps joined by id — across workers, since a lock can be
 * released by another worker than the one that waited for it.
 */
import { FILE_UNIT } from './eventStore';
import type { WorkerState } from './records';
import type { LockSpan } from '../shared/trace';

/** The run's lock spans in order of `waitT`, times relative to `t0` (the run's start). */
export function lockSpans(workers: readonly WorkerState[], t0: number): LockSpan[] {
  const byId = new Map<string, LockSpan>();
  workers.forEach((w, worker) => {
    for (const r of w.locks) {
      if (r.phase === 'wait') {
        const span: LockSpan = { worker, thread: r.thread || null, lock: r.name ?? '', kind: r.lockKind ?? '', line: r.line, waitT: r.ns - t0, acquiredT: null, releasedT: null };
        if (r.line !== null && r.line >= FILE_UNIT) {
          // a script's other file: its index above the line, as for events (the waiter's process declared it)
          span.line = r.line % FILE_UNIT || null;
          span.file = w.sources[0]?.files?.get(Math.floor(r.line / FILE_UNIT)) ?? 'unknown';
        }
        byId.set(r.id, span);
      }
    }
  });
  for (const w of workers) {
    for (const r of w.locks) {
      const span = byId.get(r.id);
      if (!span || r.phase === 'wait') continue;
      if (r.phase === 'gaveUp') span.gaveUpT = r.ns - t0;
      else if (r.phase === 'acquired') span.acquiredT = r.ns - t0;
      else span.releasedT = r.ns - t0;
    }
  }
  return [...byId.values()].sort((a, b) => a.waitT - b.waitT || a.worker - b.worker);
}
