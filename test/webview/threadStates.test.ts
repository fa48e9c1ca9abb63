/**
 * The observed thread states on the timeline (issue 14, part 4): a strip of states under each
 * lane's marks, its hover, lock waits and holds over it, the states in the key, each thread's
 * shares in the run's header (or why there are none).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Trace } from '../../src/shared/trace';
import { LANE_PARTS } from '../../webview-ui/src/timeline/layout';
import { parseHex } from '../../webview-ui/src/timeline/palette';
import { openPanel, readTrace, results, startPanelPage, THEMES, type PanelPage } from './panelPage';

const cpu = readTrace('states_cpu_bound.json');
let panels: PanelPage;

before(async () => {
  panels = await startPanelPage();
});

after(() => panels?.close());

const section = (page: Page, model: string) => page.locator(`section.run[data-model="${model}"]`);

/** The colours in a lane's state-strip rows, across the canvas (as '#rrggbb', with how many pixels). */
async function stripColours(page: Page, model: string, lane: number): Promise<Map<string, number>> {
  const found = await section(page, model).locator('canvas.lanes').evaluate((canvas: HTMLCanvasElement, { top, height }) => {
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    const d = canvas.getContext('2d')!.getImageData(0, Math.round(top * scale), canvas.width, Math.round(height * scale)).data;
    const counts: Record<string, number> = {};
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] < 250) continue;
      const hex = `#${[d[i], d[i + 1], d[i + 2]].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
      counts[hex] = (counts[hex] ?? 0) + 1;
    }
    return counts;
  }, { top: lane * 30 + LANE_PARTS.stateTop, height: LANE_PARTS.stateHeight });
  return new Map(Object.entries(found));
}

/** Hovers the state strip of `lane` at `t` ns in the fit view (the plot spans the run's end × 1.02). */
async function hoverStrip(page: Page, model: string, lane: number, t: number): Promise<string> {
  const run = cpuRun(model);
  const end = Math.max(run.wallNs, ...run.events.map((e) => e.t));
  const box = (await section(page, model).locator('canvas.lanes').boundingBox())!;
  await page.mouse.move(box.x + (t / (end * 1.02)) * box.width, box.y + lane * 30 + LANE_PARTS.stateTop + LANE_PARTS.stateHeight / 2);
  await page.locator('.tooltip:not([hidden])').waitFor();
  return (await page.locator('.tooltip').textContent())!;
}

const cpuRun = (model: string) => cpu.runs.find((r) => r.model === model)!;

test("each lane's state strip is drawn in the states' colours; its hover says the state, its call, its duration and start", async () => {
  const page = await openPanel(panels.browser, panels.file, cpu);
  const green = THEMES.dark.vars['--vscode-charts-green'];
  const red = THEMES.dark.vars['--vscode-charts-red'];
  for (const lane of [0, 1]) {
    const colours = await stripColours(page, 'thread', lane);
    assert.ok((colours.get(green) ?? 0) > 50, `lane ${lane}: running drawn (${[...colours].slice(0, 6).join(' ')})`);
    assert.ok((colours.get(red) ?? 0) > 20, `lane ${lane}: waiting for the GIL drawn`);
  }
  // the longest GIL wait of thread 2: its middle
  const gil = cpuRun('thread').states!.filter((s) => s.worker === 1 && s.state === 'gil').sort((a, b) => b.dur - a.dur)[0];
  const text = await hoverStrip(page, 'thread', 1, gil.t + gil.dur / 2);
  assert.match(text, /Thread 2 · waiting for the GIL/);
  assert.match(text, /for \S+ \S+, from \S+ \S+ after the run began/);
  assert.match(text, /sampled from \/proc at 500 Hz/);
  // the lock crafted on thread 1 (runs[].locks): its wait, then its hold
  const lock = cpuRun('thread') as Trace['runs'][number] & { locks: Array<{ waitT: number; acquiredT: number; releasedT: number }> };
  const wait = lock.locks[0];
  const onWait = await hoverStrip(page, 'thread', 0, (wait.waitT + wait.acquiredT) / 2);
  assert.match(onWait, /Thread 1 · Lock counter_lock \(line 3\)acquired at line 9: waited \S+ \S+ for it.*held it \S+ \S+/);
  await page.screenshot({ path: path.join(results, 'states-strip.png'), fullPage: true });
  await page.close();
});

test("the header has each thread's shares of its observed time, or the run's note when there are none", async () => {
  const noStates = structuredClone(cpu);
  const seq = noStates.runs.find((r) => r.model === 'sequential')!;
  delete seq.states;
  seq.stateSource = null;
  seq.stateNote = 'No thread states: sampling is off (--sample-hz 0).';
  const page = await openPanel(panels.browser, panels.file, noStates);
  const lines = await section(page, 'thread').locator('.state-shares li').allTextContents();
  assert.match(lines[0], /^Thread 1: running \d+% · waiting for the GIL \d+%$/);
  assert.match(lines[1], /^Thread 2: running \d+% · waiting for the GIL \d+%$/);
  assert.match(await section(page, 'thread').locator('.verdict').textContent() ?? '', /took turns on the GIL: each waited \d+(–\d+)?% of its time for it/);
  assert.deepEqual(await section(page, 'sequential').locator('.state-shares li').allTextContents(), ['No thread states: sampling is off (--sample-hz 0).']);
  assert.equal(await section(page, 'sequential').locator('.state-shares .state-note').count(), 1, 'muted');
  await page.close();
});

test('the key has the states, drawn by the strip\'s own code, and how they were observed', async () => {
  const page = await openPanel(panels.browser, panels.file, readTrace('states_sleeps.json'));
  await page.locator('details.key summary').click();
  const entries = await page.locator('.key-marks li').allTextContents();
  for (const name of ['running', 'waiting for the GIL', 'waiting for a lock', 'sleeping', 'waiting for I/O', 'blocked elsewhere']) {
    assert.ok(entries.some((e) => e.startsWith(`State strip, ${name}:`)), `a key entry for ${name}`);
  }
  assert.match(await page.locator('.key-sampling').textContent() ?? '', /sampled from \/proc \(Linux\) 500 times a second/);
  // the sleeping sample is drawn in the sleep colour
  const index = entries.findIndex((e) => e.startsWith('State strip, sleeping'));
  const blue = parseHex(THEMES.dark.vars['--vscode-charts-blue']);
  const drawn = await page.locator('.key-marks li canvas').nth(index).evaluate((c: HTMLCanvasElement, rgb) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2] && d[i + 3] > 250) n++;
    return n;
  }, [...blue]);
  assert.ok(drawn > 50, `the sleeping sample is drawn (${drawn} px)`);
  // the sleeping threads: their strip, and the verdict that says what they did
  assert.ok(((await stripColours(page, 'thread', 0)).get(THEMES.dark.vars['--vscode-charts-blue']) ?? 0) > 100, 'sleeping drawn');
  assert.match(await section(page, 'thread').locator('.verdict').textContent() ?? '', /overlapped while sleeping \(\d+% of their time\)/);
  await page.screenshot({ path: path.join(results, 'states-key.png'), fullPage: true });
  await page.close();
});
