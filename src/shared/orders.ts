/**
 * The orders a model's repetitions printed in (`orders` of the trace), and how many orders the
 * same per-worker event counts could have come in: "7 distinct orders in 20 runs, of 252 possible".
 * Pure: shared by the runner, the CLI's summary and the panel.
 */
import type { ModelOrders, Model } from './trace';

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
