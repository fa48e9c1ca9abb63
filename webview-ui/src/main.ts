/**
 * Webview boot. In VS Code: acquire the API, restore state, send `ready`, then render what the
 * host sends. In a standalone HTML report: render the trace embedded in the page.
 */
import { concatColumns, sortColumns, textAt, type EventColumns, type RunMeta } from '../../src/shared/columns';
import { traceMessage, type HostToWebview, type ImageFormat, type TimelineState, type WebviewToHost } from '../../src/shared/protocol';
import { modelProgress } from '../../src/shared/recording';
import type { Model, Trace } from '../../src/shared/trace';
import { exportImage } from './timeline/exportImage';
import { HistoryBar } from './timeline/history';
import { enableCompare, enableExport } from './timeline/toolbar';
import { TimelineView } from './timeline/view';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): TimelineState | undefined;
  setState(state: TimelineState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const app = document.getElementById('app')!;
const vscode: VsCodeApi | null = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
let state: TimelineState = vscode?.getState() ?? {};

const view = new TimelineView(app, {
  onReveal: vscode ? (line, focus, file) => vscode.postMessage(file === undefined ? { type: 'reveal', line, focus } : { type: 'reveal', line, focus, file }) : undefined,
  onZoom: (zoom) => {
    state = { ...state, zoom };
    vscode?.setState(state);
  },
  onPredictFirst: (predict) => {
    state = { ...state, predict };
    vscode?.setState(state);
  },
  onCollapse: (collapsed) => {
    state = { ...state, collapsed };
    vscode?.setState(state);
  },
});
view.setPredictFirst(state.predict === true);

/** The recordings the host keeps, and Run again: only in VS Code. */
const history = vscode && new HistoryBar({ show: (key) => vscode.postMessage({ type: 'showRecording', key }), runAgain: (key, repeat) => vscode.postMessage(repeat ? { type: 'runAgain', key, repeat } : { type: 'runAgain', key }) });
if (history) app.querySelector('.toolbar .buttons')?.before(history.element);

/** Which model of the run is going: "2 of 5: thread". */
let progress = '';

/**
 * Events received while a run goes on, per model (chunks of columns), drawn on provisional runs;
 * with --repeat, of the model's latest repetition only (each has its own clock: together they
 * would be drawn over one another).
 */
const live = new Map<Model, { chunks: EventColumns[]; count: number; repetition: number }>();
let liveWorkers = 2;
let liveTimer = 0;
let liveDrawn = false;
const LIVE_CAP = 50_000;

function drawLive(): void {
  liveTimer = 0;
  liveDrawn = true;
  const runs: RunMeta[] = [];
  const columns: EventColumns[] = [];
  for (const [model, { chunks, repetition }] of live) {
    const sorted = sortColumns(concatColumns(chunks));
    live.set(model, { chunks: [sorted], count: sorted.t.length, repetition }); // merged once, not again
    const n = sorted.t.length;
    runs.push({ model, workers: liveWorkers, startMethod: null, wallNs: n ? sorted.t[n - 1] : 0, workerInfo: [], eventCount: n });
    columns.push(sorted);
  }
  view.showLive(runs, columns);
}

/** " — sequential: 10 events · thread: 6 events" (nothing before the first events). */
function liveCounts(): string {
  return live.size ? ` — ${[...live].map(([m, e]) => `${m}${e.repetition ? ` run ${e.repetition + 1}` : ''}: ${e.count} events`).join(' · ')}` : '';
}

function onMessage(message: HostToWebview): void {
  switch (message.type) {
    case 'running':
      live.clear();
      liveDrawn = false;
      liveWorkers = message.workers;
      progress = '';
      view.setTitle(message.title);
      view.showStatus(`Running ${message.models.join(', ')} with ${message.workers} workers each…`);
      document.body.dataset.state = 'running';
      history?.setRunning(true);
      break;
    case 'progress':
      progress = modelProgress(message.index, message.total, message.model);
      view.showStatus(`Running ${progress}…${liveCounts()}`);
      break;
    case 'events': {
      const repetition = message.repetition ?? 0;
      const seen = live.get(message.model);
      const entry = seen && seen.repetition === repetition ? seen : { chunks: [], count: 0, repetition };
      const chunk = message.columns;
      const n = chunk.t.length;
      if (entry.count < LIVE_CAP && n > 0) {
        entry.chunks.push(chunk);
        entry.count += n;
      }
      live.set(message.model, entry);
      view.showStatus(`Running ${progress || '…'}${liveCounts()}${n ? ` — latest: ${textAt(chunk, n - 1)}` : ''}`);
      // the first events at once; then up to 10 redraws a second while there are few, 4 beyond
      const total = [...live.values()].reduce((sum, e) => sum + e.count, 0);
      if (!liveTimer) liveTimer = window.setTimeout(drawLive, !liveDrawn ? 0 : total < 20_000 ? 100 : 250);
      break;
    }
    case 'trace': {
      window.clearTimeout(liveTimer);
      liveTimer = 0;
      live.clear();
      const sameTrace = state.key === message.key;
      view.showTrace(message.trace, message.columns, message.summaries, sameTrace ? state.zoom : undefined, sameTrace ? state.collapsed : undefined);
      state = { ...state, key: message.key, zoom: sameTrace ? state.zoom : undefined, collapsed: sameTrace ? state.collapsed : undefined };
      vscode?.setState(state);
      history?.setRunning(false);
      break;
    }
    case 'history':
      history?.update(message.recordings, message.shown);
      break;
    case 'failed':
      window.clearTimeout(liveTimer);
      liveTimer = 0;
      history?.setRunning(false);
      document.body.dataset.state = 'failed';
      view.showStatus(message.message);
      break;
    case 'compare':
      view.showComparison(message.name, message.trace, message.columns);
      break;
    case 'compareFailed':
      view.showStatus(message.message); // the runs shown stay as they are
      break;
    case 'highlightLine':
      view.setHighlightLine(message.line, message.file);
      break;
    case 'exportImage':
      void sendImage(message.requestId, message.format);
      break;
  }
}

/** Draws the view as the host asked and sends the file's bytes back (or what went wrong). */
async function sendImage(requestId: number, format: ImageFormat): Promise<void> {
  try {
    vscode?.postMessage({ type: 'image', requestId, bytes: await exportImage(app, format) });
  } catch (e) {
    vscode?.postMessage({ type: 'image', requestId, error: e instanceof Error ? e.message : String(e) });
  }
}

if (vscode) {
  enableExport(app, () => vscode.postMessage({ type: 'export' }));
  enableCompare(app, () => vscode.postMessage({ type: 'compareTrace' }));
  window.addEventListener('message', (e: MessageEvent<HostToWebview>) => onMessage(e.data));
  vscode.postMessage({ type: 'ready' });
} else {
  const embedded = document.getElementById('interleave-trace');
  if (embedded?.textContent) {
    const message = traceMessage(JSON.parse(embedded.textContent) as Trace, 'report');
    view.showTrace(message.trace, message.columns, message.summaries);
  }
}
