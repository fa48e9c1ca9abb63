/**
 * A real `script` run's thread states and locks in the panel, as a function run's: each lane's
 * shares in the header, the state strip under its marks, the lock's wait and hold on the lane of
 * the thread that waited.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { JOIN_KINDS } from '../../src/shared/lockKinds';
import type { Trace } from '../../src/shared/trace';
import { LANE_PARTS } from '../../webview-ui/src/timeline/layout';
import { openPanel, postTrace, readyPage, results, root, startPanelPage, type PanelPage } from './panelPage';

const linux = process.platform === 'linux';
let panels: PanelPage;
let trace: Trace;
let deadlocked: Trace;
let inAModule: Trace;
let dir: string;

/** The CLI's trace of a script of test/fixtures/scripts. */
function traceOf(name: string): Trace {
  const json = path.join(dir, `${name}.json`);
  const program = path.join(root, 'test', 'fixtures', 'scripts', name);
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'script', program, '--json', json, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(fs.readFileSync(json, 'utf8')) as Trace;
}

before(async () => {
  if (!linux) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-webview-script-states-'));
  trace = traceOf('contended_lock.py');
  deadlocked = traceOf('two_locks_deadlock.py');
  inAModule = traceOf('contended_lock_in_a_module.py');
  panels = await startPanelPage();
});

after(async () => {
  await panels?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const section = (page: Page) => page.locator('section.run[data-model="script"]');

/**
 * Where a worker's lane begins, in px from the top of the canvas: its label is level with it (the
 * process groups' headings sit between the lanes, so a lane's place is not its index × 30).
 */
async function laneTop(page: Page, name: string): Promise<number> {
  const labels = await section(page).locator('.lane-label').allTextContents();
  const lane = labels.indexOf(name);
  assert.ok(lane >= 0, `a lane ${name} in ${labels.join(', ')}`);
  const label = (await section(page).locator('.lane-label').nth(lane).boundingBox())!;
  const canvas = (await section(page).locator('canvas.lanes').boundingBox())!;
  return label.y - canvas.y;
}

/** Hovers a lane's state strip at `t` ns in the fit view (the plot spans the run's end × 1.02). */
async function hoverStrip(page: Page, top: number, t: number, run = trace.runs[0]): Promise<string> {
  const end = Math.max(run.wallNs, ...run.events.map((e) => e.t));
  const box = (await section(page).locator('canvas.lanes').boundingBox())!;
  await page.mouse.move(box.x + (t / (end * 1.02)) * box.width, box.y + top + LANE_PARTS.stateTop + LANE_PARTS.stateHeight / 2);
  await page.locator('.tooltip:not([hidden])').waitFor();
  return (await page.locator('.tooltip').textContent())!;
}

test("a script run's header has each lane's shares, named as its lane", { skip: !linux }, async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  const lines = await section(page).locator('.state-shares li').allTextContents();
  for (const name of ['MainThread', 'Thread-1 (add_slowly)', 'Thread-2 (add_slowly)']) {
    assert.ok(lines.some((l) => new RegExp(`^${name.replace(/[()]/g, '\\$&')}: .*\\d+%`).test(l)), `${name}'s shares in ${lines.join(' | ')}`);
  }
  assert.ok(lines.some((l) => /waiting for a lock \d+%/.test(l)), `the waiter's lock share: ${lines.join(' | ')}`);
  await page.screenshot({ path: path.join(results, 'script-states.png'), fullPage: true });
  await page.close();
});

test("the lock's wait is on the waiting thread's lane of a script run, with its name and the line of the with", { skip: !linux }, async () => {
  const page = await openPanel(panels.browser, panels.file, trace);
  const run = trace.runs[0];
  const wait = run.locks!.find((l) => !JOIN_KINDS.includes(l.kind))!; // the lock's, not the main thread's join
  const name = run.workerInfo[wait.worker].name!;
  const text = await hoverStrip(page, await laneTop(page, name), (wait.waitT + wait.acquiredT!) / 2);
  assert.match(text, new RegExp(`${name.replace(/[()]/g, '\\$&')} · Lock counter_lock \\(line 5\\)acquired at line 11: waited \\S+ \\S+ for it`));
  await page.close();
});

test('a lock acquired in another file of the program: its hover names that file', { skip: !linux }, async () => {
  const page = await openPanel(panels.browser, panels.file, inAModule);
  const run = inAModule.runs[0];
  const wait = run.locks!.find((l) => !JOIN_KINDS.includes(l.kind))!; // the lock's, not the main thread's join
  const text = await hoverStrip(page, await laneTop(page, run.workerInfo[wait.worker].name!), (wait.waitT + wait.acquiredT!) / 2, run);
  assert.match(text, /Lock counter_lock \(counter_module\.py, line 5\)acquired at counter_module\.py line 9: waited/);
  await page.close();
});

test("a script run ended at a deadlock: its lanes say deadlock, the verdict has the cycle in the program's names, each lane its stack", { skip: !linux }, async () => {
  // no line was printed: the panel is done when the run's section is there, not at its first event row
  const page = await panels.browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`file://${panels.file}`);
  await readyPage(page);
  await postTrace(page, 'deadlock', deadlocked);
  await page.locator('body[data-state="done"] section.run[data-model="script"]').waitFor();
  assert.deepEqual(await section(page).locator('.lane-status').allTextContents(), [' · deadlock', ' · deadlock', ' · deadlock']);
  assert.match((await section(page).locator('.verdict').textContent())!, /^Deadlocked, so the run was ended early: .*Thread-1 \(transfer\) holds a \(line 5\) and waits for b \(line 6\)/);
  const failures = await section(page).locator('.failure > span').allTextContents();
  for (const name of ['MainThread', 'Thread-1 (transfer)', 'Thread-2 (transfer)']) assert.ok(failures.includes(`${name} was deadlocked (the cycle is in the verdict above)`), failures.join(' | '));
  assert.equal(await section(page).locator('.failure a[data-line="12"]').count(), 2, "the threads' stacks link to the line of their with");
  await page.screenshot({ path: path.join(results, 'script-deadlock.png'), fullPage: true });
  await page.close();
});
