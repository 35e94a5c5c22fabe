/*
 * The OpenTelemetry Python SDK with opentelemetry-exporter-otlp, installed into a
 * cached venv on first run, exporting over loopback into the receiver with its
 * default exporter for each protocol: OTLP/HTTP protobuf, then OTLP/gRPC. The script prints its own in-memory copy of the spans; every field
 * must match what the store holds.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { AttributeValue, Span } from '../../src/core/model/trace';
import { extractCodeLocation, locationKeyString } from '../../src/core/source/codeLocation';
import { ensurePythonOtel, run, startGrpcReceiver, startReceiver, waitFor } from './receiverHarness';
import type { RunningGrpcReceiver, RunningReceiver } from './receiverHarness';

type Typed = ['bool', boolean] | ['int', string] | ['double', number] | ['string', string] | ['array', Typed[]];

interface PySpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: Span['kind'];
  start: string;
  end: string;
  attributes: Record<string, Typed>;
  events: { name: string; time: string; attributes: Record<string, Typed> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, Typed> }[];
  status: { code: Span['status']['code']; message: string | null };
  resource: Record<string, Typed>;
  scope: { name: string; version: string };
}

function value(t: Typed): AttributeValue {
  switch (t[0]) {
    case 'int': {
      const n = Number(t[1]);
      return Number.isSafeInteger(n) ? n : BigInt(t[1]);
    }
    case 'array':
      return t[1].map(value);
    default:
      return t[1];
  }
}

function attrs(a: Record<string, Typed>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, value(v)]));
}

const PROTOCOLS = [
  { protocol: 'http/protobuf', start: startReceiver, endpoint: (port: number) => `http://localhost:${port}/v1/traces` },
  // The gRPC exporter's endpoint is host:port; insecure (plain HTTP/2) on loopback.
  { protocol: 'grpc', start: startGrpcReceiver, endpoint: (port: number) => `localhost:${port}` },
] as const;

for (const { protocol, start, endpoint } of PROTOCOLS) describe(`receiver with the OpenTelemetry Python SDK (${protocol})`, () => {
  let rx: RunningReceiver | RunningGrpcReceiver;
  let python: string;

  before(async () => {
    python = await ensurePythonOtel();
    rx = await start();
  });
  after(async () => {
    await rx?.stop();
  });

  it('receives every span intact: ids, parents, timings, all attribute types, events, links, status, resource', async () => {
    const script = path.join(__dirname, 'python', 'emit_spans.py');
    // gRPC with gzip, as many deployments configure it (grpc-js decompresses).
    const env = protocol === 'grpc' ? { ...process.env, OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' } : process.env;
    const { stdout } = await run(python, [script, endpoint(rx.port), protocol], { timeoutMs: 120_000, env });
    const expected = JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as PySpan[];
    assert.equal(expected.length, 4);
    await waitFor('4 spans from Python', () => rx.store.counts.spansReceived >= 4);
    assert.equal(rx.store.counts.spansRejected, 0);
    for (const e of expected) {
      const trace = await rx.store.getTrace(e.traceId);
      const got = trace.spans.find((s) => s.spanId === e.spanId);
      assert.ok(got, `span ${e.name} arrived`);
      assert.equal(got.parentSpanId, e.parentSpanId ?? undefined);
      assert.equal(got.name, e.name);
      assert.equal(got.kind, e.kind);
      assert.equal(got.startTimeUnixNano, BigInt(e.start));
      assert.equal(got.endTimeUnixNano, BigInt(e.end));
      assert.deepEqual(got.attributes, attrs(e.attributes), e.name);
      assert.deepEqual(got.events, e.events.map((ev) => ({ name: ev.name, timeUnixNano: BigInt(ev.time), attributes: attrs(ev.attributes) })));
      assert.deepEqual(got.links, e.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: attrs(l.attributes) })));
      const status: Span['status'] = { code: e.status.code };
      if (e.status.message) status.message = e.status.message;
      assert.deepEqual(got.status, status);
      assert.deepEqual(got.resource.attributes, attrs(e.resource));
      assert.equal(got.resource.serviceName, 'python-sdk-test');
      assert.deepEqual(got.scope, { name: e.scope.name, version: e.scope.version });
    }
    const root = expected.find((e) => e.name === 'POST /checkout');
    assert.equal((await rx.store.getTrace(root!.traceId)).spans.find((s) => s.name === 'POST /checkout')?.attributes['app.big'], 2n ** 62n + 1n);
    // One span carries the function's code location, as the statistics key it.
    const checkout = locationKeyString({ filePath: '/srv/shop/views.py', functionName: 'checkout', namespace: 'shop.views' });
    const located = [...rx.store.allSpans()].filter((s) => locationKeyString(extractCodeLocation(s)) === checkout);
    assert.equal(located.length, 1);
  });
});
