// Entry of the function flame graph webview bundle (dist/webview/functionFlame.js). Says `ready`
// first, then routes host messages to <function-flame>; every incoming message is checked before use.
import { isFunctionFlameHostMessage, type FunctionFlameWebviewMessage } from '../../src/webviews/functionFlame/protocol';
import { FunctionFlameElement } from './functionFlameView';

interface VsCodeApi { postMessage(message: FunctionFlameWebviewMessage): void }
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const view = new FunctionFlameElement();
view.connect({ openSource: (location) => vscode.postMessage({ type: 'openSource', location }) });
document.body.append(view);

window.addEventListener('message', (event: MessageEvent) => {
  const msg: unknown = event.data;
  if (!isFunctionFlameHostMessage(msg)) return;
  switch (msg.type) {
    case 'functionFlame': view.setFlame(msg); break;
    case 'loading': view.setStatus(msg.message, false); break;
    case 'error': view.setStatus(msg.message, true); break;
  }
});

vscode.postMessage({ type: 'ready' });
