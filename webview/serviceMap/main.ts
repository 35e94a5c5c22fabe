// Entry of the service map webview bundle (dist/webview/serviceMap.js). Says `ready` first, then
// routes host messages to <service-map>; every incoming message is checked before use.
import { isServiceMapHostMessage, type ServiceMapWebviewMessage } from '../../src/webviews/serviceMap/protocol';
import { ServiceMapElement } from './serviceMapView';

interface VsCodeApi { postMessage(message: ServiceMapWebviewMessage): void }
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const view = new ServiceMapElement();
view.connect({
  searchService: (service) => vscode.postMessage({ type: 'searchService', service }),
  edgeTraces: (from, to) => vscode.postMessage({ type: 'edgeTraces', from, to }),
});
document.body.append(view);

window.addEventListener('message', (event: MessageEvent) => {
  const msg: unknown = event.data;
  if (!isServiceMapHostMessage(msg)) return;
  if (msg.type === 'serviceMap') view.setMap(msg);
  else view.setStatus(msg.message, msg.type === 'error');
});

vscode.postMessage({ type: 'ready' });
