/**
 * A `script` run (interleave script) in the panel: a real trace of a program whose child process
 * starts two threads; lanes named by the program, grouped by process under headings that collapse
 * a process's lanes into one lane.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Trace } from '../../src/shared/trace';
import { LANE_HEIGHT } from '../../webview-ui/src/timeline/layout';
import { openPanel, postTrace, readyPage, results, root, startPanelPage, THEMES, webviewPage, type PanelPage } from './panelPage';

let panels: PanelPage;
let page: Page;
let trace: Trace;

before(async () => {
  panels = await startPanelPage();
  const json = path.join(panels.dir, 'trace.json');
  const cli = path.join(root, 'dist', 'cli.js');
  // the program's threads start in its child; a thread of the main process comes after, so that grouping has work to do
  const program = path.join(panels.dir, 'program.py');
  fs.writeFileSync(program, [
    'import multiprocessing, threading',
    'def say(n):',
    '    print(f"thread {n}")',
    'def child():',
    '    threads = [threading.Thread(target=say, args=(n,)) for n in range(2)]',
    '    [t.start() for t in threads]; [t.join() for t in threads]',
    'if __name__ == "__main__":',
    '    p = multiprocessing.Process(target=child); p.start(); p.join()',
    '    t = threading.Thread(target=say, args=(9,), name="late"); t.start(); t.join()',
    '',
  ].join('\n'));
  const r = spawnSync(process.execPath, [cli, 'script', program, '--json', json, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  trace = JSON.parse(fs.readFileSync(json, 'utf8')) as Trace;
  page = await openPanel(panels.browser, panels.file, trace);
});

after(() => panels?.close());

test("a script run's lanes are named by the program and grouped by process: the main process's lanes, then the child's", async () => {
  const run = trace.runs[0];
  const child = run.workerInfo.find((w) => w.kind === 'process')!;
  const labels = await page.locator('section.run[data-model="script"] .lane-label').allTextContents();
  assert.deepEqual(labels, ['MainThread', 'late', `Process-1 · pid ${child.pid}`, 'Thread-1 (say)', 'Thread-2 (say)']);
  assert.match((await page.locator('.run-header h2').first().textContent())!, /^The program as written · 5 workers/);
});

test('the event list names the thread that wrote each line', async () => {
  const rows = await page.locator('.event-row').allTextContents();
  assert.equal(rows.length, 3);
  for (const [n, writer] of [['0', 'Thread-1 (say)'], ['1', 'Thread-2 (say)'], ['9', 'late']]) {
    assert.ok(rows.some((row) => row.includes(writer) && row.includes(`thread ${n}`)), `${writer} wrote thread ${n}: ${rows.join(' | ')}`);
  }
});

const childPid = () => trace.runs[0].workerInfo.find((w) => w.kind === 'process')!.pid;
const heading = (target: Page, pid: number | null) => target.locator(`.group-heading[data-group="pid ${pid}"]`);
const canvasHeight = (target: Page) => target.locator('section.run canvas.lanes').evaluate((c) => c.getBoundingClientRect().height);

test('each process has a heading, a button that says whether its lanes are shown', async () => {
  const headings = page.locator('section.run[data-model="script"] .group-heading');
  assert.deepEqual(await headings.allTextContents(), [`Main process · pid ${trace.runs[0].workerInfo[0].pid}`, `Process-1 · pid ${childPid()}`]);
  assert.deepEqual(await headings.evaluateAll((els) => els.map((e) => [e.tagName, e.getAttribute('aria-expanded')])), [['BUTTON', 'true'], ['BUTTON', 'true']]);
});

test('Enter on a heading collapses its process into one lane (marks merged, the count as its label); hover and click still find each event; Space expands it', async () => {
  const before = await canvasHeight(page);
  await heading(page, childPid()).focus();
  await page.keyboard.press('Enter');
  assert.equal(await heading(page, childPid()).getAttribute('aria-expanded'), 'false');
  assert.deepEqual(await page.locator('section.run .lane-label').allTextContents(), ['MainThread', 'late', '3 lanes · 2 events']);
  await page.waitForFunction((h) => document.querySelector('section.run canvas.lanes')!.getBoundingClientRect().height === h, before - 2 * LANE_HEIGHT);
  assert.ok(await heading(page, childPid()).evaluate((e) => e === document.activeElement), 'the keyboard stays on the heading');
  // the merged lane: an event of the child is found where its time is, and names its own thread (the two may share a pixel)
  const p = await markOn(page, 'thread 0', page.locator('section.run .lane-label.merged'));
  await page.mouse.move(p.x, p.y);
  await page.locator('.tooltip:not([hidden])').waitFor();
  const [, text, n] = /(thread ([01])).*Thread-([12]) \(say\)/.exec((await page.locator('.tooltip').textContent())!) ?? [];
  assert.ok(text, 'the hover shows an event of the child and its thread');
  assert.match((await page.locator('.tooltip').textContent())!, new RegExp(`Thread-${Number(n) + 1} \\(say\\)`), 'the thread that wrote it');
  await page.mouse.click(p.x, p.y);
  assert.equal(await page.locator('.event-row[aria-selected="true"] .text').textContent(), text);
  // a lane above the group is where it was
  const late = await markOn(page, 'thread 9', page.locator('section.run .lane-label', { hasText: 'late' }));
  await page.mouse.click(late.x, late.y);
  assert.equal(await page.locator('.event-row[aria-selected="true"] .text').textContent(), 'thread 9');
  await page.screenshot({ path: path.join(results, 'script-groups-collapsed-dark.png') });
  await heading(page, childPid()).focus();
  await page.keyboard.press('Space');
  assert.equal(await heading(page, childPid()).getAttribute('aria-expanded'), 'true');
  assert.equal(await page.locator('section.run .lane-label').count(), 5);
  await page.waitForFunction((h) => document.querySelector('section.run canvas.lanes')!.getBoundingClientRect().height === h, before);
});

test('a collapsed group stays collapsed through zoom and redraws, and when the same trace is shown again (a reload); another trace starts expanded', async () => {
  await postTrace(page, 'same', trace);
  await page.locator('body[data-state="done"] .group-heading').first().waitFor();
  await heading(page, childPid()).click();
  await page.locator('.timeline').focus();
  await page.keyboard.press('+');
  await page.keyboard.press('0');
  assert.equal(await heading(page, childPid()).getAttribute('aria-expanded'), 'false');
  await postTrace(page, 'same', trace);
  await page.waitForFunction(() => document.querySelectorAll('.group-heading').length === 2);
  assert.equal(await heading(page, childPid()).getAttribute('aria-expanded'), 'false', 'shown again: still collapsed');
  assert.deepEqual(await page.locator('section.run .lane-label').allTextContents(), ['MainThread', 'late', '3 lanes · 2 events']);
  await postTrace(page, 'another', trace);
  await page.waitForFunction((key) => document.querySelector(key)?.getAttribute('aria-expanded') === 'true', `.group-heading[data-group="pid ${childPid()}"]`);
});

test('screenshots: collapsed and expanded, dark and high contrast', async () => {
  for (const [name, theme] of [['dark', THEMES.dark], ['high-contrast', THEMES.highContrast]] as const) {
    const file = path.join(panels.dir, `${name}.html`);
    fs.writeFileSync(file, webviewPage(theme));
    const shown = await panels.browser.newPage({ viewport: { width: 900, height: 700 } });
    await shown.goto(`file://${file}`);
    await readyPage(shown);
    await postTrace(shown, 'shot', trace);
    await shown.locator('body[data-state="done"] .group-heading').first().waitFor();
    await shown.screenshot({ path: path.join(results, `script-groups-expanded-${name}.png`) });
    await heading(shown, childPid()).focus();
    await shown.keyboard.press('Enter');
    await shown.waitForTimeout(50);
    await shown.screenshot({ path: path.join(results, `script-groups-collapsed-${name}.png`) });
    await shown.close();
  }
});

/** Page coordinates of the mark of the event with `text`, on the lane whose label is `label`, in the fit view. */
async function markOn(target: Page, text: string, label: ReturnType<Page['locator']>): Promise<{ x: number; y: number }> {
  const run = trace.runs[0];
  const e = run.events.find((x) => x.text === text)!;
  const end = Math.max(run.wallNs, ...run.events.map((x) => x.t));
  await target.locator('button[data-action="fit"]').click();
  const canvas = (await target.locator('section.run canvas.lanes').boundingBox())!;
  const row = (await label.boundingBox())!;
  return { x: canvas.x + (e.t / (end * 1.02)) * canvas.width, y: row.y + 10 };
}
