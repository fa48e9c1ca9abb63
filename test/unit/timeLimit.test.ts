import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { MAX_TIMER_MS, setLongTimeout, timeLimitProblem } from '../../src/runner/timeLimit';

test('a time limit beyond what one Node timer takes fires when it is due, never at once', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const delays = mock.method(globalThis, 'setTimeout');
  try {
    let fired = 0;
    const ms = 3 * MAX_TIMER_MS + 5;
    setLongTimeout(() => fired++, ms);
    for (let step = 0; step < 3; step++) mock.timers.tick(MAX_TIMER_MS); // one step at a time, as time passes
    mock.timers.tick(4);
    assert.equal(fired, 0, 'not before it is due');
    mock.timers.tick(1);
    assert.equal(fired, 1);
    const asked = delays.mock.calls.map((c) => c.arguments[1] as number);
    assert.ok(asked.every((d) => d <= MAX_TIMER_MS), `every timer within Node's limit: ${asked.join(', ')}`);
  } finally {
    delays.mock.restore();
    mock.timers.reset();
  }
});

test('a cleared long time limit does not fire', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let fired = 0;
    const clear = setLongTimeout(() => fired++, 2 * MAX_TIMER_MS);
    mock.timers.tick(MAX_TIMER_MS);
    mock.timers.tick(1); // into its second step
    clear();
    mock.timers.tick(MAX_TIMER_MS);
    mock.timers.tick(MAX_TIMER_MS);
    assert.equal(fired, 0);
  } finally {
    mock.timers.reset();
  }
});

test('the time-limit rule: a finite number of seconds greater than 0', () => {
  for (const ok of [30, 0.5, 1e9, 1e300]) assert.equal(timeLimitProblem(ok), undefined, String(ok));
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, -0]) assert.match(timeLimitProblem(bad) ?? '', /greater than 0/, String(bad));
});
