/**
 * Mocha runner for the integration suite, loaded by VS Code's extension host (`extensionTestsPath`)
 * — in code-server through the `payload` URL, or in desktop VS Code through @vscode/test-electron.
 * Results also go to the JSON file named by INTERLEAVE_TEST_RESULTS, for the driver to report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 120_000, color: false, reporter: 'spec' });
  const suite = process.env.INTERLEAVE_SUITE ?? 'trusted';
  mocha.addFile(path.join(__dirname, 'suite', `${suite}.test.js`));
  const results: Array<{ title: string; state: string; error?: string }> = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const out = process.env.INTERLEAVE_TEST_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify(results));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', error: `${err.message}\n${err.stack ?? ''}` }));
  });
}
