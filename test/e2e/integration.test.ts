/**
 * The integration suite (mocha, real `vscode` API) inside code-server's Node extension host,
 * loaded through the workbench's `payload` URL parameter — once in a trusted workspace, once in
 * an untrusted one. Each mocha test becomes a subtest here.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CodeServer, launchBrowser, makeWorkspace, prepare, root } from './codeServer';

interface MochaResult {
  title: string;
  state: string;
  error?: string;
}

async function runSuite(suite: 'trusted' | 'untrusted'): Promise<{ code: number; results: MochaResult[]; console: string[] }> {
  const folder = makeWorkspace();
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-mocha-')), 'results.json');
  const server = new CodeServer({ folder, install: false, trust: suite === 'untrusted', env: { INTERLEAVE_SUITE: suite, INTERLEAVE_TEST_RESULTS: resultsFile } });
  const browser = await launchBrowser();
  const lines: string[] = [];
  try {
    await server.start();
    const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    page.on('console', (m) => lines.push(m.text()));
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(path.join(root, 'out', 'test', 'vscode', 'index.js'))],
    ]);
    const exited = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    await page.goto(server.workspaceUrl({ payload }));
    const t0 = Date.now();
    const log = (what: string) => process.stderr.write(`[integration ${suite}] ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    page.on('console', (m) => /passing|failing/.test(m.text()) && log(m.text().trim()));
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error(`the ${suite} suite did not finish in 10 minutes`)), 600_000)));
    const code = await Promise.race([exited, tooLong]).finally(() => clearTimeout(timer));
    log(`exit code ${code}`);
    const results = fs.existsSync(resultsFile) ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as MochaResult[]) : [];
    return { code, results, console: lines };
  } finally {
    await browser.close();
    server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

for (const suite of (process.env.INTERLEAVE_SUITES ?? 'trusted,untrusted').split(',') as Array<'trusted' | 'untrusted'>) {
  test(`integration suite in the extension host (${suite} workspace)`, async (t) => {
    prepare();
    const { code, results, console: lines } = await runSuite(suite);
    assert.ok(results.length > 0, `the ${suite} suite ran no test; console:\n${lines.slice(-30).join('\n')}`);
    for (const r of results) {
      await t.test(r.title, () => {
        if (r.state !== 'passed') assert.fail(r.error ?? 'failed');
      });
    }
    assert.equal(code, 0, `mocha exit code; console:\n${lines.filter((l) => /passing|failing|Error/.test(l)).join('\n')}`);
  });
}
