/**
 * Interleave: Be the Scheduler… — run the function once, offer orders of its output lines (the
 * one it printed in, strictly alternating, each worker's all first, or one typed by hand), then
 * run it again with the workers taking turns at each print in the chosen order (the harness's
 * turnstile, --order). The student sees the interleaving they chose happen, e.g. a lost update.
 */
import * as vscode from 'vscode';
import { execute, runTargetWith, type CommandContext, type Job, type RunTarget } from './runConcurrently';
import { checkTypedOrder, linesPerWorker, orderChoices, schedulerModel } from './orderChoices';
import { orderSignature, parseOrder } from '../shared/orders';
import type { Model, Trace } from '../shared/trace';

export { SCHEDULER_COMMAND } from './ids';

export async function beTheScheduler(ctx: CommandContext, target: RunTarget = {}): Promise<Trace | undefined> {
  return runTargetWith(ctx, target, { title: 'Be the Scheduler', runJob: scheduleJob });
}

/** One run as it goes by itself, the student's order, one run forced in that order. */
async function scheduleJob(ctx: CommandContext, job: Job): Promise<Trace | undefined> {
  const model = schedulerModel(job.request.models);
  const once: Job = {
    ...job,
    request: { ...job.request, models: [model], repeat: 1, order: undefined },
    settings: { ...job.settings, models: [model], repeat: 1, order: undefined },
  };
  const first = await execute(ctx, once);
  const run = first.runs[0];
  if (!run || run.unavailable) return first;
  if (!run.events.length) {
    void vscode.window.showInformationMessage(`Interleave: ${job.title.replace('Interleave: ', '')} printed no lines, so there is no order to choose: the workers take turns at their prints. Add print() calls where the order matters, then try again.`);
    return first;
  }
  const order = await pickOrder(run.events.map((e) => e.worker), run.workers, model);
  if (!order) return first;
  const signature = orderSignature(order, run.workers);
  return execute(ctx, {
    ...once,
    early: undefined,
    request: { ...once.request, order },
    settings: { ...once.settings, order },
    title: `${job.title} · order ${signature.length > 24 ? `${signature.slice(0, 24)}…` : signature}`,
  });
}

const TYPE_ONE = 'Type an order…';

/** The QuickPick of orders, then (for "Type an order…") the input box: the order, or undefined when dismissed. */
async function pickOrder(observed: number[], workers: number, model: Model): Promise<number[] | undefined> {
  const choices = orderChoices(observed, workers, model);
  const picked = await vscode.window.showQuickPick(
    [
      ...choices.map((c) => ({ label: c.label, description: c.signature, detail: c.detail, order: c.order as number[] | null })),
      { label: TYPE_ONE, description: '', detail: 'worker indices in the order their lines should come (0 is the first worker)', order: null },
    ],
    { title: 'Be the Scheduler', placeHolder: `In which order should the ${observed.length} lines come? The workers will take turns at each print.`, ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  return picked.order ?? typeOrder(observed, workers, model);
}

async function typeOrder(observed: number[], workers: number, model: Model): Promise<number[] | undefined> {
  const counts = linesPerWorker(observed, workers);
  const text = await vscode.window.showInputBox({
    title: 'Be the Scheduler: your order',
    prompt: `One worker index per line printed (0–${workers - 1}${workers > 10 ? ', separated by commas' : ''}); it printed ${observed.length} lines last time.`,
    value: orderSignature(observed, workers),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const check = checkTypedOrder(value, workers, counts, model);
      if (!check) return null;
      const severity = check.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Warning;
      return { message: check.message, severity };
    },
  });
  // the box accepts no order with an error; parsed again all the same, never to run a bad one
  return text === undefined ? undefined : parseOrder(text, workers).order;
}
