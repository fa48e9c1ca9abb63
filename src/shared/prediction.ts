/**
 * "Predict, then see" (issue 15): the student's predicted order of a run's first events against the
 * real one, the presets they can start from, and one line on why the run went as it did — built
 * from the trace's own facts (start-up vs the work, the switch interval, the CPUs), never guessed.
 * Pure: the panel draws it, the unit tests check it.
 */
import { laneLabel } from './labels';
import { ordersText } from './orders';
import { formatNs } from './format';
import type { Model, ModelOrders, WorkerInfo } from './trace';

/** How many of a run's first events the student predicts (fewer when the run has fewer). */
export const PREDICT_EVENTS = 10;

/** The switch interval CPython uses unless told otherwise (`sys.getswitchinterval()`), in seconds. */
export const DEFAULT_SWITCH_INTERVAL = 0.005;

/** The three shapes an order can have; also the presets offered. */
export type OrderShape = 'one-first' | 'alternating' | 'mixed';

export const SHAPE_NAMES: Readonly<Record<OrderShape, string>> = {
  'one-first': 'All of one first',
  alternating: 'Strictly alternating',
  mixed: 'Mixed',
};

/** An order's shape: each worker's events in one block, no worker twice in a row, or neither. */
export function orderShape(workers: readonly number[]): OrderShape {
  const seen = new Set<number>();
  let blocks = true;
  let alternates = true;
  for (let i = 0; i < workers.length; i++) {
    if (i > 0 && workers[i] === workers[i - 1]) alternates = false;
    else if (seen.has(workers[i])) blocks = false;
    seen.add(workers[i]);
  }
  if (seen.size < 2 || blocks) return 'one-first';
  return alternates ? 'alternating' : 'mixed';
}

/**
 * A preset prediction of `length` events for workers with `counts[w]` events each (those with none
 * are left out): every event of the first worker, then the next; one of each in turn; or a mix
 * that is neither (drawn from a fixed seed, so the same preset every time).
 */
export function presetOrder(shape: OrderShape, counts: readonly number[], length: number): number[] {
  const left = [...counts];
  const out: number[] = [];
  const take = (w: number) => {
    left[w]--;
    out.push(w);
  };
  if (shape === 'one-first') {
    for (let w = 0; w < left.length; w++) while (left[w] > 0 && out.length < length) take(w);
    return out;
  }
  if (shape === 'alternating') {
    while (out.length < length && left.some((c) => c > 0)) for (let w = 0; w < left.length && out.length < length; w++) if (left[w] > 0) take(w);
    return out;
  }
  for (let seed = 15; seed < 15 + 64; seed++) {
    const mixed = seededMix(counts, length, seed);
    if (orderShape(mixed) === 'mixed') return mixed;
  }
  return seededMix(counts, length, 15); // too few events for a mix that is neither
}

/** Workers drawn at random, each as likely as it has events left (mulberry32 from `seed`). */
function seededMix(counts: readonly number[], length: number, seed: number): number[] {
  const left = [...counts];
  const out: number[] = [];
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  while (out.length < length) {
    const total = left.reduce((a, b) => a + Math.max(0, b), 0);
    if (total === 0) break;
    let pick = random() * total;
    let w = 0;
    while (w < left.length - 1 && (left[w] <= 0 || pick >= left[w])) pick -= Math.max(0, left[w++]);
    left[w]--;
    out.push(w);
  }
  return out;
}

/** Position by position: did the prediction name the worker that printed? (Missing predictions: no.) */
export function matchOrders(predicted: readonly number[], actual: readonly number[]): boolean[] {
  return actual.map((w, i) => predicted[i] === w);
}

/** What the explanation reads from a run: its model, its workers' lives, and how it was run. */
export interface RunFacts {
  model: Model;
  workerInfo: readonly Pick<WorkerInfo, 'worker' | 'createdNs' | 'startNs' | 'endNs'>[];
  /** The worker of each of the run's events, in global order; their times beside them. */
  workers: ArrayLike<number>;
  times: ArrayLike<number>;
  aligned?: boolean;
  switchInterval?: number;
  /** CPUs of the machine (the trace's `python.cpuCount`). */
  cpuCount: number | null;
}

const SHAPE_EXPECTED: Readonly<Record<OrderShape, string>> = {
  'one-first': 'you expected all of one worker first',
  alternating: 'you expected them to alternate',
  mixed: 'you expected a mix',
};

/**
 * One line: how much of the prediction held, and why the run printed in its order —
 * e.g. "3 of 10 as predicted (you expected them to alternate): Thread 1 finished its 5 prints
 * before Thread 2 had started: start-up (1.14 ms) was longer than the work (0.41 ms)."
 */
export function explainOrder(facts: RunFacts, predicted: readonly number[]): string {
  const actual = Array.from(facts.workers).slice(0, Math.min(PREDICT_EVENTS, facts.workers.length));
  const hits = matchOrders(predicted, actual).filter(Boolean).length;
  const guessed = orderShape(predicted.slice(0, actual.length));
  const real = orderShape(actual);
  const head = predicted.length === 0
    ? `The first ${actual.length} events`
    : hits === actual.length
      ? `All ${actual.length} as predicted`
      : `${hits} of ${actual.length} as predicted${guessed !== real ? ` (${SHAPE_EXPECTED[guessed]})` : ''}`;
  return `${head}: ${whyOrder(facts, actual)}.`;
}

/** Why the run's first events came in the order `actual`, from its facts. */
export function whyOrder(facts: RunFacts, actual: readonly number[]): string {
  const name = (w: number) => laneLabel(facts.model, { worker: w });
  const first = actual[0];
  const second = actual.find((w) => w !== first);
  if (first === undefined) return 'the run printed nothing';
  if (second === undefined) return `${name(first)} printed all ${actual.length} before any other worker printed`;
  if (facts.model === 'sequential') return `a sequential run makes one call after another: ${name(second)} began only when ${name(first)} had returned`;
  const a = facts.workerInfo.find((w) => w.worker === first);
  const b = facts.workerInfo.find((w) => w.worker === second);
  const aligned = facts.aligned ? 'they began together at the barrier (--align), so start-up did not decide; ' : '';
  if (orderShape(actual) === 'one-first') return aligned + oneFirstWhy(facts, first, second, a, b);
  return aligned + takingTurnsWhy(facts, first, second);
}

/** The first worker printed its block before the second printed at all. */
function oneFirstWhy(facts: RunFacts, first: number, second: number, a: RunFacts['workerInfo'][number] | undefined, b: RunFacts['workerInfo'][number] | undefined): string {
  const name = (w: number) => laneLabel(facts.model, { worker: w });
  const prints = countOf(facts.workers, first);
  const what = `${prints} print${prints === 1 ? '' : 's'}`;
  if (a && b && a.startNs !== null && a.endNs !== null && b.startNs !== null && a.endNs <= b.startNs) {
    const work = a.endNs - a.startNs;
    const created = b.createdNs ?? null;
    // the harness creates workers one after another: a quick first worker can be done before the next exists
    if (created !== null && created >= a.endNs) return `${name(first)} finished its ${what} (${formatNs(work)} of work) before ${name(second)} had even been created (${formatNs(created - a.endNs)} later)`;
    const startup = created !== null ? b.startNs - created : null;
    if (startup !== null && startup > work) return `${name(first)} finished its ${what} before ${name(second)} had started: start-up (${formatNs(startup)}) was longer than the work (${formatNs(work)})`;
    return `${name(first)} finished its ${what} (${formatNs(work)} of work) before ${name(second)} had started, ${formatNs(b.startNs - a.endNs)} later`;
  }
  const lastA = lastTimeOf(facts, first);
  const firstB = firstTimeOf(facts, second);
  if (isThreadModel(facts.model)) {
    return `${name(first)} and ${name(second)} ran at the same time, but ${name(first)} kept the GIL through its ${what} (${formatNs(lastA - firstTimeOf(facts, first))}): a thread hands it over only every switch interval (${formatNs(switchInterval(facts) * 1e9)}) or when it waits`;
  }
  return `${name(second)} had started, but its first print (at ${formatNs(firstB)}) came after ${name(first)}'s last (at ${formatNs(lastA)})`;
}

/** The workers' prints mixed: they ran at the same time and took turns (the GIL, the CPUs, awaits). */
function takingTurnsWhy(facts: RunFacts, first: number, second: number): string {
  const name = (w: number) => laneLabel(facts.model, { worker: w });
  const both = `${name(Math.min(first, second))} and ${name(Math.max(first, second))}`;
  if (isThreadModel(facts.model)) {
    return `${both} ran at the same time and took turns on the GIL: a waiting thread gets it after about one switch interval (${formatNs(switchInterval(facts) * 1e9)}), or sooner when the one holding it waits`;
  }
  if (facts.model === 'asyncio') return `${both} took turns on one event loop, which switches tasks at each await`;
  const cpus = facts.cpuCount;
  if (cpus === 1) return `${both} ran at the same time on 1 CPU: the operating system took turns between their processes`;
  return `${both} ran at the same time in processes of their own${cpus ? ` on ${cpus} CPUs` : ''}, so their prints mixed in the order each got there`;
}

function isThreadModel(model: Model): boolean {
  return model === 'thread' || model === 'thread-pool';
}

function switchInterval(facts: RunFacts): number {
  return facts.switchInterval ?? DEFAULT_SWITCH_INTERVAL;
}

function countOf(workers: ArrayLike<number>, w: number): number {
  let n = 0;
  for (let i = 0; i < workers.length; i++) if (workers[i] === w) n++;
  return n;
}

function firstTimeOf(facts: RunFacts, w: number): number {
  for (let i = 0; i < facts.workers.length; i++) if (facts.workers[i] === w) return facts.times[i];
  return 0;
}

function lastTimeOf(facts: RunFacts, w: number): number {
  for (let i = facts.workers.length - 1; i >= 0; i--) if (facts.workers[i] === w) return facts.times[i];
  return 0;
}

/**
 * With --repeat: how often the predicted first events came up among the model's repetitions, and
 * how many orders there were — "Your first 10 came up in 9 of 20 repetitions; 3 distinct orders
 * in 20 runs (of 252 possible)."
 */
export function repeatedText(orders: ModelOrders, workers: number, predicted: readonly number[]): string {
  let same = 0;
  for (const o of orders.orders) {
    const order = o.signature.split(workers <= 10 ? '' : ',').filter(Boolean).map(Number);
    if (predicted.length && order.length >= predicted.length && predicted.every((w, i) => order[i] === w)) same += o.count;
  }
  const yours = predicted.length ? `Your first ${predicted.length} came up in ${same} of ${orders.repetitions} repetitions; ` : '';
  return `${yours}${ordersText(orders, workers)}.`;
}
