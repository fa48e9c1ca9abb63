/**
 * End to end in real VS Code (code-server 1.100.3) with the packaged .vsix installed, driven as a
 * user would: context menu, CodeLens, Command Palette, the webview, themes, reload.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { FREE_THREADED_SKIP, freeThreadedPython } from '../engine/helpers';
import { CodeServer, launchBrowser, makeWorkspace, prepare, waitForWorkbench } from './codeServer';
import { closeAllEditors, cursorLine, editorLine, eventsPerModel, openFile, runCommandFromPalette, runFromPaletteAt, screenshot, waitForCursorLine, waitForInterleave, webview } from './workbench';

const NUMBERS = ['Number: 0', 'Number: 1', 'Number: 2', 'Number: 3', 'Number: 4'];
const freeThreaded = freeThreadedPython();
let server: CodeServer;
let browser: Browser;
let page: Page;
let folder: string;

before(async () => {
  prepare();
  folder = makeWorkspace();
  // an empty workspace settings file from the start: a change to it is seen sooner than a new folder (step 4j)
  fs.mkdirSync(path.join(folder, '.vscode'));
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), '{}');
  server = new CodeServer({ folder });
  await server.start();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(server.workspaceUrl());
  await waitForWorkbench(page);
});

afterEach(async (t) => {
  // a failed step leaves a picture of the workbench behind it
  if (page && (t as unknown as { passed?: boolean }).passed === false) await screenshot(page, `FAILED-${t.name.slice(0, 40).replace(/[^\w]+/g, '-')}`).catch(() => undefined);
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

async function assertCanonicalPanel(): Promise<void> {
  const frame = webview(page);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 60_000 }); // not the live preview
  const events = await eventsPerModel(frame);
  for (const model of ['sequential', 'thread', 'process']) {
    assert.equal(events[model]?.length, 10, `${model}: 10 events`);
    assert.deepEqual([...events[model]].sort(), [...NUMBERS, ...NUMBERS].sort(), model);
  }
  const lanes = await frame.locator('.lane-label').allTextContents();
  assert.deepEqual(lanes.slice(0, 4), ['Call 1', 'Call 2', 'Thread 1', 'Thread 2']);
  assert.deepEqual(lanes.slice(4), ['Process 1', 'Process 2']); // the pid is in the hover
}

test('1–3. right-click in print_numbers → Run Concurrently → timeline; click an event → cursor on the print line', async () => {
  await openFile(page, 'threads_example.py');
  await waitForInterleave(page);
  await screenshot(page, '01-open');
  const line = editorLine(page, 'threads_example.py', 'for i in range(5)');
  await line.click();
  await line.click({ button: 'right' });
  // VS Code's context menu ignores a mouse-up right after it opens: highlight the item, press Enter
  const item = page.getByRole('menuitem', { name: 'Run Concurrently' });
  await item.hover();
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: 'Interleave: print_numbers' }).waitFor({ timeout: 30_000 });
  await assertCanonicalPanel();
  await screenshot(page, '02-timeline');
  // put the cursor elsewhere, then click an event of the thread run
  await editorLine(page, 'threads_example.py', 'thread1.start()').click();
  assert.notEqual(await cursorLine(page), 6);
  await webview(page).locator('.event-row[data-model="thread"]').first().click();
  await waitForCursorLine(page, 6);
  // the click kept the keyboard in the panel: + zooms there and never types into the file
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await webview(page).locator('.timeline').first().waitFor();
  assert.equal(await page.locator('.tabs-container .tab.dirty', { hasText: 'threads_example.py' }).count(), 0, 'the file is unchanged');
  assert.equal(await editorLine(page, 'threads_example.py', '++').count(), 0);
  await screenshot(page, '03-reveal');
});

test('4a. the CodeLens runs the function under it', async () => {
  await closeAllEditors(page);
  await openFile(page, 'processes_example.py');
  const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run concurrently' }).first();
  await lens.waitFor({ timeout: 30_000 });
  await lens.click();
  await page.locator('.tab', { hasText: 'Interleave: print_numbers' }).waitFor({ timeout: 30_000 });
  await assertCanonicalPanel();
  assert.match((await webview(page).locator('.toolbar .title').textContent())!, /processes_example\.py/);
  await screenshot(page, '04-codelens');
});

test('4b. the Command Palette runs the function at the cursor', async () => {
  await runFromPaletteAt(page, 'io_bound.py', 'time.sleep(0.05)');
  await page.locator('.tab', { hasText: 'Interleave: wait_for_io' }).waitFor({ timeout: 30_000 });
  const frame = webview(page);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 60_000 }); // not the live preview
  const events = await eventsPerModel(frame);
  assert.equal(events.thread.length, 8);
  assert.match((await frame.locator('section.run[data-model="thread"] .verdict').textContent())!, /sleeping|waiting/);
  await screenshot(page, '05-palette');
});

test('4b+. run again with the panel open: events are drawn while the run goes on, then the finished timeline replaces them', async () => {
  const frame = webview(page);
  // every state the panel goes through, with the time (a poll could miss a short one)
  await frame.locator('body').evaluate(() => {
    const marks: string[] = ((window as unknown as { __marks: string[] }).__marks = []);
    new MutationObserver(() => {
      const key = `${document.body.dataset.state}${document.querySelector('.run-header.live') ? '+live' : ''}`;
      if (marks.at(-1) !== key) marks.push(key);
    }).observe(document.body, { attributes: true, childList: true, subtree: true });
  });
  await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run concurrently' }).first().click();
  const marks = await poll('the run to start and finish', () => frame.locator('body').evaluate(() => [...(window as unknown as { __marks: string[] }).__marks]), (m) => m.some((k) => k.startsWith('running')) && m.at(-1) === 'done', 60_000);
  const live = marks.indexOf('running+live');
  assert.ok(live >= 0, `live events were drawn during the run: ${marks.join(' → ')}`);
  assert.ok(marks.lastIndexOf('done') > live, `then the finished trace: ${marks.join(' → ')}`);
  assert.equal((await eventsPerModel(frame)).thread.length, 8);
});

test('4c. a function with required parameters asks for its arguments once, then remembers them', async () => {
  await runFromPaletteAt(page, 'needs_args.py', 'for i in range(times)');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'Arguments for greet(name, times)' }).waitFor({ timeout: 30_000 });
  await input.fill('"bob", times=2');
  await page.keyboard.press('Enter');
  const frame = webview(page);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 60_000 });
  const events = await eventsPerModel(frame);
  assert.deepEqual([...events.thread].sort(), ['hello bob 0', 'hello bob 0', 'hello bob 1', 'hello bob 1']);
  await screenshot(page, '05b-arguments');
  // the second time, the prompt comes back filled with what was given
  await editorLine(page, 'needs_args.py', 'for i in range(times)').click();
  await runCommandFromPalette(page, 'Interleave: Run Concurrently');
  await page.locator('.quick-input-widget', { hasText: 'Arguments for greet' }).waitFor({ timeout: 30_000 });
  assert.equal(await input.inputValue(), '"bob", times=2');
  await page.keyboard.press('Escape');
});

test('4d. workers that raise alike: one line and one traceback in the panel, its frames links to the line', async () => {
  await runFromPaletteAt(page, 'raises.py', 'print("step 1")');
  await page.locator('.tab', { hasText: 'Interleave: fail_after_two' }).waitFor({ timeout: 30_000 });
  const frame = webview(page);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 60_000 });
  const failures = frame.locator('section.run[data-model="thread"] .failure');
  assert.equal(await failures.count(), 1, 'the two threads raised the same: one line');
  assert.match((await failures.first().textContent())!, /2 threads raised ValueError: boom/);
  await failures.first().locator('summary', { hasText: 'Traceback' }).click();
  const link = failures.first().locator('.traceback a[data-line="4"]');
  assert.match((await link.textContent())!, /raises\.py", line 4, in fail_after_two/);
  await editorLine(page, 'raises.py', 'def fail_after_two').click();
  await waitForCursorLine(page, 1);
  await link.click();
  await waitForCursorLine(page, 4);
  await screenshot(page, '05c-traceback');
});

test('4e. the history lists the runs, newest first; picking one shows it again; Run again runs it once more', async () => {
  const frame = webview(page);
  const select = frame.locator('.history select');
  const labels = () => select.locator('option').allTextContents();
  const before = await labels();
  assert.ok(before.length >= 5, `a recording per run so far: ${before.join(' | ')}`);
  assert.match(before[0], /^fail_after_two · \d\d:\d\d:\d\d · 3 models$/);
  const io = await select.locator('option', { hasText: 'wait_for_io' }).first().getAttribute('value');
  await select.selectOption(io!);
  await frame.locator('section.run[data-model="thread"] .verdict', { hasText: /sleeping|waiting/ }).waitFor({ timeout: 30_000 });
  await frame.getByRole('button', { name: 'Run again' }).click();
  const after = await poll('the run again to be recorded', labels, (l) => l.length === Math.min(10, before.length + 1) && l[0].startsWith('wait_for_io'), 60_000);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 60_000 });
  assert.equal(await select.inputValue(), await select.locator('option').first().getAttribute('value'), `the new run is shown: ${after[0]}`);
  assert.equal((await eventsPerModel(frame)).thread.length, 8);
  await screenshot(page, '05d-history');
});

test('4f. the CPU-bound example: each thread is seen waiting for the GIL, the processes never', async () => {
  await runFromPaletteAt(page, 'cpu_bound.py', 'total += i * i');
  await page.locator('.tab', { hasText: 'Interleave: crunch' }).waitFor({ timeout: 30_000 });
  const frame = webview(page);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 90_000 });
  const shares = (model: string) => frame.locator(`section.run[data-model="${model}"] .state-shares li[data-worker]`).allTextContents();
  const threads = await shares('thread');
  assert.equal(threads.length, 2, `a line of observed states per thread: ${threads.join(' | ')}`);
  for (const line of threads) assert.match(line, /^Thread \d: .*running \d+%.*waiting for the GIL \d+%/, line);
  const processes = await shares('process');
  assert.equal(processes.length, 2, processes.join(' | '));
  for (const line of processes) assert.doesNotMatch(line, /GIL/, line);
  await screenshot(page, '05e-gil');
});

test('4g. Be the Scheduler…: one run, a choice of orders, and the threads print strictly alternating as chosen', async () => {
  await runFromPaletteAt(page, 'threads_example.py', 'for i in range(5)', 'Interleave: Be the Scheduler…');
  const pick = page.locator('.quick-input-widget', { hasText: 'Be the Scheduler' });
  await pick.waitFor({ timeout: 60_000 });
  await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'Strictly alternating' }).click();
  const frame = webview(page);
  const controls = frame.locator('section.run[data-model="thread"] .run-controls');
  await controls.filter({ hasText: 'order forced 0101010101' }).waitFor({ timeout: 60_000 });
  assert.match((await controls.textContent())!, /order forced 0101010101 \(Be the Scheduler\): followed, line by line/);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 30_000 });
  const pairs = ['0', '1', '2', '3', '4'].flatMap((i) => [`Number: ${i}`, `Number: ${i}`]);
  assert.deepEqual((await eventsPerModel(frame)).thread, pairs, 'each thread printed in its turn');
  await screenshot(page, '05f-scheduler');
});

test('4h. Run ×20 in the panel: each model run 20 times, the thread model’s distinct orders counted, one repetition shown', async () => {
  await runFromPaletteAt(page, 'threads_example.py', 'for i in range(5)');
  const frame = webview(page);
  await frame.locator('body[data-state="done"] section.run[data-model="process"]').waitFor({ timeout: 60_000 });
  await frame.getByRole('button', { name: 'Run ×20' }).click();
  const orders = frame.locator('.order-view[data-model="thread"] .orders-text');
  await orders.filter({ hasText: 'in 20 runs' }).waitFor({ timeout: 180_000 });
  assert.match((await orders.textContent())!, /^\d+ (distinct orders|order) in 20 runs \(of 252 possible\)\.$/);
  // the least frequent order (the only one when all 20 ran alike): its run is shown, and said to be of that order
  const rows = frame.locator('.order-view[data-model="thread"] .order-row');
  const n = await rows.count();
  await rows.last().click();
  await frame.locator('.order-view[data-model="thread"] .run-note').first().filter({ hasText: `of 20 — order ${n}` }).waitFor({ timeout: 30_000 });
  await frame.locator('section.run[data-model="thread"] h2').filter({ hasText: /run \d+ of 20/ }).first().waitFor({ timeout: 30_000 });
  await screenshot(page, '05g-run-20');
});

test('4i. Trace Script on the processes example as written: its main thread and both processes are lanes, 5 lines each', async () => {
  await closeAllEditors(page);
  await openFile(page, 'processes_example.py');
  await runCommandFromPalette(page, 'Interleave: Trace Script');
  const box = page.locator('.quick-input-widget', { hasText: 'Trace Script: processes_example.py' });
  await box.waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter'); // no arguments
  const frame = webview(page);
  await frame.locator('body[data-state="done"] section.run[data-model="script"]').waitFor({ timeout: 60_000 });
  const lanes = await frame.locator('section.run[data-model="script"] .lane-label').allTextContents();
  assert.equal(lanes.filter((l) => /^Process-[12]\b/.test(l)).length, 2, lanes.join(' | '));
  assert.ok(lanes.some((l) => /main|MainThread|MainProcess/i.test(l)), `a lane for the main thread: ${lanes.join(' | ')}`);
  const events = (await eventsPerModel(frame)).script;
  assert.deepEqual([...events].sort(), [...NUMBERS, ...NUMBERS].sort());
  await screenshot(page, '05h-trace-script');
});

test('4j. the CPU-bound example on a free-threaded Python (interleave.pythonPath): threads with the GIL off and on, side by side', { skip: freeThreaded ? false : FREE_THREADED_SKIP }, async () => {
  const settings = path.join(folder, '.vscode', 'settings.json');
  fs.writeFileSync(settings, JSON.stringify({ 'interleave.pythonPath': freeThreaded }));
  try {
    const frame = webview(page);
    // VS Code sees the changed settings file a moment later (its file watcher): until then a run is 3.11's
    for (let attempt = 0; ; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // null while the panel has no history to show (a run going on, the panel being made again)
      const newest = () => frame.locator('.history select option').first().textContent({ timeout: 2000 }).catch(() => null);
      const before = await newest();
      await runFromPaletteAt(page, 'cpu_bound.py', 'total += i * i');
      await poll('the run to be recorded', newest, (t) => t !== null && t !== before, 240_000); // not the panel of the run before
      await frame.locator('body[data-state="done"] section.run[data-model="process"]').waitFor({ timeout: 60_000 });
      if (/free-threaded/.test((await frame.locator('.toolbar').first().textContent()) ?? '') || attempt === 3) break;
    }
    assert.match((await frame.locator('body').textContent())!, /CPython 3\.13\.\d+ free-threaded/);
    const run = (gil: string) => frame.locator('section.run', { has: frame.locator('h2', { hasText: `Threads × 2 · GIL ${gil}` }) });
    const shares = (gil: string) => run(gil).locator('.state-shares li[data-worker]').allTextContents();
    const on = await shares('on');
    const off = await shares('off');
    assert.equal(on.length, 2, `GIL on: ${on.join(' | ')}`);
    for (const line of on) assert.match(line, /waiting for the GIL \d+%/, line);
    assert.equal(off.length, 2, `GIL off: ${off.join(' | ')}`);
    for (const line of off) assert.doesNotMatch(line, /GIL/, line);
    await screenshot(page, '05i-free-threaded');
  } finally {
    fs.writeFileSync(settings, '{}');
  }
});

test('5. a syntax error gives an error notification naming the line, and no panel', async () => {
  await runFromPaletteAt(page, 'syntax_error.py', 'print("fine")');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'SyntaxError' });
  await toast.waitFor({ timeout: 30_000 });
  assert.match((await toast.textContent())!, /syntax_error\.py:5:\d+/);
  await waitForCursorLine(page, 5); // the line is revealed
  assert.equal(await page.locator('.tab', { hasText: 'Interleave:' }).count(), 0, 'no panel');
  await screenshot(page, '06-syntax-error');
  await page.keyboard.press('Escape');
});

/** The panel's theme as the webview sees it: body class and the colours it draws with. */
async function panelColours(): Promise<{ kind: string; foreground: string; worker1: string; label: string }> {
  return webview(page).locator('body').evaluate(() => {
    const style = getComputedStyle(document.body);
    const label = document.querySelector('.lane-label');
    return {
      kind: document.body.className,
      foreground: style.getPropertyValue('--vscode-foreground').trim(),
      worker1: style.getPropertyValue('--vscode-charts-blue').trim(),
      label: label ? getComputedStyle(label).color : '',
    };
  });
}

async function poll<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('6. with a light and a high-contrast theme the panel follows the theme', async () => {
  await runFromPaletteAt(page, 'threads_example.py', 'for i in range(5)');
  await webview(page).locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 60_000 });
  let previous = await panelColours();
  // code-server starts light: go dark first, then light, then high contrast — each must change the panel
  for (const [theme, kind, shot] of [
    ['Dark Modern', 'vscode-dark', '07-dark'],
    ['Light Modern', 'vscode-light', '08-light'],
    ['Dark High Contrast', 'vscode-high-contrast', '09-high-contrast'],
  ]) {
    await runCommandFromPalette(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input').fill(theme);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click();
    const now = await poll(`the panel in ${theme}`, panelColours, (c) => c.kind.split(' ').includes(kind));
    assert.notEqual(now.foreground, previous.foreground, `${theme}: foreground changed`);
    assert.notEqual(now.label, previous.label, `${theme}: lane labels drawn in the new foreground`);
    previous = now;
    await screenshot(page, shot);
  }
});

test('7. after a window reload the panel comes back with its trace', async () => {
  const before = await eventsPerModel(webview(page));
  await runCommandFromPalette(page, 'Developer: Reload Window');
  await waitForWorkbench(page);
  await page.locator('.tab', { hasText: 'Interleave: print_numbers' }).waitFor({ timeout: 60_000 });
  await page.locator('.tab', { hasText: 'Interleave: print_numbers' }).click();
  const frame = webview(page);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 60_000 });
  assert.deepEqual(await eventsPerModel(frame), before);
  await screenshot(page, '10-after-reload');
});

test('8. a panel hidden behind another tab shows its timeline again when brought back', async () => {
  const before = await eventsPerModel(webview(page));
  await page.locator('.tab', { hasText: 'Interleave: print_numbers' }).click();
  // another editor in the panel's group hides the panel (VS Code unloads a hidden webview)
  await runCommandFromPalette(page, 'File: New Untitled Text File');
  await page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor();
  await page.locator('.tab', { hasText: 'Interleave: print_numbers' }).click();
  const frame = webview(page);
  await frame.locator('body[data-state="done"] .event-row').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(await eventsPerModel(frame), before);
});
