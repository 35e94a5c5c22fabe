/*
 * The OpenTelemetry Java agent (from Maven Central, cached) instrumenting a tiny
 * program compiled with javac at test time, exporting over loopback into the
 * receiver, once with otel.exporter.otlp.protocol=http/protobuf and once with
 * grpc (the agent's OTLP/gRPC exporter, port 4317's protocol): @WithSpan spans with code.* attributes and a
 * manual span with every attribute type, an event and an error status.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractCodeLocation } from '../../src/core/source/codeLocation';
import { ensureJavaJars, run, startGrpcReceiver, startReceiver, waitFor } from './receiverHarness';
import type { RunningGrpcReceiver, RunningReceiver } from './receiverHarness';

const PROTOCOLS = [
  { protocol: 'http/protobuf', start: startReceiver },
  { protocol: 'grpc', start: startGrpcReceiver },
] as const;

for (const { protocol, start } of PROTOCOLS) describe(`receiver with the OpenTelemetry Java agent (${protocol})`, () => {
  let rx: RunningReceiver | RunningGrpcReceiver;
  let workDir: string;

  before(async () => {
    rx = await start();
    workDir = mkdtempSync(path.join(tmpdir(), 'trace-lens-java-'));
  });
  after(async () => {
    await rx?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('receives @WithSpan and manual spans intact, with parents, code.* and all attribute types', async () => {
    const jars = await ensureJavaJars();
    const classpath = [jars.annotations, jars.api, jars.context].join(path.delimiter);
    const source = path.join(__dirname, 'java', 'TraceLensDemo.java');
    await run('javac', ['-cp', classpath, '-d', workDir, source]);
    const { stdout, stderr } = await run(
      'java',
      [
        `-javaagent:${jars.agent}`,
        `-Dotel.exporter.otlp.endpoint=http://localhost:${rx.port}`,
        `-Dotel.exporter.otlp.protocol=${protocol}`,
        '-Dotel.traces.exporter=otlp',
        '-Dotel.metrics.exporter=none',
        '-Dotel.logs.exporter=none',
        '-Dotel.service.name=java-agent-test',
        '-Dotel.bsp.schedule.delay=100',
        '-cp',
        [workDir, classpath].join(path.delimiter),
        'TraceLensDemo',
      ],
      { timeoutMs: 180_000 },
    );
    const line = (tag: string): string[] => {
      const found = stdout.split('\n').find((l) => l.startsWith(`${tag} `));
      assert.ok(found, `program printed ${tag}; stdout: ${stdout} stderr: ${stderr.slice(-2000)}`);
      return found.trim().split(' ').slice(1);
    };
    const [traceId, checkoutId] = line('CHECKOUT');
    const [priceId] = line('PRICE');
    const [manualId] = line('MANUAL');

    await waitFor('3 spans from the Java agent', () => rx.store.counts.spansReceived >= 3, 30_000);
    assert.equal(rx.store.counts.spansRejected, 0);
    const trace = await rx.store.getTrace(traceId);
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    const checkout = byId.get(checkoutId);
    const price = byId.get(priceId);
    const manual = byId.get(manualId);
    assert.ok(checkout && price && manual, `all three spans arrived: ${trace.spans.map((s) => s.name).join(', ')}`);

    assert.equal(checkout.name, 'TraceLensDemo.checkout');
    assert.equal(checkout.parentSpanId, undefined);
    assert.equal(checkout.kind, 'internal');
    assert.equal(checkout.attributes['order.id'], 'order-17');
    assert.equal(checkout.attributes['code.function'] ?? checkout.attributes['code.function.name'], 'checkout');
    assert.equal(checkout.attributes['code.namespace'], 'TraceLensDemo');
    assert.equal(checkout.resource.serviceName, 'java-agent-test');
    assert.equal(checkout.resource.attributes['telemetry.sdk.language'], 'java');
    assert.equal(checkout.scope.name, 'io.opentelemetry.opentelemetry-instrumentation-annotations-1.16');

    assert.equal(price.name, 'price lookup');
    assert.equal(price.parentSpanId, checkoutId);
    assert.ok(price.startTimeUnixNano >= checkout.startTimeUnixNano && price.endTimeUnixNano <= checkout.endTimeUnixNano);

    assert.equal(manual.parentSpanId, priceId);
    assert.equal(manual.kind, 'client');
    assert.deepEqual(manual.scope, { name: 'trace-lens-manual', version: '1.0.0' });
    assert.deepEqual(
      Object.fromEntries(Object.entries(manual.attributes).filter(([k]) => k.startsWith('app.'))),
      {
        'app.string': 'value ✓',
        'app.long': 2n ** 60n,
        'app.double': 2.5,
        'app.bool': true,
        'app.strings': ['a', 'b'],
        'app.longs': [1, -2],
        'app.doubles': [0.5, 1.5],
        'app.bools': [true, false],
      },
    );
    // Link ids only: agent 2.10's bridge of the application API drops link attributes
    // before export (checked in the raw request body), so there is nothing to compare.
    assert.deepEqual(manual.links.map((l) => [l.traceId, l.spanId]), [[traceId, checkoutId]]);
    assert.ok(manual.startTimeUnixNano >= price.startTimeUnixNano && manual.endTimeUnixNano <= price.endTimeUnixNano);
    assert.equal(manual.events.length, 1);
    assert.ok(manual.events[0].timeUnixNano >= manual.startTimeUnixNano && manual.events[0].timeUnixNano <= manual.endTimeUnixNano);
    assert.equal(manual.events[0].name, 'cache miss');
    assert.deepEqual(manual.events[0].attributes, { attempt: 3 });
    assert.deepEqual(manual.status, { code: 'error', message: 'manual failure' });

    // The @WithSpan method's spans carry its code location, as the statistics read it.
    const located = [...rx.store.allSpans()].map((s) => extractCodeLocation(s)).find((l) => l.functionName === 'checkout');
    assert.equal(located?.namespace, 'TraceLensDemo');
  });
});
