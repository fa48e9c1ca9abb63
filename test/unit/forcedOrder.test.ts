import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMAND, SCHEDULER_COMMAND } from '../../src/commands/ids';
import { forcedOrderOf, parseOrder } from '../../src/shared/orders';
import { allFirst, alternating, checkTypedOrder, linesPerWorker, orderChoices, schedulerModel } from '../../src/commands/orderChoices';

test('parseOrder: digits (spaces ignored) or comma-separated indices; commas needed from 11 workers', () => {
  assert.deepEqual(parseOrder('0101', 2), { order: [0, 1, 0, 1] });
  assert.deepEqual(parseOrder(' 01 10 ', 2), { order: [0, 1, 1, 0] });
  assert.deepEqual(parseOrder('0,1,0,1', 2), { order: [0, 1, 0, 1] });
  assert.deepEqual(parseOrder('11,0,10', 12), { order: [11, 0, 10] });
  assert.deepEqual(parseOrder('3', 12), { order: [3] });
  assert.match(parseOrder('0110', 12).problem!, /with 12 workers, separate the indices with commas, e\.g\. 0,1,10,0$/);
});

test('parseOrder: every problem is one line that ends in an example of what to give', () => {
  for (const [text, workers, words] of [
    ['', 2, /is empty/],
    ['   ', 2, /is empty/],
    ['0102', 2, /worker 2 is not among the 2 workers; use indices from 0 to 1/],
    ['0-1', 2, /"-" is not a worker's index/],
    ['0,,1', 2, /"," is not a worker's index/],
    ['0,1,12', 12, /worker 12 is not among the 12 workers/],
  ] as const) {
    const { problem } = parseOrder(text, workers);
    assert.ok(problem, `"${text}" is refused`);
    assert.match(problem, words);
    assert.doesNotMatch(problem, /\n/);
    assert.match(problem, /e\.g\. [0-9,]+$/);
  }
  assert.match(parseOrder('0102', 3).problem ?? 'accepted', /accepted/, 'worker 2 exists among 3');
});

test('forcedOrderOf: followed, with lines run free after the order, or not, saying why in words', () => {
  const run = { model: 'thread' as const, workers: 2 };
  assert.deepEqual(forcedOrderOf([0, 1, 0, 1], [0, 1, 0, 1], run, true), { signature: '0101', followed: true, note: 'followed, line by line' });
  assert.equal(forcedOrderOf([1, 0], [1, 0, 0, 1], run, true).note, 'followed; after its 2 lines the workers ran free (2 more)');
  assert.equal(forcedOrderOf([1], [1, 0], run, true).note, 'followed; after its one line the workers ran free (1 more)');
  const skipped = forcedOrderOf([0, 0, 0, 1, 1], [0, 1, 1], run, true);
  assert.equal(skipped.followed, false);
  assert.equal(skipped.note, 'not followed: Thread 1 printed 1 line where the order gave it 3 turns: its last 2 were skipped');
  assert.match(forcedOrderOf([0, 1, 1], [0, 1], run, true).note, /its last one was skipped/);
  assert.equal(forcedOrderOf([0, 1], [1, 0], run, true).note, 'not followed: line 1 came from Thread 2 where the order had Thread 1');
  assert.equal(forcedOrderOf([0, 1, 0, 1], [0], run, true, 'a deadlock').note, "not followed: a deadlock ended the run after 1 of the order's 4 lines");
  const sequential = forcedOrderOf([0, 1], [0, 1], { model: 'sequential', workers: 2 }, false);
  assert.equal(sequential.followed, false, 'not forced is never "followed", even when the lines happened to come in that order');
  assert.match(sequential.note, /^not forced: .*the sequential model ran as it does$/);
  assert.equal(forcedOrderOf([11, 0], [11, 0], { model: 'process', workers: 12 }, true).signature, '11,0');
});

test('the scheduler offers the order it ran in, strictly alternating, and each worker all first — each order once', () => {
  const choices = orderChoices([0, 0, 0, 1, 1, 1], 2, 'thread');
  assert.deepEqual(choices.map((c) => [c.label, c.signature]), [
    ['As it just ran', '000111'],
    ['Strictly alternating', '010101'],
    ['All of Thread 2 first', '111000'],
  ], '"All of Thread 1 first" is the order it ran in: offered once, under its first name');
  const three = orderChoices([2, 0, 1, 0], 3, 'process');
  assert.deepEqual(three.map((c) => c.signature), ['2010', '0120', '0012', '1002', '2001']);
  assert.equal(three[1].detail, 'Process 1, Process 2, Process 3 take turns at every line');
  assert.deepEqual(orderChoices([], 2, 'thread'), [], 'nothing printed: nothing to order');
});

test('alternating takes turns while each worker has lines left; allFirst puts one worker first', () => {
  assert.deepEqual(alternating([2, 4]), [0, 1, 0, 1, 1, 1]);
  assert.deepEqual(alternating([0, 2, 1]), [1, 2, 1]);
  assert.deepEqual(allFirst([2, 1, 2], 2), [2, 2, 0, 0, 1]);
  assert.deepEqual(linesPerWorker([1, 1, 0], 3), [1, 2, 0]);
});

test('a typed order: errors as the CLI says them, a warning for turns past a worker\'s last line, nothing when it fits', () => {
  const counts = [5, 5];
  assert.equal(checkTypedOrder('0101010101', 2, counts, 'thread'), null);
  assert.equal(checkTypedOrder('01', 2, counts, 'thread'), null, 'a shorter order is fine: the rest runs free');
  assert.deepEqual(checkTypedOrder('012', 2, counts, 'thread'), { severity: 'error', message: parseOrder('012', 2, 'The order').problem });
  assert.match(checkTypedOrder('012', 2, counts, 'thread')!.message, /^The order: worker 2/);
  const over = checkTypedOrder('000000', 2, counts, 'thread');
  assert.equal(over?.severity, 'warning');
  assert.match(over!.message, /^Thread 1 gets 6 turns but printed 5 lines: its turns past its last line will be skipped/);
});

test('the scheduler runs the first configured model that can take turns, else threads', () => {
  assert.equal(schedulerModel(['sequential', 'process', 'thread']), 'process');
  assert.equal(schedulerModel(['sequential', 'asyncio']), 'thread');
});

test('Be the Scheduler… is contributed beside Run Concurrently: palette and editor menu, under the id the extension registers', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { commands: Array<{ command: string; title: string }>; menus: Record<string, Array<{ command: string; when?: string; group?: string }>> };
  };
  const command = pkg.contributes.commands.find((c) => c.command === SCHEDULER_COMMAND);
  assert.equal(command?.title, 'Be the Scheduler…');
  const menu = pkg.contributes.menus['editor/context'];
  const run = menu.find((m) => m.command === COMMAND)!;
  const scheduler = menu.find((m) => m.command === SCHEDULER_COMMAND);
  assert.equal(scheduler?.when, run.when, 'shown where Run Concurrently is');
  assert.equal(scheduler?.group?.split('@')[0], run.group?.split('@')[0], 'in the same group, next to it');
  assert.ok(pkg.contributes.menus.commandPalette.some((m) => m.command === SCHEDULER_COMMAND));
  const extension = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'src', 'extension.ts'), 'utf8');
  assert.match(extension, /registerCommand\(SCHEDULER_COMMAND,/);
});
