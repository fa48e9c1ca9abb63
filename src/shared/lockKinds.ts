/**
 * The kinds of recorded waits (`LockSpan.kind`, `runs[].locks`) and what each means on the
 * timeline: after a wait on a lock or semaphore (or the Condition's own lock) the waiter holds
 * it until `releasedT`; a wait on an Event, a Barrier, a queue or a join holds nothing — it ends
 * at `acquiredT`. Read by the drawing, the pointer and the hover alike.
 */
import type { LockSpan } from './trace';

const MULTIPROCESSING = 'multiprocessing.';

/** The kinds of a join's wait records (python/interleave_lock_waits.py): the thread waited for a thread or process to end. */
export const JOIN_KINDS: readonly string[] = ['Thread.join', 'Process.join'];

/** Kinds held after their wait (multiprocessing's counterparts too): the watchdog's "holds". */
const HELD_KINDS: ReadonlySet<string> = new Set(['Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'Condition']);

/** What a wait that holds nothing waited for, by kind (without `multiprocessing.`); `%s`: the object's name. */
const WAITED_FOR: Readonly<Record<string, string>> = {
  Event: 'for it to be set',
  Barrier: 'for the other parties to arrive',
  // the trace does not say whether a get, a put or a join waited: a get (for an item) is the usual one
  Queue: 'for an item (or room, or its tasks done)',
  LifoQueue: 'for an item (or room, or its tasks done)',
  PriorityQueue: 'for an item (or room, or its tasks done)',
  JoinableQueue: 'for an item (or room, or its tasks done)',
  SimpleQueue: 'for an item',
  'Thread.join': 'for %s to end',
  'Process.join': 'for %s to end',
};

const baseKind = (kind: string): string => (kind.startsWith(MULTIPROCESSING) ? kind.slice(MULTIPROCESSING.length) : kind);

/** Whether a wait of this kind is followed by a hold (until `releasedT`): locks and semaphores, not events, barriers, queues or joins. */
export function isHeld(kind: string): boolean {
  return HELD_KINDS.has(baseKind(kind));
}

/** What a wait on `lock` of this kind waited for, in words: "for it to be set", "for Thread-1 (work) to end". */
export function waitedFor(kind: string, lock: string): string {
  const words = WAITED_FOR[baseKind(kind)];
  return words === undefined ? (isHeld(kind) ? 'for it' : 'on it') : words.replace('%s', lock);
}

/** When a wait ended: it got what it waited for, or gave up (a timeout); else it still waited at `endNs`. */
export function waitEnd(w: Pick<LockSpan, 'acquiredT' | 'gaveUpT'>, endNs: number): number {
  return w.acquiredT ?? w.gaveUpT ?? endNs;
}

/** When the hold after a wait ends (the run's end `endNs` if it was not released), or null when nothing was held: never acquired, or a kind not held. */
export function holdEnd(w: Pick<LockSpan, 'kind' | 'acquiredT' | 'releasedT'>, endNs: number): number | null {
  if (w.acquiredT === null || !isHeld(w.kind)) return null;
  return w.releasedT ?? endNs;
}
