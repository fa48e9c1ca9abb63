/**
 * The orders a model's repetitions printed in (`orders` of the trace), and how many orders the
 * same per-worker event counts could have come in: "7 distinct orders in 20 runs, of 252 possible".
 * Pure: shared by the runner, the CLI's summary and the panel.
 */
import type { ForcedOrder, ModelOrders, Model } from './trace';
import { laneLabel } from './labels';

/** A run's order: its events' worker indices in global order — digits below 10 workers, else comma-separated. */
export function orderSignature(workersInOrder: ArrayLike<number>, workers: number): string {
  const parts = Array.from(workersInOrder, String);
  return parts.join(workers <= 10 ? '' : ',');
}

/** A model's repetitions grouped by signature (`signatures[k]`: repetition k's), most frequent first. */
export function modelOrders(model: Model, signatures: readonly string[]): ModelOrders {
  const bySignature = new Map<string, number[]>();
  signatures.forEach((signature, k) => {
    const seen = bySignature.get(signature);
    if (seen) seen.push(k);
    else bySignature.set(signature, [k]);
  });
  // a Map keeps the order of first sight: the stable sort leaves ties in it
  const orders = [...bySignature].map(([signature, repetitions]) => ({ signature, count: repetitions.length, repetitions })).sort((a, b) => b.count - a.count);
  return { model, repetitions: signatures.length, distinct: orders.length, orders };
}

/**
 * How many orders events with these per-worker counts can come in (each worker's own in its
 * order): the multinomial (Σn)! / Πn!, exact at any size.
 */
export function possibleOrders(counts: readonly number[]): bigint {
  let result = 1n;
  let total = 0n;
  for (const n of counts) {
    // C(total + n, n), built one factor at a time: each partial product is itself a binomial, so exact
    for (let i = 1n; i <= BigInt(n); i++) {
      total += 1n;
      result = (result * total) / i;
    }
  }
  return result;
}

/** A count of orders for people: exact up to a million, else in powers of ten ("≈ 3.2e45"). */
export function formatOrders(n: bigint): string {
  if (n < 1_000_000n) return n.toString();
  const digits = n.toString();
  return `≈ ${digits[0]}.${digits[1]}e${digits.length - 1}`;
}

/** Each worker's number of events in a run of this signature (`workers` of them). */
export function workerCounts(signature: string, workers: number): number[] {
  const counts = new Array<number>(workers).fill(0);
  for (const worker of signatureWorkers(signature, workers)) counts[worker]++;
  return counts;
}

/** A signature read back: its events' worker indices in global order. */
export function signatureWorkers(signature: string, workers: number): number[] {
  const parts = workers <= 10 ? signature.split('') : signature.split(',').filter(Boolean);
  return parts.map(Number);
}

/**
 * How many orders a model's repetitions could have printed in, when each worker printed as many
 * events in every repetition (null when they did not: no one multinomial counts them all).
 */
export function possibleOrdersOf(orders: ModelOrders, workers: number): bigint | null {
  const counts = orders.orders.map((o) => workerCounts(o.signature, workers).join(','));
  if (!counts.length || counts.some((c) => c !== counts[0])) return null;
  return possibleOrders(workerCounts(orders.orders[0].signature, workers));
}

/** "7 distinct orders in 20 runs (of 252 possible)". */
export function ordersText(orders: ModelOrders, workers: number): string {
  const possible = possibleOrdersOf(orders, workers);
  const noun = orders.distinct === 1 ? 'order' : 'distinct orders';
  return `${orders.distinct} ${noun} in ${orders.repetitions} runs${possible === null ? '' : ` (of ${formatOrders(possible)} possible)`}`;
}

/** The models whose workers can take turns at their prints (as the harness's interleave_turnstile.TURN_MODELS). */
export const TURN_MODELS: readonly Model[] = ['thread', 'thread-pool', 'process', 'process-pool'];

/** An order to force (--order, "Be the Scheduler…"): its worker indices, or what is wrong with it, in words ending in what to do. */
export type ParsedOrder = { order: number[]; problem?: undefined } | { order?: undefined; problem: string };

/**
 * The student's order as a signature: digits ("0101010101"; spaces ignored), or indices separated
 * by commas ("0,1,0,1"; needed from 11 workers on). Each index names a worker of the run (0-based).
 */
export function parseOrder(text: string, workers: number, name = '--order'): ParsedOrder {
  const example = exampleOrder(workers);
  const compact = text.replace(/\s+/g, '');
  if (!compact) return { problem: `${name} is empty: give the workers' indices in the order their lines should come, e.g. ${example}` };
  const commas = compact.includes(',');
  if (!commas && workers > 10 && compact.length > 1) return { problem: `${name}: with ${workers} workers, separate the indices with commas, e.g. ${example}` };
  const parts = commas ? compact.split(',') : compact.split('');
  const bad = parts.find((p) => !/^\d+$/.test(p));
  if (bad !== undefined) return { problem: `${name}: "${bad || ','}" is not a worker's index; use digits from 0 to ${workers - 1}, one per line printed, e.g. ${example}` };
  const order = parts.map(Number);
  const outside = order.find((w) => w >= workers);
  if (outside !== undefined) return { problem: `${name}: worker ${outside} is not among the ${workers} workers; use indices from 0 to ${workers - 1} (worker 0 is the first), e.g. ${example}` };
  return { order };
}

/** "0101010101" for 2 workers; for 11 or more, the comma form. */
function exampleOrder(workers: number): string {
  const n = Math.max(1, Math.min(workers, 10));
  return workers > 10 ? '0,1,10,0' : Array.from({ length: 10 }, (_, i) => i % Math.max(n, 2) % n).join('');
}

/**
 * How a run went under a forced order: `followed` when its first events came in exactly the
 * order; else the note says which workers ended with turns left (their slots were skipped), or
 * where the run left the order. `forced`: the harness made this run take turns (its model can).
 */
export function forcedOrderOf(
  order: readonly number[],
  workersInOrder: ArrayLike<number>,
  run: { model: Model; workers: number },
  forced: boolean,
  /** Why the run ended before its workers did ("a deadlock", "the time limit"), if it did. */
  cutShort?: string,
): ForcedOrder {
  const signature = orderSignature(order, run.workers);
  const name = (w: number) => laneLabel(run.model, { worker: w });
  if (!forced) return { signature, followed: false, note: `not forced: the turnstile serves threads and processes (with or without a pool); the ${run.model} model ran as it does` };
  const actual = Array.from(workersInOrder);
  const left = order.findIndex((w, i) => actual[i] !== w);
  if (left < 0) {
    const extra = actual.length - order.length;
    return { signature, followed: true, note: extra > 0 ? `followed; after its ${order.length === 1 ? 'one line' : `${order.length} lines`} the workers ran free (${extra} more)` : 'followed, line by line' };
  }
  if (cutShort) return { signature, followed: false, note: `not followed: ${cutShort} ended the run after ${left} of the order's ${order.length} lines` };
  const short: string[] = [];
  for (let w = 0; w < run.workers; w++) {
    const turns = order.filter((x) => x === w).length;
    const printed = actual.filter((x) => x === w).length;
    if (printed < turns) short.push(`${name(w)} printed ${printed} line${printed === 1 ? '' : 's'} where the order gave it ${turns} turns: ${turns - printed === 1 ? 'its last one was' : `its last ${turns - printed} were`} skipped`);
  }
  const where = actual[left] === undefined ? `the run ended after ${left} lines` : `line ${left + 1} came from ${name(actual[left])} where the order had ${name(order[left])}`;
  return { signature, followed: false, note: short.length ? `not followed: ${short.join('; ')}` : `not followed: ${where}` };
}
