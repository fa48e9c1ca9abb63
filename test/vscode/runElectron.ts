/**
 * The integration suite in desktop VS Code, for machines that can download it:
 * `npm run test:vscode` (after `npm run build && npm run compile-tests`). Here (no internet but
 * the npm registry) the same suite runs in code-server instead: test/e2e/integration.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeWorkspace } from '../workspace';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const workspace = makeWorkspace(root);
  let failed = 0;
  for (const suite of ['trusted', 'untrusted']) {
    try {
      await runTests({
        version: '1.100.3',
        extensionDevelopmentPath: root,
        extensionTestsPath: path.join(__dirname, 'index.js'),
        launchArgs: [workspace, '--disable-extensions', ...(suite === 'trusted' ? ['--disable-workspace-trust'] : [])],
        extensionTestsEnv: { INTERLEAVE_SUITE: suite },
      });
    } catch (e) {
      console.error(`${suite} suite failed: ${(e as Error).message}`);
      failed++;
    }
  }
  fs.rmSync(workspace, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

void main();
