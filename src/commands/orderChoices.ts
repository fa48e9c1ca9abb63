/**
 * "Be the Scheduler…": the orders offered after a first run — the one it printed in, strictly
 * alternating, each worker's lines all first — and the check of an order typed by hand. Pure
 * (no vscode): the command shows these in a QuickPick and an input box.
 */
import { laneLabel } from '../shared/labels';
import { orderSignature, parseOrder, TURN_MODELS } from '../shared/orders';
import type { Model } from '../shared/trace';

/** The model the scheduler runs: the first configured one whose workers can take turns, else threads. */
export function schedulerModel(models: readonly Model[]): Model {
  return models.find((m) => TURN_MODELS.includes(m)) ?? 'thread';
}

/** An order to offer: what to call it, its signature, what it means. */
export interface OrderChoice {
  label: string;
  signature: string;
  detail: string;
  order: number[];
}

/** Each worker's number of lines in a run whose events came from these workers, in order. */
export function linesPerWorker(observed: readonly number[], workers: number): number[] {
  const counts = new Array<number>(workers).fill(0);
  for (const w of observed) if (w < workers) counts[w]++;
  return counts;
}

/** The workers take turns at every line, in index order, while each has lines left. */
export function alternating(counts: readonly number[]): number[] {
  const left = [...counts];
  const order: number[] = [];
  while (left.some((n) => n > 0)) {
    left.forEach((n, w) => {
      if (n > 0) {
        order.push(w);
        left[w]--;
      }
    });
  }
  return order;
}

/** Worker `first`'s lines all first, then the others' in index order. */
export function allFirst(counts: readonly number[], first: number): number[] {
  const workers = [first, ...counts.map((_, w) => w).filter((w) => w !== first)];
  return workers.flatMap((w) => new Array<number>(counts[w]).fill(w));
}

/**
 * The orders to offer for a run of `model` whose events came from `observed` (worker indices in
 * global order): the one it printed in, strictly alternating, then each worker's lines all first
 * — each order once (the first name it has wins).
 */
export function orderChoices(observed: readonly number[], workers: number, model: Model): OrderChoice[] {
  const counts = linesPerWorker(observed, workers);
  const name = (w: number) => laneLabel(model, { worker: w });
  const candidates: Array<Omit<OrderChoice, 'signature'>> = [
    { label: 'As it just ran', detail: 'the order the lines came in, on its own', order: [...observed] },
    { label: 'Strictly alternating', detail: `${counts.map((_, w) => name(w)).join(', ')} take turns at every line`, order: alternating(counts) },
    ...counts.map((_, w) => ({ label: `All of ${name(w)} first`, detail: `${name(w)} prints every line before the others print any`, order: allFirst(counts, w) })),
  ];
  const seen = new Set<string>();
  const choices: OrderChoice[] = [];
  for (const c of candidates) {
    const signature = orderSignature(c.order, workers);
    if (!c.order.length || seen.has(signature)) continue;
    seen.add(signature);
    choices.push({ ...c, signature });
  }
  return choices;
}

/** What the input box says of a typed order: an error (cannot be run), a warning (it can, but not all of it can happen), or nothing. */
export type OrderCheck = { severity: 'error' | 'warning'; message: string } | null;

/**
 * The check of an order typed by hand, as the student types: the CLI's own rules (parseOrder),
 * then, against the lines each worker printed in the first run, turns that cannot all happen.
 */
export function checkTypedOrder(text: string, workers: number, counts: readonly number[], model: Model): OrderCheck {
  const parsed = parseOrder(text, workers, 'The order');
  if (parsed.problem !== undefined) return { severity: 'error', message: parsed.problem };
  const turns = linesPerWorker(parsed.order, workers);
  const over = turns.map((n, w) => ({ n, w })).filter(({ n, w }) => n > counts[w]);
  if (!over.length) return null;
  const words = over.map(({ n, w }) => `${laneLabel(model, { worker: w })} gets ${n} turns but printed ${counts[w]} lines`).join('; ');
  return { severity: 'warning', message: `${words}: its turns past its last line will be skipped. Press Enter to run it anyway.` };
}
