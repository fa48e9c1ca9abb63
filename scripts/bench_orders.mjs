// The panel's order view of 1,000 repetitions (issue 15, goal ≤ 50 ms): a thread model run 1,000
// times in 751 distinct orders of 20 events, opened in the webview; the view's own cost (built and
// drawn: performance measure `interleave:orders`), median of `opens`. Used by bench.mjs.
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `s`'s characters shuffled by a small LCG seeded by `seed`: another order of the same events. */
function shuffled(s, seed) {
  const chars = [...s];
  let x = seed;
  for (let i = chars.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/** The host's trace message for `repetitions` runs of 2 threads printing 10 lines each. */
export function repeatedTraceMessage(root, repetitions = 1000) {
  const { modelOrders } = require(path.join(root, 'out', 'src', 'shared', 'orders.js'));
  const { traceMessage } = require(path.join(root, 'out', 'src', 'shared', 'protocol.js'));
  const apart = '00000000001111111111';
  const signatures = Array.from({ length: repetitions }, (_, k) => (k % 4 ? shuffled(apart, k) : apart));
  const runs = signatures.map((s, k) => {
    const seen = [0, 0];
    const events = [...s].map((c, i) => ({ t: 1000 * (i + 1), worker: Number(c), pid: 4242, stream: 'stdout', text: `Number: ${seen[Number(c)]++}`, line: 5 }));
    const end = 1000 * (s.length + 1);
    const workerInfo = [0, 1].map((worker) => ({ worker, pid: 4242, createdNs: 0, startNs: 500, endNs: end, joinedNs: end, cpuNs: end / 2, status: 'ok' }));
    return { model: 'thread', workers: 2, startMethod: null, wallNs: 1e6 + k, workerInfo, events, repetition: k };
  });
  const trace = {
    schema: 'interleave.trace/1',
    target: { file: '/bench/threads_example.py', function: 'print_numbers', line: 4 },
    python: { version: '3.11.7', implementation: 'CPython', executable: 'python3', gil: true, cpuCount: 2, platform: 'linux' },
    runs,
    orders: [modelOrders('thread', signatures)],
  };
  return traceMessage(trace, 'bench-orders');
}

/** Opens the message `opens` times in a fresh page of `html`; the order view's cost each time (ms). */
export async function orderViewTimes(browser, html, message, opens = 5) {
  const plain = { ...message, columns: message.columns.map((c) => ({ t: [...c.t], worker: [...c.worker], line: [...c.line], stream: [...c.stream], thread: [...c.thread], textEnd: [...c.textEnd], text: c.text })) };
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`file://${html}`);
  await page.waitForFunction(() => window.__posted.length > 0);
  const times = [];
  for (let i = 0; i < opens; i++) {
    const ms = await page.evaluate(async (m) => {
      const typed = (c) => ({ t: Float64Array.from(c.t), worker: Uint16Array.from(c.worker), line: Int32Array.from(c.line), stream: Uint8Array.from(c.stream), thread: Uint8Array.from(c.thread), textEnd: Uint32Array.from(c.textEnd), text: c.text });
      performance.clearMeasures('interleave:orders');
      window.postMessage({ ...m, columns: m.columns.map(typed) }, '*');
      while (!performance.getEntriesByName('interleave:orders').length) await new Promise((r) => setTimeout(r, 5));
      return performance.getEntriesByName('interleave:orders')[0].duration;
    }, { ...plain, key: `bench-orders-${i}` });
    times.push(ms);
  }
  await page.close();
  return times;
}
