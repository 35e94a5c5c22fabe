// Spans sent to a workbench's receiver through the real OpenTelemetry JS SDK, shared by the e2e tests.
import { ROOT_CONTEXT, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export interface Batch {
  name: string;
  attributes: Attributes;
  durationsMs: number[];
  errors?: number[];
}

/** Sends spans through the real OpenTelemetry SDK (OTLP protobuf), one trace each, started recently. */
export async function sendBatches(port: number, batches: Batch[], options: { resource?: Attributes; scope?: string } = {}): Promise<Map<string, string[]>> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes(options.resource ?? { 'service.name': 'latency-e2e' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }), maxExportBatchSize: 512 })],
  });
  const tracer = provider.getTracer(options.scope ?? 'trace-lens-latency-e2e');
  const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  let at = Date.now() - 20_000;
  const traceIds = new Map<string, string[]>();
  for (const b of batches) {
    const ids: string[] = [];
    b.durationsMs.forEach((d, i) => {
      const span = tracer.startSpan(b.name, { startTime: hr(at), attributes: b.attributes }, ROOT_CONTEXT);
      if (b.errors?.includes(i)) span.setStatus({ code: SpanStatusCode.ERROR, message: 'fixture failure' });
      span.end(hr(at + d));
      ids.push(span.spanContext().traceId);
      at += 100;
    });
    traceIds.set(b.name, ids);
  }
  await provider.forceFlush();
  await provider.shutdown();
  return traceIds;
}
