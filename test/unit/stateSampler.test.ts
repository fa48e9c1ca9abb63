/**
 * The state sampler: finding workers by their begin records, sampling their threads' /proc files
 * (a fake /proc folder of text files, then the real one), and its thread, end to end.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { FILE_HEADER, HEAD, KIND, MAGIC } from '../../src/runner/workerLog';
import { MAX_GAP_PERIODS, RunSampler } from '../../src/runner/states/sampler';
import { StateSampler } from '../../src/runner/states/stateSampler';
import { FIRST_WCHAN, RUNNING, UNSEEN, decode, syscallCode } from '../../src/runner/states/classify';
import { syscallNames } from '../../src/runner/states/syscalls';

const MS = 1_000_000;
const T = 7_000 * MS;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-sampler-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A run folder and a fake /proc with thread 100/200 in it, whose files say `files`. */
function fixture(files: Record<string, string>) {
  const base = path.join(root, String(++n));
  const proc = path.join(base, 'proc');
  const task = path.join(proc, '100', 'task', '200');
  fs.mkdirSync(task, { recursive: true });
  const say = (f: Record<string, string>) => Object.entries(f).forEach(([name, text]) => fs.writeFileSync(path.join(task, name), text));
  say({ schedstat: '1000 0 1\n', stat: '200 (python3) S 1 2 3\n', wchan: '0', ...files });
  const dir = path.join(base, 'run');
  fs.mkdirSync(dir);
  return { proc, dir, say, task };
}

/** A worker's event file as the recorder starts it: the header, then its begin record (pid, tid). */
function writeBegin(dir: string, worker: number, pid: number, tid: number): void {
  const buf = Buffer.alloc(FILE_HEADER + HEAD + 64);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeInt32LE(pid, FILE_HEADER + 13);
  buf.writeInt32LE(tid, FILE_HEADER + 17);
  buf[FILE_HEADER] = KIND.begin;
  fs.writeFileSync(path.join(dir, `w${worker}.trc`), buf);
}

const futexTimed = '202 0x55 0x89 0x0 0x7f76 0x0 0x0 0x7ffd 0x7f3e\n';
const sleeping = '230 0x1 0x1 0x7f3e 0x0 0x0 0x0 0x7ffd 0x7f3e\n';

test('a worker is found by the begin record at the head of its event file, once it is written, and its thread sampled each tick', () => {
  const { proc, dir, say } = fixture({ syscall: 'running\n' });
  const sampler = new RunSampler({ dir, workers: 1, hz: 1000, proc });
  sampler.tick(T - MS); // no event file yet
  writeBegin(dir, 0, 100, 200);
  sampler.tick(T);
  say({ syscall: futexTimed });
  sampler.tick(T + MS);
  sampler.tick(T + 2 * MS);
  say({ syscall: sleeping, schedstat: '2000 0 2\n' }); // to change its call, it ran
  sampler.tick(T + 3 * MS);
  const run = sampler.stop(T + 4 * MS);
  assert.equal(run.samples, 4);
  assert.equal(run.blockedBy, 'syscall');
  assert.deepEqual(run.threads.map(({ pid, tid, t, code, end }) => ({ pid, tid, t, code, end })), [
    { pid: 100, tid: 200, t: [T, T + MS, T + 3 * MS], code: [RUNNING, syscallCode(202, true), syscallCode(230, false)], end: T + 4 * MS },
  ]);
});

test('a blocked thread that was on a CPU for half the time since the last sample or more counts as running', () => {
  const { proc, dir, say } = fixture({ syscall: futexTimed, schedstat: '1000 0 1\n' });
  writeBegin(dir, 0, 100, 200);
  const sampler = new RunSampler({ dir, workers: 1, hz: 1000, proc });
  sampler.tick(T);
  say({ schedstat: `${1000 + 0.6 * MS} ${0.3 * MS} 2\n` });
  sampler.tick(T + MS);
  say({ schedstat: `${1000 + 0.7 * MS} ${0.3 * MS} 3\n` });
  sampler.tick(T + 2 * MS);
  const [thread] = sampler.stop(T + 3 * MS).threads;
  assert.deepEqual(thread.code, [syscallCode(202, true), RUNNING, syscallCode(202, true)]);
  assert.deepEqual([thread.onCpuNs, thread.readyNs], [0.7 * MS, 0.3 * MS]);
});

test('a blocked thread that has not been on a CPU since the last sample is still in the same call: its call is not read again', () => {
  const { proc, dir, say } = fixture({ syscall: futexTimed, schedstat: '1000 0 1\n' });
  writeBegin(dir, 0, 100, 200);
  const sampler = new RunSampler({ dir, workers: 1, hz: 1000, proc });
  sampler.tick(T);
  sampler.tick(T + MS);
  say({ syscall: sleeping }); // a change only a thread that ran could make: not looked at while schedstat stands still
  sampler.tick(T + 2 * MS);
  say({ schedstat: '1500 0 2\n' });
  sampler.tick(T + 3 * MS);
  const [thread] = sampler.stop(T + 4 * MS).threads;
  assert.deepEqual(thread.t, [T, T + 3 * MS]);
  assert.deepEqual(thread.code, [syscallCode(202, true), syscallCode(230, false)]);
});

test("where a thread's system call cannot be read, its state letter and wchan are, and the run says so", () => {
  const { proc, dir, say } = fixture({ stat: '200 (python3) S 1\n', wchan: 'futex_wait_queue' }); // no syscall file
  writeBegin(dir, 0, 100, 200);
  const sampler = new RunSampler({ dir, workers: 1, hz: 1000, proc });
  sampler.tick(T);
  say({ stat: '200 (python3) R 1\n', wchan: '0', schedstat: '2000 0 2\n' });
  sampler.tick(T + MS);
  const run = sampler.stop(T + 2 * MS);
  assert.equal(run.blockedBy, 'wchan');
  assert.deepEqual(run.wchans, ['futex_wait_queue']);
  assert.deepEqual(run.threads[0].code, [FIRST_WCHAN, RUNNING]);
});

test('a thread that ended (a zombie) is sampled no more; a long gap between samples is unseen time', () => {
  const { proc, dir, say } = fixture({ syscall: sleeping });
  writeBegin(dir, 0, 100, 200);
  const sampler = new RunSampler({ dir, workers: 1, hz: 1000, proc });
  sampler.tick(T);
  const late = T + (MAX_GAP_PERIODS + 5) * MS;
  sampler.tick(late);
  say({ syscall: '-1 0x7ffd 0x7f3e\n', stat: '200 (python3) Z 1\n', schedstat: '2000 0 2\n' }); // to exit, it ran
  sampler.tick(late + MS);
  assert.equal(sampler.live, 0);
  const [thread] = sampler.stop(late + 10 * MS).threads;
  assert.deepEqual(thread.t, [T, T + MS, late], 'the first sample stands for one period, then nothing is known until the next');
  assert.deepEqual(thread.code, [syscallCode(230, false), UNSEEN, syscallCode(230, false)]);
  assert.equal(thread.end, late + MS, 'it ended by the sample that found it gone');
});

/** A real process sleeping, and what the real /proc says of it through the sampler. */
async function withSleeper(use: (pid: number) => Promise<void> | void): Promise<void> {
  const child = spawn('sleep', ['5'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  await new Promise((resolve) => setTimeout(resolve, 50)); // in its nanosleep by now
  try {
    await use(child.pid!);
  } finally {
    child.kill();
  }
}

test('the real /proc: a sleeping process is blocked in clock_nanosleep, by this architecture\'s numbers', { skip: process.platform !== 'linux' }, async () => {
  await withSleeper((pid) => {
    const sampler = new RunSampler({ dir: root, workers: 0, hz: 1000, proc: '/proc' });
    sampler.addThread(pid, pid);
    sampler.tick(Number(process.hrtime.bigint()));
    const run = sampler.stop(Number(process.hrtime.bigint()));
    const observed = decode(run.threads[0].code[0], { syscalls: syscallNames(), wchans: run.wchans });
    assert.equal(observed.kind, 'sleep', JSON.stringify(observed));
  });
});

test("the sampler's thread samples a run from its workers' begin records until the run ends", { skip: process.platform !== 'linux' }, async () => {
  await withSleeper(async (pid) => {
    const dir = fs.mkdtempSync(path.join(root, 'run-'));
    await StateSampler.shared().begin({ dir: root, workers: 0, hz: 1000 }).end(); // its thread is up (it can take seconds to start on a loaded machine)
    const run = StateSampler.shared().begin({ dir, workers: 1, hz: 1000 });
    writeBegin(dir, 0, pid, pid);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sampled = await run.end();
    assert.equal(sampled.threads.length, 1);
    assert.ok(sampled.samples >= 5, `${sampled.samples} samples in 300 ms (a busy machine gets few)`);
    // every sample saw it sleeping; a loaded machine may starve the sampler for a while (UNSEEN: not a state)
    const seen = sampled.threads[0].code.filter((c) => c !== UNSEEN);
    const kinds = new Set(seen.map((c) => decode(c, { syscalls: syscallNames(), wchans: sampled.wchans }).kind));
    assert.deepEqual([...kinds], ['sleep']);
    // its start (the first sample) and end are on the clock the runner reads too
    assert.ok(sampled.threads[0].t[0] < sampled.threads[0].end && sampled.threads[0].end <= Number(process.hrtime.bigint()));
  });
});
