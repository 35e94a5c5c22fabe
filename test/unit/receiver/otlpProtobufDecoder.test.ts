import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { otlpProtobufToSkimmedTraces, otlpProtobufToTraces } from '../../../src/core/backends/convertDocuments';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { searchTrace } from '../../../src/core/waterfall/traceSearch';
import { decodeOtlpJsonText } from '../../../src/core/receiver/otlpJsonDecoder';
import { decodeOtlpProtobuf, decodeOtlpProtobufAsync, decodeOtlpProtobufDeferred, decodeOtlpProtobufFirst } from '../../../src/core/receiver/otlpProtobufDecoder';
import { MalformedOtlpError } from '../../../src/core/receiver/receiverErrors';
import { assertSharedEmptyLists, buildRequest, hex, newSpanId, newTraceId, type TestAnyValue, type TestSpan } from './otlpTestBodies';

async function sdkSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '2.1.0' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('unit-scope', '0.0.1');
  const root = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, attributes: { s: 'v', i: 7, d: 2.5, b: false, as: ['x', 'y'], ai: [1, 2], ad: [0.5], ab: [true, false] } });
  const child = tracer.startSpan('db.query', { kind: SpanKind.CLIENT, links: [{ context: root.spanContext(), attributes: { why: 'retry' } }] }, trace.setSpan(ROOT_CONTEXT, root));
  child.addEvent('exception', { 'exception.message': 'boom' });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'db down' });
  child.end();
  root.end();
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

describe('decodeOtlpProtobuf', () => {
  it('decodes SDK-serialized spans exactly like the JSON decoder does the same spans as JSON', async () => {
    const spans = await sdkSpans();
    const pb = decodeOtlpProtobuf(ProtobufTraceSerializer.serializeRequest(spans)!);
    const js = decodeOtlpJsonText(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString());
    assert.equal(pb.spans.length, 2);
    assert.equal(pb.rejectedSpans, 0);
    assert.deepEqual(pb, js);
    const child = pb.spans.find((s) => s.name === 'db.query')!;
    const root = pb.spans.find((s) => s.name === 'GET /cart')!;
    assert.equal(child.parentSpanId, root.spanId);
    assert.equal(child.kind, 'client');
    assert.deepEqual(child.status, { code: 'error', message: 'db down' });
    assert.equal(child.events[0].name, 'exception');
    assert.deepEqual(child.links[0], { traceId: root.traceId, spanId: root.spanId, attributes: { why: 'retry' } });
    assert.deepEqual(root.attributes, { s: 'v', i: 7, d: 2.5, b: false, as: ['x', 'y'], ai: [1, 2], ad: [0.5], ab: [true, false] });
    assert.equal(root.resource.serviceName, 'checkout');
    assert.equal(root.resource, child.resource, 'spans of one batch share their Resource object');
    assert.deepEqual(root.scope, { name: 'unit-scope', version: '0.0.1' });
    assert.equal(root.endTimeUnixNano - root.startTimeUnixNano >= 0n, true);
  });

  it('decodes every AnyValue type, including kvlist, bytes and int64 beyond 2^53', () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    const body = buildRequest([
      {
        traceId,
        spanId,
        name: 'all-types',
        kind: 5,
        start: 18446744073709551615n,
        end: 18446744073709551615n,
        traceState: 'vendor=1',
        attributes: [
          ['big', { i: 9007199254740993n }],
          ['neg', { i: -42 }],
          ['minInt64', { i: -9223372036854775808n }],
          ['bytes', { bytes: new Uint8Array([0, 1, 255]) }],
          ['map', { kv: [['inner', { s: 'x' }], ['n', { arr: [{ d: 1.5 }, { empty: true }] }]] }],
          ['empty', { empty: true }],
          ['__proto__', { s: 'not a prototype' }],
        ],
        status: { code: 1 },
      },
    ]);
    const { spans } = decodeOtlpProtobuf(body);
    const span = spans[0];
    assert.equal(span.traceId, hex(traceId));
    assert.equal(span.kind, 'consumer');
    assert.equal(span.startTimeUnixNano, 18446744073709551615n);
    assert.equal(span.traceState, 'vendor=1');
    assert.equal(span.attributes.big, 9007199254740993n);
    assert.equal(span.attributes.neg, -42);
    assert.equal(span.attributes.minInt64, -9223372036854775808n);
    assert.deepEqual(span.attributes.bytes, new Uint8Array([0, 1, 255]));
    assert.deepEqual(span.attributes.map, { inner: 'x', n: [1.5, null] });
    assert.equal(span.attributes.empty, null);
    assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(span.attributes, '__proto__')?.value, 'not a prototype');
    assert.deepEqual(span.status, { code: 'ok' });
  });

  it('fills the resource even when it follows the spans on the wire', () => {
    const body = buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'late' }], {
      resource: [['service.name', { s: 'late-resource' }]],
      resourceLast: true,
    });
    assert.equal(decodeOtlpProtobuf(body).spans[0].resource.serviceName, 'late-resource');
  });

  it('reads each trace id right when spans of traces that differ in one byte alternate (the last id read is reused)', () => {
    const a = newTraceId();
    const ids = [a, new Uint8Array(a), new Uint8Array(a), new Uint8Array(a)];
    ids[1][15] ^= 1;
    ids[2][0] ^= 0x80;
    ids[3][7] ^= 4;
    const order = [0, 0, 1, 1, 0, 2, 2, 3, 0, 3];
    const body = buildRequest(order.map((k, i) => ({ traceId: ids[k], spanId: newSpanId(), name: `s${i}` })));
    assert.deepEqual(decodeOtlpProtobuf(body).spans.map((s) => s.traceId), order.map((k) => hex(ids[k])));
    // And from one request to the next.
    assert.equal(decodeOtlpProtobuf(buildRequest([{ traceId: ids[1], spanId: newSpanId(), name: 'next' }])).spans[0].traceId, hex(ids[1]));
  });

  it('rejects spans with invalid ids and keeps the rest, counting them for partial success', () => {
    const good = { traceId: newTraceId(), spanId: newSpanId(), name: 'good' };
    const body = buildRequest([
      good,
      { traceId: new Uint8Array(16), spanId: newSpanId(), name: 'zero trace id' },
      { traceId: newTraceId(), spanId: new Uint8Array(3), name: 'short span id' },
      { traceId: newTraceId(), spanId: newSpanId(), parentSpanId: new Uint8Array(8), name: 'zero parent' },
    ]);
    const result = decodeOtlpProtobuf(body);
    assert.deepEqual(result.spans.map((s) => s.name), ['good']);
    assert.equal(result.rejectedSpans, 3);
    assert.ok(result.rejectionReasons.some((r) => r.includes('trace_id')));
    assert.ok(result.rejectionReasons.some((r) => r.includes('span_id')));
  });

  it('drops links with invalid ids but keeps the span, counting them as dropped links', () => {
    const body = buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'l', links: [{ traceId: new Uint8Array(16), spanId: newSpanId() }] }]);
    const span = decodeOtlpProtobuf(body).spans[0];
    assert.deepEqual(span.links, []);
    assert.equal(span.droppedLinksCount, 1);
  });

  it('gives spans without events or links one shared, frozen empty list each (two objects less per held span)', () => {
    const body = buildRequest([
      { traceId: newTraceId(), spanId: newSpanId(), name: 'bare' },
      { traceId: newTraceId(), spanId: newSpanId(), name: 'bare too' },
      { traceId: newTraceId(), spanId: newSpanId(), name: 'linked', links: [{ traceId: newTraceId(), spanId: newSpanId() }] },
    ]);
    const [a, b, linked] = decodeOtlpProtobuf(body).spans;
    assertSharedEmptyLists(a, b, linked);
  });

  it('refuses truncated bodies as malformed, at every cut point', () => {
    const body = buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'cut me', attributes: [['k', { s: 'v' }]] }]);
    let refused = 0;
    for (let cut = 1; cut < body.length; cut++) {
      try {
        decodeOtlpProtobuf(body.subarray(0, cut));
      } catch (err) {
        assert.ok(err instanceof MalformedOtlpError, `cut ${cut}: ${String(err)}`);
        refused++;
      }
    }
    // A cut exactly between two top-level fields is a valid (shorter) message; every other cut is refused.
    assert.ok(refused >= body.length - 3, `refused ${refused} of ${body.length - 1}`);
  });

  it('survives random garbage without throwing anything but MalformedOtlpError', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(1 + Math.floor(rand() * 200)).map(() => Math.floor(rand() * 256));
      try {
        decodeOtlpProtobuf(bytes);
      } catch (err) {
        assert.ok(err instanceof MalformedOtlpError, String(err));
      }
    }
  });

  it('rejects a span whose attribute nests deeper than the limit instead of overflowing the stack', () => {
    let value: import('./otlpTestBodies').TestAnyValue = { s: 'leaf' };
    for (let i = 0; i < 5000; i++) value = { arr: [value] };
    const body = buildRequest([
      { traceId: newTraceId(), spanId: newSpanId(), name: 'deep', attributes: [['deep', value]] },
      { traceId: newTraceId(), spanId: newSpanId(), name: 'fine' },
    ]);
    const result = decodeOtlpProtobuf(body);
    assert.equal(result.rejectedSpans, 1);
    assert.deepEqual(result.spans.map((s) => s.name), ['fine']);
  });

  it('returns an empty result for an empty body (a valid empty request)', () => {
    assert.deepEqual(decodeOtlpProtobuf(new Uint8Array(0)), { spans: [], rejectedSpans: 0, rejectionReasons: [] });
  });

  it('decodes big bodies in slices, yielding to the event loop, with the same result as the sync decoder', async () => {
    const spans = Array.from({ length: 5000 }, (_, i) => ({ traceId: newTraceId(), spanId: i === 10 ? new Uint8Array(8) : newSpanId(), name: `s${i}`, attributes: [['i', { i }]] as [string, { i: number }][] }));
    const body = buildRequest(spans, { resourceLast: true, resource: [['service.name', { s: 'sliced' }]] });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const viaAsync = await decodeOtlpProtobufAsync(body, 0);
    clearInterval(ticker);
    assert.deepEqual(viaAsync, decodeOtlpProtobuf(body));
    assert.equal(viaAsync.spans.length, 4999);
    assert.equal(viaAsync.rejectedSpans, 1);
    assert.equal(viaAsync.spans[0].resource.serviceName, 'sliced');
    assert.ok(ticks > 0, 'timers ran while decoding');
    await assert.rejects(decodeOtlpProtobufAsync(body.subarray(0, body.length - 1), 0), MalformedOtlpError);
  });
});

/** What decodeOtlpProtobufDeferred gives once every span's attributes are read: its result, or what it threw. */
function deferredThenRead(body: Uint8Array): unknown {
  try {
    const { result, deferred } = decodeOtlpProtobufDeferred(body);
    return { ...result, spans: result.spans.map((s) => ({ ...s, attributes: deferred.of(s.attributes) ?? s.attributes })) };
  } catch (err) {
    return { threw: err instanceof MalformedOtlpError ? err.message : `not a MalformedOtlpError: ${String(err)}` };
  }
}

function decodedWhole(body: Uint8Array): unknown {
  try {
    const result = decodeOtlpProtobuf(body);
    return { ...result, spans: result.spans.map((s) => ({ ...s })) };
  } catch (err) {
    return { threw: err instanceof MalformedOtlpError ? err.message : `not a MalformedOtlpError: ${String(err)}` };
  }
}

describe('decodeOtlpProtobufFirst (the first rows of a big answer)', () => {
  it('gives the first spans as the whole decode does, resources written after their spans included, and reads no further than their ResourceSpans', () => {
    const some = (n: number, name: string): TestSpan[] => Array.from({ length: n }, (_, i) => ({ traceId: newTraceId(), spanId: newSpanId(), name: `${name} ${i}` }));
    // Two ResourceSpans (concatenated requests merge), the first with its resource after its spans.
    const first = buildRequest(some(30, 'a'), { resourceLast: true, resource: [['service.name', { s: 'late' }]] });
    const second = buildRequest(some(30, 'b'), { resource: [['service.name', { s: 'second' }]] });
    const body = Buffer.concat([first, second]);
    const whole = decodeOtlpProtobuf(body).spans;
    for (const n of [1, 29, 30, 31, 60, 100]) assert.deepEqual(decodeOtlpProtobufFirst(body, n).spans, whole.slice(0, n), `${n} spans`);
    assert.equal(decodeOtlpProtobufFirst(body, 5).spans[4].resource.serviceName, 'late');
    // What follows the ResourceSpans that holds them is not read: a break there is the whole decode's to report.
    const broken = Buffer.concat([first, second.subarray(0, second.length - 3)]);
    assert.throws(() => decodeOtlpProtobuf(broken), MalformedOtlpError);
    assert.deepEqual(decodeOtlpProtobufFirst(broken, 30).spans, whole.slice(0, 30));
    assert.throws(() => decodeOtlpProtobufFirst(broken, 31), MalformedOtlpError);
  });
});

describe('decodeOtlpProtobufDeferred (attributes checked, left in the bytes, read on demand)', () => {
  const allTypes: [string, TestAnyValue][] = [
    ['s', { s: 'v' }], ['big', { i: 9007199254740993n }], ['neg', { i: -42 }], ['d', { d: 2.5 }], ['b', { b: true }],
    ['bytes', { bytes: new Uint8Array([0, 1, 255]) }], ['map', { kv: [['inner', { s: 'x' }], ['n', { arr: [{ d: 1.5 }, { empty: true }] }]] }],
    ['empty', { empty: true }], ['__proto__', { s: 'not a prototype' }],
  ];
  const spans = (): TestSpan[] => [
    { traceId: newTraceId(), spanId: newSpanId(), name: 'typed', attributes: allTypes, events: [{ time: 5n, name: 'e', attributes: [['k', { s: 'v' }]] }] },
    { traceId: newTraceId(), spanId: newSpanId(), name: 'bare' },
    { traceId: new Uint8Array(16), spanId: newSpanId(), name: 'refused for its id', attributes: [['k', { s: 'v' }]] },
    { traceId: newTraceId(), spanId: newSpanId(), name: 'second', attributes: [['k', { s: 'w' }], ['k', { i: 3 }]] },
  ];

  it('gives what decodeOtlpProtobuf gives once the attributes are read: SDK spans, every value type, refused spans, a late resource', async () => {
    for (const body of [
      ProtobufTraceSerializer.serializeRequest(await sdkSpans())!,
      buildRequest(spans()),
      buildRequest(spans(), { resourceLast: true, resource: [['service.name', { s: 'late' }]] }),
    ]) {
      const { result, deferred } = decodeOtlpProtobufDeferred(body);
      const withAttributes = result.spans.filter((s) => deferred.of(s.attributes) !== undefined);
      assert.ok(withAttributes.length > 0 && withAttributes.every((s) => Object.keys(s.attributes).length === 0), 'attributes left in the bytes');
      assert.deepEqual(deferredThenRead(body), decodedWhole(body));
    }
  });

  it('refuses and rejects exactly what decodeOtlpProtobuf does: every cut, deep nesting, random byte changes', () => {
    let value: TestAnyValue = { s: 'leaf' };
    for (let i = 0; i < 200; i++) value = i % 2 ? { arr: [value] } : { kv: [['k', value]] };
    const deep = buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'deep', attributes: [['deep', value]] }, ...spans()]);
    assert.equal(decodeOtlpProtobuf(deep).rejectedSpans, 2, 'the deep span and the one with a zero trace id');
    const body = buildRequest(spans());
    for (let cut = 1; cut < body.length; cut++) assert.deepEqual(deferredThenRead(body.subarray(0, cut)), decodedWhole(body.subarray(0, cut)), `cut at ${cut}`);
    let seed = 777;
    const rand = (n: number): number => Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000) * n);
    let differentOutcomes = 0;
    for (const source of [body, deep]) {
      for (let i = 0; i < 3000; i++) {
        const changed = new Uint8Array(source);
        for (let k = 1 + rand(3); k > 0; k--) changed[rand(changed.length)] = rand(256);
        const whole = decodedWhole(changed);
        assert.deepEqual(deferredThenRead(changed), whole, `change ${i}`);
        if (JSON.stringify(whole, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(decodedWhole(source), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) differentOutcomes++;
      }
    }
    assert.ok(differentOutcomes > 1000, `the changes reach the checks (${differentOutcomes} of 6000 changed the outcome)`);
  });

  it('gives a waterfall its spans without attributes and decodes them for the detail (otlpProtobufToSkimmedTraces)', () => {
    const traceId = newTraceId();
    const body = buildRequest([
      { traceId, spanId: newSpanId(), name: 'root', attributes: [['code.function', { s: 'checkout' }]] },
      { traceId, spanId: newSpanId(), name: 'sibling' },
    ]);
    const skimmed = otlpProtobufToSkimmedTraces(body, 'the answer');
    const whole = otlpProtobufToTraces(body, 'the answer');
    assert.equal(skimmed.traces[0].spans.length, 2);
    assert.deepEqual(skimmed.traces[0].spans.map((s) => skimmed.spans.full(s)), whole[0].spans);
    assert.deepEqual(skimmed.traces[0].spans.map((s) => s.attributes), [{}, {}]);
  });

  it('answers a search from the bytes as the search over decoded attributes does, and decodes only what the bytes cannot tell', () => {
    const traceId = newTraceId();
    const values: [string, TestAnyValue][][] = [
      [['http.method', { s: 'GET' }], ['db.statement', { s: 'SELECT * FROM Orders WHERE id = 42' }]],
      [['Peer.Service', { s: 'PostgreSQL' }], ['empty', { empty: true }], ['', { s: 'no key' }]],
      [['retries', { i: 42 }], ['ratio', { d: 0.5 }], ['ok', { b: true }], ['route', { s: '/orders/:id' }]],
      [['big', { i: -9007199254740993n }], ['inf', { d: -Infinity }], ['nan', { d: NaN }], ['tiny', { d: 5e-7 }], ['off', { b: false }]],
      [['tags', { arr: [{ s: 'get' }, { s: 'x' }] }], ['map', { kv: [['inner', { s: 'orders' }]] }]],
      [['city', { s: 'Zürich' }], ['ÄKey', { s: 'plain' }]],
      [['k', { s: 'first select' }], ['k', { s: 'second' }]],
      [['K', { s: 'upper' }], ['k', { s: 'lower' }]],
      [['__proto__', { s: 'select' }], ['bytes', { bytes: new Uint8Array([0x67, 0x65, 0x74]) }]],
      [],
    ];
    const spanList: TestSpan[] = values.map((attributes, i) => ({ traceId, spanId: newSpanId(), name: `span ${i}`, attributes }));
    const body = buildRequest(spanList);
    const skimmed = otlpProtobufToSkimmedTraces(body, 'the answer');
    let told = 0;
    let decoded = 0;
    const spans = {
      full: skimmed.spans.full,
      attributesMatch: (span: Parameters<typeof skimmed.spans.attributesMatch>[0], needle: string, key: string | undefined) => {
        const answer = skimmed.spans.attributesMatch(span, needle, key);
        if (answer === undefined) decoded++; else told++;
        return answer;
      },
    };
    const fromBytes = buildWaterfall(skimmed.traces[0], { spanSource: spans });
    const whole = buildWaterfall(otlpProtobufToTraces(body, 'the answer')[0]);
    const queries = ['route=order', 'retries=4', 'retries=x', 'ratio=.5', 'ok=tru', 'orders/', 'infin', 'nan', 'e-7', '-9007', 'fals', 'big=900', 'get', 'select', 'SELECT', 'orders', 'postgres', 'peer.service=postgre', 'http.method=get', 'http.method=post', '42', '0.5', 'true', 'zür', 'plain',
      'äkey', 'first', 'k=first', 'k=second', 'k=lower', 'k=upper', 'no key', '=no', 'empty=', 'inner', '__proto__=sel', 'bytes=get', 'e', 'missing'];
    for (const q of queries) assert.deepEqual([...searchTrace(fromBytes, q)], [...searchTrace(whole, q)], q);
    assert.ok(told > 50 && decoded > 50, `told from the bytes ${told}, decoded ${decoded}`);
    // The searches above decoded some spans, whose decoded attributes the search reads from then on: ask a fresh read.
    const fresh = otlpProtobufToSkimmedTraces(body, 'the answer');
    const [plain, , numbers, , , nonAscii, repeated] = fresh.traces[0].spans.slice().sort((a, b) => Number(a.name.slice(5)) - Number(b.name.slice(5)));
    const matches = fresh.spans.attributesMatch;
    assert.equal(matches(plain, 'from orders', undefined), true);
    assert.equal(matches(plain, 'post', undefined), false);
    assert.equal(matches(plain, 'get', 'http.method'), true);
    assert.equal(matches(plain, 'get', 'db.statement'), false);
    assert.equal(matches(numbers, 'orders', undefined), true);
    assert.equal(matches(numbers, 'users', undefined), false, "no number's or bool's text holds a 'u'");
    assert.equal(matches(numbers, 'users', 'retries'), false);
    assert.equal(matches(numbers, '42', 'retries'), undefined, 'a number: decoded');
    assert.equal(matches(numbers, 'ru', undefined), undefined, "'true' holds it");
    assert.equal(matches(nonAscii, 'x', undefined), undefined, 'a text that is not ASCII may lower-case to it');
    assert.equal(matches(nonAscii, 'plain', undefined), true);
    assert.equal(matches(repeated, 'first', undefined), undefined, 'a value under a key that repeats may not be the one kept');
    assert.equal(matches(repeated, 'x', undefined), false);
    assert.deepEqual(fresh.spans.full(plain).attributes, { 'http.method': 'GET', 'db.statement': 'SELECT * FROM Orders WHERE id = 42' });
    assert.equal(matches(plain, 'from orders', undefined), undefined, 'decoded: the search reads the decoded attributes');
  });
});
