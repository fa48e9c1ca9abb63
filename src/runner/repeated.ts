/**
 * What a repeating request's runs (--repeat) come to, per variant (a model on its interpreter,
 * with the GIL as it ran: repetitions.ts variantOf): the orders their events came in, and what
 * each worker's last line was — the trace's `orders` and `endings`.
 */
import type { RunEvents } from './eventStore';
import { lastLines, modelEndings } from '../shared/endings';
import { modelOrders, orderSignature } from '../shared/orders';
import { variantGroups } from '../shared/repetitions';
import type { ModelEndings, ModelOrders, Run, Trace } from '../shared/trace';

/** What is read of a run's events here (a RunEvents). */
export type RepeatedEvents = Pick<RunEvents, 'length' | 'worker' | 'event'>;

/** The fields that tell a variant's entry from another of the same model (absent: the trace's interpreter, the GIL as it is). */
function variantFields(run: Run): { gil?: boolean; python?: string } {
  return { ...(run.gil === undefined ? {} : { gil: run.gil }), ...(run.python ? { python: run.python.executable } : {}) };
}

/** The runs of each variant that ran (an unavailable model has none), in the order of first sight. */
function ranGroups(trace: Trace): number[][] {
  return variantGroups(trace.runs)
    .map((group) => group.filter((i) => !trace.runs[i].unavailable))
    .filter((group) => group.length > 0);
}

/** Per variant: the orders its repetitions printed in. */
export function ordersOf(trace: Trace, events: readonly RepeatedEvents[]): ModelOrders[] {
  return ranGroups(trace).map((group) => {
    const signatures = group.map((i) => {
      const workers = Array.from({ length: events[i].length }, (_, k) => events[i].worker(k));
      return orderSignature(workers, trace.runs[i].workers);
    });
    const run = trace.runs[group[0]];
    return { ...modelOrders(run.model, signatures), ...variantFields(run) };
  });
}

/** Per variant: each worker's last line in each repetition, grouped by form (endings.ts). */
export function endingsOf(trace: Trace, events: readonly RepeatedEvents[]): ModelEndings[] {
  return ranGroups(trace).map((group) => {
    const run = trace.runs[group[0]];
    const workers = Math.max(...group.map((i) => trace.runs[i].workers));
    const endings = modelEndings(run.model, workers, group.map((i) => lastLines({ length: events[i].length, worker: (k) => events[i].worker(k), text: (k) => events[i].event(k).text }, workers)));
    return { ...endings, ...variantFields(run) };
  });
}
