import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutputEvent, Run } from '../../src/shared/trace';
import { fixture, runCli, runCliShowingOutput } from './helpers';

const texts = (run: Run, worker: number) => run.events.filter((e) => e.worker === worker).map((e) => e.text);

test('output of a thread that a worker starts itself: that worker\'s, on a sub-lane of its own', () => {
  const r = runCli(['run', fixture('helper_thread.py'), '--function', 'with_helper']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    for (const w of [0, 1]) {
      const mine = run.events.filter((e) => e.worker === w);
      assert.deepEqual(mine.map((e) => e.text), ['worker says hi', 'helper says hi', 'worker done'], `${run.model} worker ${w}`);
      assert.deepEqual(mine.map((e) => e.thread), [undefined, 1, undefined], `${run.model} worker ${w}: the helper's line is on sub-lane 1`);
      assert.deepEqual(run.workerInfo[w].threads?.map((t) => t.thread), [1]);
      assert.match(run.workerInfo[w].threads![0].name, /Thread-\d+/);
    }
  }
});

const SYNC_MODELS = ['--models', 'sequential,thread,process,thread-pool,process-pool'];

/** The runs of a fixture's plain function in the five models and of its async twin under asyncio. */
function everyModel(file: string, fn: string, showOutput = false): { runs: Run[]; output: string } {
  const plain = runCli(['run', fixture(file), '--function', fn, ...SYNC_MODELS], undefined, showOutput);
  assert.equal(plain.status, 0, plain.stderr);
  const async = runCli(['run', fixture(file), '--function', `${fn}_async`, '--models', 'asyncio'], undefined, showOutput);
  assert.equal(async.status, 0, async.stderr);
  return { runs: [...plain.trace!.runs, ...async.trace!.runs], output: plain.stderr + async.stderr };
}

test('a thread left running when the worker\'s function returns: waited for, as Python does; its lines are the worker\'s, which ends after it', () => {
  const { runs } = everyModel('outlived_by_a_thread.py', 'leave_a_thread');
  for (const run of runs) {
    for (const w of [0, 1]) {
      const mine = run.events.filter((e) => e.worker === w);
      assert.deepEqual(mine.map((e) => [e.text, e.thread]), [['returned', undefined], ['late', 1]], `${run.model} worker ${w}`);
      const info = run.workerInfo[w];
      assert.equal(info.status, 'ok', run.model);
      assert.ok(info.endNs! >= mine[1].t, `${run.model} worker ${w}: ends (${info.endNs}) after its thread's line (${mine[1].t})`);
    }
  }
});

test('a daemon thread still printing after its worker ended: no error of ours, its late lines kept', () => {
  const { runs, output } = everyModel('outlived_by_a_daemon.py', 'leave_a_daemon', true);
  assert.doesNotMatch(output, /mmap closed|Exception (ignored )?in thread|Traceback/, 'the user\'s threads do not die of our recorder');
  for (const run of runs) {
    for (const w of [0, 1]) {
      const texts = run.events.filter((e) => e.worker === w).map((e) => e.text);
      assert.ok(texts.includes('returned') && texts.includes('late') && texts.includes('tick'), `${run.model} worker ${w}: ${texts.join(', ')}`);
      assert.equal(run.workerInfo[w].status, 'ok', run.model);
    }
  }
  // sequential: the first call's daemon goes on printing while the second call runs (≥ 0.3 s)
  const sequential = runs.find((r) => r.model === 'sequential')!;
  const firstEnd = sequential.workerInfo[0].endNs!;
  assert.ok(sequential.events.some((e) => e.worker === 0 && e.text === 'tick' && e.t > firstEnd), 'ticks after its worker ended are kept');
});

test('a file name that is not UTF-8 prints as in a terminal (stdout keeps surrogateescape); recorded with the byte escaped', () => {
  const r = runCli(['run', fixture('prints_undecodable_name.py'), '--function', 'print_name'], undefined, true);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.split('name-\ufffd\n').length - 1, 6, 'the byte reaches the user as is (shown here as U+FFFD), in each worker of each model');
  for (const run of r.trace!.runs) {
    assert.deepEqual(run.workerInfo.map((w) => w.status), ['ok', 'ok'], `${run.model}: ${run.workerInfo[0].error?.message}`);
    for (const w of [0, 1]) assert.deepEqual(texts(run, w), ['name-\\udcff', 'after'], `${run.model} worker ${w}`);
  }
});

const BELOW = ['python print', 'os.write to stdout', 'os.write to stderr', 'from a subprocess', 'from C printf', 'python after'];
/** Read from the pipe under fds 1/2: the time it was read, no line. */
const READ_BELOW = new Set(['from a subprocess', 'from C printf']);
/** Written with os.write: marked approximate (it bypassed sys.stdout), but its line is known. */
const OS_WRITE = new Set(['os.write to stdout', 'os.write to stderr']);

function checkBelow(run: Run, exactWorkers: boolean): void {
  const label = `${run.model}${run.startMethod ? ` (${run.startMethod})` : ''}`;
  for (const e of run.events) {
    if (READ_BELOW.has(e.text)) {
      assert.equal(e.approximate, true, `${label}: "${e.text}" came from below Python`);
      assert.equal(e.line, null);
    } else if (OS_WRITE.has(e.text)) {
      assert.equal(e.approximate, true, `${label}: "${e.text}" bypassed sys.stdout`);
      assert.ok(e.line! > 0, `${label}: "${e.text}" still has its line`);
    } else {
      assert.equal(e.approximate, undefined, `${label}: "${e.text}" is exact`);
      assert.ok(e.line! > 0, `${label}: "${e.text}" has its line`);
    }
  }
  const osWrite = run.events.find((e) => e.text === 'os.write to stderr') as OutputEvent;
  assert.equal(osWrite.stream, 'stderr');
  assert.equal(osWrite.line, 9);
  if (exactWorkers) {
    for (const w of [0, 1]) assert.deepEqual([...texts(run, w)].sort(), [...BELOW].sort(), `${label} worker ${w}`);
  } else {
    // several threads at once: who wrote below Python is a guess, but nothing is lost
    assert.deepEqual(run.events.map((e) => e.text).sort(), [...BELOW, ...BELOW].sort(), label);
  }
}

test('output written below Python (os.write, a subprocess, C printf): recorded and marked approximate; os.write keeps its line', () => {
  const r = runCli(['run', fixture('below_python.py'), '--function', 'write_below', '--models', 'sequential,thread,process']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) checkBelow(run, run.model !== 'thread');
});

test('below Python in spawn children too', () => {
  const r = runCli(['run', fixture('below_python.py'), '--function', 'write_below', '--models', 'process', '--start-method', 'spawn']);
  assert.equal(r.status, 0, r.stderr);
  checkBelow(r.trace!.runs[0], true);
});

test('output written below Python still reaches the user, once', () => {
  const r = runCliShowingOutput(['run', fixture('below_python.py'), '--function', 'write_below', '--models', 'process', '--workers', '1']);
  assert.equal(r.status, 0, r.stderr);
  const all = r.stdout + r.stderr;
  for (const text of BELOW) assert.equal(all.split(`${text}\n`).length - 1, 1, `"${text}" shown once`);
});

test('a logging handler writing to a stream: its lines are events, with the logging call\'s line; set-up calls at top level still run', () => {
  const r = runCli(['run', fixture('logs.py'), '--function', 'log_lines', '--models', 'sequential,thread,process', '--start-method', 'spawn']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.trace!.target.skippedLines, [9], 'basicConfig and addHandler are set-up: kept; the print is the script part');
  for (const run of r.trace!.runs) {
    for (const w of [0, 1]) {
      const mine = run.events.filter((e) => e.worker === w).map((e) => [e.stream, e.text.replace(/^\[[^\]]+\] /, '[…] '), e.line]);
      assert.deepEqual(mine, [
        ['stdout', '[…] starting', 13],
        ['stderr', 'INFO fixture: starting', 13],
        ['stdout', '[…] careful', 14],
        ['stderr', 'WARNING fixture: careful', 14],
      ], `${run.model} worker ${w}`);
    }
  }
});

test('a flood read while it is being written: every line arrives, whole and in order (the reader never sees half a record)', () => {
  const n = 300_000;
  const r = runCli(['run', fixture('big_flood.py'), '--function', 'flood', '--args', String(n), '--models', 'thread,process']);
  assert.equal(r.status, 0, r.stderr);
  for (const run of r.trace!.runs) {
    assert.deepEqual(run.workerInfo.map((w) => w.status), ['ok', 'ok'], run.model);
    for (const w of [0, 1]) {
      const texts = run.events.filter((e) => e.worker === w).map((e) => e.text);
      assert.equal(texts.length, n, `${run.model} worker ${w}`);
      const wrong = texts.findIndex((t, i) => t !== `line ${i}`);
      assert.equal(wrong, -1, `${run.model} worker ${w}: line ${wrong} is ${JSON.stringify(texts[wrong])}`);
    }
  }
});
