/*
 * Synthetic but SDK-made spans for the receiver benchmarks: real OpenTelemetry JS
 * SDK spans (10 attributes each, an event on every fifth, traces of 10 spans)
 * serialized by the SDK's own OTLP protobuf serializer, so the bytes are what
 * a real exporter sends.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

export async function generateSdkSpans(count: number, spansPerTrace = 10): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'bench-service',
      'service.version': '1.4.2',
      'deployment.environment.name': 'bench',
      'host.name': 'bench-host',
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('bench-scope', '1.0.0');
  const base = Date.now() - 60_000;
  for (let i = 0; i < count; ) {
    const root = tracer.startSpan('GET /api/orders/:id', {
      kind: SpanKind.SERVER,
      startTime: base + i,
      attributes: attributesFor(i),
    });
    i++;
    const ctx = trace.setSpan(ROOT_CONTEXT, root);
    for (let j = 1; j < spansPerTrace && i < count; j++, i++) {
      const child = tracer.startSpan(`OrderRepository.load${j % 4}`, { kind: SpanKind.INTERNAL, startTime: base + i, attributes: attributesFor(i) }, ctx);
      if (i % 5 === 0) child.addEvent('cache miss', { 'cache.key': `order:${i}`, 'cache.ttl_ms': 250 });
      if (i % 97 === 0) child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout talking to db' });
      child.end(base + i + 3);
    }
    root.end(base + i + 5);
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function attributesFor(i: number): Record<string, string | number | boolean> {
  return {
    'http.request.method': 'GET',
    'http.route': '/api/orders/:id',
    'url.full': `https://shop.example.com/api/orders/${i}?expand=items`,
    'http.response.status_code': 200,
    'server.address': 'shop.example.com',
    'code.function.name': `OrderRepository.load${i % 4}`,
    'code.file.path': '/srv/app/src/orders/orderRepository.ts',
    'code.line.number': 40 + (i % 4) * 12,
    'db.system.name': 'postgresql',
    'app.cache_hit_ratio': 0.83,
  };
}

export function toOtlpProtobuf(spans: ReadableSpan[]): Uint8Array {
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  if (!body) throw new Error('serializer returned nothing');
  return body;
}

export function toOtlpJson(spans: ReadableSpan[]): Uint8Array {
  const body = JsonTraceSerializer.serializeRequest(spans);
  if (!body) throw new Error('serializer returned nothing');
  return body;
}
