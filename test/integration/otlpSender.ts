// Spans for the in-host suites, sent as a service sends them: through the real OpenTelemetry JS SDK
// and its OTLP/protobuf exporter.
import { SpanStatusCode, ROOT_CONTEXT, type Attributes, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { RECEIVER } from './receiverPorts';
import { waitFor } from './support';

export interface Batch {
  name: string;
  attributes: Attributes;
  durationsMs: number[];
  /** Indexes of spans that fail. */
  errors?: number[];
}

export interface SentSpan {
  traceId: string;
  spanId: string;
  durationMs: number;
  error: boolean;
}

/** Sends each batch through the real OpenTelemetry SDK (OTLP protobuf), one trace per span, recently started. */
export async function sendBatches(batches: Batch[], serviceName: string, otlpHttpUrl = RECEIVER): Promise<Map<string, SentSpan[]>> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }), maxExportBatchSize: 512, maxQueueSize: 2048 })],
  });
  const tracer = provider.getTracer('trace-lens-latency-test');
  const baseMs = Date.now() - 30_000;
  const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  const sent = new Map<string, SentSpan[]>();
  let offset = 0;
  for (const b of batches) {
    const list: SentSpan[] = [];
    b.durationsMs.forEach((d, i) => {
      const start = baseMs + offset;
      offset += 200;
      const span = tracer.startSpan(b.name, { startTime: hr(start), attributes: b.attributes }, ROOT_CONTEXT);
      const error = b.errors?.includes(i) ?? false;
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'fixture failure' });
      span.end(hr(start + d));
      list.push({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, durationMs: d, error });
    });
    sent.set(b.name, list);
  }
  await provider.forceFlush();
  await provider.shutdown();
  return sent;
}

/** `sendBatches` to the built-in receiver, trying again until it listens (the extension may still be starting it). */
export async function sendToReceiver(batches: Batch[], serviceName: string): Promise<Map<string, SentSpan[]>> {
  let lastError: unknown;
  return waitFor('the receiver to accept spans', async () => {
    try {
      return await sendBatches(batches, serviceName);
    } catch (err) {
      lastError = err;
      return undefined; // not listening yet
    }
  }).catch((err: Error) => {
    throw new Error(`${err.message}: ${describeFailure(lastError)}`);
  });
}

/** forceFlush rejects with an array of errors: make it readable. */
function describeFailure(err: unknown): string {
  if (Array.isArray(err)) return err.map(describeFailure).join('; ');
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
