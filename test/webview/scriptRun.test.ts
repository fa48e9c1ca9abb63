/**
 * A `script` run (interleave script) in the panel: a real trace of a program whose child process
 * starts two threads; lanes named by the program and grouped by process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Trace } from '../../src/shared/trace';
import { CHROMIUM_ARGS } from '../e2e/codeServer';
import { openPanel, root, webviewPage } from './panelPage';

let browser: Browser;
let page: Page;
let dir: string;
let trace: Trace;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-webview-script-'));
  const json = path.join(dir, 'trace.json');
  const cli = path.join(root, 'dist', 'cli.js');
  // the program's threads start in its child; a thread of the main process comes after, so that grouping has work to do
  const program = path.join(dir, 'program.py');
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
  fs.writeFileSync(path.join(dir, 'webview.html'), webviewPage());
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await openPanel(browser, path.join(dir, 'webview.html'), trace);
});

after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

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
