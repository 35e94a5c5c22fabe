// Contract: TempoClient against a real Tempo started by the harness (single-tenant and
// multi-tenant instances).
import assert from 'node:assert/strict';
import type { TempoClient } from '../../src/core/backends/tempoClient';
import type { LatencyQuantiles } from '../../src/core/backends/traceBackend';
import { TraceNotFoundError } from '../../src/core/errors';
import {
  assertBearerProxy,
  assertNotFound,
  assertTraceMatches,
  assertUnreachable,
  Backends,
  baseQuery,
  rangeAround,
} from '../unit/backends/backendContract';
import { OTLP_FIDELITY } from '../unit/backends/traceExpectations';
import { sendTestTrace, testServices, type SentTrace } from './harness/sendTestTrace';
import { startTempo, type RunningServer } from './harness/servers';
import { waitForTrace } from './harness/waitForTrace';

/** Polls `fn` until `ok` holds: Tempo indexes search and metrics data asynchronously. */
async function eventually<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (ok(v)) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('contract: Tempo', function () {
  this.timeout(900_000);
  const backends = new Backends();
  after(async () => {
    await backends.dispose();
  });

  describe('single tenant', () => {
    let server: RunningServer;
    let sent: SentTrace;
    let other: SentTrace;
    let tempo: TempoClient;

    before(async () => {
      server = await startTempo();
      const otlp = server.otlpHttpUrl;
      assert.ok(otlp, 'the harness gives Tempo an OTLP/HTTP receiver');
      sent = await sendTestTrace({ otlpHttpUrl: otlp });
      other = await sendTestTrace({ otlpHttpUrl: otlp, otlpEncoding: 'protobuf', startTimeMs: Date.now() - 5_000 });
      await waitForTrace(server, sent.traceId, { spanCount: sent.spans.length, timeoutMs: 120_000 });
      await waitForTrace(server, other.traceId, { spanCount: other.spans.length, timeoutMs: 120_000 });
      tempo = backends.make({ type: 'tempo', url: server.queryUrl }) as TempoClient;
    });

    after(async () => {
      await server?.stop();
    });

    it('tests the connection and reports the version', async () => {
      const info = await tempo.testConnection();
      assert.equal(info.version, server.version);
      assert.equal(info.serverDescription, `Tempo ${server.version}`);
    });

    it('returns the trace exactly as sent (nanoseconds, every attribute type, events, links)', async () => {
      await assertTraceMatches(tempo, sent, OTLP_FIDELITY);
      await assertTraceMatches(tempo, other, OTLP_FIDELITY, false);
    });

    it('reports an unknown trace as not found with the range searched', async () => {
      await assertNotFound(tempo);
    });

    it('lists services (resource.service.name values) and operations per service', async () => {
      await eventually('services', () => tempo.services(), (v) => v.includes(testServices.checkout) && v.includes(testServices.frontend));
      assert.deepEqual(await tempo.operations(testServices.checkout), ['chargeCard', 'placeOrder', 'POST /api/checkout']);
      assert.deepEqual(await tempo.operations(testServices.frontend), ['GET /checkout', 'POST /api/checkout', 'renderCart']);
    });

    it('searches with TraceQL and with the structured fields, padding stripped ids', async () => {
      const byTag = await eventually(
        'search by test.run',
        () => tempo.search(baseQuery(sent, { service: testServices.frontend, tags: { 'test.run': sent.runId } })),
        (v) => v.length === 1,
      );
      assert.equal(byTag[0].traceId, sent.traceId);
      assert.equal(byTag[0].rootName, 'GET /checkout');
      assert.equal(byTag[0].rootServiceName, testServices.frontend);
      assert.equal(byTag[0].durationMs, 120);
      assert.equal(byTag[0].startTimeUnixNano, sent.startTimeUnixNano);

      const q = await tempo.search(baseQuery(sent, { traceql: '{ resource.service.name = "checkout" && status = error }' }));
      assert.deepEqual(q.map((t) => t.traceId).sort(), [sent.traceId, other.traceId].sort());
      const errors = await tempo.search(baseQuery(sent, { service: testServices.checkout, operation: 'chargeCard', errorsOnly: true, minDurationMs: 50 }));
      assert.equal(errors.length, 2);
      assert.deepEqual(await tempo.search(baseQuery(sent, { service: testServices.checkout, minDurationMs: 1000 })), []);
      assert.deepEqual(await tempo.search(baseQuery(sent, { service: 'no-such-service' })), []);
    });

    it('computes latency quantiles per code location with old and new code.* names', async () => {
      const range = rangeAround(sent, 300_000);
      const stats = await eventually(
        'latency stats',
        () => tempo.latencyStats({ range, services: [testServices.frontend, testServices.checkout] }),
        (v: LatencyQuantiles[]) => v.length >= 2 && v.every((s) => s.count === 2 && s.p50 !== undefined),
        180_000,
      );
      const render = stats.find((s) => s.location.functionName === 'renderCart');
      const place = stats.find((s) => s.location.functionName === 'checkout.OrderService.placeOrder');
      assert.deepEqual(render?.location, { functionName: 'renderCart', filePath: 'src/cart/render.ts', namespace: 'cart.CartView' });
      assert.deepEqual(place?.location, { functionName: 'checkout.OrderService.placeOrder', filePath: 'src/checkout/order.ts' });
      // 19 ms and 70 ms spans; Tempo's quantiles come from power-of-two buckets, so within a factor of 2.
      for (const [s, seconds] of [[render, 0.019], [place, 0.07]] as const) {
        assert.equal(s?.approximate, true);
        for (const p of [s?.p50, s?.p95, s?.p99]) assert.ok(p !== undefined && p >= seconds / 2 && p <= seconds * 2, `${s?.location.functionName}: ${p} vs ${seconds}`);
      }
      assert.equal(render?.errorCount, 0);
      assert.equal(place?.errorCount, 2);
    });

    it('answers 401 through a bearer proxy without credentials and works with them', async () => {
      await assertBearerProxy(backends, { type: 'tempo' }, server.queryUrl, sent, OTLP_FIDELITY);
    });

    it('reports an unreachable port', async () => {
      await assertUnreachable(backends, 'tempo');
    });
  });

  describe('multi-tenant with X-Scope-OrgID', () => {
    let server: RunningServer;
    let sentA: SentTrace;

    before(async () => {
      server = await startTempo({ multitenancy: true });
      const otlp = server.otlpHttpUrl;
      assert.ok(otlp);
      sentA = await sendTestTrace({ otlpHttpUrl: otlp, headers: { 'X-Scope-OrgID': 'tenant-a' } });
      await waitForTrace(server, sentA.traceId, { spanCount: sentA.spans.length, headers: { 'X-Scope-OrgID': 'tenant-a' }, timeoutMs: 120_000 });
    });

    after(async () => {
      await server?.stop();
    });

    it("returns a tenant's trace to that tenant only", async () => {
      const a = backends.make({ type: 'tempo', url: server.queryUrl, tenant: 'tenant-a' });
      await assertTraceMatches(a, sentA, OTLP_FIDELITY);
      const b = backends.make({ type: 'tempo', url: server.queryUrl, tenant: 'tenant-b' });
      await assert.rejects(b.getTrace(sentA.traceId, { range: rangeAround(sentA) }), TraceNotFoundError);
      assert.deepEqual(await b.search(baseQuery(sentA, { service: testServices.frontend })), []);
      const found = await eventually('tenant search', () => a.search(baseQuery(sentA, { tags: { 'test.run': sentA.runId } })), (v) => v.length === 1);
      assert.equal(found[0].traceId, sentA.traceId);
    });
  });
});
