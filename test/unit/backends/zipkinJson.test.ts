import assert from 'node:assert/strict';
import { zipkinDocumentToTraces } from '../../../src/core/backends/convertDocuments';
import { MalformedResponseError } from '../../../src/core/errors';
import { compareTrace, fixtureDir, readExpected, readFixture, ZIPKIN_FIDELITY } from './traceExpectations';

describe('zipkin JSON converter on answers recorded from Zipkin', () => {
  const dir = fixtureDir('zipkin');
  const expected = readExpected(dir);

  it('turns GET /api/v2/trace/<id> into exactly the spans that were sent', () => {
    const traces = zipkinDocumentToTraces(readFixture(dir, 'trace.json'), 'fixture');
    assert.equal(traces.length, 1);
    assert.deepEqual(compareTrace(traces[0], expected, ZIPKIN_FIDELITY), []);
    assert.deepEqual(traces[0].warnings, []);
  });

  it('moves resource attributes out of the tags and shares one resource per service', () => {
    const [trace] = zipkinDocumentToTraces(readFixture(dir, 'trace.json'), 'fixture');
    const frontend = trace.spans.filter((s) => s.resource.serviceName === 'frontend');
    assert.equal(frontend.length, 3);
    assert.ok(frontend.every((s) => s.resource === frontend[0].resource));
    assert.deepEqual(frontend[0].resource.attributes, { 'service.name': 'frontend', 'service.version': '1.2.3', 'deployment.environment.name': 'test' });
    assert.ok(!('service.name' in frontend[0].attributes));
  });

  it('reads the error tag and otel.status_code as status', () => {
    const [trace] = zipkinDocumentToTraces(readFixture(dir, 'trace.json'), 'fixture');
    const charge = trace.spans.find((s) => s.name === 'chargecard');
    assert.deepEqual(charge?.status, { code: 'error', message: 'payment declined' });
    assert.equal(charge?.events[0]?.name, 'exception');
    assert.equal(trace.spans.find((s) => s.parentSpanId === undefined)?.status.code, 'ok');
  });

  it('splits a search answer (list of traces) into traces', () => {
    const traces = zipkinDocumentToTraces(readFixture(dir, 'traces-service.json'), 'fixture');
    assert.equal(traces.length, 2);
    const ids = traces.map((t) => t.traceId).sort();
    assert.deepEqual(ids, [expected.traceId, readExpected(dir, 'expected-second.json').traceId].sort());
    for (const t of traces) assert.equal(t.spans.length, 6);
    assert.deepEqual(zipkinDocumentToTraces(readFixture(dir, 'traces-empty.json'), 'fixture'), []);
  });

  it('rejects a non-list answer with MalformedResponseError', () => {
    assert.throws(() => zipkinDocumentToTraces({ message: 'x' }, 'Zipkin'), MalformedResponseError);
  });
});

describe('zipkin JSON converter on hostile input', () => {
  it('pads 64-bit trace ids, keeps remote endpoints as attributes, parses Collector event encoding', () => {
    const [t] = zipkinDocumentToTraces(
      [
        {
          traceId: '463ac35c9f6413ad',
          id: 'a2fb4a1d1a96d312',
          name: 'get',
          kind: 'CLIENT',
          timestamp: 1_700_000_000_000_000,
          duration: 1500,
          localEndpoint: { serviceName: 'web', ipv4: '10.0.0.1' },
          remoteEndpoint: { serviceName: 'db', ipv4: '10.0.0.2', port: 5432 },
          annotations: [{ timestamp: 1_700_000_000_000_100, value: 'retry|{"attempt":2,"why":"timeout"}|0' }],
          tags: { error: '' },
        },
      ],
      'x',
    );
    assert.equal(t.traceId, '0000000000000000463ac35c9f6413ad');
    const s = t.spans[0];
    assert.equal(s.endTimeUnixNano - s.startTimeUnixNano, 1_500_000n);
    assert.deepEqual(s.attributes, { 'peer.service': 'db', 'network.peer.address': '10.0.0.2', 'network.peer.port': 5432 });
    assert.deepEqual(s.events[0], { timeUnixNano: 1_700_000_000_000_100_000n, name: 'retry', attributes: { attempt: 2, why: 'timeout' } });
    assert.deepEqual(s.status, { code: 'error' });
    assert.equal(s.resource.attributes['host.ip'], '10.0.0.1');
  });

  it('survives missing fields, wrong types, duplicates and negative durations', () => {
    const [t] = zipkinDocumentToTraces(
      [
        null,
        7,
        { traceId: 'zz', id: '1' },
        { traceId: 'a'.repeat(32), id: 'b'.repeat(16), tags: { n: 5, o: { x: 1 } }, annotations: 'no', duration: -5, timestamp: 1000 },
        { traceId: 'a'.repeat(32), id: 'b'.repeat(16), name: 'dupe', timestamp: 5 },
        { traceId: 'a'.repeat(32), id: 'c'.repeat(16), parentId: 'not-hex', timestamp: 'later' },
      ],
      'x',
    );
    assert.equal(t.spans.length, 2);
    const b = t.spans[0];
    assert.equal(b.name, '');
    assert.deepEqual(b.attributes, { n: '5', o: '{"x":1}' });
    assert.equal(b.endTimeUnixNano, b.startTimeUnixNano);
    const c = t.spans[1];
    assert.equal(c.parentSpanId, undefined);
    assert.equal(c.startTimeUnixNano, b.startTimeUnixNano, 'missing time placed at trace start');
    assert.ok(t.warnings.some((w) => /duplicate/.test(w)));
    assert.ok(t.warnings.some((w) => /no valid trace or span id/.test(w)));
  });

  it('separates B3 shared client/server spans the way Jaeger does', () => {
    const T = '5af7183fb1d4cf5f';
    const [t] = zipkinDocumentToTraces(
      [
        { traceId: T, id: '0000000000000001', name: 'get /', kind: 'SERVER', timestamp: 1000, duration: 100, localEndpoint: { serviceName: 'web' } },
        { traceId: T, parentId: '0000000000000001', id: '0000000000000002', name: 'get /api', kind: 'CLIENT', timestamp: 1010, duration: 50, localEndpoint: { serviceName: 'web' } },
        { traceId: T, parentId: '0000000000000001', id: '0000000000000002', name: 'get /api', kind: 'SERVER', shared: true, timestamp: 1015, duration: 40, localEndpoint: { serviceName: 'api' } },
        { traceId: T, parentId: '0000000000000002', id: '0000000000000004', name: 'select', kind: 'CLIENT', timestamp: 1020, duration: 10, localEndpoint: { serviceName: 'api' } },
      ],
      'x',
    );
    assert.equal(t.spans.length, 4);
    const server = t.spans.find((s) => s.kind === 'server' && s.resource.serviceName === 'api');
    assert.equal(server?.spanId, '0000000000000003');
    assert.equal(server?.parentSpanId, '0000000000000002');
    assert.equal(t.spans.find((s) => s.name === 'select')?.parentSpanId, '0000000000000003');
    assert.equal(t.spans.find((s) => s.kind === 'client' && s.name === 'get /api')?.spanId, '0000000000000002');
    assert.ok(t.warnings.some((w) => /shared their client's span id/.test(w)));
    assert.ok(!t.warnings.some((w) => /duplicate/.test(w)));
  });
});
