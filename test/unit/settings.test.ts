/** One home for defaults and limits: package.json's settings say what src/runner/settings says. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULTS, LIMITS, checkDeadlockSeconds, checkSampleHz, checkWorkers } from '../../src/runner/settings';
import { ALL_MODELS } from '../../src/shared/trace';

const root = path.resolve(__dirname, '..', '..', '..');
const settings = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).contributes.configuration.properties;

test("package.json's setting defaults and limits are the runner's", () => {
  assert.deepEqual(settings['interleave.models'].default, DEFAULTS.models);
  assert.deepEqual(settings['interleave.models'].items.enum, ALL_MODELS);
  assert.equal(settings['interleave.workers'].default, DEFAULTS.workers);
  assert.equal(settings['interleave.workers'].minimum, LIMITS.workers.min);
  assert.equal(settings['interleave.workers'].maximum, LIMITS.workers.max);
  assert.equal(settings['interleave.timeoutSeconds'].default, DEFAULTS.timeoutSeconds);
  assert.equal(settings['interleave.timeoutSeconds'].exclusiveMinimum, 0);
  assert.equal(settings['interleave.maxEvents'].default, DEFAULTS.maxEvents);
  assert.equal(settings['interleave.maxEvents'].minimum, LIMITS.maxEvents.min);
  assert.equal(settings['interleave.deadlockSeconds'].default, DEFAULTS.deadlockSeconds);
  assert.equal(settings['interleave.deadlockSeconds'].minimum, LIMITS.deadlockSeconds.min);
  assert.equal(settings['interleave.sampleHz'].default, DEFAULTS.sampleHz);
  assert.equal(settings['interleave.sampleHz'].minimum, LIMITS.sampleHz.min);
  assert.equal(settings['interleave.sampleHz'].maximum, LIMITS.sampleHz.max);
  assert.equal(settings['interleave.repeat'].default, DEFAULTS.repeat);
  assert.equal(settings['interleave.repeat'].minimum, LIMITS.repeat.min);
  assert.equal(settings['interleave.repeat'].maximum, LIMITS.repeat.max);
  assert.equal(settings['interleave.align'].default, DEFAULTS.align);
  assert.equal(settings['interleave.switchInterval'].default, DEFAULTS.switchInterval);
  assert.equal(settings['interleave.switchInterval'].minimum, LIMITS.switchInterval.min);
  assert.equal(settings['interleave.switchInterval'].maximum, LIMITS.switchInterval.max);
});

test('the limit messages name the option and the limits', () => {
  assert.equal(checkWorkers(LIMITS.workers.max, '--workers'), null);
  assert.equal(checkWorkers(LIMITS.workers.max + 1, '--workers'), `--workers must be a whole number from ${LIMITS.workers.min} to ${LIMITS.workers.max}`);
  assert.equal(checkWorkers(1.5, 'x'), `x must be a whole number from ${LIMITS.workers.min} to ${LIMITS.workers.max}`);
  assert.equal(checkDeadlockSeconds(0, '--deadlock-seconds'), null, '0 is off');
  assert.equal(checkDeadlockSeconds(0.5, '--deadlock-seconds'), null);
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.equal(checkDeadlockSeconds(bad, '--deadlock-seconds'), '--deadlock-seconds must be a number of seconds ≥ 0 (0 turns the deadlock watchdog off)');
  }
  assert.equal(checkSampleHz(0, '--sample-hz'), null, '0 turns sampling off');
  assert.equal(checkSampleHz(LIMITS.sampleHz.max + 1, '--sample-hz'), `--sample-hz must be a whole number from 0 (off) to ${LIMITS.sampleHz.max}`);
  assert.match(checkSampleHz(-1, '--sample-hz') ?? '', /from 0 \(off\)/);
});
