/**
 * Compare with Trace… in the built webview (issue 15, item 2): the Compare… button asks the host;
 * another trace posted as `compare` shows, per model both ran, the two orders as aligned strips
 * and the first divergence in words, a note when it traced other code; `compareFailed` says why
 * in the status line and the runs shown stay as they were.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runTitle } from '../../src/shared/labels';
import { traceMessage } from '../../src/shared/protocol';
import type { Trace } from '../../src/shared/trace';
import { openPanel, post, posted, readTrace, results, startPanelPage, type PanelPage } from './panelPage';

let panel: PanelPage | undefined;
let browser: Browser;
let file: string;

before(async () => {
  panel = await startPanelPage();
  ({ browser, file } = panel);
});

after(() => panel?.close());

const canonical = readTrace('canonical.json');

/** The same trace with the thread run's events in another order: worker 1's first event moved to the front. */
function reordered(t: Trace, fn = t.target.function): Trace {
  const copy = structuredClone(t);
  copy.target.function = fn;
  const run = copy.runs.find((r) => r.model === 'thread')!;
  const first1 = run.events.findIndex((e) => e.worker === 1);
  const [moved] = run.events.splice(first1, 1);
  run.events.unshift({ ...moved, t: 0 });
  return copy;
}

async function compare(page: Page, name: string, t: Trace): Promise<void> {
  const { trace, columns } = traceMessage(t, 'other');
  await post(page, { type: 'compare', name, trace, columns });
  await page.locator('.trace-comparison').waitFor();
}

test('Compare… asks the host; the other trace\'s orders beside the shown one\'s, per model, the first divergence said', async () => {
  const page = await openPanel(browser, file, canonical);
  await page.locator('.toolbar button[data-action="compare"]').click();
  assert.ok((await posted(page)).some((m) => m.type === 'compareTrace'), 'the host is asked which trace');
  await compare(page, 'other.json', reordered(canonical));
  const box = page.locator('.trace-comparison');
  assert.equal(await box.locator('h2').textContent(), 'Compared with other.json');
  assert.equal(await box.locator('.comparison-note').count(), 0, 'the same function: no note');
  const models = await box.locator('.comparison-model h3').allTextContents();
  assert.deepEqual(models, canonical.runs.map((r) => runTitle(r)));
  const sentences = await box.locator('.comparison-model .diff-text').allTextContents();
  const thread = models.indexOf('Threads × 2');
  assert.equal(sentences[thread], 'The trace shown began with Thread 1; other.json with Thread 2.');
  sentences.forEach((s, k) => k !== thread && assert.match(s, /^The trace shown and other\.json printed in the same order/));
  assert.equal(await box.locator('canvas.diff-strip').count(), 2 * models.length, 'two strips per model');
  assert.ok(await box.locator('canvas.diff-strip').first().evaluate((c: HTMLCanvasElement) => c.width > 0), 'drawn');
  await box.screenshot({ path: path.join(results, 'trace-comparison.png') });
  await box.locator('.comparison-close').click();
  assert.equal(await page.locator('.trace-comparison').count(), 0, 'closed');
  await page.close();
});

test('a trace of another function says so; a trace that could not be read leaves the panel as it was, with why', async () => {
  const page = await openPanel(browser, file, canonical);
  await compare(page, 'safe.json', reordered(canonical, 'add_safely'));
  assert.match((await page.locator('.comparison-note').textContent())!, /^safe\.json traced add_safely in .*; the trace shown, print_numbers in/);
  const sections = await page.locator('section.run').count();
  await post(page, { type: 'compareFailed', message: 'bad.json is not JSON (Unexpected end of JSON input): pick a trace written by `interleave run … --json` or the panel\'s Export….' });
  assert.match((await page.locator('.status').textContent())!, /^bad\.json is not JSON/);
  assert.equal(await page.locator('section.run').count(), sections, 'the runs shown stay');
  assert.equal(await page.locator('.trace-comparison').count(), 1, 'so does the comparison shown');
  await page.close();
});

test('with Predict first on, a comparison waits with the runs until they are predicted (it shows their orders)', async () => {
  const page = await openPanel(browser, file, canonical);
  await page.locator('#predict-first').check();
  const { trace, columns } = traceMessage(reordered(canonical), 'other');
  await post(page, { type: 'compare', name: 'other.json', trace, columns });
  await page.locator('.trace-comparison').waitFor({ state: 'attached' });
  assert.equal(await page.locator('.trace-comparison').isVisible(), false, 'hidden while a prediction is to be made');
  const skips = page.locator('button[data-predict="skip"]');
  for (let n = await skips.count(); n > 0; n--) await skips.first().click(); // each skipped leaves the next
  assert.equal(await page.locator('.trace-comparison').isVisible(), true, 'shown once every run is predicted');
  await page.close();
});
