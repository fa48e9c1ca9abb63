/**
 * GIL vs free-threaded Python in the panel (issue 17): each run's title names the GIL it ran
 * with and, when several interpreters ran, the interpreter; a GIL turned on unasked is said in
 * that run's header; the toolbar says the build is free-threaded.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import type { PythonInfo, Trace } from '../../src/shared/trace';
import { CHROMIUM_ARGS } from '../e2e/codeServer';
import { openPanel, readTrace, THEMES, webviewPage } from './panelPage';

let browser: Browser;
let dir: string;
let file: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-interpreters-'));
  file = path.join(dir, 'webview.html');
  fs.writeFileSync(file, webviewPage(THEMES.dark));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A recorded trace made into one of a free-threaded 3.13t with its thread run GIL off and on, and 3.11's after. */
function freeThreadedTrace(note?: string): Trace {
  const trace = structuredClone(readTrace('states_cpu_bound.json'));
  const py313t: PythonInfo = { ...trace.python, version: '3.13.5', gil: false, freeThreaded: true };
  const py311: PythonInfo = { ...trace.python, version: '3.11.7', gil: true, freeThreaded: false, executable: '/usr/bin/python3.11' };
  const thread = trace.runs.find((r) => r.model === 'thread')!;
  const off = { ...structuredClone(thread), gil: false, ...(note ? { gil: true, gilNote: note } : {}) };
  const on = { ...structuredClone(thread), gil: true };
  const other = { ...structuredClone(thread), python: py311 };
  return { ...trace, python: py313t, runs: [off, on, other] };
}

test("each run's title names its GIL and its interpreter; the toolbar says the build is free-threaded; the GIL's sentence is under the ranking", async () => {
  const page = await openPanel(browser, file, freeThreadedTrace());
  assert.deepEqual(await page.locator('section.run .run-title h2').allTextContents(), ['3.13t · Threads × 2 · GIL off', '3.13t · Threads × 2 · GIL on', '3.11 · Threads × 2']);
  assert.match((await page.locator('.toolbar .python').textContent())!, /^CPython 3\.13\.5 free-threaded · GIL off/);
  assert.equal(await page.locator('.badge.gil-on').count(), 0, 'no run had the GIL on unasked');
  assert.match((await page.locator('.gil-verdict').textContent())!, /^Without the GIL the two threads used \d\.\d CPUs and finished .*; each thread alone ran .* on 3\.11\.$/);
  await page.close();
});

test('a run whose GIL was turned on unasked says why in its header', async () => {
  const page = await openPanel(browser, file, freeThreadedTrace('the GIL was turned back on while cpu_bound.py was imported: an extension module (numpy) does not declare itself free-threading-safe; PYTHON_GIL=0 keeps it off at your own risk'));
  const first = page.locator('section.run').first();
  assert.equal(await first.locator('.run-title h2').textContent(), '3.13t · Threads × 2 · GIL on');
  assert.match((await first.locator('.badge.gil-on').textContent())!, /^The GIL was turned back on while cpu_bound\.py was imported: an extension module \(numpy\)/);
  assert.equal(await page.locator('.badge.gil-on').count(), 1, 'only that run');
  await page.close();
});

test('the ranking names each run by its own title: the GIL-on thread run is not called GIL off', async () => {
  const trace = structuredClone(readTrace('states_cpu_bound.json'));
  const py313t: PythonInfo = { ...trace.python, version: '3.13.5', gil: false, freeThreaded: true };
  const sequential = trace.runs.find((r) => r.model === 'sequential')!;
  const thread = trace.runs.find((r) => r.model === 'thread')!;
  const runs = [sequential, { ...structuredClone(thread), gil: false }, { ...structuredClone(thread), gil: true, wallNs: thread.wallNs * 2 }];
  const page = await openPanel(browser, file, { ...trace, python: py313t, runs });
  const names = await page.locator('.comparison .run-link').allTextContents();
  assert.deepEqual([...names].sort(), ['Sequential × 2', 'Threads × 2 · GIL off', 'Threads × 2 · GIL on'].sort(), names.join(' | '));
  await page.close();
});
