/**
 * Webview boot. In VS Code: acquire the API, restore state, send `ready`, then render what the
 * host sends. In a standalone HTML report: render the trace embedded in the page.
 */
import type { HostToWebview, TimelineState, WebviewToHost } from '../../src/shared/protocol';
import type { Model, Trace } from '../../src/shared/trace';
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

const live = new Map<Model, number>();

function onMessage(message: HostToWebview): void {
  switch (message.type) {
    case 'running':
      live.clear();
      view.setTitle(message.title);
      view.showStatus(`Running ${message.models.join(', ')} with ${message.workers} workers each…`);
      break;
    case 'events': {
      live.set(message.model, (live.get(message.model) ?? 0) + message.events.length);
      const last = message.events[message.events.length - 1];
      view.showStatus(`Running… ${[...live].map(([m, n]) => `${m}: ${n} events`).join(' · ')}${last ? ` — latest: ${last.text}` : ''}`);
      break;
    }
    case 'trace': {
      const sameTrace = state.key === message.key;
      view.showTrace(message.trace, sameTrace ? state.zoom : undefined);
      state = { key: message.key, zoom: sameTrace ? state.zoom : undefined };
      vscode?.setState(state);
      break;
    }
    case 'failed':
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
  if (embedded?.textContent) view.showTrace(JSON.parse(embedded.textContent) as Trace);
}
