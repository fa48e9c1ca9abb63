import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareTraces, readTraceText, type ComparedTrace } from '../../src/shared/traceCompare';
import type { Model, Target } from '../../src/shared/trace';

const target = (fn: string): Target => ({ file: '/w/lost_update.py', function: fn, line: 3 });

/** A trace whose runs printed in these orders: "Number: k" per worker. */
function side(name: string, fn: string, runs: Array<[Model, string, boolean?]>): ComparedTrace {
  return {
    name,
    target: target(fn),
    runs: runs.map(([model, order, gil]) => {
      const workers = [...order].map(Number);
      const seen = [0, 0];
      const texts = workers.map((w) => `Number: ${seen[w]++}`);
      return { run: { model, workers: 2, startMethod: null, ...(gil === undefined ? {} : { gil }) }, workers, textAt: (i: number) => texts[i] };
    }),
  };
}

test('two traces of the same function: per model in both, the first divergence said with the traces\' names', () => {
  const c = compareTraces(side('the trace shown', 'f', [['thread', '0011'], ['process', '0101']]), side('unsafe.json', 'f', [['thread', '0101'], ['process', '0101'], ['sequential', '0011']]));
  assert.equal(c.note, null);
  assert.deepEqual(c.models.map((m) => [m.title, m.at]), [['Threads × 2', 1], ['Processes × 2', -1]]);
  assert.equal(c.models[0].sentence, 'After Number: 0 of Thread 1, unsafe.json switched to Thread 2; the trace shown did not (event 2).');
  assert.equal(c.models[1].sentence, 'The trace shown and unsafe.json printed in the same order (4 events).');
  assert.deepEqual(c.unmatched, ['Sequential × 2: only in unsafe.json']);
});

test('another function: said, and the orders compared all the same; GIL on and off are not matched with each other', () => {
  const c = compareTraces(side('the trace shown', 'add_unsafely', [['thread', '01', false]]), side('safe.json', 'add_safely', [['thread', '01', true]]));
  assert.match(c.note!, /^safe\.json traced add_safely in lost_update\.py; the trace shown, add_unsafely in lost_update\.py/);
  assert.deepEqual(c.models, []);
  assert.equal(c.unmatched.length, 2);
});

test('reading a trace file: bad JSON, another schema, runs without events — each one line ending in what to do', () => {
  assert.match(readTraceText('{"schema": ', 'x.json').problem!, /^x\.json is not JSON \(.*\): pick a trace written by/);
  assert.match(readTraceText('{"schema": "chrome.trace"}', 'y.json').problem!, /^y\.json is not an Interleave trace \(schema "chrome\.trace", not "interleave\.trace\/1"\): pick/);
  assert.match(readTraceText('[1, 2]', 'z.json').problem!, /not an Interleave trace \(schema null/);
  assert.match(readTraceText('{"schema": "interleave.trace/1", "target": {"file": "a.py"}, "runs": [{"model": "thread", "workers": 2}]}', 'w.json').problem!, /without its runs' events/);
  const good = readTraceText(JSON.stringify({ schema: 'interleave.trace/1', target: target('f'), python: {}, runs: [{ model: 'thread', workers: 2, events: [] }] }), 'ok.json');
  assert.equal(good.problem, undefined);
  assert.equal(good.trace!.runs[0].model, 'thread');
});
