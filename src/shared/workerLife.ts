/** A worker's life in phases: what the panel draws as its life bar and a Chrome trace as its spans. */
import type { WorkerInfo } from './trace';

/**
 * Whether a worker did not end well on its own: a status other than `ok` — except a process the
 * program ended itself (`endedBy`: its terminate()/kill(), a Pool's terminate()), which it meant.
 */
export function endedBadly(w: Pick<WorkerInfo, 'status' | 'endedBy'>): boolean {
  return w.status !== 'ok' && !w.endedBy;
}

/** "ended by MainThread's terminate()": a process the program ended itself, in words (`name`: a lane's label by index). */
export function endedByWords(w: Pick<WorkerInfo, 'endedBy'>, name: (worker: number) => string): string {
  if (!w.endedBy) return '';
  return `ended by ${w.endedBy.worker === null ? 'the program' : name(w.endedBy.worker)}'s ${w.endedBy.call}`;
}

export type LifePhase = 'startup' | 'running' | 'join';

/** A worker's life as bars: start-up (created → body starts), running, and waiting to be joined. */
export function lifeSegments(info: WorkerInfo, wallNs: number): Array<{ phase: LifePhase; t0: number; t1: number }> {
  const out: Array<{ phase: LifePhase; t0: number; t1: number }> = [];
  const { createdNs, startNs, endNs, joinedNs } = info;
  if (startNs === null) {
    if (createdNs !== null && createdNs !== undefined) out.push({ phase: 'startup', t0: createdNs, t1: joinedNs ?? wallNs });
    return out;
  }
  if (createdNs !== null && createdNs !== undefined && createdNs < startNs) out.push({ phase: 'startup', t0: createdNs, t1: startNs });
  const end = endNs ?? Math.max(startNs, wallNs);
  out.push({ phase: 'running', t0: startNs, t1: end });
  if (joinedNs !== null && joinedNs !== undefined && joinedNs > end) out.push({ phase: 'join', t0: end, t1: joinedNs });
  return out;
}
