// Runs every test tier and ends with one line CI can read: "N passed, N failed".
//   unit + engine + webview (node:test)  ·  harness (python unittest)  ·  e2e in real VS Code (node:test)
// Set INTERLEAVE_SKIP_E2E=1 to leave out the code-server tier (it is never skipped in CI).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
let passed = 0;
let failed = 0;
const table = [];

function nodeTests(name, dirs) {
  const tap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-tap-')), 'out.tap');
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...dirs], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
  const count = (key) => Number((new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text) ?? [])[1] ?? 0);
  let p = count('pass');
  let f = count('fail') + count('cancelled');
  if (r.status !== 0 && f === 0) f = 1; // the runner itself failed
  record(name, p, f, started);
}

function pythonTests() {
  const started = Date.now();
  const r = spawnSync(process.env.INTERLEAVE_TEST_PYTHON ?? 'python3', ['-m', 'unittest', 'discover', '-s', 'test/python', '-v'], { cwd: root, encoding: 'utf8' });
  process.stdout.write(r.stderr ?? '');
  const ran = Number((/^Ran (\d+) tests?/m.exec(r.stderr ?? '') ?? [])[1] ?? 0);
  const m = /^FAILED \((.*)\)$/m.exec(r.stderr ?? '');
  let f = 0;
  if (m) for (const part of m[1].split(', ')) if (/^(failures|errors)=/.test(part)) f += Number(part.split('=')[1]);
  if (r.status !== 0 && f === 0) f = 1;
  record('harness (python unittest)', ran - f, f, started);
}

function record(name, p, f, started) {
  passed += p;
  failed += f;
  table.push([name, p, f, ((Date.now() - started) / 1000).toFixed(1)]);
}

nodeTests('unit', ['out/test/unit/']);
pythonTests();
nodeTests('engine (real Python)', ['out/test/engine/']);
nodeTests('webview (Chromium)', ['out/test/webview/']);
if (process.env.INTERLEAVE_SKIP_E2E !== '1' || process.env.CI) nodeTests('e2e (code-server)', ['out/test/e2e/']);

console.log('\ntier                          passed  failed  seconds');
for (const [name, p, f, s] of table) console.log(`${name.padEnd(30)}${String(p).padStart(6)}${String(f).padStart(8)}${s.padStart(9)}`);
if (passed + failed === 0) failed = 1; // a run that executed no test is a failure
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
