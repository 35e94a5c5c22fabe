// Entry of the waterfall webview bundle (dist/webview/waterfall.js). Says `ready` first, then
// routes host messages to <trace-waterfall>; every incoming message is checked before use.
import type { SourceLocation } from '../../src/core/waterfall/spanDetail';
import { isHostMessage, type WaterfallPanelState, type WebviewMessage } from '../../src/webviews/waterfall/protocol';
import { TraceWaterfallElement, type ViewState } from './waterfallElement';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function isViewState(v: unknown): v is ViewState {
  const s = v as ViewState | null;
  return typeof s === 'object' && s !== null && Number.isInteger(s.selectedRow) && typeof s.scrollTop === 'number' && typeof s.critical === 'boolean';
}

// The stored state is the panel's (trace id + source, for restore after reload) with the view's inside.
const stored = vscode.getState() as Partial<WaterfallPanelState> | undefined;
let panelState: WaterfallPanelState | undefined =
  stored && typeof stored.traceId === 'string' && typeof stored.source === 'string' ? { traceId: stored.traceId, source: stored.source } : undefined;
let viewState: ViewState | undefined = isViewState(stored?.view) ? stored.view : undefined;
function persist(): void {
  if (panelState) vscode.setState({ ...panelState, view: viewState });
}

let requestId = 0;
const pendingDetail = new Map<number, number>();
const pendingSearch = new Map<number, string>();

const view = new TraceWaterfallElement();
view.connect({
  requestDetail(row: number) {
    const id = ++requestId;
    pendingDetail.set(id, row);
    vscode.postMessage({ type: 'detail', requestId: id, row });
  },
  search(query: string) {
    const id = ++requestId;
    pendingSearch.set(id, query);
    vscode.postMessage({ type: 'search', requestId: id, query: query.slice(0, 1000) });
  },
  openSource(location: SourceLocation) { vscode.postMessage({ type: 'openSource', location }); },
  openTrace(traceId: string, spanId: string) { vscode.postMessage({ type: 'openTrace', traceId, spanId }); },
  copy(text: string) { vscode.postMessage({ type: 'copy', text }); },
  compare() { vscode.postMessage({ type: 'compare' }); },
  saveState(state: ViewState) { viewState = state; persist(); },
}, viewState);
document.body.append(view);

window.addEventListener('message', (event: MessageEvent) => {
  const msg: unknown = event.data;
  if (!isHostMessage(msg)) return;
  switch (msg.type) {
    case 'trace': view.setTrace(msg); break;
    case 'panelState':
      if (panelState && panelState.traceId !== msg.state.traceId) viewState = undefined;
      panelState = { traceId: msg.state.traceId, source: msg.state.source };
      persist();
      break;
    case 'loading': view.setLoading(msg.message); break;
    case 'error': view.setError(msg.message); break;
    case 'detail':
      if (!pendingDetail.has(msg.requestId)) return;
      pendingDetail.delete(msg.requestId);
      view.showDetail(msg.row, msg.detail);
      break;
    case 'insights': view.insights.set(msg); break;
    case 'searchResult':
      if (!pendingSearch.has(msg.requestId)) return;
      pendingSearch.delete(msg.requestId);
      view.setSearchResult(msg.query, msg.rows, msg.truncated);
      break;
  }
});

vscode.postMessage({ type: 'ready' });
