/**
 * Waits that hold nothing after them (an Event, a Barrier, a queue, a join) on the timeline: their
 * wait is hatched, but no hold is outlined or hovered from their end to the end of the run, as it
 * is after a Lock's.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { LockSpan, Trace } from '../../src/shared/trace';
import { LANE_PARTS } from '../../webview-ui/src/timeline/layout';
import { openPanel, readTrace, startPanelPage, THEMES, type PanelPage } from './panelPage';

let panels: PanelPage;

before(async () => {
  panels = await startPanelPage();
});

after(() => panels?.close());

/** The CPU-bound thread run (states sampled) with one wait on its first thread, early in the run: waited 2 %→10 % of it, never released. */
function withWait(kind: string, lock: string): { trace: Trace; end: number; wait: LockSpan } {
  const trace = readTrace('states_cpu_bound.json');
  trace.runs = trace.runs.filter((r) => r.model === 'thread');
  const run = trace.runs[0];
  const end = Math.max(run.wallNs, ...run.events.map((e) => e.t));
  const wait: LockSpan = { worker: 0, thread: null, lock, kind, line: 14, waitT: Math.round(end * 0.02), acquiredT: Math.round(end * 0.1), releasedT: null };
  run.locks = [wait];
  return { trace, end, wait };
}

const canvas = (page: Page) => page.locator('section.run[data-model="thread"] canvas.lanes');

/** The x (css px in the canvas) of `t` ns in the fit view (the plot spans the run's end × 1.02). */
const xOf = (t: number, end: number, width: number) => (t / (end * 1.02)) * width;

/** Hovers the first lane's state strip at `t` ns; the hover's text. */
async function hoverStrip(page: Page, t: number, end: number): Promise<string> {
  const box = (await canvas(page).boundingBox())!;
  await page.mouse.move(box.x + xOf(t, end, box.width), box.y + LANE_PARTS.stateTop + LANE_PARTS.stateHeight / 2);
  await page.locator('.tooltip:not([hidden])').waitFor();
  return (await page.locator('.tooltip').textContent())!;
}

/** Pixels in the foreground colour (a hold's outline) in the rows just above the first lane's strip, between `t0` and `t1` ns. */
async function outlinePixels(page: Page, t0: number, t1: number, end: number): Promise<number> {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(THEMES.dark.vars['--vscode-foreground'].slice(i, i + 2), 16));
  const width = (await canvas(page).boundingBox())!.width;
  return canvas(page).evaluate((c: HTMLCanvasElement, o) => {
    const scale = c.width / c.getBoundingClientRect().width;
    const x0 = Math.round(o.x0 * scale);
    const d = c.getContext('2d')!.getImageData(x0, Math.round(o.top * scale), Math.round(o.x1 * scale) - x0, Math.round(2 * scale)).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - o.r) + Math.abs(d[i + 1] - o.g) + Math.abs(d[i + 2] - o.b) < 40 && d[i + 3] > 200) n++;
    return n;
  }, { x0: xOf(t0, end, width), x1: xOf(t1, end, width), top: LANE_PARTS.stateTop - 2, r, g, b });
}

test("an Event's wait that ended early in a long run: no hold drawn or hovered after it; a Lock's: held to the end", async () => {
  const lock = withWait('Lock', 'counter_lock (line 3)');
  const locked = await openPanel(panels.browser, panels.file, lock.trace);
  // the check can see a hold: a Lock never released is outlined from its acquire to the run's end
  const held = await outlinePixels(locked, lock.end * 0.2, lock.end * 0.9, lock.end);
  assert.ok(held > 200, `a Lock's hold outlined (${held} px)`);
  assert.match(await hoverStrip(locked, lock.end * 0.6, lock.end), /Lock counter_lock \(line 3\).*held it from then to the end of the run/);
  await locked.close();

  const event = withWait('Event', 'started (line 4)');
  const page = await openPanel(panels.browser, panels.file, event.trace);
  const after = await outlinePixels(page, event.end * 0.2, event.end * 0.9, event.end);
  assert.ok(after < held / 10, `no hold outlined after an Event's wait (${after} px, a Lock's: ${held})`);
  const onWait = await hoverStrip(page, (event.wait.waitT + event.wait.acquiredT!) / 2, event.end);
  assert.match(onWait, /Thread 1 · Event started \(line 4\)at line 14: waited \S+ \S+ for it to be set, from \S+ \S+ after the run began$/);
  const later = await hoverStrip(page, event.end * 0.6, event.end);
  assert.doesNotMatch(later, /started \(line 4\)|held it/, 'the strip after the wait is the thread\'s own state');
  await page.close();
});

test('a join and a queue get say what they waited for, and hold nothing', async () => {
  for (const [kind, lock, words] of [
    ['Thread.join', 'Thread-1 (work)', /waited \S+ \S+ for Thread-1 \(work\) to end/],
    ['multiprocessing.Queue', 'jobs (line 5)', /waited \S+ \S+ for an item/],
    ['Barrier', 'gate (line 5)', /waited \S+ \S+ for the other parties to arrive/],
  ] as const) {
    const { trace, end, wait } = withWait(kind, lock);
    const page = await openPanel(panels.browser, panels.file, trace);
    const text = await hoverStrip(page, (wait.waitT + wait.acquiredT!) / 2, end);
    assert.match(text, words, kind);
    assert.doesNotMatch(text, /held it/, kind);
    await page.close();
  }
});
