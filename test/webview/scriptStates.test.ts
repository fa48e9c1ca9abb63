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
import type { Trace } from '../../src/shared/trace';
import { LANE_PARTS } from '../../webview-ui/src/timeline/layout';
import { openPanel, results, root, startPanelPage, type PanelPage } from './panelPage';

const linux = process.platform === 'linux';
let panels: PanelPage;
let trace: Trace;
let dir: string;

before(async () => {
  if (!linux) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-webview-script-states-'));
  const json = path.join(dir, 'trace.json');
  const program = path.join(root, 'test', 'fixtures', 'scripts', 'contended_lock.py');
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'script', program, '--json', json, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  trace = JSON.parse(fs.readFileSync(json, 'utf8')) as Trace;
  panels = await startPanelPage();
});

after(async () => {
  await panels?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const section = (page: Page) => page.locator('section.run[data-model="script"]');

/** The lane (row from the top of the canvas) a worker is drawn on: lanes are in the order of their labels. */
async function laneOf(page: Page, name: string): Promise<number> {
  const labels = await section(page).locator('.lane-label').allTextContents();
  const lane = labels.indexOf(name);
  assert.ok(lane >= 0, `a lane ${name} in ${labels.join(', ')}`);
  return lane;
}

/** Hovers a lane's state strip at `t` ns in the fit view (the plot spans the run's end × 1.02). */
async function hoverStrip(page: Page, lane: number, t: number): Promise<string> {
  const run = trace.runs[0];
  const end = Math.max(run.wallNs, ...run.events.map((e) => e.t));
  const box = (await section(page).locator('canvas.lanes').boundingBox())!;
  await page.mouse.move(box.x + (t / (end * 1.02)) * box.width, box.y + lane * 30 + LANE_PARTS.stateTop + LANE_PARTS.stateHeight / 2);
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
  const wait = run.locks![0];
  const name = run.workerInfo[wait.worker].name!;
  const text = await hoverStrip(page, await laneOf(page, name), (wait.waitT + wait.acquiredT!) / 2);
  assert.match(text, new RegExp(`${name.replace(/[()]/g, '\\$&')} · Lock counter_lock \\(line 5\\)acquired at line 11: waited \\S+ \\S+ for it`));
  await page.close();
});
