// Contract: the analysis views' reads of a remote backend, against real Jaeger and Zipkin started by
// the harness and fed by the OpenTelemetry SDK: the service map drawn from a bounded search (a sample,
// labelled as one), and TraceQL completion of services, operations (the servers' own lists) and
// attribute names and values (from a sample of recent traces, as neither server lists tag keys).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TraceBackend } from '../../src/core/backends/traceBackend';
import { isCancellation } from '../../src/core/errors';
import { buildServiceMap } from '../../src/core/serviceMap/serviceMap';
import { sampleServiceMapTraces, serviceMapSampleSource } from '../../src/core/serviceMap/serviceMapSample';
import { backendTagSource } from '../../src/core/traceql/backendTagSource';
import { cachedTagSource, completeTraceQL, traceqlCompletionContext, type TraceQLTagSource } from '../../src/core/traceql/traceqlCompletion';
import { validateTraceQL } from '../../src/core/traceql/traceqlValidation';
import { Backends } from '../unit/backends/backendContract';
import { sendTestTrace, testServices, type SentTrace } from './harness/sendTestTrace';
import { requestedServers, startNamedServer, type RunningServer } from './harness/servers';
import { waitForTrace } from './harness/waitForTrace';

const TRACES = 3;
/** Span data that would end the spanset and add a condition of its own if it were pasted in unquoted. */
const HOSTILE = { service: 'hostile', name: 'evil" } || { true', key: 'evil" } || { true } && .k = "', value: 'v" } || { status = error } //' };

/** One span with hostile names, sent as each server takes it (OTLP JSON to Jaeger, Zipkin's own JSON to Zipkin). */
async function sendHostileSpan(server: RunningServer): Promise<string> {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const startUs = (Date.now() - 5_000) * 1_000;
  const [url, body] = server.name === 'jaeger'
    ? [`${server.otlpHttpUrl}/v1/traces`, { resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: HOSTILE.service } }] },
      scopeSpans: [{ spans: [{ traceId, spanId, name: HOSTILE.name, kind: 2, startTimeUnixNano: `${startUs}000`, endTimeUnixNano: `${startUs + 1_000}000`,
        attributes: [{ key: HOSTILE.key, value: { stringValue: HOSTILE.value } }] }] }],
    }] }]
    : [server.zipkinIngestUrl!, [{ traceId, id: spanId, name: HOSTILE.name, kind: 'SERVER', timestamp: startUs, duration: 1_000, localEndpoint: { serviceName: HOSTILE.service }, tags: { [HOSTILE.key]: HOSTILE.value } }]];
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(res.ok, `${server.name} took the hostile span: ${res.status} ${await res.text()}`);
  return traceId;
}

for (const name of requestedServers()) {
  describe(`contract: service map sample and TraceQL completion from ${name}`, function () {
    this.timeout(900_000);
    let server: RunningServer;
    const backends = new Backends();
    let backend: TraceBackend;
    const sent: SentTrace[] = [];
    const range = () => ({ startMs: Date.now() - 10 * 60_000, endMs: Date.now() });

    before(async () => {
      server = await startNamedServer(name);
      for (let i = 0; i < TRACES; i++) {
        const target = name === 'jaeger' ? { otlpHttpUrl: server.otlpHttpUrl } : { zipkinIngestUrl: server.zipkinIngestUrl };
        sent.push(await sendTestTrace({ ...target, startTimeMs: Date.now() - 20_000 + i * 1_000 }));
      }
      for (const t of sent) await waitForTrace(server, t.traceId, { spanCount: t.spans.length });
      backend = backends.make({ type: name, url: server.queryUrl });
    });
    after(async () => {
      await backends.dispose();
      await server?.stop();
    });

    it('draws the map from a search of every service, and says it is a sample of that many traces', async () => {
      const window = range();
      const sample = await sampleServiceMapTraces(backend, window);
      assert.deepEqual(sample.traces.map((t) => t.traceId).sort(), sent.map((t) => t.traceId).sort());
      assert.equal(sample.services, 2);
      assert.equal(sample.failed, 0);
      const map = buildServiceMap(sample.traces);
      // Per trace: frontend's root, renderCart and its client call; checkout's server span, placeOrder and chargeCard.
      assert.deepEqual(map.nodes.map((n) => [n.name, n.spanCount, n.external]), [[testServices.checkout, 3 * TRACES, false], [testServices.frontend, 3 * TRACES, false]]);
      assert.equal(map.edges.length, 1);
      const [edge] = map.edges;
      assert.deepEqual([edge.from, edge.to, edge.calls, edge.errors], [testServices.frontend, testServices.checkout, TRACES, TRACES]);
      // The callee's server span: 27 ms to 112 ms of each trace.
      assert.equal(edge.p95Ns, 85_000_000);
      assert.ok(edge.examples.every((e) => sent.some((t) => t.traceId === e.traceId)));
      const label = serviceMapSampleSource(sample, `${name} at ${server.queryUrl}`, { startMs: 0, endMs: 3_600_000 });
      assert.equal(label, `${name} at ${server.queryUrl}, a sample: ${TRACES} traces searched over the last 1h`);
    });

    it('stops the map\'s search when cancelled, as a cancellation', async () => {
      const abort = new AbortController();
      abort.abort();
      await assert.rejects(sampleServiceMapTraces(backend as Parameters<typeof sampleServiceMapTraces>[0], range(), abort.signal), (e: unknown) => isCancellation(e));
    });

    describe('TraceQL completion', () => {
      let source: TraceQLTagSource;
      before(() => { source = cachedTagSource(backendTagSource(backend, { range })); });

      /** `label => insertText (detail)` offered at the `|` of `query`. */
      async function complete(query: string): Promise<string[]> {
        const offset = query.indexOf('|');
        const text = query.slice(0, offset) + query.slice(offset + 1);
        const items = await completeTraceQL(traceqlCompletionContext(text, offset), source);
        return items.map((i) => `${i.label} => ${i.insertText} (${i.detail})`);
      }

      it('offers the server\'s services as values of resource.service.name', async () => {
        assert.deepEqual(await complete('{ resource.service.name = |'), [
          'checkout => "checkout" (resource.service.name (string))', 'frontend => "frontend" (resource.service.name (string))',
        ]);
        assert.deepEqual(await complete('{ .service.name = "fr|'), ['frontend => frontend" (.service.name (string))']);
      });

      it('offers the operations of the service the spanset names, else of every service', async () => {
        // Zipkin keeps span names in lower case (its model lowercases them), so that is what its traces hold.
        const asKept = (names: string[]) => (name === 'zipkin' ? names.map((n) => n.toLowerCase()) : names);
        assert.deepEqual((await complete('{ resource.service.name = "checkout" && name = |')).map((c) => c.split(' => ')[0]), asKept(['chargeCard', 'placeOrder', 'POST /api/checkout']));
        assert.deepEqual((await complete('{ name = |')).map((c) => c.split(' => ')[0]), asKept(['chargeCard', 'GET /checkout', 'placeOrder', 'POST /api/checkout', 'renderCart']));
      });

      it('offers attribute names seen in a sample of recent traces, and says so', async () => {
        const names = await complete('{ span.test.|');
        for (const key of ['test.bool', 'test.int', 'test.run', 'test.string']) {
          assert.ok(names.includes(`${key} => ${key} (span attribute, seen in a sample of ${TRACES} recent traces)`), names.join(' | '));
        }
        const all = await complete('{ |');
        for (const expected of ['duration => duration (intrinsic)', 'status => status (intrinsic)', 'span.payment.provider => span.payment.provider (span attribute, seen in a sample of 3 recent traces)',
          'resource.service.name => resource.service.name (resource attribute, values from the server\'s services)']) {
          assert.ok(all.includes(expected), `${expected} in ${all.join(' | ')}`);
        }
      });

      it('offers the values seen in the sample, typed as the server keeps them', async () => {
        const codes = await complete('{ span.http.response.status_code = |');
        assert.deepEqual(codes.map((c) => c.split(' => ')[0]), ['200', '500']);
        // Jaeger keeps an int an int; Zipkin's tags are strings.
        assert.equal(codes[0], name === 'jaeger' ? '200 => 200 (span.http.response.status_code (int))' : '200 => "200" (span.http.response.status_code (string))');
        assert.deepEqual((await complete('{ .payment.provider = |')).map((c) => c.split(' => ')[0]), ['test-psp']);
        assert.deepEqual(await complete('{ status = |'), ['error => error (status (keyword))', 'ok => ok (status (keyword))', 'unset => unset (status (keyword))']);
      });

      // Last: it adds a service, which the tests above count.
      it('keeps hostile names and values text: each completion inserts a quoted literal the grammar reads as one condition', async () => {
        const traceId = await sendHostileSpan(server);
        await waitForTrace(server, traceId, { spanCount: 1 });
        source = backendTagSource(backend, { range });
        // The cursor is at the last `|`: the hostile names hold `||` themselves.
        const inserted = async (query: string, label: string) => {
          const offset = query.lastIndexOf('|');
          const text = query.slice(0, offset) + query.slice(offset + 1);
          const items = await completeTraceQL(traceqlCompletionContext(text, offset), source);
          const item = items.find((i) => i.label.includes(label));
          assert.ok(item, `${label} in ${items.map((i) => i.label).join(' | ')}`);
          return item.insertText;
        };
        const key = await inserted('{ |', 'evil');
        assert.equal(key, 'span."evil\\" } || { true } && .k = \\""');
        const value = await inserted(`{ ${key} = |`, 'status = error');
        assert.equal(value, '"v\\" } || { status = error } //"');
        const name = await inserted(`{ resource.service.name = "${HOSTILE.service}" && name = |`, 'evil');
        assert.equal(name, '"evil\\" } || { true"');
        for (const query of [`{ ${key} = ${value} }`, `{ name = ${name} }`]) assert.deepEqual(validateTraceQL(query), [], query);
      });
    });
  });
}
