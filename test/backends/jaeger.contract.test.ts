// Contract: JaegerClient (API v3, and the v1 fallback) against a real Jaeger v2 server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { JaegerClient } from '../../src/core/backends/jaegerClient';
import type { TraceBackend } from '../../src/core/backends/traceBackend';
import { servesJaegerGrpc } from '../../src/core/backends/jaegerGrpc';
import { traceFromResponse } from '../../src/core/backends/traceResponse';
import { ConfigurationError } from '../../src/core/errors';
import { WaterfallWorkerClient } from '../../src/webviews/waterfall/workerClient';
import {
  assertBearerProxy,
  assertNotFound,
  assertTraceMatches,
  assertUnreachable,
  Backends,
  baseQuery,
  freeLoopbackPort,
  rangeAround,
} from '../unit/backends/backendContract';
import { startReverseProxy } from '../unit/backends/localHttpServer';
import { JAEGER_V1_FIDELITY, JAEGER_V3_FIDELITY } from '../unit/backends/traceExpectations';
import { sendTestTrace, testServices, type SentTrace } from './harness/sendTestTrace';
import { startJaeger, type RunningServer } from './harness/servers';
import { waitForTrace } from './harness/waitForTrace';

describe('contract: Jaeger', function () {
  this.timeout(900_000);
  let server: RunningServer;
  let sent: SentTrace;
  let other: SentTrace;
  const backends = new Backends();
  let v3: JaegerClient;
  let v1: JaegerClient;

  before(async () => {
    server = await startJaeger();
    const otlp = server.otlpHttpUrl;
    assert.ok(otlp, 'the harness gives Jaeger an OTLP/HTTP receiver');
    sent = await sendTestTrace({ otlpHttpUrl: otlp });
    other = await sendTestTrace({ otlpHttpUrl: otlp, otlpEncoding: 'protobuf', startTimeMs: Date.now() - 5_000 });
    await waitForTrace(server, sent.traceId, { spanCount: sent.spans.length });
    await waitForTrace(server, other.traceId, { spanCount: other.spans.length });
    v3 = backends.make({ type: 'jaeger', url: server.queryUrl }) as JaegerClient;
    v1 = backends.make({ type: 'jaeger', url: server.queryUrl, jaegerApiVersion: 'v1' }) as JaegerClient;
  });

  after(async () => {
    await backends.dispose();
    await server?.stop();
  });

  it('detects the v3 API and tests the connection', async () => {
    assert.equal(await v3.apiVersion(), 'v3');
    assert.deepEqual(await v3.testConnection(), { serverDescription: 'Jaeger (API v3)' });
    assert.deepEqual(await v1.testConnection(), { serverDescription: 'Jaeger (API v1)' });
  });

  it('v3: returns the trace exactly as sent', async () => {
    await assertTraceMatches(v3, sent, JAEGER_V3_FIDELITY);
    await assertTraceMatches(v3, other, JAEGER_V3_FIDELITY, false);
  });

  it('v1 fallback: returns the same trace to the precision of the v1 format', async () => {
    await assertTraceMatches(v1, sent, JAEGER_V1_FIDELITY);
    await assertTraceMatches(v1, other, JAEGER_V1_FIDELITY, false);
  });

  it('falls back to v1 by itself when the server has no v3 API', async () => {
    // The real server behind a proxy that hides /api/v3, as a Jaeger 1.x query service answers.
    const proxy = await startReverseProxy(server.queryUrl, (req, res) => {
      if (!req.url?.startsWith('/api/v3/')) return false;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
      return true;
    });
    try {
      const auto = backends.make({ type: 'jaeger', url: proxy.url }) as JaegerClient;
      await assertTraceMatches(auto, sent, JAEGER_V1_FIDELITY);
      assert.equal(await auto.apiVersion(), 'v1');
      assert.deepEqual(await auto.services(), [testServices.checkout, testServices.frontend].sort());
      assert.equal(proxy.requests.filter((r) => r.url.startsWith('/api/v3/')).length, 1, 'detected once, then cached');
    } finally {
      await proxy.close();
    }
  });

  it('reports an unknown trace as not found in both APIs', async () => {
    await assertNotFound(v3);
    await assertNotFound(v1);
  });

  for (const mode of ['v3', 'v1'] as const) {
    const client = (): TraceBackend => (mode === 'v3' ? v3 : v1);

    it(`${mode}: lists services and operations`, async () => {
      assert.deepEqual(await client().services(), [testServices.checkout, testServices.frontend].sort());
      assert.deepEqual(await client().operations(testServices.checkout), ['POST /api/checkout', 'chargeCard', 'placeOrder'].sort((a, b) => a.localeCompare(b)));
    });

    it(`${mode}: searches by service, operation, tag, duration and errors`, async () => {
      const byService = await client().search(baseQuery(sent, { service: testServices.checkout }));
      assert.deepEqual(byService.map((t) => t.traceId).sort(), [sent.traceId, other.traceId].sort());
      const s = byService.find((t) => t.traceId === sent.traceId);
      assert.equal(s?.rootName, 'GET /checkout');
      assert.equal(s?.rootServiceName, testServices.frontend);
      assert.equal(s?.spanCount, 6);
      assert.equal(s?.errorCount, 3);
      assert.equal(s?.durationMs, 120);

      const byTag = await client().search(baseQuery(sent, { service: testServices.frontend, operation: 'GET /checkout', tags: { 'test.run': sent.runId }, minDurationMs: 100 }));
      assert.deepEqual(byTag.map((t) => t.traceId), [sent.traceId]);
      assert.deepEqual(await client().search(baseQuery(sent, { service: testServices.frontend, operation: 'GET /checkout', minDurationMs: 121 })), []);
      const errors = await client().search(baseQuery(sent, { service: testServices.checkout, errorsOnly: true }));
      assert.deepEqual(errors.map((t) => t.traceId).sort(), [sent.traceId, other.traceId].sort());
      // An empty search is a 404 in v3: it must come back as an empty list.
      assert.deepEqual(await client().search(baseQuery(sent, { service: 'no-such-service' })), []);
      assert.equal((await client().search(baseQuery(sent, { service: testServices.checkout, limit: 1 }))).length, 1);
    });
  }

  it('answers 401 through a bearer proxy without credentials and works with them', async () => {
    await assertBearerProxy(backends, { type: 'jaeger' }, server.queryUrl, sent, JAEGER_V3_FIDELITY);
  });

  it('reports an unreachable port', async () => {
    await assertUnreachable(backends, 'jaeger');
  });

  describe('traces by id over its query gRPC API (protobuf)', () => {
    let grpcUrl: string;
    let grpc: JaegerClient;
    const logged: string[] = [];

    before(() => {
      assert.ok(server.queryGrpcPort, 'the harness gives Jaeger a query gRPC port');
      grpcUrl = `http://127.0.0.1:${server.queryGrpcPort}`;
      grpc = backends.make({ type: 'jaeger', url: server.queryUrl, jaegerGrpcUrl: grpcUrl }, undefined, (m) => logged.push(m)) as JaegerClient;
    });

    it('returns the trace exactly as sent, from fewer bytes than the JSON answer', async () => {
      await assertTraceMatches(grpc, sent, JAEGER_V3_FIDELITY);
      await assertTraceMatches(grpc, other, JAEGER_V3_FIDELITY, false);
      const proto = await grpc.fetchTrace(sent.traceId, { range: rangeAround(sent) });
      const json = await v3.fetchTrace(sent.traceId, { range: rangeAround(sent) });
      assert.equal(proto.format, 'otlp-protobuf');
      assert.equal(proto.url, grpcUrl);
      assert.ok(proto.body.byteLength < json.body.byteLength / 2, `${proto.body.byteLength} B of protobuf against ${json.body.byteLength} B of JSON`);
      assert.deepEqual(traceFromResponse(proto), traceFromResponse(json));
      assert.deepEqual(logged, []);
    });

    it('reports an unknown trace as not found', async () => {
      await assertNotFound(grpc);
    });

    it("the waterfall's worker lays out the answer streamed into it", async () => {
      const entry = path.resolve(__dirname, '../../src/webviews/waterfall/layoutWorker.ts');
      const worker = new WaterfallWorkerClient(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { post: () => undefined, command: () => undefined, crashed: () => undefined }, { eval: true });
      try {
        const sink = worker.beginResponse(sent.traceId);
        // The answer's start is seen before its one message, which grpc-js hands over whole.
        const seen: string[] = [];
        const response = await grpc.fetchTrace(sent.traceId, { sink: (chunk) => { seen.push('message'); sink(chunk); }, onAnswer: () => seen.push('answer') });
        assert.deepEqual(seen, ['answer', 'message']);
        assert.equal(response.format, 'otlp-protobuf');
        assert.equal(response.body.byteLength, 0, 'the bytes went to the worker');
        const loaded = await worker.loadResponse(response);
        assert.equal(loaded.summary.traceId, sent.traceId);
        assert.equal(loaded.summary.spanCount, sent.spans.length);
      } finally {
        await worker.dispose();
      }
    });

    it('falls back to HTTP when the gRPC port cannot be reached, says so once, and does not retry at once', async () => {
      const port = await freeLoopbackPort();
      const messages: string[] = [];
      const b = backends.make({ type: 'jaeger', url: server.queryUrl, jaegerGrpcUrl: `http://127.0.0.1:${port}` }, undefined, (m) => messages.push(m)) as JaegerClient;
      const first = await b.fetchTrace(sent.traceId, { range: rangeAround(sent) });
      assert.equal(first.format, 'otlp');
      await assertTraceMatches(b, sent, JAEGER_V3_FIDELITY);
      assert.equal(messages.length, 1);
      assert.match(messages[0], new RegExp(`127\\.0\\.0\\.1:${port}.*over HTTP`, 's'));
    });

    it('is not used with stored credentials, which go only to the HTTP origin', async () => {
      const messages: string[] = [];
      const b = backends.make({ type: 'jaeger', url: server.queryUrl, jaegerGrpcUrl: grpcUrl }, { origin: server.queryUrl, auth: { kind: 'bearer', token: 'not-for-grpc' } }, (m) => messages.push(m)) as JaegerClient;
      assert.equal((await b.fetchTrace(sent.traceId, { range: rangeAround(sent) })).format, 'otlp');
      assert.equal(messages.length, 1);
      assert.match(messages[0], /not used: credentials/);
    });

    it("tells Jaeger's query gRPC API from another gRPC server and from a closed port (Configure Backend's probe)", async () => {
      assert.equal(await servesJaegerGrpc({ url: grpcUrl, timeoutMs: 3_000 }), true);
      assert.equal(await servesJaegerGrpc({ url: `http://127.0.0.1:${server.otlpGrpcPort}`, timeoutMs: 3_000 }), false, "Jaeger's OTLP receiver");
      assert.equal(await servesJaegerGrpc({ url: `http://127.0.0.1:${await freeLoopbackPort()}`, timeoutMs: 3_000 }), false, 'nothing listening');
      assert.equal(await servesJaegerGrpc({ url: server.queryUrl, timeoutMs: 3_000 }), false, "Jaeger's HTTP port");
    });

    it("says what is wrong when the URL is a gRPC server without Jaeger's query API", async () => {
      // Jaeger's own OTLP/gRPC receiver: a real gRPC server that has no jaeger.api_v3.QueryService.
      const b = backends.make({ type: 'jaeger', url: server.queryUrl, jaegerGrpcUrl: `http://127.0.0.1:${server.otlpGrpcPort}` });
      await assert.rejects(b.getTrace(sent.traceId), (e: unknown) => e instanceof ConfigurationError && /does not serve Jaeger's query API over gRPC/.test(e.userMessage));
    });
  });
});
