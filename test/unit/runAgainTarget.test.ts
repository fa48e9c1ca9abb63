import assert from 'node:assert/strict';
import { test } from 'node:test';
import { againTargetOf, settingsAgain } from '../../src/commands/runAgainTarget';
import type { RunSettings } from '../../src/panels/traceStore';
import { LIMITS } from '../../src/runner/settings';

test("the panel's Run ×20 reaches the command as a recording to run again with a repeat; a bad repeat is dropped", () => {
  assert.deepEqual(againTargetOf({ again: 'k1' }), { again: 'k1' });
  assert.deepEqual(againTargetOf({ again: 'k1', repeat: 20 }), { again: 'k1', repeat: 20 });
  assert.deepEqual(againTargetOf({ again: 'k1', repeat: LIMITS.repeat.max + 1 }), { again: 'k1' });
  assert.deepEqual(againTargetOf({ again: 'k1', repeat: 2.5 }), { again: 'k1' });
  assert.equal(againTargetOf(undefined), undefined);
  assert.equal(againTargetOf({ repeat: 20 }), undefined);
});

test('run again with a repeat: the recorded settings with that repeat; without one, as recorded', () => {
  const recorded: RunSettings = { file: '/w/seed.py', function: 'print_numbers', models: ['sequential', 'thread'], workers: 2, timeoutSeconds: 30, maxEvents: 1000, repeat: 1, align: true };
  assert.deepEqual(settingsAgain(recorded, 20), { ...recorded, repeat: 20 });
  assert.equal(settingsAgain(recorded), recorded);
  assert.equal(recorded.repeat, 1, 'the stored settings are not changed');
});
