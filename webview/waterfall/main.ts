// Entry of the waterfall webview bundle (dist/webview/waterfall.js). Says `ready` first, then
// routes host messages to <trace-waterfall>; every incoming message is checked before use.
import type { SourceLocation } from '../../src/core/waterfall/spanDetail';
import { detailRequest, isHostMessage, MAX_QUERY_LENGTH, searchRequest, type WaterfallPanelState, type WebviewMessage } from '../../src/core/protocol/waterfallProtocol';
import { RequestChannel } from '../../src/core/protocol/webviewRequests';
import { connectToHost } from '../shared/hostConnection';
import { TraceWaterfallElement, type ViewState } from './waterfallElement';

const host = connectToHost<WebviewMessage>();

function isViewState(v: unknown): v is ViewState {
  const s = v as ViewState | null;
  return typeof s === 'object' && s !== null && Number.isInteger(s.selectedRow) && typeof s.scrollTop === 'number' && typeof s.critical === 'boolean';
}

// The stored state is the panel's (trace id + source, for restore after reload) with the view's inside.
const stored = host.getState() as Partial<WaterfallPanelState> | undefined;
let panelState: WaterfallPanelState | undefined =
  stored && typeof stored.traceId === 'string' && typeof stored.source === 'string' ? { traceId: stored.traceId, source: stored.source } : undefined;
let viewState: ViewState | undefined = isViewState(stored?.view) ? stored.view : undefined;
function persist(): void {
  if (panelState) host.setState({ ...panelState, view: viewState });
}

const requests = new RequestChannel<WebviewMessage>(host.post);

const view = new TraceWaterfallElement();
view.connect({
  requestDetail(row: number) {
    void requests.request(detailRequest, { row }).then((answer) => view.showDetail(answer.row, answer.detail));
  },
  search(query: string) {
    void requests.request(searchRequest, { query: query.slice(0, MAX_QUERY_LENGTH) })
      .then((answer) => view.setSearchResult(answer.query, answer.rows, answer.truncated));
  },
  openSource(location: SourceLocation) { host.post({ type: 'openSource', location }); },
  openTrace(traceId: string, spanId: string) { host.post({ type: 'openTrace', traceId, spanId }); },
  copy(text: string) { host.post({ type: 'copy', text }); },
  compare() { host.post({ type: 'compare' }); },
  saveState(state: ViewState) { viewState = state; persist(); },
}, viewState);
document.body.append(view);

host.listen(isHostMessage, (msg) => {
  if (requests.settle(msg)) return;
  switch (msg.type) {
    case 'trace': view.setTrace(msg); break;
    case 'panelState':
      if (panelState && panelState.traceId !== msg.state.traceId) viewState = undefined;
      panelState = { traceId: msg.state.traceId, source: msg.state.source };
      persist();
      break;
    case 'loading': view.setLoading(msg.message); break;
    case 'error': view.setError(msg.message); break;
    case 'insights': view.insights.set(msg); break;
  }
});
