// The Jaeger/Zipkin tag source's policy (what is asked of the server, and how often), over the
// receiver's real SpanStore standing in for a server's service and operation lists and its search.
// The real servers' answers are checked in test/backends/analysisViews.contract.test.ts.
import assert from 'node:assert/strict';
import type { TraceQuery } from '../../../src/core/backends/traceBackend';
import type { Trace } from '../../../src/core/model/trace';
import { SpanStore } from '../../../src/core/receiver/spanStore';
import { backendTagSource, type TagSampleBackend } from '../../../src/core/traceql/backendTagSource';
import { span } from '../waterfall/traceBuilder';

const ALL = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER };

/** The store as a server: every call counted. */
function server(store: SpanStore) {
  const calls = { services: 0, operations: [] as string[], searches: [] as string[] };
  const backend: TagSampleBackend = {
    services: async () => { calls.services++; return store.services(); },
    operations: async (service) => { calls.operations.push(service); return store.operations(service); },
    searchTraces: async (q: TraceQuery) => {
      calls.searches.push(q.service ?? '');
      const found = await store.search(q);
      return found.map((s) => store.peekTrace(s.traceId)).filter((t): t is Trace => t !== undefined);
    },
  };
  return { backend, calls };
}

describe('TraceQL completion for Jaeger and Zipkin: the tag source', () => {
  const store = new SpanStore();
  before(() => {
    const spans = [
      span('a', undefined, 0, 10, { service: 'checkout', name: 'placeOrder', attributes: { 'order.items': 3, 'payment.ok': true } }),
      span('b', 'a', 1, 9, { service: 'payment', name: 'charge', attributes: { 'payment.provider': 'psp', 'amount': 9.5 } }),
    ];
    store.addSpans(spans);
  });
  after(() => store.dispose());

  it('reads one sample and one service list per minute, however often completion asks', async () => {
    let now = 0;
    const { backend, calls } = server(store);
    const source = backendTagSource(backend, { range: () => ALL, now: () => now });
    for (let i = 0; i < 5; i++) await source.tags();
    await source.typedTagValues('resource.service.name');
    assert.equal(calls.services, 1);
    assert.deepEqual(calls.searches, ['checkout', 'payment']);
    now = 60_001;
    await source.tags();
    assert.equal(calls.services, 2);
    assert.equal(calls.searches.length, 4);
  });

  it('types the values the sample holds, and says the names come from a sample', async () => {
    const source = backendTagSource(server(store).backend, { range: () => ALL });
    const tags = await source.tags();
    assert.deepEqual(tags.span, ['amount', 'order.items', 'payment.ok', 'payment.provider']);
    assert.deepEqual(tags.resource, ['service.name']);
    assert.deepEqual(await source.typedTagValues('span.order.items'), [{ type: 'int', value: '3' }]);
    assert.deepEqual(await source.typedTagValues('.amount'), [{ type: 'float', value: '9.5' }]);
    assert.deepEqual(await source.typedTagValues('span.payment.ok'), [{ type: 'bool', value: 'true' }]);
    assert.equal(source.tagDetail('span', 'amount'), 'span attribute, seen in a sample of 1 recent trace');
  });

  it('lists the operations of the service the query names, else of every service', async () => {
    const { backend, calls } = server(store);
    const source = backendTagSource(backend, { range: () => ALL });
    assert.deepEqual(await source.typedTagValues('name', '{ resource.service.name = "payment" }'), [{ type: 'string', value: 'charge' }]);
    assert.deepEqual(calls.operations, ['payment']);
    assert.deepEqual((await source.typedTagValues('name')).map((v) => v.value).sort(), ['charge', 'placeOrder']);
  });
});
