// Contract: ZipkinClient against a real Zipkin server started by the harness.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ZipkinClient } from '../../src/core/backends/zipkinClient';
import {
  assertBearerProxy,
  assertNotFound,
  assertTraceMatches,
  assertUnreachable,
  Backends,
  baseQuery,
} from '../unit/backends/backendContract';
import { ZIPKIN_FIDELITY } from '../unit/backends/traceExpectations';
import { sendTestTrace, testServices, type SentTrace } from './harness/sendTestTrace';
import { startZipkin, type RunningServer } from './harness/servers';
import { waitForTrace } from './harness/waitForTrace';

describe('contract: Zipkin', function () {
  this.timeout(600_000);
  let server: RunningServer;
  let sent: SentTrace;
  let other: SentTrace;
  const backends = new Backends();
  let zipkin: ZipkinClient;

  before(async () => {
    server = await startZipkin();
    const ingest = server.zipkinIngestUrl;
    assert.ok(ingest, 'the harness gives Zipkin an ingest URL');
    sent = await sendTestTrace({ zipkinIngestUrl: ingest });
    other = await sendTestTrace({ zipkinIngestUrl: ingest, startTimeMs: Date.now() - 5_000 });
    await waitForTrace(server, sent.traceId, { spanCount: sent.spans.length });
    await waitForTrace(server, other.traceId, { spanCount: other.spans.length });
    zipkin = backends.make({ type: 'zipkin', url: server.queryUrl }) as ZipkinClient;
  });

  after(async () => {
    await backends.dispose();
    await server?.stop();
  });

  it('tests the connection and reports the version', async () => {
    const info = await zipkin.testConnection();
    assert.equal(info.serverDescription, `Zipkin ${server.version}`);
  });

  it('returns the trace exactly as sent, to the precision Zipkin keeps', async () => {
    await assertTraceMatches(zipkin, sent, ZIPKIN_FIDELITY);
    await assertTraceMatches(zipkin, other, ZIPKIN_FIDELITY, false);
  });

  it('reports an unknown trace as not found with the range searched', async () => {
    await assertNotFound(zipkin);
  });

  it('lists services and span names', async () => {
    assert.deepEqual(await zipkin.services(), [testServices.checkout, testServices.frontend].sort());
    assert.deepEqual(await zipkin.operations(testServices.checkout), ['chargecard', 'placeorder', 'post /api/checkout']);
  });

  it('searches by service, span name, tag, duration and errors', async () => {
    const byService = await zipkin.search(baseQuery(sent, { service: testServices.checkout }));
    assert.deepEqual(byService.map((t) => t.traceId).sort(), [sent.traceId, other.traceId].sort());
    const summary = byService.find((t) => t.traceId === sent.traceId);
    assert.equal(summary?.rootName, 'get /checkout');
    assert.equal(summary?.rootServiceName, testServices.frontend);
    assert.equal(summary?.spanCount, 6);
    assert.equal(summary?.errorCount, 3);
    assert.equal(summary?.durationMs, 120);
    assert.equal(summary?.startTimeUnixNano, sent.startTimeUnixNano);

    const byTag = await zipkin.search(baseQuery(sent, { service: testServices.frontend, operation: 'GET /checkout'.toLowerCase(), tags: { 'test.run': sent.runId }, minDurationMs: 100 }));
    assert.deepEqual(byTag.map((t) => t.traceId), [sent.traceId]);
    assert.deepEqual(await zipkin.search(baseQuery(sent, { service: testServices.frontend, minDurationMs: 121 })), []);
    const errors = await zipkin.search(baseQuery(sent, { service: testServices.checkout, errorsOnly: true }));
    assert.equal(errors.length, 2);
    assert.deepEqual(await zipkin.search(baseQuery(sent, { service: 'no-such-service' })), []);
    const limited = await zipkin.search(baseQuery(sent, { service: testServices.checkout, limit: 1 }));
    assert.equal(limited.length, 1);
  });

  it('separates B3 shared client/server spans as stored by Zipkin (Brave-style instrumentation)', async () => {
    // The OpenTelemetry exporter never shares ids, so these are posted raw, as Brave reports them.
    const traceId = randomBytes(8).toString('hex');
    const us = (Date.now() - 3_000) * 1000;
    const spans = [
      { traceId, id: '00000000000000a1', name: 'get /', kind: 'SERVER', timestamp: us, duration: 100_000, localEndpoint: { serviceName: 'brave-web' } },
      { traceId, parentId: '00000000000000a1', id: '00000000000000b2', name: 'get /api', kind: 'CLIENT', timestamp: us + 10_000, duration: 50_000, localEndpoint: { serviceName: 'brave-web' }, remoteEndpoint: { serviceName: 'brave-api', ipv4: '10.1.2.3', port: 8080 } },
      { traceId, parentId: '00000000000000a1', id: '00000000000000b2', name: 'get /api', kind: 'SERVER', shared: true, timestamp: us + 15_000, duration: 40_000, localEndpoint: { serviceName: 'brave-api' } },
      { traceId, parentId: '00000000000000b2', id: '00000000000000c3', name: 'select', kind: 'CLIENT', timestamp: us + 20_000, duration: 10_000, localEndpoint: { serviceName: 'brave-api' }, tags: { 'db.system': 'h2' } },
    ];
    const res = await fetch(server.zipkinIngestUrl ?? '', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spans) });
    assert.equal(res.status, 202);
    await waitForTrace(server, traceId, { spanCount: 4 });
    const trace = await zipkin.getTrace(traceId);
    assert.equal(trace.traceId, traceId.padStart(32, '0'));
    assert.equal(trace.spans.length, 4);
    const apiServer = trace.spans.find((s) => s.kind === 'server' && s.resource.serviceName === 'brave-api');
    assert.equal(apiServer?.spanId, '00000000000000b3');
    assert.equal(apiServer?.parentSpanId, '00000000000000b2');
    assert.equal(trace.spans.find((s) => s.name === 'select')?.parentSpanId, '00000000000000b3');
    const client = trace.spans.find((s) => s.kind === 'client' && s.name === 'get /api');
    assert.deepEqual(client?.attributes, { 'peer.service': 'brave-api', 'network.peer.address': '10.1.2.3', 'network.peer.port': 8080 });
  });

  it('answers 401 through a bearer proxy without credentials and works with them', async () => {
    await assertBearerProxy(backends, { type: 'zipkin' }, server.queryUrl, sent, ZIPKIN_FIDELITY);
  });

  it('reports an unreachable port', async () => {
    await assertUnreachable(backends, 'zipkin');
  });
});
