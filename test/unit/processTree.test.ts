import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { descendantsOf } from '../../src/runner/processTree';

/** A /proc with these processes: pid → [command name, state, parent pid]. */
function fakeProc(processes: Record<number, [string, string, number]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-proc-'));
  for (const [pid, [comm, state, ppid]] of Object.entries(processes)) {
    fs.mkdirSync(path.join(dir, pid));
    fs.writeFileSync(path.join(dir, pid, 'stat'), `${pid} (${comm}) ${state} ${ppid} ${pid} ${pid} 0 -1 4194560 0 0\n`);
  }
  fs.mkdirSync(path.join(dir, 'self')); // not a pid: skipped
  return dir;
}

test('descendants: children of children in any session, by parent pid; others and the dead left out', () => {
  const proc = fakeProc({
    1: ['init', 'S', 0],
    100: ['python3', 'S', 1], // the harness
    101: ['python3', 'R', 100], // its worker
    102: ['a (b) c', 'S', 101], // a name with spaces and parentheses
    103: ['sleep', 'S', 102],
    104: ['python3', 'Z', 100], // a zombie: nothing to end
    200: ['bash', 'S', 1], // not the run's
    201: ['python3', 'S', 200],
  });
  try {
    assert.deepEqual(descendantsOf(100, proc)!.sort(), [101, 102, 103]);
    assert.deepEqual(descendantsOf(103, proc), []);
  } finally {
    fs.rmSync(proc, { recursive: true, force: true });
  }
});

test('descendants: null where there is no /proc (the process group is what is ended then)', () => {
  assert.equal(descendantsOf(1, path.join(os.tmpdir(), 'interleave-no-such-proc')), null);
});
