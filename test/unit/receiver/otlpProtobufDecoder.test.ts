import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeOtlpJsonText } from '../../../src/core/receiver/otlpJsonDecoder';
import { decodeOtlpProtobuf, decodeOtlpProtobufAsync } from '../../../src/core/receiver/otlpProtobufDecoder';
import { MalformedOtlpError } from '../../../src/core/receiver/receiverErrors';
import { assertSharedEmptyLists, buildRequest, hex, newSpanId, newTraceId } from './otlpTestBodies';

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
