// Entry of the compare webview bundle (dist/webview/compare.js). Says `ready` first, then routes
// host messages to <trace-compare>; every incoming message is checked before use.
import { isCompareHostMessage, type CompareWebviewMessage } from '../../src/webviews/compare/protocol';
import { TraceCompareElement } from './compareView';

interface VsCodeApi { postMessage(message: CompareWebviewMessage): void }
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const view = new TraceCompareElement();
view.connect({
  openTrace: (side, spanId) => vscode.postMessage({ type: 'openTrace', side, spanId }),
  openSource: (location) => vscode.postMessage({ type: 'openSource', location }),
});
document.body.append(view);

window.addEventListener('message', (event: MessageEvent) => {
  const msg: unknown = event.data;
  if (!isCompareHostMessage(msg)) return;
  switch (msg.type) {
    case 'comparison': view.setComparison(msg); break;
    case 'loading': view.setLoading(msg.message); break;
    case 'error': view.setError(msg.message); break;
  }
});

vscode.postMessage({ type: 'ready' });
