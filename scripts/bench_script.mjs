// The program as written (`interleave script`, issue 16): what tracing costs, and a big program
// traced whole. Used by bench.mjs (BENCH_ONLY=script).
// (a) The seed's processes script: bare ÷ traced, as the extension pays it (the engine called in
//     this process, as the extension host does) and through the CLI (Node's start-up included);
//     interleaved rounds, best of each. Goal: traced ≤ 1.2 × bare + 50 ms.
// (b) 100 threads and 10 processes printing 1,000 lines each: every line recorded once, on the lane
//     of the one that printed it; the trace opened in the panel (data in → first paint) ≤ 1 s.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const load = () => `load ${os.loadavg()[0].toFixed(1)}`;

function timed(fn) {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return r instanceof Promise ? r.then((v) => ({ ms: Number(process.hrtime.bigint() - t0) / 1e6, v })) : { ms: Number(process.hrtime.bigint() - t0) / 1e6, v: r };
}

/** Bare, engine and CLI, `rounds` interleaved rounds: the best of each (ms) and the load after each. */
async function processesScriptCost({ root, real, rounds }) {
  const { runScriptEvents } = require(path.join(root, 'out', 'src', 'runner', 'scriptRun.js'));
  const file = path.join(root, 'examples', 'processes_example.py');
  const best = { bare: Infinity, engine: Infinity, cli: Infinity };
  const loads = [];
  for (let r = 0; r < rounds; r++) {
    best.bare = Math.min(best.bare, timed(() => spawnSync(real, [file], { stdio: 'ignore', cwd: path.dirname(file) })).ms);
    // as the extension calls it: its output to an Output channel (here: dropped), no files written
    const engine = await timed(() => runScriptEvents({ python: real, file, argv: [], timeoutSeconds: 60, onOutput: () => {} }));
    best.engine = Math.min(best.engine, engine.ms);
    const cli = timed(() => spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'script', file, '--quiet', '--python', real], { stdio: 'ignore' }));
    if (cli.v.status !== 0) throw new Error(`interleave script ${file} failed (${cli.v.status})`);
    best.cli = Math.min(best.cli, cli.ms);
    loads.push(os.loadavg()[0]);
  }
  return { best, load: `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` };
}

/** The big program traced through the engine: events, per-lane counts checked, and its trace message. */
async function manyWorkersTrace({ root, real, lines }) {
  const { runScriptEvents } = require(path.join(root, 'out', 'src', 'runner', 'scriptRun.js'));
  const { traceMessage } = require(path.join(root, 'out', 'src', 'shared', 'protocol.js'));
  const file = path.join(root, 'scripts', 'bench_script_many.py');
  const { ms, v } = await timed(() => runScriptEvents({ python: real, file, argv: [String(lines)], timeoutSeconds: 300, onOutput: () => {} }));
  const { trace, events } = v;
  const run = trace.runs[0];
  // every line of lane "thread k"/"process k" has that text and is on a lane of that kind; each (who, i) once
  const seen = new Set();
  let misplaced = 0;
  for (let k = 0; k < events[0].length; k++) {
    const e = events[0].event(k);
    const [kind] = e.text.split(' ');
    if (run.workerInfo[e.worker].kind !== kind) misplaced++;
    seen.add(`${e.worker} ${e.text}`);
  }
  const message = traceMessage(trace, 'bench-script', { columns: events.map((e) => e.toColumns()), counts: events.map((e) => e.counts()) });
  return { ms, events: events[0].length, distinct: seen.size, misplaced, lanes: run.workerInfo.length, message };
}

/** Opens `message` in a fresh page of the webview `html`: data in → first event row painted (ms). */
async function openTime(browser, html, message) {
  const plain = { ...message, columns: message.columns.map((c) => ({ t: [...c.t], worker: [...c.worker], line: [...c.line], stream: [...c.stream], thread: [...c.thread], textEnd: [...c.textEnd], text: c.text })) };
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`file://${html}`);
  await page.waitForFunction(() => window.__posted.length > 0);
  const ms = await page.evaluate(async (m) => {
    const typed = (c) => ({ t: Float64Array.from(c.t), worker: Uint16Array.from(c.worker), line: Int32Array.from(c.line), stream: Uint8Array.from(c.stream), thread: Uint8Array.from(c.thread), textEnd: Uint32Array.from(c.textEnd), text: c.text });
    const columns = m.columns.map(typed); // built before the clock starts: the host transfers them
    const t0 = performance.now();
    window.postMessage({ ...m, columns }, '*', columns.flatMap((c) => [c.t.buffer, c.worker.buffer, c.line.buffer, c.stream.buffer, c.thread.buffer, c.textEnd.buffer]));
    await new Promise((resolve) => {
      const check = () => (document.querySelector('.event-row') ? requestAnimationFrame(() => resolve()) : setTimeout(check, 1));
      check();
    });
    return performance.now() - t0;
  }, plain);
  await page.close();
  return ms;
}

export async function benchScript({ root, python, smoke, row, browser, html }) {
  // Python as users have it: bytecode cached (a shell here sets PYTHONDONTWRITEBYTECODE=1, which
  // makes every run compile the harness again)
  const noBytecode = process.env.PYTHONDONTWRITEBYTECODE;
  delete process.env.PYTHONDONTWRITEBYTECODE;
  try {
    await measure({ root, python, smoke, row, browser, html });
  } finally {
    if (noBytecode !== undefined) process.env.PYTHONDONTWRITEBYTECODE = noBytecode;
  }
}

async function measure({ root, python, smoke, row, browser, html }) {
  const real = spawnSync(python, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
  const { best, load: cost } = await processesScriptCost({ root, real, rounds: smoke ? 1 : 7 });
  const goal = 1.2 * best.bare + 50;
  row(`script: processes_example.py bare (${real}), best of ${smoke ? 1 : 7} (${cost})`, best.bare, 'ms', '—', null);
  row(`script: the same traced, engine in-process as the extension (${cost})`, best.engine, `ms (${(best.engine / best.bare).toFixed(2)}×)`, `≤ ${goal.toFixed(0)} ms (1.2× + 50)`, best.engine <= goal);
  row(`script: the same traced, CLI (Node start-up included; ${cost})`, best.cli, `ms (${(best.cli / best.bare).toFixed(2)}×)`, `≤ ${goal.toFixed(0)} ms (1.2× + 50)`, best.cli <= goal);

  const lines = smoke ? 20 : 1000;
  const many = await manyWorkersTrace({ root, real, lines });
  const expected = 110 * lines;
  const whole = many.events === expected && many.distinct === expected && many.misplaced === 0;
  row(`script: 100 threads + 10 processes × ${lines.toLocaleString('en')} lines, recorded (${many.lanes} lanes; ${many.misplaced} on a wrong lane; ${load()})`, `${many.distinct.toLocaleString('en')} of ${expected.toLocaleString('en')}`, '', 'all, once', whole);
  row(`script: that program traced, engine (${load()})`, many.ms, 'ms', '—', null);
  if (browser) {
    const opens = [];
    for (let i = 0; i < (smoke ? 1 : 3); i++) opens.push(await openTime(browser, html, many.message));
    const ms = Math.min(...opens);
    row(`script: that trace opened in the panel (data in → first paint, best of ${opens.length}; ${load()})`, ms, 'ms', '≤ 1000 ms', ms <= 1000);
  }
}
