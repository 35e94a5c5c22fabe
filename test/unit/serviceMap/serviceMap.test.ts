import assert from 'node:assert/strict';
import { jaegerDocumentToTraces, zipkinDocumentToTraces } from '../../../src/core/backends/convertDocuments';
import { buildServiceMap, serviceMapSteps } from '../../../src/core/serviceMap/serviceMap';
import { layoutServiceMap } from '../../../src/core/serviceMap/serviceMapLayout';
import type { Trace } from '../../../src/core/model/trace';
import { fixtureDir, readFixture } from '../backends/traceExpectations';
import { span } from '../waterfall/traceBuilder';

const edgeText = (m: ReturnType<typeof buildServiceMap>) => m.edges.map((e) => `${e.from}→${e.to} ${e.calls} calls ${e.errors} errors p95 ${e.p95Ns / 1e6} ms`);

describe('service map', () => {
  it('from traces recorded from Jaeger and from Zipkin: the same services, calls, errors and p95', () => {
    const jaeger = jaegerDocumentToTraces(readFixture(fixtureDir('jaeger'), 'v1-search-service.json'), 'fixture');
    const zipkin = zipkinDocumentToTraces(readFixture(fixtureDir('zipkin'), 'traces-service.json'), 'fixture');
    for (const traces of [jaeger, zipkin]) {
      const m = buildServiceMap(traces);
      assert.deepEqual(m.nodes.map((n) => `${n.name} ${n.spanCount} spans ${n.errorCount} errors`), ['checkout 6 spans 6 errors', 'frontend 6 spans 0 errors']);
      // sendTestTrace: frontend's client span calls checkout's server span (85 ms, failing) once per trace.
      assert.deepEqual(edgeText(m), ['frontend→checkout 2 calls 2 errors p95 85 ms']);
      assert.deepEqual(m.edges[0].examples.map((e) => e.traceId).sort(), traces.map((t) => t.traceId).sort());
      assert.equal(m.traceCount, 2);
    }
  });

  it('childless client spans that name a database or peer are calls to an external node; p95 is exact; examples are the slowest', () => {
    const traces: Trace[] = [];
    for (let t = 0; t < 20; t++) {
      const id = t.toString(16).padStart(32, 'a');
      const spans = [
        span(`r${t}`, undefined, 0, 100, { service: 'api', name: 'GET /' }),
        span(`q${t}`, `r${t}`, 1, 1 + (t + 1), { service: 'api', name: 'SELECT', attributes: { 'db.system.name': 'postgresql' }, error: t === 3 }),
        span(`p${t}`, `r${t}`, 2, 50, { service: 'api', name: 'charge', attributes: { 'peer.service': 'payments' } }),
      ];
      spans[1].kind = 'client';
      spans[2].kind = 'client';
      for (const s of spans) s.traceId = id;
      traces.push({ traceId: id, spans, warnings: [] });
    }
    const m = buildServiceMap(traces);
    assert.deepEqual(m.nodes.map((n) => `${n.name}${n.external ? ' (external)' : ''}`), ['api', 'payments (external)', 'postgresql (external)']);
    assert.deepEqual(edgeText(m), ['api→payments 20 calls 0 errors p95 48 ms', 'api→postgresql 20 calls 1 errors p95 19 ms']);
    const db = m.edges[1];
    assert.equal(db.errorRate, 0.05);
    assert.deepEqual(db.examples.map((e) => e.durationNs / 1e6), [20, 19, 18, 17, 16]);
  });

  it('hostile data: long names are clipped, yields while it works, and the layout places callers above callees', () => {
    const name = '<img src=x onerror=alert(1)>'.repeat(1000);
    const spans = [span('a', undefined, 0, 10, { service: name }), span('b', 'a', 1, 5, { service: 'db-proxy' }), span('c', 'b', 2, 3, { service: 'store' })];
    const m = buildServiceMap([{ traceId: spans[0].traceId, spans, warnings: [] }]);
    assert.ok(m.nodes.every((n) => n.name.length <= 201));
    const many = Array.from({ length: 20_000 }, (_, i) => span(`s${i}`, i ? 's0' : undefined, 0, 1, { service: `svc${i % 50}` }));
    const steps = serviceMapSteps([{ traceId: many[0].traceId, spans: many, warnings: [] }]);
    let yields = 0;
    let r = steps.next();
    while (!r.done) { yields++; r = steps.next(); }
    assert.ok(yields >= 4, `yielded ${yields} times over 20k spans`);
    assert.equal(r.value.nodes.length, 50);
    const layout = layoutServiceMap(m);
    const y = (n: string) => layout.nodes.find((p) => p.name === n)!.y;
    assert.ok(y(m.nodes.find((n) => n.name.startsWith('<img'))!.name) < y('db-proxy') && y('db-proxy') < y('store'));
    assert.ok(layout.edges.every((e) => e.points.length >= 2));
    for (const e of layout.edges) assert.ok(layout.width >= e.points[Math.floor(e.points.length / 2)].x + 150, 'room for the edge label right of the edge');
    const big = layoutServiceMap(r.value);
    for (const a of big.nodes) for (const b of big.nodes) {
      if (a === b) continue;
      assert.ok(Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2, `${a.name} overlaps ${b.name}`);
    }
  });
});
