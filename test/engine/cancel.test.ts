import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { runTrace } from '../../src/runner/engine';
import { LivePreview } from '../../src/runner/livePreview';
import type { Model } from '../../src/shared/trace';
import { fixture, processesMentioning, python } from './helpers';

test('Cancel ends a run like a timeout: events kept, stopped "cancelled", no process left', async () => {
  const controller = new AbortController();
  const seen = new Set<Model>();
  const started = Date.now();
  const trace = await runTrace({
    python,
    file: fixture('hangs.py'),
    function: 'hang',
    models: ['thread', 'process'],
    workers: 2,
    timeoutSeconds: 60,
    spawn,
    signal: controller.signal,
    // cancel as soon as the first event of the first run shows up (the live stream)
    follow: (model) => [
      new LivePreview(() => {
        seen.add(model);
        controller.abort();
      }),
    ],
  });
  assert.ok(Date.now() - started < 20_000, 'cancelled long before the 60 s limit');
  assert.deepEqual(trace.runs.map((r) => r.model), ['thread'], 'later models do not start after Cancel');
  const run = trace.runs[0];
  assert.equal(run.stopped, 'cancelled');
  assert.ok(run.events.some((e) => e.text === 'started'));
  assert.ok(run.workerInfo.every((w) => w.status === 'timeout'));
  assert.ok(seen.has('thread'));
  assert.deepEqual(processesMentioning('interleave_harness.py run'), []);
});
