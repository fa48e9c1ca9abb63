/**
 * Replay (issue 15, item 5) in the built webview: the buttons and ← → Home End step through a run's
 * events in global order, the event list and the timeline's cursor follow, the editor is asked to
 * show each line without taking the focus, Play goes on by itself, and a zoomed view keeps the cursor.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openPanel, posted, readTrace, THEMES, webviewPage, results, startPanelPage, type PanelPage } from './panelPage';

const trace = readTrace('canonical.json');
const FOCUS = THEMES.dark.vars['--vscode-focusBorder'];
let panel: PanelPage | undefined;
let browser: Browser;
let dir: string;
let file: string;

before(async () => {
  panel = await startPanelPage();
  ({ browser, dir, file } = panel);
});

after(() => panel?.close());

type Reveal = { type: 'reveal'; line: number; focus: boolean };
const reveals = async (page: Page) => ((await posted(page)) as Array<{ type: string }>).filter((m): m is Reveal => m.type === 'reveal');
const position = (page: Page) => page.locator('.replay-position').textContent();
const selectedFlat = async (page: Page) => Number(await page.locator('.event-row[aria-selected="true"]').getAttribute('data-flat'));
/** Where run `r`'s events start in the event list. */
const offset = (r: number) => trace.runs.slice(0, r).reduce((n, run) => n + run.events.length, 0);
/** "3 of 10: Thread 1 · Number: 2", from the trace. */
function said(r: number, i: number): string {
  const run = trace.runs[r];
  const names: Record<string, string> = { sequential: 'Call', thread: 'Thread', process: 'Process' };
  return `${i + 1} of ${run.events.length}: ${names[run.model]} ${run.events[i].worker + 1} · ${run.events[i].text}`;
}

/**
 * The tallest stretch of the focus colour in one pixel column of run `r`'s lanes, in CSS px: the
 * cursor runs down every lane; the selection's box alone is one lane's marks high.
 */
async function focusColumn(page: Page, r: number): Promise<{ height: number; x: number }> {
  await page.evaluate(() => new Promise(requestAnimationFrame)); // the redraw
  return page.evaluate(({ r, color }) => {
    const canvas = document.querySelectorAll('canvas.lanes')[r] as HTMLCanvasElement;
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    const lanes = canvas.closest('section')!.querySelectorAll('.lane-label').length;
    const want = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    const h = Math.round(lanes * 30 * scale);
    const { data, width } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, h);
    let best = { height: 0, x: -1 };
    for (let x = 0; x < width; x++) {
      let n = 0;
      for (let y = 0; y < h; y++) if (want.every((c, k) => Math.abs(data[(y * width + x) * 4 + k] - c) <= 8)) n++;
      if (n / scale > best.height) best = { height: n / scale, x: x / scale };
    }
    return best;
  }, { r, color: FOCUS });
}

test('the buttons step through the first run in global order: the list follows, each line is shown with the focus kept, the step is said', async () => {
  const page = await openPanel(browser, file, trace);
  const next = page.locator('button[data-replay="next"]');
  await next.click();
  assert.equal(await position(page), said(0, 0), 'nothing selected: the first event of the first run');
  assert.equal(await selectedFlat(page), 0);
  await next.click();
  await next.click();
  assert.equal(await position(page), said(0, 2));
  assert.equal(await selectedFlat(page), 2);
  await page.locator('button[data-replay="previous"]').click();
  assert.equal(await position(page), said(0, 1));
  await page.locator('button[data-replay="last"]').click();
  assert.equal(await position(page), said(0, 9));
  await next.click();
  assert.equal(await position(page), said(0, 9), 'the last event stays the last');
  await page.locator('button[data-replay="first"]').click();
  assert.equal(await position(page), said(0, 0));
  const sent = await reveals(page);
  assert.deepEqual(sent.map((m) => m.focus), sent.map(() => false), 'the editor never takes the focus');
  assert.deepEqual(sent.slice(0, 3).map((m) => m.line), trace.runs[0].events.slice(0, 3).map((e) => e.line), "each step shows its event's line");
  assert.equal(await page.locator('.replay-position').getAttribute('aria-live'), 'polite');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-replay')), 'first', 'the focus stays on the button');
  await page.close();
});

test('← → Home End on the timeline step through the run of the selected event; the cursor runs down its lanes; Shift+← → pan', async () => {
  const page = await openPanel(browser, file, trace);
  await page.locator('.event-row[data-model="thread"]').nth(2).click(); // a thread event: the replay takes its run
  await page.locator('.timeline').focus();
  const before = (await reveals(page)).length;
  assert.ok((await focusColumn(page, 1)).height < 30, 'a click selects without the cursor line');
  await page.keyboard.press('ArrowRight');
  assert.equal(await position(page), said(1, 3));
  assert.equal(await selectedFlat(page), offset(1) + 3);
  const cursor = await focusColumn(page, 1);
  assert.ok(cursor.height >= 2 * 30 - 8, `the cursor runs down both lanes: ${cursor.height} px`);
  await page.keyboard.press('End');
  assert.equal(await position(page), said(1, 9));
  assert.ok((await focusColumn(page, 1)).x > cursor.x, 'the cursor moved on');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await position(page), said(1, 0), 'the first event stays the first');
  assert.equal(await selectedFlat(page), offset(1));
  const sent = (await reveals(page)).slice(before);
  assert.equal(sent.length, 4, 'each step showed its line');
  assert.ok(sent.every((m) => m.focus === false), 'keys in the panel never move the focus to the editor');
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('timeline')), true);
  const axis = () => page.locator('section.run[data-model="thread"] svg.axis .tick text').allTextContents();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  const zoomed = await axis();
  await page.keyboard.press('Shift+ArrowRight');
  await page.evaluate(() => new Promise(requestAnimationFrame));
  assert.notDeepEqual(await axis(), zoomed, 'Shift+→ pans');
  assert.equal(await position(page), said(1, 0), 'and does not step');
  await page.close();
});

test('zoomed in, stepping keeps the cursor in view all through the run', async () => {
  const page = await openPanel(browser, file, trace);
  await page.locator('.event-row[data-model="process"]').first().click();
  assert.equal(await page.locator('.event-row[aria-selected="true"][data-model="process"]').count(), 1, 'a process event is selected: the replay steps through its run');
  await page.locator('.timeline').focus();
  // the keys are the timeline's (in the event list, → moves the list's selection, not the replay)
  await page.waitForFunction(() => document.activeElement?.classList.contains('timeline'));
  for (let i = 0; i < 10; i++) await page.keyboard.press('+'); // 1.6^10 ≈ 110×: one event in view at a time
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('timeline')), true, 'the keyboard is still on the timeline');
  const plot = (await page.locator('canvas.lanes').nth(2).boundingBox())!;
  for (let i = 1; i < trace.runs[2].events.length; i++) {
    await page.keyboard.press('ArrowRight');
    const inView = (c: { height: number; x: number }) => c.height >= 2 * 30 - 8 && c.x >= 0 && c.x <= plot.width;
    let cursor = await focusColumn(page, 2);
    // the step, the pan that follows it and the redraw may take a few frames on a loaded machine
    for (let frame = 0; frame < 20 && !inView(cursor); frame++) cursor = await focusColumn(page, 2);
    assert.ok(inView(cursor), `event ${i}: the cursor is in view (${JSON.stringify(cursor)}) at ${await position(page)}; selected row ${await selectedFlat(page)}`);
  }
  await page.screenshot({ path: path.join(results, 'replay-zoomed-dark.png'), fullPage: true });
  await page.close();
});

test('Play goes through the run at the chosen speed and stops at its end; Space pauses', async () => {
  const page = await openPanel(browser, file, trace);
  await page.locator('select.replay-speed').selectOption('16');
  const play = page.locator('button[data-replay="play"]');
  await play.click();
  assert.match((await play.textContent())!, /Pause/);
  assert.equal(await page.locator('.replay-position').getAttribute('aria-live'), 'off', 'not every event read out while playing');
  await page.waitForFunction((last) => document.querySelector('.replay-position')?.textContent === last, said(0, 9), { timeout: 10_000 });
  await page.waitForFunction(() => /Play/.test(document.querySelector('button[data-replay="play"]')?.textContent ?? ''));
  const sent = await reveals(page);
  assert.deepEqual(sent.map((m) => m.line), trace.runs[0].events.map((e) => e.line), 'every event of the run, in order');
  await page.locator('.timeline').focus();
  await page.keyboard.press(' '); // at the end: from the start again
  assert.match((await play.textContent())!, /Pause/);
  await page.keyboard.press(' ');
  assert.match((await play.textContent())!, /Play/);
  assert.equal(await page.locator('.replay-position').getAttribute('aria-live'), 'polite', 'where it stopped is said');
  const stopped = await position(page);
  await page.waitForTimeout(300);
  assert.equal(await position(page), stopped, 'paused');
  await page.close();
});

test('screenshots: the replay in dark and high contrast', async () => {
  for (const [name, theme] of [['dark', THEMES.dark], ['high-contrast', THEMES.highContrast]] as const) {
    const themed = path.join(dir, `${name}.html`);
    fs.writeFileSync(themed, webviewPage(theme));
    const page = await openPanel(browser, themed, trace);
    await page.locator('.event-row[data-model="thread"]').nth(4).click();
    await page.locator('button[data-replay="next"]').click();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    await page.screenshot({ path: path.join(results, `replay-${name}.png`), clip: { x: 0, y: 0, width: 1100, height: 700 } });
    await page.close();
  }
});
