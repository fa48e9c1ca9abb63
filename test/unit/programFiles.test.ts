import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileExists, missingFileMessage, ProgramFiles } from '../../src/panels/programFiles';
import { toColumns } from '../../src/shared/columns';

const target = path.resolve('/p/main.py');
const helper = path.resolve('/p/lib/helper.py');
const columns = toColumns([
  { t: 1, worker: 0, pid: 1, stream: 'stdout', text: 'own', line: 2 },
  { t: 2, worker: 0, pid: 1, stream: 'stdout', text: 'theirs', line: 5, file: helper },
]);

test("the panel reveals lines of the traced file and of the other files its events name, and of no other path", () => {
  const files = new ProgramFiles();
  assert.equal(files.revealable(undefined), null, 'nothing shown: nothing to reveal');
  files.reset(target);
  assert.equal(files.revealable(undefined), target);
  assert.equal(files.revealable(helper), null, 'not named by any event yet');
  files.addFrom([columns]);
  assert.equal(files.revealable(helper), helper);
  assert.equal(files.revealable(path.join(path.dirname(helper), '.', 'helper.py')), helper, 'however the path is spelt');
  assert.equal(files.revealable('/etc/passwd'), null, 'a path the trace does not name is not opened');
  files.reset(target);
  assert.equal(files.revealable(helper), null, 'a new run forgets the last one\'s files');
});

test("the editor's cursor: in the traced file, in another file of the program (named as the trace names it), or in neither", () => {
  const files = new ProgramFiles();
  files.reset(target);
  files.addFrom([columns]);
  assert.deepEqual(files.inEditor(target), {});
  assert.deepEqual(files.inEditor(helper), { file: helper });
  assert.equal(files.inEditor(path.resolve('/p/other.py')), null);
});

test('a file gone since the run: one line that names it and says what to do', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-files-'));
  try {
    const there = path.join(dir, 'helper.py');
    fs.writeFileSync(there, 'x = 1\n');
    assert.equal(fileExists(there), true);
    assert.equal(fileExists(path.join(dir, 'gone.py')), false);
    assert.equal(fileExists(dir), false, 'a folder is not a file to open');
    const message = missingFileMessage(path.join(dir, 'gone.py'));
    assert.ok(message.includes(path.join(dir, 'gone.py')) && !message.includes('\n'), message);
    assert.match(message, /gone\.py is no longer at .*Restore it, or run the program again\.$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
