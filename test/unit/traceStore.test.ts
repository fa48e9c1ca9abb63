import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { TraceStore, type RunSettings } from '../../src/panels/traceStore';
import { LIMITS } from '../../src/runner/settings';
import { modelProgress, recordingLabel } from '../../src/shared/recording';

const HISTORY_LIMIT = LIMITS.recordings;
import type { Trace } from '../../src/shared/trace';

const root = path.resolve(__dirname, '..', '..', '..');
const canonical = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'traces', 'canonical.json'), 'utf8')) as Trace;

function settings(n: number): RunSettings {
  return { file: '/project/processes_example.py', function: 'print_numbers', args: `${n}, times=2`, models: ['sequential', 'thread', 'process'], workers: 2, timeoutSeconds: 30, maxEvents: 1000 };
}

function tmpStore(): { folder: string; store: TraceStore } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-store-'));
  return { folder, store: new TraceStore(folder) };
}

test(`the store keeps the last ${HISTORY_LIMIT} recordings with their traces, newest first, and deletes the older traces`, async () => {
  const { folder, store } = tmpStore();
  try {
    const saved = [];
    for (let i = 0; i < HISTORY_LIMIT + 2; i++) saved.push(await store.save(canonical, settings(i), 1_700_000_000_000 + i * 1000));
    const kept = await store.recordings();
    assert.deepEqual(kept.map((r) => r.recording.key), saved.slice(2).reverse().map((r) => r.key));
    assert.deepEqual(kept[0].settings, settings(HISTORY_LIMIT + 1), 'what Run again needs, as it was');
    assert.deepEqual(kept[0].recording, { key: saved.at(-1)!.key, target: 'print_numbers', fileName: 'processes_example.py', startedAt: 1_700_000_000_000 + (HISTORY_LIMIT + 1) * 1000, models: ['sequential', 'thread', 'process'], workers: 2, args: `${HISTORY_LIMIT + 1}, times=2` });
    assert.equal(await store.load(saved[0].key), undefined, 'the oldest trace is gone');
    assert.deepEqual((await store.load(saved.at(-1)!.key))?.runs.map((r) => r.events.length), [10, 10, 10]);
    const traces = fs.readdirSync(folder).filter((f) => f.endsWith('.json') && f !== 'recordings.json');
    assert.equal(traces.length, HISTORY_LIMIT, 'one trace file per recording kept');
    // after a reload: a new store on the same folder has the same history
    assert.deepEqual((await new TraceStore(folder).recordings()).map((r) => r.recording.key), kept.map((r) => r.recording.key));
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('runs that end together all get into the history (and none of their traces is pruned by another)', async () => {
  const { folder, store } = tmpStore();
  try {
    const saved = await Promise.all([0, 1, 2, 3].map((i) => store.save(canonical, settings(i), i)));
    const kept = await store.recordings();
    assert.deepEqual(new Set(kept.map((r) => r.recording.key)), new Set(saved.map((r) => r.key)));
    for (const r of saved) assert.ok(await store.load(r.key), r.key);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('an unreadable index is an empty history, not an error; keys cannot name other files', async () => {
  const { folder, store } = tmpStore();
  try {
    fs.writeFileSync(path.join(folder, 'recordings.json'), '{ not json');
    assert.deepEqual(await store.recordings(), []);
    await store.save(canonical, settings(0), 0);
    assert.equal((await store.recordings()).length, 1);
    assert.equal(await store.load('../recordings'), undefined);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('a recording reads as in Chrome DevTools: "print_numbers · 11:02:31 · 3 models"; progress as "2 of 5: thread"', () => {
  const at = new Date(2024, 4, 17, 11, 2, 31).getTime(); // local time, as the label shows it
  const r = { key: 'k', target: 'print_numbers', fileName: 'seed.py', startedAt: at, models: ['sequential', 'thread', 'process'] as const, workers: 2 };
  assert.equal(recordingLabel({ ...r, models: [...r.models] }), 'print_numbers · 11:02:31 · 3 models');
  assert.equal(recordingLabel({ ...r, models: ['thread'] }), 'print_numbers · 11:02:31 · thread');
  assert.equal(modelProgress(1, 5, 'thread'), '2 of 5: thread');
});
