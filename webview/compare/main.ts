// Entry of the compare webview bundle (dist/webview/compare.js). Says `ready` first, then routes
// host messages to <trace-compare>; every incoming message is checked before use.
import { isCompareHostMessage, type CompareWebviewMessage } from '../../src/core/protocol/compareProtocol';
import { connectToHost } from '../shared/hostConnection';
import { TraceCompareElement } from './compareView';

const host = connectToHost<CompareWebviewMessage>();
const view = new TraceCompareElement();
view.connect({
  openTrace: (side, spanId) => host.post({ type: 'openTrace', side, spanId }),
  openSource: (location) => host.post({ type: 'openSource', location }),
});
document.body.append(view);

host.listen(isCompareHostMessage, (msg) => {
  switch (msg.type) {
    case 'comparison': view.setComparison(msg); break;
    case 'loading': view.setLoading(msg.message); break;
    case 'error': view.setError(msg.message); break;
  }
});
