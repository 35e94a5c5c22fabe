import assert from 'node:assert/strict';
import { jaegerDocumentToTraces, otlpDocumentToTraces } from '../../../src/core/backends/convertDocuments';
import { summarizeTrace } from '../../../src/core/backends/traceSummary';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';
import { compareTrace, fixtureDir, JAEGER_V1_FIDELITY, JAEGER_V3_FIDELITY, readExpected, readFixture } from './traceExpectations';

describe('Jaeger converters on answers recorded from Jaeger', () => {
  const dir = fixtureDir('jaeger');
  const expected = readExpected(dir);
  const second = readExpected(dir, 'expected-second.json');

  it('v3 trace by id (OTLP, hex ids, integer enums): exactly what was sent, to the nanosecond', () => {
    const traces = otlpDocumentToTraces(readFixture(dir, 'v3-trace.json'), 'fixture');
    assert.equal(traces.length, 1);
    assert.deepEqual(compareTrace(traces[0], expected, JAEGER_V3_FIDELITY), []);
    assert.deepEqual(traces[0].warnings, []);
  });

  it('v1 trace by id (Jaeger UI JSON): the same trace in µs, links from FOLLOWS_FROM', () => {
    const traces = jaegerDocumentToTraces(readFixture(dir, 'v1-trace.json'), 'fixture');
    assert.equal(traces.length, 1);
    assert.deepEqual(compareTrace(traces[0], expected, JAEGER_V1_FIDELITY), []);
    const place = traces[0].spans.find((s) => s.name === 'placeOrder');
    assert.equal(place?.links.length, 1);
    assert.equal(place?.kind, 'internal');
    assert.deepEqual(place?.scope, { name: 'trace-lens-test', version: '0.1.0' });
  });

  it('v1 trace is also a Jaeger UI "Download JSON" trace file', () => {
    const { format, traces } = loadTraceFile(JSON.stringify(readFixture(dir, 'v1-trace.json')));
    assert.equal(format, 'jaeger');
    assert.deepEqual(compareTrace(traces[0], expected, JAEGER_V1_FIDELITY), []);
  });

  it('v3 search answers merge several traces: grouped back by trace id', () => {
    for (const file of ['v3-search-service.json', 'v3-search-duration.json']) {
      const traces = otlpDocumentToTraces(readFixture(dir, file), 'fixture');
      assert.deepEqual(traces.map((t) => t.traceId).sort(), [expected.traceId, second.traceId].sort(), file);
      for (const t of traces) assert.equal(t.spans.length, 6);
      const t = traces.find((x) => x.traceId === expected.traceId);
      assert.ok(t);
      assert.deepEqual(compareTrace(t, expected, JAEGER_V3_FIDELITY), []);
      const s = summarizeTrace(t);
      assert.equal(s.rootName, 'GET /checkout');
      assert.equal(s.rootServiceName, 'frontend');
      assert.equal(s.durationMs, 120);
      assert.equal(s.errorCount, 3);
    }
  });

  it('v1 search answers hold full traces; an empty search is an empty list', () => {
    const traces = jaegerDocumentToTraces(readFixture(dir, 'v1-search-service.json'), 'fixture');
    assert.deepEqual(traces.map((t) => t.traceId).sort(), [expected.traceId, second.traceId].sort());
    const tagged = jaegerDocumentToTraces(readFixture(dir, 'v1-search-tags.json'), 'fixture');
    assert.deepEqual(tagged.map((t) => t.traceId), [expected.traceId]);
    assert.deepEqual(jaegerDocumentToTraces(readFixture(dir, 'v1-search-empty.json'), 'fixture'), []);
  });
});
