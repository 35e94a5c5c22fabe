import assert from 'node:assert/strict';
import type { Resource, Span } from '../../../src/core/model/trace';
import { TraceNotFoundError } from '../../../src/core/errors';
import { SpanStore } from '../../../src/core/receiver/spanStore';
import type { SpanStoreChange } from '../../../src/core/receiver/spanStore';

const T0 = 1_700_000_000_000_000_000n;
let seq = 1;

function resource(service: string): Resource {
  return { serviceName: service, attributes: { 'service.name': service } };
}

function span(traceNo: number, opts: Partial<Span> & { startMs?: number; durMs?: number } = {}): Span {
  const start = T0 + BigInt(opts.startMs ?? 0) * 1_000_000n;
  const { startMs: _s, durMs: _d, ...rest } = opts;
  return {
    traceId: traceNo.toString(16).padStart(32, '0'),
    spanId: (seq++).toString(16).padStart(16, '0'),
    name: 'op',
    kind: 'internal',
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(opts.durMs ?? 10) * 1_000_000n,
    attributes: {},
    events: [],
    links: [],
    status: { code: 'unset' },
    resource: resource('svc'),
    scope: { name: 'scope' },
    ...rest,
  };
}

const ALL_TIME = { startMs: 0, endMs: 4_000_000_000_000 };

describe('SpanStore', () => {
  it('joins spans of one trace that arrive in several batches and dedupes by span id', async () => {
    const store = new SpanStore();
    const a = span(1, { name: 'root' });
    const b = span(1, { parentSpanId: a.spanId, name: 'child' });
    store.addSpans([a]);
    store.addSpans([b, { ...a }]);
    const trace = await store.getTrace('1');
    assert.equal(trace.traceId, '00000000000000000000000000000001');
    assert.deepEqual(trace.spans.map((s) => s.name).sort(), ['child', 'root']);
    assert.equal(store.counts.spansDuplicate, 1);
    assert.equal(store.counts.spansHeld, 2);
    assert.equal(store.counts.tracesHeld, 1);
    store.dispose();
  });

  it('evicts whole least-recently-received traces to stay within maxSpans', async () => {
    const store = new SpanStore({ maxSpans: 5 });
    store.addSpans([span(1), span(1)]);
    store.addSpans([span(2), span(2)]);
    store.addSpans([span(1)]); // trace 1 is now the most recently received
    store.addSpans([span(3), span(3)]);
    assert.equal(store.counts.spansHeld, 5);
    assert.deepEqual(store.traceIds(), ['00000000000000000000000000000001', '00000000000000000000000000000003']);
    await assert.rejects(store.getTrace('2'), TraceNotFoundError);
    assert.equal(store.counts.tracesEvicted, 1);
    assert.equal(store.counts.spansEvicted, 2);
    assert.deepEqual(await store.services(), ['svc']);
    store.dispose();
  });

  // #15 bug 2: the receiver has no retention, time range or tenant; saying so sent users to the wrong settings.
  it('explains a missing trace the receiver way: not received, cleared, or beyond traceLens.local.maxSpans', async () => {
    const store = new SpanStore({ maxSpans: 5 });
    store.addSpans([span(1), span(1), span(1), span(1), span(1)]);
    store.addSpans([span(2)]); // evicts trace 1
    const err = await store.getTrace('1').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof TraceNotFoundError, String(err));
    assert.equal(err.traceId, '00000000000000000000000000000001');
    assert.match(err.userMessage, /built-in receiver/);
    assert.match(err.userMessage, /not been received yet/);
    assert.match(err.userMessage, /cleared/);
    assert.match(err.userMessage, /most recent 5 spans \("traceLens\.local\.maxSpans"\)/);
    assert.doesNotMatch(err.userMessage, /retention|tenant|time range/i);
    store.dispose();
  });

  it('bounds estimated bytes too: a few huge spans evict older traces instead of growing memory', async () => {
    const store = new SpanStore({ maxSpans: 1000, maxBytes: 2_000_000 });
    const huge = 'x'.repeat(600_000);
    for (let t = 1; t <= 5; t++) store.addSpans([span(t, { attributes: { 'http.request.body': huge } })]);
    assert.ok(store.counts.bytesHeld <= 2_000_000, `${store.counts.bytesHeld} bytes held`);
    assert.equal(store.counts.tracesHeld, 3);
    assert.deepEqual(store.traceIds().map((id) => parseInt(id, 16)), [3, 4, 5]);
    assert.equal(store.counts.tracesEvicted, 2);
    store.dispose();
  });

  it('shrinks to a lowered maxSpans by evicting the oldest traces', async () => {
    const store = new SpanStore({ maxSpans: 10 });
    for (let t = 1; t <= 4; t++) store.addSpans([span(t), span(t)]);
    store.setMaxSpans(3);
    assert.equal(store.maxSpans, 3);
    assert.equal(store.counts.spansHeld, 2);
    assert.deepEqual(store.traceIds(), ['00000000000000000000000000000004']);
    store.dispose();
  });

  it('never exceeds maxSpans, even when one trace alone is bigger, and marks that trace partial', async () => {
    const store = new SpanStore({ maxSpans: 3 });
    store.addSpans([span(1), span(2), span(2), span(2), span(2), span(2)]);
    assert.equal(store.counts.spansHeld, 3);
    assert.equal(store.counts.spansDropped, 2);
    const trace = await store.getTrace('2');
    assert.equal(trace.partial, true);
    assert.match(trace.warnings[0], /dropped/);
    store.dispose();
  });

  it('keeps indexes consistent through eviction (services, operations)', async () => {
    const store = new SpanStore({ maxSpans: 2 });
    store.addSpans([span(1, { name: 'a', resource: resource('one'), attributes: { 'code.function.name': 'f', 'code.file.path': '/x.ts', 'code.line.number': 3 } })]);
    store.addSpans([span(2, { name: 'b', resource: resource('two') })]);
    assert.deepEqual(await store.services(), ['one', 'two']);
    store.addSpans([span(3, { name: 'c', resource: resource('three') }), span(3, { name: 'd', resource: resource('three') })]);
    assert.deepEqual(await store.services(), ['three']);
    assert.deepEqual(await store.operations('three'), ['c', 'd']);
    assert.deepEqual(await store.operations('one'), []);
    store.dispose();
  });


  it('saves a snapshot of many spans in one scope (assembled a piece at a time) that restores every span in order', async () => {
    const store = new SpanStore();
    const spans = Array.from({ length: 700 }, (_, i) => span(1 + (i % 7), { name: `op ${i}`, attributes: { i } }));
    store.addSpans(spans);
    const restored = new SpanStore();
    const parts = await store.serializeSliced(undefined, undefined, 0);
    assert.ok(parts.length > 5, `${parts.length} pieces`);
    const text = parts.join('');
    assert.deepEqual(restored.restore(text), { spans: 700, traces: 7 });
    for (let t = 1; t <= 7; t++) {
      const id = t.toString(16).padStart(32, '0');
      assert.deepEqual((await restored.getTrace(id)).spans.map((s) => s.attributes.i), (await store.getTrace(id)).spans.map((s) => s.attributes.i));
    }
    assert.equal(text.replace(/"savedAtMs":\d+/, ''), store.serialize().replace(/"savedAtMs":\d+/, ''));
    store.dispose();
    restored.dispose();
  });

  it('counts runs of spans and interleaved traces alike in its indexes, also when a batch evicts mid-way', async () => {
    const store = new SpanStore({ maxSpans: 5 });
    const one = resource('one');
    // Runs of equal (service, trace) and (service, name), broken by another trace in between.
    store.addSpans([span(1, { name: 'a', resource: one }), span(1, { name: 'a', resource: one }), span(2, { name: 'b', resource: one }), span(1, { name: 'a', resource: one })]);
    assert.deepEqual((await store.search({ service: 'one', limit: 10, range: ALL_TIME })).map((t) => t.spanCount).sort(), [1, 3]);
    // This batch's run of trace 3 is counted before trace 1 (4 spans) and then trace 2 are evicted for it.
    store.addSpans([span(3, { name: 'c', resource: resource('three') }), span(3, { name: 'c', resource: resource('three') }), span(3, { name: 'c', resource: resource('three') }), span(3, { name: 'd', resource: resource('three') }), span(3, { name: 'd', resource: resource('three') })]);
    assert.deepEqual(await store.services(), ['three']);
    assert.deepEqual(await store.operations('three'), ['c', 'd']);
    assert.deepEqual(await store.operations('one'), []);
    assert.deepEqual(await store.search({ service: 'one', limit: 10, range: ALL_TIME }), []);
    assert.equal((await store.search({ service: 'three', limit: 10, range: ALL_TIME }))[0].spanCount, 5);
    store.dispose();
  });
  it('searches by service, operation, tags, duration, errors and range, newest first, limited', async () => {
    const store = new SpanStore();
    store.addSpans([span(1, { startMs: 0, durMs: 5, name: 'GET /a', attributes: { 'http.response.status_code': 200 } })]);
    store.addSpans([span(2, { startMs: 1000, durMs: 50, name: 'GET /b', status: { code: 'error' }, resource: resource('api') })]);
    store.addSpans([span(3, { startMs: 2000, durMs: 500, name: 'GET /a', attributes: { 'http.response.status_code': 500 } })]);
    const ids = (r: { traceId: string }[]): number[] => r.map((x) => parseInt(x.traceId, 16));
    assert.deepEqual(ids(await store.search({ range: ALL_TIME, limit: 10 })), [3, 2, 1]);
    assert.deepEqual(ids(await store.search({ range: ALL_TIME, limit: 2 })), [3, 2]);
    assert.deepEqual(ids(await store.search({ range: ALL_TIME, limit: 10, service: 'api' })), [2]);
    assert.deepEqual(ids(await store.search({ range: ALL_TIME, limit: 10, operation: 'GET /a' })), [3, 1]);
    assert.deepEqual(ids(await store.search({ range: ALL_TIME, limit: 10, tags: { 'http.response.status_code': '500' } })), [3]);
    assert.deepEqual(ids(await store.search({ range: ALL_TIME, limit: 10, minDurationMs: 40, maxDurationMs: 100 })), [2]);
    assert.deepEqual(ids(await store.search({ range: ALL_TIME, limit: 10, errorsOnly: true })), [2]);
    const t0ms = Number(T0 / 1_000_000n);
    assert.deepEqual(ids(await store.search({ range: { startMs: t0ms + 900, endMs: t0ms + 1100 }, limit: 10 })), [2]);
    const [summary] = await store.search({ range: ALL_TIME, limit: 1, service: 'api' });
    assert.equal(summary.rootName, 'GET /b');
    assert.equal(summary.rootServiceName, 'api');
    assert.equal(summary.durationMs, 50);
    assert.equal(summary.spanCount, 1);
    assert.equal(summary.errorCount, 1);
    store.dispose();
  });

  it('fires one debounced change event for many batches', async () => {
    const store = new SpanStore({ changeDebounceMs: 30 });
    const events: SpanStoreChange[] = [];
    store.onDidChange((e) => events.push(e));
    for (let i = 1; i <= 20; i++) store.addSpans([span(i)]);
    // The adds above ran in one tick, so the debounce can only ever fire once for them.
    const deadline = Date.now() + 30_000;
    while (events.length === 0) {
      if (Date.now() > deadline) throw new Error('no change event');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(events.length, 1);
    assert.equal(events[0].spansAdded, 20);
    assert.equal(events[0].traceIds.length, 20);
    store.dispose();
  });

  it('serializes to a bounded snapshot and restores it losslessly, preserving eviction order', async () => {
    const store = new SpanStore();
    const root = span(1, {
      name: 'root',
      kind: 'server',
      traceState: 'a=b',
      attributes: { big: 2n ** 63n - 1n, neg: -5, d: 0.25, b: true, bytes: new Uint8Array([1, 2]), arr: ['x', 1], map: { k: null } },
      events: [{ timeUnixNano: T0 + 5n, name: 'ev', attributes: { n: 1 } }],
      links: [{ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), attributes: {} }],
      status: { code: 'error', message: 'x' },
      droppedAttributesCount: 2,
    });
    store.addSpans([root, span(1, { parentSpanId: root.spanId })]);
    store.addSpans([span(2)]);
    store.addSpans([span(1)]);
    const snapshot = store.serialize();
    const restored = new SpanStore();
    assert.deepEqual(restored.restore(snapshot), { spans: 4, traces: 2 });
    assert.deepEqual(restored.traceIds(), store.traceIds());
    const original = await store.getTrace('1');
    const copy = await restored.getTrace('1');
    assert.deepEqual(copy.spans, original.spans);
    assert.equal(restored.counts.spansReceived, 0, 'restored spans are not counted as newly received');

    // Room for the newest trace (1) but not for both: whole traces only, newest first.
    const budget = snapshot.length - 100;
    const small = store.serialize(budget);
    assert.ok(small.length <= budget, `snapshot is ${small.length} bytes`);
    assert.equal(store.serialize(50).includes('"spanId"'), false, 'nothing fits in 50 bytes');
    const partial = new SpanStore();
    partial.restore(small);
    assert.ok(partial.counts.tracesHeld >= 1 && partial.counts.tracesHeld < 2, 'only the most recent traces fit');
    assert.deepEqual(partial.traceIds(), ['00000000000000000000000000000001']);
    assert.throws(() => partial.restore('{"nope":1}'));
    for (const s of [store, restored, partial]) s.dispose();
  });

  it('implements the local TraceBackend', async () => {
    const store = new SpanStore();
    assert.equal(store.type, 'local');
    store.addSpans([span(7)]);
    assert.match((await store.testConnection()).serverDescription, /\(1 span in 1 trace\)/);
    await assert.rejects(store.getTrace('abc'), (err: unknown) => err instanceof TraceNotFoundError && err.traceId === '00000000000000000000000000000abc');
    store.dispose();
  });
});
