// Sends the canonical test trace to a real backend through the real
// OpenTelemetry Node SDK (OTLP/HTTP for Jaeger, the Zipkin exporter
// for Zipkin) and returns what was sent, so contract tests can compare a
// backend's answer with the truth. Every call makes a new trace (fresh ids).
import { SpanKind, SpanStatusCode, trace, ROOT_CONTEXT, type Attributes, type AttributeValue, type HrTime, type Link } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { randomBytes } from 'node:crypto';

export type ExpectedKind = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type ExpectedStatusCode = 'UNSET' | 'OK' | 'ERROR';

export interface ExpectedEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

export interface ExpectedLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface ExpectedSpan {
  traceId: string; // 32 lowercase hex
  spanId: string; // 16 lowercase hex
  parentSpanId?: string;
  name: string;
  kind: ExpectedKind;
  serviceName: string;
  resourceAttributes: Attributes;
  scope: { name: string; version?: string };
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: ExpectedEvent[];
  links: ExpectedLink[];
  status: { code: ExpectedStatusCode; message?: string };
}

export interface SentTrace {
  traceId: string;
  /** Value of the root span's `test.run` attribute: unique per call, handy for tag searches. */
  runId: string;
  rootSpanId: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  services: string[];
  /** In start order: root first. */
  spans: ExpectedSpan[];
}

export interface SendTarget {
  /** Base URL of an OTLP/HTTP receiver: spans go to `{otlpHttpUrl}/v1/traces`. */
  otlpHttpUrl?: string;
  /** Zipkin's `POST /api/v2/spans` URL. Used when otlpHttpUrl is absent. */
  zipkinIngestUrl?: string;
  /** Extra request headers, e.g. a tenant or an authentication header. */
  headers?: Record<string, string>;
  /** OTLP encoding; JSON by default. */
  otlpEncoding?: 'json' | 'protobuf';
  /** Start of the trace in ms since the epoch; default 10 s ago. Whole milliseconds keep Zipkin's µs exact. */
  startTimeMs?: number;
}

export const testServices = { frontend: 'frontend', checkout: 'checkout' } as const;
export const testScope = { name: 'trace-lens-test', version: '0.1.0' } as const;

/** Sends one canonical trace and waits until the exporters have delivered it. */
export async function sendTestTrace(target: SendTarget): Promise<SentTrace> {
  const recorder = new InMemorySpanExporter();
  const failures: string[] = [];
  const providers = [testServices.frontend, testServices.checkout].map((serviceName) => {
    const exporter = new CheckedExporter(makeExporter(target, serviceName), serviceName, failures);
    return new TracerProvider({
      resource: resourceFromAttributes({
        'service.name': serviceName,
        'service.version': '1.2.3',
        'deployment.environment.name': 'test',
      }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: recorder }), new BatchSpanProcessor({ exporter })],
    });
  });
  const [frontendProvider, checkoutProvider] = providers;
  const frontend = frontendProvider.getTracer(testScope.name, testScope.version);
  const checkout = checkoutProvider.getTracer(testScope.name, testScope.version);

  const startMs = Math.floor(target.startTimeMs ?? Date.now() - 10_000);
  // Offsets in µs from the trace start; µs granularity survives Jaeger and Zipkin.
  const at = (us: number): HrTime => {
    const totalUs = startMs * 1000 + us;
    return [Math.floor(totalUs / 1e6), (totalUs % 1e6) * 1000];
  };
  const runId = randomBytes(8).toString('hex');

  const root = frontend.startSpan(
    'GET /checkout',
    {
      kind: SpanKind.SERVER,
      startTime: at(0),
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/checkout',
        'http.response.status_code': 200,
        'test.run': runId,
      },
    },
    ROOT_CONTEXT,
  );
  const rootCtx = trace.setSpan(ROOT_CONTEXT, root);

  // Old code.* names (semconv < 1.30) plus one attribute of every type.
  const render = frontend.startSpan(
    'renderCart',
    {
      kind: SpanKind.INTERNAL,
      startTime: at(1_000),
      attributes: {
        'code.filepath': 'src/cart/render.ts',
        'code.lineno': 42,
        'code.function': 'renderCart',
        'code.namespace': 'cart.CartView',
        'test.string': 'hello "world" ü',
        'test.bool': true,
        'test.int': 7,
        'test.double': 2.5,
        'test.string_array': ['a', 'b'],
        'test.bool_array': [true, false],
        'test.int_array': [1, 2, 3],
        'test.double_array': [1.5, 2.25],
      },
    },
    rootCtx,
  );
  render.end(at(20_000));

  const call = frontend.startSpan(
    'POST /api/checkout',
    {
      kind: SpanKind.CLIENT,
      startTime: at(25_000),
      attributes: { 'http.request.method': 'POST', 'server.address': 'checkout', 'server.port': 8080 },
    },
    rootCtx,
  );
  // The checkout service continues the trace as a remote parent would via traceparent.
  const remoteCtx = trace.setSpanContext(ROOT_CONTEXT, { ...call.spanContext(), isRemote: true });
  const handle = checkout.startSpan(
    'POST /api/checkout',
    {
      kind: SpanKind.SERVER,
      startTime: at(27_000),
      attributes: { 'http.request.method': 'POST', 'http.route': '/api/checkout', 'http.response.status_code': 500 },
    },
    remoteCtx,
  );
  const handleCtx = trace.setSpan(ROOT_CONTEXT, handle);

  // New code.* names (semconv >= 1.30), an event with attributes, a link.
  const link: Link = { context: render.spanContext(), attributes: { 'link.reason': 'cart snapshot' } };
  const place = checkout.startSpan(
    'placeOrder',
    {
      kind: SpanKind.INTERNAL,
      startTime: at(30_000),
      links: [link],
      attributes: {
        'code.file.path': 'src/checkout/order.ts',
        'code.line.number': 87,
        'code.function.name': 'checkout.OrderService.placeOrder',
      },
    },
    handleCtx,
  );
  place.addEvent('order.validated', { 'order.items': 3, 'order.total': 99.5, 'order.currency': 'EUR', 'order.gift': false }, at(35_000));
  const placeCtx = trace.setSpan(ROOT_CONTEXT, place);

  const charge = checkout.startSpan(
    'chargeCard',
    { kind: SpanKind.CLIENT, startTime: at(40_000), attributes: { 'payment.provider': 'test-psp' } },
    placeCtx,
  );
  charge.addEvent('exception', { 'exception.type': 'PaymentDeclined', 'exception.message': 'card declined' }, at(94_000));
  charge.setStatus({ code: SpanStatusCode.ERROR, message: 'payment declined' });
  charge.end(at(95_000));
  place.setStatus({ code: SpanStatusCode.ERROR, message: 'payment declined' });
  place.end(at(100_000));
  handle.setStatus({ code: SpanStatusCode.ERROR });
  handle.end(at(112_000));
  call.end(at(115_000));
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(at(120_000));

  // forceFlush rejects with an array of errors when an export fails; gather
  // everything into one readable message.
  for (const provider of providers) {
    try {
      await provider.forceFlush();
    } catch (err) {
      failures.push(describeError(err));
    }
  }
  // Read before shutdown: shutting the recorder down empties it.
  const finished = recorder.getFinishedSpans();
  for (const provider of providers) await provider.shutdown().catch(() => undefined);
  if (failures.length > 0) {
    const destination = target.otlpHttpUrl ?? target.zipkinIngestUrl;
    throw new Error(`sending the test trace to ${destination} failed: ${[...new Set(failures)].join('; ')}`);
  }

  const spans = finished
    .map(toExpected)
    .sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0));
  const rootSpan = spans[0];
  return {
    traceId: rootSpan.traceId,
    runId,
    rootSpanId: rootSpan.spanId,
    startTimeUnixNano: rootSpan.startTimeUnixNano,
    endTimeUnixNano: rootSpan.endTimeUnixNano,
    services: [testServices.frontend, testServices.checkout],
    spans,
  };
}

/** JSON-safe copy (bigints as decimal strings), as stored in fixtures' expected.json. */
export function sentTraceToJson(sent: SentTrace): unknown {
  return JSON.parse(JSON.stringify(sent, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
}

function makeExporter(target: SendTarget, serviceName: string): SpanExporter {
  if (target.otlpHttpUrl) {
    const config = { url: `${target.otlpHttpUrl.replace(/\/$/, '')}/v1/traces`, headers: target.headers ?? {} };
    return target.otlpEncoding === 'protobuf' ? new OtlpProtoExporter(config) : new OtlpJsonExporter(config);
  }
  if (target.zipkinIngestUrl) {
    return new ZipkinExporter({ url: target.zipkinIngestUrl, serviceName, headers: target.headers });
  }
  throw new Error('sendTestTrace: target has neither otlpHttpUrl nor zipkinIngestUrl');
}

function describeError(err: unknown): string {
  if (Array.isArray(err)) return err.map(describeError).join('; ');
  return err instanceof Error ? err.message : String(err);
}

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
// ExportResultCode.SUCCESS of @opentelemetry/core, which is not a direct dependency.
const exportSuccess = 0;

/** Records export failures: the batch processor only logs them, and tests must not wait for a trace that never left. */
class CheckedExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly label: string,
    private readonly failures: string[],
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== exportSuccess) {
        this.failures.push(`${this.label}: ${result.error?.message ?? 'export failed'}`);
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

const kindNames: Record<SpanKind, ExpectedKind> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

const statusNames: Record<SpanStatusCode, ExpectedStatusCode> = {
  [SpanStatusCode.UNSET]: 'UNSET',
  [SpanStatusCode.OK]: 'OK',
  [SpanStatusCode.ERROR]: 'ERROR',
};

function hrToNs(t: HrTime): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

function copyAttributes(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    out[key] = Array.isArray(value) ? ([...value] as AttributeValue) : value;
  }
  return out;
}

function toExpected(span: ReadableSpan): ExpectedSpan {
  const context = span.spanContext();
  const parentSpanId = span.parentSpanContext?.spanId;
  const resourceAttributes = copyAttributes(span.resource.attributes as Attributes);
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name,
    kind: kindNames[span.kind],
    serviceName: String(resourceAttributes['service.name']),
    resourceAttributes,
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version },
    startTimeUnixNano: hrToNs(span.startTime),
    endTimeUnixNano: hrToNs(span.endTime),
    attributes: copyAttributes(span.attributes),
    events: span.events.map((e) => ({ name: e.name, timeUnixNano: hrToNs(e.time), attributes: copyAttributes(e.attributes) })),
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: copyAttributes(l.attributes) })),
    status: {
      code: statusNames[span.status.code],
      ...(span.status.message ? { message: span.status.message } : {}),
    },
  };
}
