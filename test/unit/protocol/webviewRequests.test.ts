import assert from 'node:assert/strict';
import { detailRequest, searchRequest, type HostMessage, type WebviewMessage } from '../../../src/core/protocol/waterfallProtocol';
import { answer, RequestChannel } from '../../../src/core/protocol/webviewRequests';

describe('webview requests (typed request and answer, ids matched once)', () => {
  it('numbers each request and resolves it with the answer that carries its id and type', async () => {
    const sent: WebviewMessage[] = [];
    const channel = new RequestChannel<WebviewMessage>((m) => sent.push(m));
    const detail = channel.request(detailRequest, { row: 4 });
    const search = channel.request(searchRequest, { query: 'db' });
    assert.deepEqual(sent, [{ type: 'detail', requestId: 1, row: 4 }, { type: 'search', requestId: 2, query: 'db' }]);

    // The host's side answers under the id the request came with.
    const searchAnswer = answer(searchRequest, sent[1] as Extract<WebviewMessage, { type: 'search' }>, { query: 'db', rows: new Int32Array([3]), truncated: false });
    assert.equal(searchAnswer.requestId, 2);
    assert.equal(channel.settle(searchAnswer), true);
    assert.deepEqual(Array.from((await search).rows), [3]);

    // An answer of the wrong type for an id, a stale one, or a message that answers nothing is not taken.
    const wrongType: HostMessage = { type: 'searchResult', requestId: 1, query: 'x', rows: new Int32Array(0), truncated: false };
    assert.equal(channel.settle(wrongType), false);
    assert.equal(channel.settle(searchAnswer), false, 'answered already');
    assert.equal(channel.settle({ type: 'loading' }), false);
    const detailAnswer: HostMessage = { type: 'detail', requestId: 1, row: 4, detail: null };
    assert.equal(channel.settle(detailAnswer), true);
    assert.deepEqual(await detail, { type: 'detail', requestId: 1, row: 4, detail: null });
  });
});
