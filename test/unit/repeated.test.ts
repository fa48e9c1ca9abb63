import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endingsOf, ordersOf, type RepeatedEvents } from '../../src/runner/repeated';
import type { OutputEvent, PythonInfo, Run, Trace } from '../../src/shared/trace';
import { printSummary } from '../../src/cli/summaryText';

/** A run's events as the engine holds them: `order` the workers in output order, each line "w:k". */
function eventsOf(order: string): RepeatedEvents {
  const workers = [...order].map(Number);
  const seen = [0, 0];
  const texts = workers.map((w) => `${w}:${seen[w]++}`);
  return { length: workers.length, worker: (k) => workers[k], event: (k) => ({ t: k, worker: workers[k], pid: 1, stream: 'stdout', text: texts[k], line: 1 }) as OutputEvent };
}

const run = (repetition: number, extra: Partial<Run> = {}): Run => ({ model: 'thread', workers: 2, startMethod: null, wallNs: 1, workerInfo: [], events: [], repetition, ...extra });
const trace = (runs: Run[]): Trace => ({ schema: 'interleave.trace/1', target: { file: 'f.py', function: 'f', line: 1 }, python: { executable: 'python3' } as PythonInfo, runs });

test('orders and endings: one entry per variant — GIL on and off apart, each over its own repetitions, named by gil', () => {
  const runs = [run(0, { gil: true }), run(1, { gil: true }), run(0, { gil: false }), run(1, { gil: false })];
  const events = ['0011', '0011', '0101', '1010'].map(eventsOf);
  const orders = ordersOf(trace(runs), events);
  assert.deepEqual(orders.map((o) => [o.model, o.gil, o.repetitions, o.orders.map((x) => x.signature)]), [
    ['thread', true, 2, ['0011']],
    ['thread', false, 2, ['0101', '1010']],
  ]);
  const endings = endingsOf(trace(runs), events);
  assert.deepEqual(endings.map((e) => [e.gil, e.repetitions]), [[true, 2], [false, 2]]);
  assert.deepEqual(endings[1].workers.map((w) => w.endings.map((e) => e.parts.join('N'))), [['0:1'], ['1:1']]);
});

test('orders: a compared interpreter\'s runs are an entry of their own, named by its executable; unavailable runs count in none', () => {
  const other = { executable: '/opt/python3.12' } as PythonInfo;
  const runs = [run(0), run(1), run(0, { python: other }), run(1, { python: other }), run(0, { model: 'interpreter', unavailable: 'needs 3.14' })];
  const orders = ordersOf(trace(runs), ['01', '10', '01', '01', ''].map(eventsOf));
  assert.deepEqual(orders.map((o) => [o.model, o.python, o.repetitions, o.distinct]), [
    ['thread', undefined, 2, 2],
    ['thread', '/opt/python3.12', 2, 1],
  ]);
});

test('the CLI summary of repetitions names each variant: GIL on and GIL off are two entries, each with its own orders', () => {
  const runs = [run(0, { gil: true }), run(1, { gil: true }), run(0, { gil: false }), run(1, { gil: false })];
  const events = ['0011', '0011', '0101', '1010'].map(eventsOf);
  const t = { ...trace(runs), orders: ordersOf(trace(runs), events) };
  let text = '';
  printSummary({ write: (s: string) => (text += s) } as unknown as NodeJS.WriteStream, t, events.map((e) => ({ counts: () => ({ events: e.length, switches: 0 }) })) as never, false);
  const heads = text.split('\n').filter((l) => /runs: wall/.test(l));
  assert.deepEqual(heads.map((l) => l.split(/\s+\d+ runs/)[0].trim()), ['thread · GIL on', 'thread · GIL off'], text);
  assert.match(text, /thread · GIL on: 1 order in 2 runs/, text);
  assert.match(text, /thread · GIL off: 2 distinct orders/, text);
});
