import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { UnknownTraceFileFormatError } from '../../../src/core/errors';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';
import { startHttpServer, type LocalServer } from './localHttpServer';
import { compareTrace, fixtureDir, readExpected, ZIPKIN_FIDELITY } from './traceExpectations';

/**
 * Exports spans with the real OpenTelemetry OTLP/HTTP JSON exporter to a local HTTP
 * server and returns the request bodies: exactly what the Collector's file exporter
 * stores one per line.
 */
async function exportOtlpJsonBodies(): Promise<{ bodies: string[]; traceId: string }> {
  const server: LocalServer = await startHttpServer();
  const bodies: string[] = [];
  server.handle((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  try {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'file-svc' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${server.url}/v1/traces` }) })],
    });
    const tracer = provider.getTracer('file-test', '1.0.0');
    const root = tracer.startSpan('root', { kind: SpanKind.SERVER, attributes: { 'a.int': 5, 'a.list': ['x', 'y'] } }, ROOT_CONTEXT);
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
    child.addEvent('step', { n: 1 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'nope' });
    child.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    return { bodies, traceId: root.spanContext().traceId };
  } finally {
    await server.close();
  }
}

describe('trace files: detection and loading', () => {
  let otlp: { bodies: string[]; traceId: string };
  before(async () => {
    otlp = await exportOtlpJsonBodies();
    assert.equal(otlp.bodies.length, 2, 'one export per span with the simple processor');
  });

  it('loads one OTLP JSON document as the OpenTelemetry exporter writes it', () => {
    const merged = JSON.parse(otlp.bodies[0]) as { resourceSpans: unknown[] };
    const second = JSON.parse(otlp.bodies[1]) as { resourceSpans: unknown[] };
    merged.resourceSpans.push(...second.resourceSpans);
    const { format, traces } = loadTraceFile(JSON.stringify(merged));
    assert.equal(format, 'otlp');
    assert.equal(traces.length, 1);
    const t = traces[0];
    assert.equal(t.traceId, otlp.traceId);
    const root = t.spans.find((s) => s.name === 'root');
    const child = t.spans.find((s) => s.name === 'child');
    assert.equal(child?.parentSpanId, root?.spanId);
    assert.equal(root?.kind, 'server');
    assert.deepEqual(root?.attributes, { 'a.int': 5, 'a.list': ['x', 'y'] });
    assert.deepEqual(child?.status, { code: 'error', message: 'nope' });
    assert.equal(child?.events[0]?.name, 'step');
    assert.equal(root?.resource.serviceName, 'file-svc');
    assert.deepEqual(root?.scope, { name: 'file-test', version: '1.0.0' });
  });

  it('loads the Collector file exporter layout (one document per line) and merges by trace id', () => {
    const text = `${otlp.bodies.join('\n')}\n`;
    const { format, traces } = loadTraceFile(Buffer.from(text));
    assert.equal(format, 'otlp-lines');
    assert.equal(traces.length, 1);
    assert.equal(traces[0].spans.length, 2);
    assert.equal(traces[0].partial, undefined);
  });

  it('keeps the complete lines of a file cut off mid-line and marks the trace partial', () => {
    const text = `${otlp.bodies[0]}\n${otlp.bodies[1].slice(0, 40)}`;
    const { traces } = loadTraceFile(text);
    assert.equal(traces[0].spans.length, 1);
    assert.equal(traces[0].partial, true);
    assert.match(traces[0].warnings[0], /incomplete line/);
  });

  it('detects Zipkin JSON recorded from the real server', () => {
    const dir = fixtureDir('zipkin');
    const { format, traces } = loadTraceFile(readFileSync(path.join(dir, 'trace.json')));
    assert.equal(format, 'zipkin');
    assert.deepEqual(compareTrace(traces[0], readExpected(dir), ZIPKIN_FIDELITY), []);
    assert.equal(loadTraceFile(readFileSync(path.join(dir, 'traces-service.json'))).traces.length, 2);
  });

  it('replaces invalid UTF-8 instead of failing, and strips a BOM', () => {
    const span = { traceId: 'ab'.repeat(16), id: 'cd'.repeat(8), name: 'NAME', timestamp: 1, duration: 1 };
    const json = Buffer.from(`\ufeff${JSON.stringify([span])}`, 'utf8');
    const i = json.indexOf('NAME');
    json[i] = 0xff;
    json[i + 1] = 0xfe;
    const { format, traces } = loadTraceFile(json);
    assert.equal(format, 'zipkin');
    assert.equal(traces[0].spans[0].name, '\ufffd\ufffdME');
  });

  it('says clearly when the format is unknown', () => {
    const check = (content: string, re: RegExp) =>
      assert.throws(
        () => loadTraceFile(content, { fileName: 'trace.json' }),
        (e: unknown) => e instanceof UnknownTraceFileFormatError && re.test(e.userMessage) && /trace\.json/.test(e.userMessage) && /Jaeger UI/.test(e.userMessage),
      );
    check('', /empty/);
    check('   \n', /empty/);
    check('{"hello":"world"}', /none of the known trace layouts/);
    check('[1,2,3]', /none of the known trace layouts/);
    check('<html></html>', /not valid JSON/);
    check('{"resourceSpans":[]}\n{"nope":1}\n{"resourceSpans":[]}', /line 2 is not an OTLP JSON document/);
  });

  it('reads Tempo JSON (batches) and Jaeger-wrapped OTLP', () => {
    const doc = JSON.parse(otlp.bodies[0]) as { resourceSpans: unknown[] };
    assert.equal(loadTraceFile(JSON.stringify({ batches: doc.resourceSpans })).format, 'tempo');
    assert.equal(loadTraceFile(JSON.stringify({ trace: doc })).format, 'tempo');
    assert.equal(loadTraceFile(JSON.stringify({ result: doc })).format, 'otlp');
    assert.equal(loadTraceFile(JSON.stringify({ trace: doc })).traces[0].spans.length, 1);
  });
});
