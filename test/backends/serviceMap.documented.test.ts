// The service map drawn from Tempo, whose search answers summaries: every service searched, then
// each trace found fetched (serviceMapSample.ts over remoteSample.ts's fetchRecentTraces), against
// the replay of Grafana Tempo's documented HTTP API (test/fixtures/backends/tempo-documented; no
// Tempo is built, downloaded or run here).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TempoClient } from '../../src/core/backends/tempoClient';
import { isCancellation } from '../../src/core/errors';
import type { TimeRange } from '../../src/core/model/timeRange';
import { buildServiceMap } from '../../src/core/serviceMap/serviceMap';
import { sampleServiceMapTraces, serviceMapSampleSource } from '../../src/core/serviceMap/serviceMapSample';
import { Backends } from '../unit/backends/backendContract';
import { documentedTraces as ids, startTempoReplay, type TempoReplay } from './harness/tempoReplay';

/** A loopback port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The fixtures' data sits around 2026-12-01T09:30:00Z; three minutes around it hold every trace. */
const T0_MS = 1796117400_000;
const RANGE: TimeRange = { startMs: T0_MS - 60_000, endMs: T0_MS + 120_000 };

describe('service map sample from Tempo (documented API, replayed)', function () {
  this.timeout(60_000);
  const backends = new Backends();
  after(() => backends.dispose());

  describe('a Tempo with the v2 trace API', () => {
    let replay: TempoReplay;
    let client: TempoClient;
    before(async () => {
      replay = await startTempoReplay();
      client = backends.make({ type: 'tempo', url: replay.url }) as TempoClient;
    });
    after(() => replay.close());

    it('searches each service Tempo lists, fetches every trace found, and draws the calls between them', async () => {
      const from = replay.requests.length;
      const sample = await sampleServiceMapTraces(client, RANGE, undefined, { skipped: (message) => assert.fail(`nothing is skipped: ${message}`) });
      assert.deepEqual(sample.traces.map((t) => t.traceId).sort(), [ids.healthCheck, ids.checkout, ids.partial].sort());
      assert.deepEqual([sample.services, sample.atLeast, sample.failed, sample.notFetched, sample.requests], [2, 3, 0, 0, 6]);
      const paths = replay.requests.slice(from).map((r) => r.pathname);
      assert.deepEqual(paths.slice(0, 3), ['/api/v2/search/tag/resource.service.name/values', '/api/search', '/api/search']);
      // The partial trace: v1 refuses it as too large, v2 gives the part that fits.
      assert.deepEqual(paths.slice(3).sort(), [...[ids.healthCheck, ids.checkout, ids.partial].map((id) => `/api/traces/${id}`), `/api/v2/traces/${ids.partial}`].sort());
      assert.deepEqual(replay.requests.slice(from + 1, from + 3).map((r) => r.query.q), ['{ resource.service.name = "checkout" }', '{ resource.service.name = "frontend" }']);

      const map = buildServiceMap(sample.traces);
      // checkout: 3 spans of the checkout trace and the 4 the partial bulk order holds; frontend: 3 + the health check.
      assert.deepEqual(map.nodes.map((n) => [n.name, n.spanCount, n.external]), [['checkout', 7, false], ['frontend', 4, false]]);
      assert.deepEqual(map.edges.map((e) => [e.from, e.to, e.calls, e.errors, e.p95Ns]), [['frontend', 'checkout', 1, 0, 90_000_000]]);
      assert.deepEqual(map.edges[0].examples.map((e) => e.traceId), [ids.checkout]);
      assert.equal(serviceMapSampleSource(sample, `Tempo at ${replay.url}`, { startMs: 0, endMs: 3_600_000 }), `Tempo at ${replay.url}, a sample: 3 traces searched over the last 1h`);
    });

    it('fetches at most the traces the budget allows, and says how many more were found', async () => {
      const from = replay.requests.length;
      // A budget of one trace searches one trace per service: checkout's bulk order, frontend's checkout.
      const sample = await sampleServiceMapTraces(client, RANGE, undefined, { fetchedTraces: 1 });
      assert.deepEqual(replay.requests.slice(from).filter((r) => r.pathname === '/api/search').map((r) => r.query.limit), ['1', '1']);
      assert.deepEqual(sample.traces.map((t) => t.traceId), [ids.partial]);
      assert.equal(sample.atLeast, 2);
      assert.equal(serviceMapSampleSource(sample, 'Tempo', { startMs: 0, endMs: 3_600_000 }), 'Tempo, a sample: 1 trace searched over the last 1h (of at least 2 found)');
    });

    it('searches at most the services its request budget allows, and says how many were left out', async () => {
      const from = replay.requests.length;
      const sample = await sampleServiceMapTraces(client, RANGE, undefined, { searchedServices: 1 });
      assert.deepEqual(replay.requests.slice(from).filter((r) => r.pathname === '/api/search').map((r) => r.query.q), ['{ resource.service.name = "checkout" }']);
      assert.deepEqual([sample.services, sample.servicesNotSearched, sample.failed], [2, 1, 0]);
      assert.match(serviceMapSampleSource(sample, 'Tempo', { startMs: 0, endMs: 3_600_000 }), /; 1 of 2 services not searched \(request budget\)$/);
    });

    it('draws the map from the services whose search answered when another one fails, and says so', async () => {
      const down = backends.make({ type: 'tempo', url: `http://127.0.0.1:${await closedPort()}` }) as TempoClient;
      const skipped: string[] = [];
      const sample = await sampleServiceMapTraces({
        services: (signal) => client.services(signal),
        // frontend's search goes to a server that is not there: a real connection failure.
        search: (query, signal) => (query.service === 'frontend' ? down : client).search(query, signal),
        getTrace: (id, options) => client.getTrace(id, options),
      }, RANGE, undefined, { skipped: (message) => skipped.push(message) });
      assert.deepEqual(sample.traces.map((t) => t.traceId).sort(), [ids.partial, ids.checkout].sort());
      assert.equal(sample.failed, 1);
      assert.deepEqual(skipped, ['Search of service frontend failed']);
      assert.match(serviceMapSampleSource(sample, 'Tempo', { startMs: 0, endMs: 3_600_000 }), /; 1 search failed$/);
    });

    it('fails with the backend\'s own error when every search fails', async () => {
      const down = backends.make({ type: 'tempo', url: `http://127.0.0.1:${await closedPort()}` }) as TempoClient;
      const sampling = sampleServiceMapTraces({
        services: (signal) => client.services(signal),
        search: (query, signal) => down.search(query, signal),
        getTrace: (id, options) => client.getTrace(id, options),
      }, RANGE);
      await assert.rejects(sampling, (e: unknown) => e instanceof Error && /127\.0\.0\.1/.test(e.message) && !isCancellation(e));
    });

    it('stops when cancelled, as a cancellation, before fetching any trace', async () => {
      const abort = new AbortController();
      const from = replay.requests.length;
      const sampling = sampleServiceMapTraces({
        services: (signal) => client.services(signal),
        search: async (query, signal) => {
          const found = await client.search(query, signal);
          abort.abort();
          return found;
        },
        getTrace: (id, options) => client.getTrace(id, options),
      }, RANGE, abort.signal);
      await assert.rejects(sampling, (e: unknown) => isCancellation(e));
      assert.ok(replay.requests.slice(from).every((r) => !r.pathname.includes('/traces/')), 'no trace fetched after the cancel');
    });
  });

  describe('a Tempo that refuses a trace over max_bytes_per_trace (no v2 trace API)', () => {
    let replay: TempoReplay;
    before(async () => { replay = await startTempoReplay({ withoutV2Traces: true }); });
    after(() => replay.close());

    it('draws the map from the traces it could fetch and says how many were not', async () => {
      const skipped: string[] = [];
      const client = backends.make({ type: 'tempo', url: replay.url }) as TempoClient;
      const sample = await sampleServiceMapTraces(client, RANGE, undefined, { skipped: (message) => skipped.push(message) });
      assert.deepEqual(sample.traces.map((t) => t.traceId).sort(), [ids.healthCheck, ids.checkout].sort());
      assert.equal(sample.notFetched, 1);
      assert.deepEqual(skipped, [`Sampled trace ${ids.partial} not fetched`]);
      assert.deepEqual(buildServiceMap(sample.traces).nodes.map((n) => [n.name, n.spanCount]), [['checkout', 3], ['frontend', 4]]);
      assert.equal(serviceMapSampleSource(sample, 'Tempo', { startMs: 0, endMs: 3_600_000 }), 'Tempo, a sample: 2 traces searched over the last 1h (of at least 3 found); 1 trace not fetched');
    });
  });
});
