/**
 * The CLI's summary in words: each run's figures, verdict and thread states; with --repeat, the
 * medians and the orders; for a script run, its workers; the one-line comparison of the models.
 */
import * as path from 'node:path';
import type { RunEvents } from '../runner/eventStore';
import { compareRuns } from '../shared/comparison';
import { formatNs, formatSpeedup } from '../shared/format';
import { summarizeTrace } from '../shared/summary';
import type { RunSummary, Spread } from '../shared/runSummary';
import { laneSharesText, stateShares } from '../shared/states';
import { endedByWords } from '../shared/workerLife';
import { helperThreadName, laneLabel, runTag } from '../shared/labels';
import { GIL_MODELS, gilVerdict, modelComparisonRuns } from '../shared/interpreters';
import type { Run, Trace } from '../shared/trace';
import { ordersText } from '../shared/orders';
import { entryVariant, modelSummaries, repeatedFigures, variantGroups, variantOf } from '../shared/repetitions';
import { endingsSummary } from './endingsText';

/**
 * "script  wall 41 ms  workers 3 (1 main, 2 processes)  events 10", then a line per worker that
 * did not end ok, where deadlocked ones were stuck, and how each lane spent its time (`sampling`).
 */
export function scriptSummary(run: Run, eventCount: number, sampling: boolean, verdict?: string): string {
  const kinds = new Map<string, number>();
  for (const w of run.workerInfo) kinds.set(w.kind ?? 'worker', (kinds.get(w.kind ?? 'worker') ?? 0) + 1);
  const plural: Record<string, string> = { main: 'main', thread: 'threads', process: 'processes', task: 'tasks' };
  const made = [...kinds].map(([kind, n]) => `${n} ${n === 1 ? kind : (plural[kind] ?? kind)}`).join(', ');
  const lines = [`script     wall ${formatNs(run.wallNs)}  workers ${run.workerInfo.length} (${made})  events ${eventCount}${run.stopped ? `  stopped: ${run.stopped}` : ''}`];
  if (verdict) lines.push(`           ${verdict}`);
  for (const w of run.workerInfo.filter((x) => x.status !== 'ok')) {
    const why = w.error ? `${w.error.type}: ${w.error.message}` : w.exitCode !== undefined ? `exit ${w.exitCode}` : (w.signal ?? '');
    const meant = w.endedBy ? ` — ${endedByWords(w, (i) => laneLabel('script', run.workerInfo[i] ?? { worker: i }))}` : ''; // not a failure
    lines.push(`           ${laneLabel('script', w)}: ${w.status}${why ? ` (${why})` : ''}${meant}`);
  }
  for (const u of run.untraced ?? []) lines.push(`           not traced: pid ${u.pid} ${u.command} — ${u.reason}`);
  return lines.map((l) => `${l}\n`).join('') + deadlockLines(run) + statesText(run, sampling);
}

/** A script run's summary with its verdict (the panel's sentence). */
export function printScriptSummary(say: NodeJS.WriteStream, trace: Trace, events: RunEvents[], sampling: boolean): void {
  const [summary] = summarizeTrace(trace, events.map((e) => e.counts()));
  say.write(scriptSummary(trace.runs[0], events[0].length, sampling, summary.verdict));
}

export function printSummary(say: NodeJS.WriteStream, trace: Trace, events: RunEvents[], sampling: boolean): void {
  const summaries = summarizeTrace(trace, events.map((e) => e.counts()));
  say.write(trace.orders ? repeatedText(trace) : summaryText(trace, summaries, sampling));
  // the panel's answer to "threads or processes?", in one line (with --repeat, over each model's medians)
  const groups = variantGroups(trace.runs);
  const comparison = compareRuns(modelSummaries(trace.runs, summaries, trace.python.gil), modelComparisonRuns(groups.map((g) => trace.runs[g[0]])));
  if (comparison?.sentence) say.write(`${comparison.sentence}\n`);
  for (const model of GIL_MODELS) {
    const gil = gilVerdict(trace, model); // "does free-threading help?", when a free-threaded build ran it
    if (gil) say.write(`${gil}\n`);
  }
}

/** Where each deadlocked worker was stuck: its innermost frame of the user's file. */
function deadlockLines(run: Run): string {
  return run.workerInfo
    .filter((w) => w.deadlock)
    .map((w) => {
      const frames = [...w.deadlock!.stack.matchAll(/File "(.*)", line (\d+), in (.*)\n(?: {4}(.*)\n)?/g)];
      const last = frames.at(-1);
      const at = last ? `${path.basename(last[1])}:${last[2]} in ${last[3]}${last[4] ? `: ${last[4]}` : ''}` : 'no frame of the file';
      return `           ${run.model === 'script' ? laneLabel('script', w) : `worker ${w.worker + 1}`} stuck at ${at}\n`;
    })
    .join('');
}

/**
 * With --repeat, per variant of a model (GIL on and off, each interpreter compared): its wall time
 * and speedup as median and range over its runs (one short run says little on a busy machine),
 * how many orders its events came in, and what the runs ended with.
 */
function repeatedText(trace: Trace): string {
  return repeatedFigures(trace.runs)
    .map((f) => {
      const range = (s: Spread, format: (x: number) => string) => `median ${format(s.median)} (${format(s.min)} – ${format(s.max)})`;
      const speed = f.speedup ? `  speedup ${range(f.speedup, formatSpeedup)}` : '';
      const own = trace.runs.filter((r) => variantOf(r) === f.variant);
      const name = runTag(own[0], trace);
      const orders = trace.orders?.find((o) => entryVariant(o) === f.variant);
      const failed = own.filter((r) => r.workerInfo.some((w) => w.status !== 'ok')).length;
      const lines = [`${name.padEnd(10)} ${f.runs} runs: wall ${range(f.wallNs, formatNs)}${speed}`];
      if (orders) lines.push(`           ${name}: ${ordersText(orders, own[0].workers)}`);
      lines.push(...endingsSummary(trace, f.variant));
      if (failed) lines.push(`           ${failed} of its runs had a worker that did not end ok`);
      const forced = own.filter((r) => r.forcedOrder);
      if (forced.length) lines.push(`           order ${forced[0].forcedOrder!.signature}: followed in ${forced.filter((r) => r.forcedOrder!.followed).length} of ${forced.length} runs`);
      return lines.map((l) => `${l}\n`).join('');
    })
    .join('');
}

/** Each run's figures and verdict, then how its workers spent their time (when states were sampled). */
function summaryText(trace: Trace, summaries: RunSummary[], sampling: boolean): string {
  return summaries
    .map((s, i) => {
      const run = trace.runs[i];
      const name = runTag(run, trace).padEnd(10);
      if (run.unavailable) return `${name} ${s.verdict}\n`;
      const speed = s.speedup === null ? '' : `  speedup ${formatSpeedup(s.speedup)}`;
      const gilNote = run.gilNote ? `           ${run.gilNote}\n` : '';
      const head = `${name} wall ${formatNs(s.wallNs).padStart(9)}  cpu ${s.cpuNs === null ? '—' : formatNs(s.cpuNs)}  events ${s.events}  switches ${s.switches}${speed}\n           ${s.verdict}\n`;
      return head + gilNote + forcedOrderLine(run) + deadlockLines(run) + statesText(run, sampling);
    })
    .join('');
}

/** --order: how the run went under it ("order 0101010101: followed, line by line"). */
function forcedOrderLine(run: Run): string {
  return run.forcedOrder ? `           order ${run.forcedOrder.signature}: ${run.forcedOrder.note}\n` : '';
}

/** "Thread 1: running 49% · waiting for the GIL 48% · sleeping 3%", a line per sampled thread. */
function statesText(run: Run, sampling: boolean): string {
  const lines = stateShares(run).map((lane) => {
    const info = run.workerInfo[lane.worker];
    const name = lane.thread === null ? laneLabel(run.model, info ?? { worker: lane.worker }) : `  ↳ ${helperThreadName(info, lane.thread)}`;
    return `           ${name}: ${laneSharesText(run, lane)}\n`;
  });
  // why there are none, or what to know of those there are (not when the user turned sampling off)
  if (run.stateNote && sampling) lines.push(`           ${run.stateNote}\n`);
  return lines.join('');
}
