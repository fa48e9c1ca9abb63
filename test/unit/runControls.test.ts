/** The line of a run's header that says what the run was asked to do differently (issue 15: "the header says which interval ran"). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlsText } from '../../webview-ui/src/timeline/header';

test('the header names the switch interval a thread run had, an aligned start and a forced order; nothing for a plain process run', () => {
  assert.equal(controlsText({ model: 'thread', switchInterval: 0.005 }), "Switch interval 5.00 ms (Python's default)");
  assert.equal(
    controlsText({ model: 'thread', switchInterval: 0.0001, aligned: true, forcedOrder: { signature: '0101', followed: true, note: 'followed, line by line' } }),
    'Switch interval 100 µs · began together at a barrier after start-up (--align) · order forced 0101 (Be the Scheduler): followed, line by line',
  );
  assert.equal(controlsText({ model: 'process' }), '');
});
