import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JaegerClient, SPM_RECHECK_MS } from '../../../src/core/backends/jaegerClient';
import { parseMinStep, parseSpmSeries, spmKey, spmQuery, spmToQuantiles, SPM_SPAN_KINDS } from '../../../src/core/backends/jaegerSpm';
import { HttpClient } from '../../../src/core/http/httpClient';
import { locateOperations, statsFromServerQuantiles, unlocatedOperations } from '../../../src/core/stats/serverQuantiles';
import { makeSpan } from '../stats/makeSpan';
import { startHttpServer, type LocalServer } from './localHttpServer';

const FIXTURES = path.join(__dirname, '../../fixtures/backends/jaeger-2.12.0-spm');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const json = (name: string): unknown => JSON.parse(fixture(name));

describe('Jaeger Service Performance Monitoring (recorded from Jaeger 2.12.0)', () => {
  it('reads the monitor API answers: last finite point per service and operation', () => {
    const p95 = parseSpmSeries(json('latencies-p95.json'));
    assert.equal(p95.size, 1);
    const v = p95.get(spmKey('spm-probe', 'op-a'));
    assert.ok(v && v.value > 10 && v.value < 25, `p95 ms: ${v?.value}`);
    const calls = parseSpmSeries(json('calls.json')).get(spmKey('spm-probe', 'op-a'));
    assert.ok(calls && calls.value > 0.02 && calls.value < 0.04, 'calls per second over the hour');
    assert.equal(parseSpmSeries(json('errors.json')).get(spmKey('spm-probe', 'op-a'))?.value, 0);
    // "NaN" points (no calls yet at that step) are skipped; the latest finite one counts.
    const steps = parseSpmSeries(json('latencies-p99-steps-nan.json')).get(spmKey('spm-probe', 'op-a'));
    assert.ok(steps && Number.isFinite(steps.value) && steps.value > 19);
  });

  it('tolerates hostile and partial documents', () => {
    for (const doc of [null, 1, 'x', [], { metrics: 'x' }, { metrics: [null, { labels: 'x' }, { labels: [{ name: 'service_name', value: 's' }] }] }, json('step-too-small.json')]) {
      assert.equal(parseSpmSeries(doc).size, 0);
    }
    const neg = { metrics: [{ labels: [{ name: 'service_name', value: 's' }, { name: 'operation', value: 'o' }], metricPoints: [{ gaugeValue: { doubleValue: -1 }, timestamp: 'x' }] }] };
    assert.equal(parseSpmSeries(neg).size, 0);
    assert.equal(parseMinStep(json('minstep.json')), 1);
    assert.equal(parseMinStep(json('minstep-disabled-501.json')), undefined);
  });

  it('asks for the whole window in one step, every span kind, each service', () => {
    const q = spmQuery(['a', 'b'], 1_000_000, 3_600_000, 0.95);
    assert.deepEqual(q, { service: ['a', 'b'], groupByOperation: 'true', endTs: 1_000_000, lookback: 3_600_000, step: 3_600_000, ratePer: 3_600_000, spanKind: SPM_SPAN_KINDS, quantile: 0.95 });
  });

  it('turns rates into counts over the window and milliseconds into seconds', () => {
    const s = (value: number) => new Map([[spmKey('svc', 'op'), { service: 'svc', operation: 'op', value }]]);
    const [q] = spmToQuantiles({ calls: s(0.5), errors: s(0.1), p50: s(12), p95: s(40), p99: s(90) }, 3_600_000);
    assert.deepEqual(q, { location: { spanName: 'op' }, service: 'svc', approximate: true, method: 'prometheus-histogram', countApproximate: true, count: 1800, errorCount: 180, p50: 0.012, p95: 0.04, p99: 0.09 });
    const [stats] = statsFromServerQuantiles([q], { startMs: 0, endMs: 3_600_000 });
    assert.equal(stats.basis.method, 'prometheus-histogram');
    assert.equal(stats.basis.countApproximate, true);
    assert.equal(stats.current.count, 1800);
  });

  it('maps operations to code through sampled spans, by the location most spans name', () => {
    const code = { 'code.file.path': 'src/orders.ts', 'code.function.name': 'placeOrder' };
    const spans = [
      makeSpan({ name: 'place order', service: 'orders', attributes: code }),
      makeSpan({ name: 'place order', service: 'orders', attributes: code }),
      makeSpan({ name: 'place order', service: 'orders', attributes: { 'code.file.path': 'src/other.ts', 'code.function.name': 'x' } }),
      makeSpan({ name: 'place order', service: 'billing', attributes: { 'code.file.path': 'src/billing.ts', 'code.function.name': 'bill' } }),
    ];
    const rows = [
      { location: { spanName: 'place order' }, service: 'orders', count: 10, approximate: true },
      { location: { spanName: 'unseen' }, service: 'orders', count: 20, approximate: true },
      { location: { spanName: 'tempo row' }, count: 5, approximate: true },
    ];
    const out = locateOperations(rows, spans);
    assert.deepEqual(out[0].location, { filePath: 'src/orders.ts', functionName: 'placeOrder' });
    assert.deepEqual(out[1].location, { spanName: 'unseen' });
    assert.deepEqual(out[2].location, { spanName: 'tempo row' });
    assert.deepEqual(unlocatedOperations(out), [{ service: 'orders', operation: 'unseen', count: 20 }]);
  });

  describe('detection against a server replaying the recorded answers', () => {
    let server: LocalServer;
    beforeEach(async () => {
      server = await startHttpServer();
    });
    afterEach(async () => {
      await server.close();
    });
    const client = (clock?: () => number) => new JaegerClient(new HttpClient({ baseUrl: server.url, env: {}, retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetries: 0 } }), { apiVersion: 'v3', clock });

    it('without SPM (501) answers no figures, shows no error, and asks again only later', async () => {
      server.handle((_req, res) => {
        res.statusCode = 501;
        res.end(fixture('minstep-disabled-501.json'));
      });
      let now = 0;
      const c = client(() => now);
      assert.deepEqual(await c.latencyStats({ range: { startMs: 0, endMs: 3_600_000 }, services: ['svc'] }), []);
      await c.latencyStats({ range: { startMs: 0, endMs: 3_600_000 }, services: ['svc'] });
      assert.equal(server.requests.length, 1, 'the absence is remembered');
      now += SPM_RECHECK_MS + 1;
      await c.latencyStats({ range: { startMs: 0, endMs: 3_600_000 }, services: ['svc'] });
      assert.equal(server.requests.length, 2, 'and asked again after a while');
    });

    it('with SPM queries calls, errors and three quantiles for the configured services', async () => {
      server.handle((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const q = url.searchParams.get('quantile');
        const file = url.pathname.endsWith('/minstep') ? 'minstep.json' : url.pathname.endsWith('/calls') ? 'calls.json' : url.pathname.endsWith('/errors') ? 'errors.json' : q === '0.99' ? 'latencies-p99-steps-nan.json' : 'latencies-p95.json';
        res.setHeader('content-type', 'application/json');
        res.end(fixture(file));
      });
      const rows = await client().latencyStats({ range: { startMs: 0, endMs: 3_600_000 }, services: ['spm-probe'] });
      assert.equal(rows.length, 1);
      assert.equal(rows[0].service, 'spm-probe');
      assert.equal(rows[0].method, 'prometheus-histogram');
      assert.ok(rows[0].count! > 90 && rows[0].count! < 130, `calls ${rows[0].count}`);
      const metricRequests = server.requests.filter((r) => !r.url.includes('minstep'));
      assert.equal(metricRequests.length, 5);
      for (const r of metricRequests) {
        const u = new URL(r.url, 'http://x');
        assert.deepEqual(u.searchParams.getAll('spanKind'), [...SPM_SPAN_KINDS]);
        assert.deepEqual(u.searchParams.getAll('service'), ['spm-probe']);
        assert.equal(u.searchParams.get('groupByOperation'), 'true');
        assert.equal(u.searchParams.get('ratePer'), '3600000');
      }
      assert.deepEqual(metricRequests.map((r) => new URL(r.url, 'http://x').searchParams.get('quantile')).filter(Boolean).sort(), ['0.5', '0.95', '0.99']);
    });
  });
});
