/**
 * Webview boot. In VS Code: acquire the API, restore state, send `ready`, then render what the
 * host sends. In a standalone HTML report: render the trace embedded in the page.
 */
import { toColumns, type EventColumns, type RunMeta } from '../../src/shared/columns';
import { traceMessage, type HostToWebview, type TimelineState, type WebviewToHost } from '../../src/shared/protocol';
import type { Model, OutputEvent, Trace } from '../../src/shared/trace';
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
  onReveal: (line) => vscode?.postMessage({ type: 'reveal', line }),
  onZoom: (zoom) => {
    state = { ...state, zoom };
    vscode?.setState(state);
  },
});

/** Events received while a run goes on, per model, drawn on provisional runs. */
const live = new Map<Model, OutputEvent[]>();
let liveWorkers = 2;
let liveTimer = 0;
const LIVE_CAP = 50_000;

function drawLive(): void {
  liveTimer = 0;
  const runs: RunMeta[] = [];
  const columns: EventColumns[] = [];
  for (const [model, events] of live) {
    const sorted = [...events].sort((a, b) => a.t - b.t || a.worker - b.worker);
    const wallNs = sorted.length ? sorted[sorted.length - 1].t : 0;
    runs.push({ model, workers: liveWorkers, startMethod: null, wallNs, workerInfo: [], eventCount: sorted.length });
    columns.push(toColumns(sorted));
  }
  view.showLive(runs, columns);
}

function onMessage(message: HostToWebview): void {
  switch (message.type) {
    case 'running':
      live.clear();
      liveWorkers = message.workers;
      view.setTitle(message.title);
      view.showStatus(`Running ${message.models.join(', ')} with ${message.workers} workers each…`);
      document.body.dataset.state = 'running';
      break;
    case 'events': {
      const list = live.get(message.model) ?? [];
      list.push(...message.events.slice(0, Math.max(0, LIVE_CAP - list.length)));
      live.set(message.model, list);
      const last = message.events[message.events.length - 1];
      view.showStatus(`Running… ${[...live].map(([m, n]) => `${m}: ${n.length} events`).join(' · ')}${last ? ` — latest: ${last.text}` : ''}`);
      if (!liveTimer) liveTimer = window.setTimeout(drawLive, 250); // at most 4 redraws a second
      break;
    }
    case 'trace': {
      window.clearTimeout(liveTimer);
      liveTimer = 0;
      live.clear();
      const sameTrace = state.key === message.key;
      view.showTrace(message.trace, message.columns, message.summaries, sameTrace ? state.zoom : undefined);
      state = { key: message.key, zoom: sameTrace ? state.zoom : undefined };
      vscode?.setState(state);
      break;
    }
    case 'failed':
      window.clearTimeout(liveTimer);
      liveTimer = 0;
      document.body.dataset.state = 'failed';
      view.showStatus(message.message);
      break;
    case 'highlightLine':
      view.setHighlightLine(message.line);
      break;
  }
}

if (vscode) {
  window.addEventListener('message', (e: MessageEvent<HostToWebview>) => onMessage(e.data));
  vscode.postMessage({ type: 'ready' });
} else {
  const embedded = document.getElementById('interleave-trace');
  if (embedded?.textContent) {
    const message = traceMessage(JSON.parse(embedded.textContent) as Trace, 'report');
    view.showTrace(message.trace, message.columns, message.summaries);
  }
}
