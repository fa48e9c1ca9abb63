/**
 * A script run whose lines are in another file of the program (a module it imports): the hover,
 * the event list's Line column, click / double click / Enter → reveal (with the file), and the
 * editor's cursor line, on a real trace of test/fixtures/scripts/prints_from_a_module.py.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Trace } from '../../src/shared/trace';
import { reportHtml } from '../../src/report/html';
import * as fs from 'node:fs';
import { openPanel, posted, post, root, startPanelPage, type PanelPage } from './panelPage';

const scripts = path.join(root, 'test', 'fixtures', 'scripts');
const helper = path.join(scripts, 'helper_module.py');
const SPAWNED = 'helper says from a spawn child';

let panels: PanelPage;
let page: Page;
let trace: Trace;

before(async () => {
  panels = await startPanelPage();
  const json = path.join(panels.dir, 'trace.json');
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'script', path.join(scripts, 'prints_from_a_module.py'), '--json', json, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  trace = JSON.parse(fs.readFileSync(json, 'utf8')) as Trace;
  assert.ok(trace.runs[0].events.some((e) => e.file === helper), 'the fixture prints from its helper module');
  page = await openPanel(panels.browser, panels.file, trace);
});

after(() => panels?.close());

/** The newest messages the page posted since `before` of them. */
const since = async (target: Page, before: number) => (await posted(target)).slice(before);

/** Page coordinates of the (only) event with `text` on its lane, in the fit view. */
async function markOf(target: Page, text: string): Promise<{ x: number; y: number }> {
  const run = trace.runs[0];
  const e = run.events.find((x) => x.text === text)!;
  const end = Math.max(run.wallNs, ...run.events.map((x) => x.t));
  await target.locator('button[data-action="fit"]').click();
  const canvas = (await target.locator('canvas.lanes').first().boundingBox())!;
  const label = (await target.locator(`.lane-label[data-worker="${e.worker}"]`).boundingBox())!;
  return { x: canvas.x + (e.t / (end * 1.02)) * canvas.width, y: label.y + 12 };
}

test("the event list's Line column names the other file (helper_module.py:3), the traced file's lines are bare numbers", async () => {
  const row = (text: string) => page.locator('.event-row', { has: page.locator('.text', { hasText: text }) }).locator('.num').nth(1);
  assert.equal(await row('main says hi').textContent(), '7');
  assert.equal(await row(SPAWNED).textContent(), 'helper_module.py:3');
  assert.equal(await row(SPAWNED).getAttribute('title'), helper, 'the whole path on hover');
});

test('hover over a line of another file shows file:line; a click reveals it there keeping the focus, a double click goes to it, and so does Enter', async () => {
  const p = await markOf(page, SPAWNED);
  await page.mouse.move(p.x, p.y);
  await page.locator('.tooltip:not([hidden])').waitFor();
  assert.match((await page.locator('.tooltip').textContent())!, new RegExp(`${SPAWNED}.*helper_module\\.py:3 \\(click to show`));
  let mark = (await posted(page)).length;
  await page.mouse.click(p.x, p.y);
  assert.deepEqual(await since(page, mark), [{ type: 'reveal', line: 3, focus: false, file: helper }]);
  mark = (await posted(page)).length;
  await page.keyboard.press('Enter');
  assert.deepEqual(await since(page, mark), [{ type: 'reveal', line: 3, focus: true, file: helper }]);
  mark = (await posted(page)).length;
  await page.mouse.dblclick(p.x, p.y);
  assert.deepEqual((await since(page, mark)).at(-1), { type: 'reveal', line: 3, focus: true, file: helper });
});

test('the event list: a click, Space and Enter reveal the line in its own file; a line of the traced file names none', async () => {
  const row = (text: string) => page.locator('.event-row', { has: page.locator('.text', { hasText: text }) });
  let mark = (await posted(page)).length;
  await row(SPAWNED).click();
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  assert.deepEqual(await since(page, mark), [
    { type: 'reveal', line: 3, focus: false, file: helper },
    { type: 'reveal', line: 3, focus: false, file: helper },
    { type: 'reveal', line: 3, focus: true, file: helper },
  ]);
  mark = (await posted(page)).length;
  await row('main says hi').click();
  assert.deepEqual(await since(page, mark), [{ type: 'reveal', line: 7, focus: false }]);
});

test("the editor's cursor highlights the events of its own file only: line 3 of the helper is not line 3 of the traced file", async () => {
  const highlighted = () => page.locator('.event-row.highlighted .text').allTextContents();
  await post(page, { type: 'highlightLine', line: 3, file: helper });
  await page.waitForFunction(() => document.querySelectorAll('.event-row.highlighted').length > 0);
  assert.deepEqual((await highlighted()).sort(), ['helper says from a fork child', 'helper says from a spawn child', 'helper says from a thread', 'helper says hello']);
  await post(page, { type: 'highlightLine', line: 3 });
  await page.waitForFunction(() => document.querySelectorAll('.event-row.highlighted').length === 0);
  await post(page, { type: 'highlightLine', line: 7 });
  await page.waitForFunction(() => document.querySelectorAll('.event-row.highlighted').length > 0);
  assert.deepEqual(await highlighted(), ['main says hi']);
  await post(page, { type: 'highlightLine', line: null });
});

test('the HTML report (no editor): the hover shows file:line, and offers no click', async () => {
  const file = path.join(panels.dir, 'report.html');
  fs.writeFileSync(file, reportHtml(trace));
  const report = await panels.browser.newPage({ viewport: { width: 1100, height: 900 } });
  try {
    await report.goto(`file://${file}`);
    await report.locator('.event-row').first().waitFor();
    const p = await markOf(report, SPAWNED);
    await report.mouse.move(p.x, p.y);
    await report.locator('.tooltip:not([hidden])').waitFor();
    const text = (await report.locator('.tooltip').textContent())!;
    assert.match(text, /helper_module\.py:3/);
    assert.doesNotMatch(text, /click/);
  } finally {
    await report.close();
  }
});
