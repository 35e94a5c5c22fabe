// Entry of the function flame graph webview bundle (dist/webview/functionFlame.js). Says `ready`
// first, then routes host messages to <function-flame>; every incoming message is checked before use.
import { isFunctionFlameHostMessage, type FunctionFlameWebviewMessage } from '../../src/core/protocol/functionFlameProtocol';
import { connectToHost } from '../shared/hostConnection';
import { FunctionFlameElement } from './functionFlameView';

const host = connectToHost<FunctionFlameWebviewMessage>();
const view = new FunctionFlameElement();
view.connect({ openSource: (location) => host.post({ type: 'openSource', location }) });
document.body.append(view);

host.listen(isFunctionFlameHostMessage, (msg) => {
  switch (msg.type) {
    case 'functionFlame': view.setFlame(msg); break;
    case 'loading': view.setStatus(msg.message, false); break;
    case 'error': view.setStatus(msg.message, true); break;
  }
});
