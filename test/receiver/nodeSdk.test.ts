/*
 * The OpenTelemetry JS SDK (3.x) exporting real OTLP over loopback into the
 * receiver, once with the protobuf exporter (gzip) and once with the JSON
 * (otlp-http) exporter. Every span is compared field by field with the copy an
 * in-memory exporter kept of the same spans.
 */
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { AttributeValue, Span } from '../../src/core/model/trace';
import { hrTimeToNs, startGrpcReceiver, startReceiver, waitFor } from './receiverHarness';
import type { RunningGrpcReceiver, RunningReceiver } from './receiverHarness';

const API_KIND_TO_MODEL: Record<number, Span['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
const STATUS_TO_MODEL: Record<number, Span['status']['code']> = { 0: 'unset', 1: 'ok', 2: 'error' };

/** Emits a small but complete workload: every attribute type, events, links, statuses, kinds, nesting. */
function emitWorkload(provider: TracerProvider): number {
  const tracer = provider.getTracer('trace-lens-test', '9.9.9');
  const other = tracer.startSpan('linked-target', { kind: SpanKind.PRODUCER });
  other.end();
  const root = tracer.startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'app.ratio': 0.125,
      'app.flag': true,
      'app.negative': -17,
      'app.large': 2 ** 40,
      'app.strings': ['a', 'b', ''],
      'app.ints': [1, 2, 3],
      'app.doubles': [0.5, 1.5],
      'app.bools': [true, false],
      'app.unicode': 'naïve ☃ 日本',
      'code.function.name': 'OrderController.get',
      'code.file.path': '/srv/app/orders.ts',
      'code.line.number': 42,
    },
  });
  const rootCtx: Context = trace.setSpan(ROOT_CONTEXT, root);
  const child = tracer.startSpan(
    'SELECT orders',
    { kind: SpanKind.CLIENT, links: [{ context: other.spanContext(), attributes: { 'link.reason': 'caused-by' } }] },
    rootCtx,
  );
  child.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'db timed out', attempt: 3 });
  child.addEvent('retry');
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'db timed out' });
  child.end();
  const consumer = tracer.startSpan('consume order', { kind: SpanKind.CONSUMER }, rootCtx);
  consumer.setStatus({ code: SpanStatusCode.OK });
  consumer.end();
  root.end();
  return 4;
}

function expectedValue(v: unknown): AttributeValue {
  if (Array.isArray(v)) return v.map(expectedValue);
  return v as AttributeValue;
}

function assertSameSpan(got: Span, sdk: ReadableSpan): void {
  const ctx = sdk.spanContext();
  const label = `span ${sdk.name}`;
  assert.equal(got.traceId, ctx.traceId, label);
  assert.equal(got.spanId, ctx.spanId, label);
  assert.equal(got.parentSpanId, sdk.parentSpanContext?.spanId, label);
  assert.equal(got.name, sdk.name, label);
  assert.equal(got.kind, API_KIND_TO_MODEL[sdk.kind], label);
  assert.equal(got.startTimeUnixNano, hrTimeToNs(sdk.startTime), label);
  assert.equal(got.endTimeUnixNano, hrTimeToNs(sdk.endTime), label);
  const attrs: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(sdk.attributes)) attrs[k] = expectedValue(v);
  assert.deepEqual(got.attributes, attrs, label);
  assert.deepEqual(
    got.events,
    sdk.events.map((e) => ({ name: e.name, timeUnixNano: hrTimeToNs(e.time), attributes: Object.fromEntries(Object.entries(e.attributes ?? {}).map(([k, v]) => [k, expectedValue(v)])) })),
    label,
  );
  assert.deepEqual(
    got.links,
    sdk.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes ?? {} })),
    label,
  );
  const status: Span['status'] = { code: STATUS_TO_MODEL[sdk.status.code] };
  if (sdk.status.message) status.message = sdk.status.message;
  assert.deepEqual(got.status, status, label);
  assert.deepEqual(got.resource.attributes, Object.fromEntries(Object.entries(sdk.resource.attributes).map(([k, v]) => [k, expectedValue(v)])), label);
  assert.equal(got.resource.serviceName, 'node-sdk-test');
  assert.deepEqual(got.scope, { name: 'trace-lens-test', version: '9.9.9' }, label);
}

async function exportWith(rx: RunningReceiver | RunningGrpcReceiver, exporter: SpanExporter, emit: (p: TracerProvider) => number): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'node-sdk-test', 'service.version': '1.0.0', 'deployment.environment.name': 'test' }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter, scheduledDelayMillis: 50, maxExportBatchSize: 512, maxQueueSize: 20_000 }),
      new SimpleSpanProcessor({ exporter: memory }),
    ],
  });
  const before = rx.store.counts.spansReceived;
  const count = emit(provider);
  await provider.forceFlush();
  await waitFor(`${count} spans in the store`, () => rx.store.counts.spansReceived - before >= count);
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  assert.equal(spans.length, count);
  return spans;
}

async function assertAllArrived(rx: RunningReceiver | RunningGrpcReceiver, sdkSpans: ReadableSpan[]): Promise<void> {
  for (const sdk of sdkSpans) {
    const trace = await rx.store.getTrace(sdk.spanContext().traceId);
    const got = trace.spans.find((s) => s.spanId === sdk.spanContext().spanId);
    assert.ok(got, `span ${sdk.name} arrived`);
    assertSameSpan(got, sdk);
  }
}

describe('receiver with the OpenTelemetry JS SDK', () => {
  let rx: RunningReceiver;
  beforeEach(async () => {
    rx = await startReceiver();
  });
  afterEach(async () => {
    await rx.stop();
  });

  it('receives every span intact from the protobuf exporter (gzip)', async () => {
    process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION = 'gzip';
    let exporter: ProtoExporter;
    try {
      exporter = new ProtoExporter({ url: `http://localhost:${rx.port}/v1/traces` });
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION;
    }
    const spans = await exportWith(rx, exporter, emitWorkload);
    await assertAllArrived(rx, spans);
    assert.equal(rx.receiver.stats.requestsRefused, 0);
    assert.ok(rx.receiver.stats.compressedRequests > 0, 'the exporter compressed its requests');
    assert.equal(rx.store.counts.spansRejected, 0);
  });

  it('receives every span intact from the JSON (otlp-http) exporter', async () => {
    const exporter = new JsonExporter({ url: `http://localhost:${rx.port}/v1/traces` });
    const spans = await exportWith(rx, exporter, emitWorkload);
    await assertAllArrived(rx, spans);
    assert.equal(rx.receiver.stats.requestsRefused, 0);
  });

  it('accepts a 10,000-deep parent chain sent in many batches and keeps the trace consistent', async () => {
    const depth = 10_000;
    const exporter = new ProtoExporter({ url: `http://localhost:${rx.port}/v1/traces` });
    const spans = await exportWith(rx, exporter, (provider) => {
      const tracer = provider.getTracer('trace-lens-test', '9.9.9');
      const open = [];
      let ctx: Context = ROOT_CONTEXT;
      for (let i = 0; i < depth; i++) {
        const s = tracer.startSpan(`level ${i}`, {}, ctx);
        open.push(s);
        ctx = trace.setSpan(ROOT_CONTEXT, s);
      }
      for (let i = open.length - 1; i >= 0; i--) open[i].end();
      return depth;
    });
    const traceId = spans[0].spanContext().traceId;
    const stored = await rx.store.getTrace(traceId);
    assert.equal(stored.spans.length, depth);
    const byId = new Map(stored.spans.map((s) => [s.spanId, s]));
    const roots = stored.spans.filter((s) => !s.parentSpanId);
    assert.equal(roots.length, 1);
    for (const s of stored.spans) if (s.parentSpanId) assert.ok(byId.has(s.parentSpanId), `parent of ${s.name} present`);
    // Walk from the deepest span to the root: exactly `depth` hops, no cycle.
    let cursor = stored.spans.find((s) => s.name === `level ${depth - 1}`);
    let hops = 0;
    while (cursor) {
      hops++;
      cursor = cursor.parentSpanId ? byId.get(cursor.parentSpanId) : undefined;
    }
    assert.equal(hops, depth);
    assert.ok(rx.receiver.stats.requests >= depth / 512, 'arrived in several batches');
    const [summary] = await rx.store.search({ range: { startMs: 0, endMs: Date.now() + 60_000 }, limit: 1 });
    assert.equal(summary.rootName, 'level 0');
    assert.equal(summary.spanCount, depth);
  });
});

describe('receiver with the OpenTelemetry JS SDK over OTLP/gRPC', () => {
  let rx: RunningGrpcReceiver;
  beforeEach(async () => {
    rx = await startGrpcReceiver();
  });
  afterEach(async () => {
    await rx.stop();
  });

  for (const compression of ['none', 'gzip']) {
    it(`receives every span intact from the gRPC exporter (compression ${compression})`, async () => {
      process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION = compression;
      let exporter: GrpcExporter;
      try {
        exporter = new GrpcExporter({ url: `http://localhost:${rx.port}` });
      } finally {
        delete process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION;
      }
      const spans = await exportWith(rx, exporter, emitWorkload);
      await assertAllArrived(rx, spans);
      assert.equal(rx.receiver.stats.requestsRefused, 0);
      assert.equal(rx.store.counts.spansRejected, 0);
    });
  }

  it('takes 5,000 spans sent in many exports', async () => {
    const exporter = new GrpcExporter({ url: `http://localhost:${rx.port}` });
    const spans = await exportWith(rx, exporter, (provider) => {
      const tracer = provider.getTracer('trace-lens-test', '9.9.9');
      for (let i = 0; i < 5_000; i++) tracer.startSpan(`op ${i % 7}`, { attributes: { i } }, ROOT_CONTEXT).end();
      return 5_000;
    });
    assert.equal(spans.length, 5_000);
    assert.ok(rx.receiver.stats.requests >= 5_000 / 512, 'arrived in several exports');
    assert.equal(rx.store.counts.spansHeld, 5_000);
  });
});
