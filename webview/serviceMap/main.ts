// Entry of the service map webview bundle (dist/webview/serviceMap.js). Says `ready` first, then
// routes host messages to <service-map>; every incoming message is checked before use.
import { isServiceMapHostMessage, type ServiceMapWebviewMessage } from '../../src/core/protocol/serviceMapProtocol';
import { connectToHost } from '../shared/hostConnection';
import { ServiceMapElement } from './serviceMapView';

const host = connectToHost<ServiceMapWebviewMessage>();
const view = new ServiceMapElement();
view.connect({
  searchService: (service) => host.post({ type: 'searchService', service }),
  edgeTraces: (from, to) => host.post({ type: 'edgeTraces', from, to }),
});
document.body.append(view);

host.listen(isServiceMapHostMessage, (msg) => {
  if (msg.type === 'serviceMap') view.setMap(msg);
  else view.setStatus(msg.message, msg.type === 'error');
});
