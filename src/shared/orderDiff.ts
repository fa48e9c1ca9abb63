/**
 * Two repetitions' orders side by side, in words: where they first part and how — "After
 * Number: 2 of Thread 1, run 7 switched to Thread 2; run 3 did not." — and an order read out
 * for screen readers ("Thread 1 ×5, then Thread 2 ×5"). Pure: the panel's order view draws it.
 */

/** One side of a comparison: a repetition (0-based) and its events' workers in global order. */
export interface OrderSide {
  repetition: number;
  workers: ArrayLike<number>;
  /** Event i's text (the line it printed). */
  textAt(i: number): string;
  /** What to call it, when it is not a repetition of the trace shown ("unsafe.json"); else runName(repetition). */
  name?: string;
}

/** Event texts quoted in a sentence are cut to this many characters. */
const QUOTED_TEXT = 40;

/** The index of the first event whose worker differs (or where one order ends before the other); -1 when they are the same. */
export function firstDivergence(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** A run as people number them: repetition 6 is "run 7". */
export const runName = (repetition: number): string => `run ${repetition + 1}`;

const sideName = (side: OrderSide): string => side.name ?? runName(side.repetition);

const quote = (text: string) => (text.length > QUOTED_TEXT ? `${text.slice(0, QUOTED_TEXT - 1)}…` : text);
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * How two runs' orders differ, in one sentence; `label(w)` names worker w ("Thread 1"). The run
 * that switched worker is named first; the shared event before the split is quoted from `a`.
 */
export function divergenceText(a: OrderSide, b: OrderSide, label: (worker: number) => string): string {
  const [na, nb] = [sideName(a), sideName(b)];
  const i = firstDivergence(a.workers, b.workers);
  if (i < 0) return `${capital(na)} and ${nb} printed in the same order (${a.workers.length} events).`;
  if (i === 0) return `${capital(na)} began with ${label(a.workers[0])}; ${nb} with ${label(b.workers[0])}.`;
  const before = a.workers[i - 1];
  const after = `After ${quote(a.textAt(i - 1))} of ${label(before)}`;
  const at = ` (event ${i + 1})`;
  if (i === a.workers.length || i === b.workers.length) {
    const [ended, went] = i === a.workers.length ? [na, b] : [nb, a];
    return `${after}, ${ended} ended; ${sideName(went)} went on with ${label(went.workers[i])}${at}.`;
  }
  const aSwitched = a.workers[i] !== before;
  const bSwitched = b.workers[i] !== before;
  if (aSwitched && bSwitched) return `${after}, ${na} switched to ${label(a.workers[i])}; ${nb} to ${label(b.workers[i])}${at}.`;
  const [switched, stayed] = aSwitched ? [a, nb] : [b, na];
  return `${after}, ${sideName(switched)} switched to ${label(switched.workers[i])}; ${stayed} did not${at}.`;
}

/** An order read out: "Thread 1 ×5, then Thread 2 ×3, then Thread 1 ×2" (runs of one worker counted; at most `most` of them, then "…"). */
export function orderInWords(workers: ArrayLike<number>, label: (worker: number) => string, most = 12): string {
  const parts: string[] = [];
  let i = 0;
  while (i < workers.length && parts.length < most) {
    let j = i;
    while (j < workers.length && workers[j] === workers[i]) j++;
    parts.push(j - i > 1 ? `${label(workers[i])} ×${j - i}` : label(workers[i]));
    i = j;
  }
  if (!parts.length) return 'no events';
  return `${parts.join(', then ')}${i < workers.length ? ', then …' : ''}`;
}
