// The Tempo client against Grafana Tempo's documented HTTP API, replayed locally. Tempo is
// AGPL-licensed and never built, downloaded or run here: the answers in
// test/fixtures/backends/tempo-documented/ are written by us from the public API documentation and
// the OTLP protobuf-JSON mapping (its README names the section each follows), and
// test/backends/harness/tempoReplay.ts serves them, checking the parameters the documentation asks
// for. Everything goes through the real HTTP client (createBackend → HttpClient → undici).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TempoClient } from '../../src/core/backends/tempoClient';
import type { LatencyQuantiles } from '../../src/core/model/latencyQuantiles';
import type { TimeRange } from '../../src/core/model/timeRange';
import { buildWaterfall } from '../../src/core/waterfall/layout';
import {
  ConfigurationError,
  CredentialOriginError,
  HttpStatusError,
  TraceNotFoundError,
  TraceTooLargeError,
  UnauthorizedError,
} from '../../src/core/errors';
import { HttpClient } from '../../src/core/http/httpClient';
import type { Span, Trace } from '../../src/core/model/trace';
import { decodeOtlpProtobuf } from '../../src/core/receiver/otlpProtobufDecoder';
import { compileLensTemplate } from '../../src/core/stats/lensText';
import { statsFromServerQuantiles } from '../../src/core/stats/serverQuantiles';
import { assertNotFound, assertUnreachable, Backends } from '../unit/backends/backendContract';
import { canonicalResourceSpans } from './harness/otlpTraceSchema';
import { documentedTraces as ids, fixtureFiles, MAX_BYTES_PER_TRACE, startTempoReplay, tempoFixtureDir, type ReplayedRequest, type TempoReplay } from './harness/tempoReplay';

/** The fixtures' data sits around 2026-12-01T09:30:00Z. */
const T0_MS = 1796117400_000;
const RANGE: TimeRange = { startMs: T0_MS - 60_000, endMs: T0_MS + 120_000 };
const SECONDS = /^\d{10}$/;

const fixtureDir = tempoFixtureDir();
const fixture = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(fixtureDir, file), 'utf8')) as Record<string, unknown>;

function byName(trace: Trace, name: string): Span {
  const s = trace.spans.find((x) => x.name === name);
  assert.ok(s, `span ${name} in ${trace.spans.map((x) => x.name).join(', ')}`);
  return s;
}

/** What the client sent, without the request noise: path, query and the headers the tests care about. */
function sent(replay: TempoReplay, from = 0): ReplayedRequest[] {
  return replay.requests.slice(from);
}

describe('Tempo client against the documented HTTP API (replayed, no Tempo running)', function () {
  this.timeout(60_000);
  const backends = new Backends();
  const tempo = (url: string, extra: Record<string, unknown> = {}): TempoClient => backends.make({ type: 'tempo', url, ...extra }) as TempoClient;
  after(() => backends.dispose());

  describe('the fixtures', () => {
    it('are all listed in the README with the documentation section they follow', () => {
      const readme = readFileSync(path.join(fixtureDir, 'README.md'), 'utf8');
      const rows = readme.split('\n').filter((l) => l.startsWith('| `'));
      for (const file of readdirSync(fixtureDir).filter((f) => f.endsWith('.json'))) {
        const row = rows.find((r) => r.startsWith(`| \`${file}\``));
        assert.ok(row, `${file} has a row in the README table`);
        assert.match(row.split(' | ')[2] ?? '', /Tempo HTTP API ›/, `${file}'s row names its documentation section`);
      }
    });

    it('hold canonical protobuf-JSON: base64 ids, enum names, 64-bit integers as strings, zero values omitted', () => {
      for (const file of readdirSync(fixtureDir).filter((f) => f.startsWith('trace-'))) {
        const doc = fixture(file);
        const resourceSpans = file.startsWith('trace-v2-') ? (doc.trace as { resourceSpans: unknown }).resourceSpans : doc.batches;
        assert.ok(Array.isArray(resourceSpans) && resourceSpans.length > 0, file);
        // Strict parse with the OTLP schema, written back by the protobuf library: identical only when canonical.
        assert.deepEqual(canonicalResourceSpans(resourceSpans), resourceSpans, `${file} is what a protobuf-JSON writer emits`);
        const keys = Object.keys(doc).sort();
        assert.deepEqual(keys, file.startsWith('trace-v1-') ? ['batches'] : file.endsWith('-partial.json') ? ['message', 'status', 'trace'] : ['trace'], file);
      }
      for (const id of [ids.checkout, ids.healthCheck]) {
        assert.deepEqual(fixture(fixtureFiles.traceV1(id)).batches, (fixture(fixtureFiles.traceV2(id)).trace as { resourceSpans: unknown }).resourceSpans, `v1 and v2 hold the same spans of ${id}`);
      }
    });

    it('agree with each other: search hits, exemplars and stored traces', () => {
      const stored = new Map<string, { root: Record<string, string>; end: bigint }>();
      for (const file of readdirSync(fixtureDir).filter((f) => f.startsWith('trace-v2-'))) {
        const spans = ((fixture(file).trace as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, string>> }> }> }).resourceSpans)
          .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
        const id = Buffer.from(spans[0].traceId, 'base64').toString('hex');
        const root = spans.find((s) => !s.parentSpanId);
        assert.ok(root, file);
        stored.set(id, { root, end: spans.reduce((m, s) => (BigInt(s.endTimeUnixNano) > m ? BigInt(s.endTimeUnixNano) : m), 0n) });
      }
      for (const file of Object.values(fixtureFiles.searchByQuery)) {
        for (const hit of (fixture(file).traces as Array<Record<string, unknown>>)) {
          const hex = hit.traceID as string;
          assert.ok(!hex.startsWith('0'), `${file}: ${hex} has its leading zeros stripped`);
          const trace = stored.get(hex.padStart(32, '0'));
          assert.ok(trace, `${file}: ${hex} is a stored trace`);
          assert.equal(hit.startTimeUnixNano, trace.root.startTimeUnixNano);
          assert.equal(hit.rootTraceName, trace.root.name);
          const durationMs = Number((trace.end - BigInt(trace.root.startTimeUnixNano)) / 1_000_000n);
          assert.equal(hit.durationMs, durationMs === 0 ? undefined : durationMs, `${file}: ${hex} durationMs`);
        }
      }
      for (const file of [fixtureFiles.metricsQuantiles, fixtureFiles.metricsCount, fixtureFiles.metricsErrors]) {
        for (const s of fixture(file).series as Array<{ exemplars?: Array<{ labels: Array<{ key: string; value: { stringValue: string } }> }> }>) {
          for (const e of s.exemplars ?? []) {
            const traceId = e.labels.find((l) => l.key === 'trace:id')?.value.stringValue ?? '';
            assert.ok(stored.has(traceId.padStart(32, '0')), `${file}: exemplar ${traceId} is a stored trace`);
          }
        }
      }
    });
  });

  describe('a single-tenant Tempo', () => {
    let replay: TempoReplay;
    let client: TempoClient;
    before(async () => {
      replay = await startTempoReplay();
      client = tempo(replay.url);
    });
    after(() => replay.close());

    it('reads a trace from /api/traces in OpenTelemetry protobuf (Accept: application/protobuf), every field decoded', async () => {
      const from = replay.requests.length;
      const trace = await client.getTrace(ids.checkout, { range: RANGE });
      assert.equal(trace.traceId, ids.checkout);
      assert.equal(trace.partial, undefined);
      assert.deepEqual(trace.warnings, []);
      assert.equal(trace.spans.length, 6);
      const root = byName(trace, 'GET /checkout');
      assert.equal(root.spanId, '1a2b3c4d5e6f7081');
      assert.equal(root.parentSpanId, undefined);
      assert.equal(root.kind, 'server');
      assert.equal(root.startTimeUnixNano, 1796117412345678901n, 'nanoseconds kept exactly');
      assert.equal(root.endTimeUnixNano - root.startTimeUnixNano, 120_000_000n);
      assert.equal(root.attributes['http.response.status_code'], 200);
      assert.equal(root.status.code, 'unset');
      assert.equal(root.resource.serviceName, 'frontend');
      assert.deepEqual(root.scope, { name: '@opentelemetry/instrumentation-http', version: '0.208.0' });
      const charge = byName(trace, 'chargeCard');
      assert.equal(charge.kind, 'client');
      assert.equal(charge.parentSpanId, '5e6f708192a3b4c5');
      assert.deepEqual(charge.status, { code: 'error', message: 'card declined' });
      assert.equal(charge.attributes['payment.retried'], true);
      assert.equal(charge.attributes['code.line.number'], 16);
      assert.equal(charge.events[0].name, 'exception');
      assert.equal(charge.events[0].attributes['exception.type'], 'PaymentDeclinedError');
      assert.deepEqual(charge.links.map((l) => [l.traceId, l.spanId, l.attributes['link.reason']]), [['9e8d7c6b5a4938271605f4e3d2c1b0a9', '8192a3b4c5d6e7f8', 'earlier attempt']]);
      const place = byName(trace, 'placeOrder');
      assert.equal(place.attributes['order.total'], 42.5);
      assert.equal(place.resource.serviceName, 'checkout');
      assert.deepEqual(place.resource.attributes['process.command_args'], ['node', 'dist/server.js']);
      assert.deepEqual(place.scope, { name: 'checkout' });
      const render = byName(trace, 'renderCart');
      assert.equal(render.kind, 'internal');
      assert.equal(render.attributes['code.lineno'], 27);
      const [req] = sent(replay, from);
      assert.equal(req.pathname, `/api/traces/${ids.checkout}`);
      assert.match(req.query.start, SECONDS);
      assert.match(req.query.end, SECONDS);
      assert.equal(req.accept, 'application/protobuf');
      assert.equal(req.status, 200);
      assert.equal(sent(replay, from).length, 1, 'one request');
      const answer = await client.fetchTrace(ids.checkout, { range: RANGE });
      assert.equal(answer.format, 'otlp-protobuf');
      assert.equal(answer.body[0], 0x0a, 'binary: field 1 (resource spans), not JSON');
    });

    it('pads an id whose leading zeros Tempo strips, and reads a trace without a range', async () => {
      const trace = await client.getTrace(ids.healthCheck);
      assert.equal(trace.traceId, ids.healthCheck);
      assert.equal(trace.spans[0].spanId, '0f1e2d3c4b5a6978');
      assert.equal(trace.spans[0].endTimeUnixNano - trace.spans[0].startTimeUnixNano, 412_000n);
      assert.deepEqual(replay.requests.at(-1)?.query, {});
    });

    it('reads the same spans from a gateway that answers JSON whatever it is asked: base64 ids, enum names, int64 strings, omitted zeros', async () => {
      const gateway = await startTempoReplay({ jsonOnly: true });
      try {
        const viaJson = await tempo(gateway.url).fetchTrace(ids.checkout, { range: RANGE });
        assert.equal(viaJson.format, 'tempo');
        assert.equal(gateway.requests.at(-1)?.accept, 'application/protobuf', 'asked for protobuf, answered JSON');
        const json = await tempo(gateway.url).getTrace(ids.checkout, { range: RANGE });
        const protobuf = await client.getTrace(ids.checkout, { range: RANGE });
        const view = (s: Span) => [s.traceId, s.spanId, s.parentSpanId, s.name, s.kind, s.startTimeUnixNano, s.endTimeUnixNano, s.status, s.resource.serviceName, s.resource.attributes, s.scope, s.attributes, s.events, s.links];
        assert.deepEqual(json.spans.map(view), protobuf.spans.map(view), 'JSON and protobuf give the same spans');
        assert.deepEqual(json.warnings, protobuf.warnings);
        // The fixture's JSON decoded through the product's OTLP protobuf decoder, as the replay encodes it.
        const http = new HttpClient({ baseUrl: replay.url, userAgent: 'protobuf-probe' });
        try {
          const decoded = decodeOtlpProtobuf((await http.get({ path: `/api/traces/${ids.checkout}`, headers: { accept: 'application/protobuf' } })).body);
          assert.equal(decoded.spans.length, json.spans.length);
        } finally {
          await http.close();
        }
      } finally {
        await gateway.close();
      }
    });

    it('asks v2 for a trace v1 refuses as too large, and warns that the PARTIAL trace it gives is incomplete, with the server message', async () => {
      const from = replay.requests.length;
      const trace = await client.getTrace(ids.partial, { range: RANGE });
      assert.deepEqual(sent(replay, from).map((r) => `${r.status} ${r.pathname} ${r.accept}`), [
        `500 /api/traces/${ids.partial} application/protobuf`,
        `200 /api/v2/traces/${ids.partial} application/json`,
      ]);
      assert.equal(trace.partial, true);
      assert.equal(trace.spans.length, 4);
      assert.match(trace.warnings[0], /^Tempo returned only part of this trace: Trace exceeds maximum size of 5000000 bytes, a partial trace is returned\.$/);
      // The tree is judged once, for every source, where the waterfall lays it out: the orphan is said there.
      assert.ok(buildWaterfall(trace).summary.warnings.some((w) => /1 span\(s\) reference a parent that is not in the trace/.test(w)), 'the orphaned span is reported too');
      assert.equal(byName(trace, 'POST /api/orders/bulk').kind, 'server');
    });

    it('reports an unknown trace (empty 404) as not found with the range searched', async () => {
      await assertNotFound(client);
      const last = replay.requests.at(-1);
      assert.equal(last?.status, 404);
      assert.equal(last?.pathname, `/api/traces/${ids.missing}`);
      // A window that misses the trace: Tempo only searches the blocks of that window.
      await assert.rejects(client.getTrace(ids.checkout, { range: { startMs: T0_MS - 7200_000, endMs: T0_MS - 3600_000 } }), TraceNotFoundError);
    });

    it('searches with TraceQL: hex ids padded back to 32 digits, durations, roots, the range in seconds', async () => {
      const from = replay.requests.length;
      const found = await client.search({ traceql: '{ resource.service.name = "checkout" && status = error }', range: RANGE, limit: 20 });
      assert.deepEqual(found, [
        { traceId: ids.partial, rootServiceName: 'checkout', rootName: 'POST /api/orders/bulk', startTimeUnixNano: 1796117447500000000n, durationMs: 8250 },
        { traceId: ids.checkout, rootServiceName: 'frontend', rootName: 'GET /checkout', startTimeUnixNano: 1796117412345678901n, durationMs: 120 },
      ]);
      const [req] = sent(replay, from);
      assert.equal(req.pathname, '/api/search');
      assert.deepEqual(Object.keys(req.query).sort(), ['end', 'limit', 'q', 'start']);
      assert.equal(req.query.limit, '20');
      assert.equal(Number(req.query.start), Math.floor(RANGE.startMs / 1000));
      assert.equal(Number(req.query.end), Math.ceil(RANGE.endMs / 1000));
    });

    it('searches by service: a sub-millisecond trace has no durationMs and two stripped zeros', async () => {
      const found = await client.search({ service: 'frontend', range: RANGE, limit: 20 });
      assert.equal(replay.requests.at(-1)?.query.q, '{ resource.service.name = "frontend" }');
      assert.deepEqual(found.map((t) => [t.traceId, t.durationMs]), [[ids.checkout, 120], [ids.healthCheck, 0]]);
      assert.equal((await client.search({ service: 'frontend', range: RANGE, limit: 1 })).length, 1);
      assert.deepEqual(await client.search({ service: 'no-such-service', range: RANGE, limit: 20 }), [], 'an answer without "traces" is an empty result');
      assert.deepEqual(await client.search({ service: 'checkout', range: { startMs: T0_MS - 7200_000, endMs: T0_MS - 3600_000 }, limit: 20 }), []);
    });

    it('lists tags by scope, tag values, services and the operations of a service', async () => {
      const from = replay.requests.length;
      const scopes = await client.tags();
      assert.ok(scopes.resource.includes('service.name'));
      assert.ok(scopes.span.includes('code.function.name') && scopes.span.includes('code.lineno'));
      assert.ok(scopes.intrinsic.includes('duration'));
      assert.deepEqual(await client.tagValues('span.http.response.status_code'), ['200', '207', '402']);
      assert.deepEqual(await client.services(), ['checkout', 'frontend']);
      assert.deepEqual(await client.operations('checkout'), ['chargeCard', 'placeOrder', 'POST /api/checkout', 'POST /api/orders/bulk', 'reserveStock']);
      assert.deepEqual(await client.operations('frontend'), ['GET /checkout', 'GET /healthz', 'POST /api/checkout', 'renderCart']);
      const reqs = sent(replay, from);
      assert.deepEqual(reqs.map((r) => r.pathname), [
        '/api/v2/search/tags',
        '/api/v2/search/tag/span.http.response.status_code/values',
        '/api/v2/search/tag/resource.service.name/values',
        '/api/v2/search/tag/name/values',
        '/api/v2/search/tag/name/values',
      ]);
      assert.equal(reqs[3].query.q, '{ resource.service.name = "checkout" }');
      for (const r of reqs) assert.ok(SECONDS.test(r.query.start) && SECONDS.test(r.query.end), `${r.path}: a range in seconds`);
    });

    it('maps TraceQL metrics (quantile_over_time, count_over_time, errors) to code locations, marked approximate', async () => {
      const from = replay.requests.length;
      const stats = await client.latencyStats({ range: RANGE, services: [] });
      const find = (fn: string): LatencyQuantiles => {
        const s = stats.find((x) => x.location.functionName === fn);
        assert.ok(s, `${fn} in ${JSON.stringify(stats.map((x) => x.location))}`);
        return s;
      };
      const file = '/srv/checkout/latency/latencyOrders.ts';
      // The latest interval with data wins; counts add up over the intervals.
      assert.deepEqual(find('placeOrder'), { location: { functionName: 'placeOrder', filePath: file }, approximate: true, p50: 0.0671, p95: 0.121, p99: 0.1318, count: 130, errorCount: 4 });
      assert.deepEqual(find('chargeCard'), { location: { functionName: 'chargeCard', filePath: file }, approximate: true, p50: 0.0412, p95: 0.0838, p99: 0.0991, count: 130, errorCount: 9 });
      // The older semantic-convention names fold into the same location fields.
      assert.deepEqual(find('renderCart'), { location: { functionName: 'renderCart', filePath: 'src/cart/render.ts', namespace: 'cart.CartView' }, approximate: true, p50: 0.0168, p95: 0.0305, p99: 0.0331, count: 212, errorCount: 0 });
      assert.equal(stats.length, 3);
      const reqs = sent(replay, from);
      assert.equal(reqs.length, 3);
      for (const r of reqs) {
        assert.equal(r.pathname, '/api/metrics/query_range');
        assert.equal(r.status, 200);
        assert.match(r.query.start, SECONDS);
        assert.match(r.query.step, /^\d+s$/);
      }
      assert.ok(reqs.some((r) => r.query.q.includes('| quantile_over_time(duration, .5, .95, .99) by (')));
      // What the lens shows of them: seconds as milliseconds, marked "~" as approximate (the window may be named).
      const server = statsFromServerQuantiles(stats, RANGE).find((s) => s.location.functionName === 'placeOrder');
      assert.ok(server);
      assert.match(compileLensTemplate()(server), /^p50 ~67\.1 ms · p95 ~121 ms · p99 ~132 ms · (last \S+ · )?130 calls · 3\.1% errors$/);
    });

    it('tests the connection with build information and one search-tags call', async () => {
      const from = replay.requests.length;
      assert.deepEqual(await client.testConnection(), { serverDescription: 'Tempo 3.0.0', version: '3.0.0' });
      assert.deepEqual(sent(replay, from).map((r) => r.pathname), ['/api/status/buildinfo', '/api/v2/search/tags']);
    });

    it('rejects what a client regression would send: milliseconds, a missing q', async () => {
      const http = new HttpClient({ baseUrl: replay.url, retry: { maxRetries: 0 } });
      try {
        await assert.rejects(http.get({ path: '/api/search', query: { q: '{ }', start: RANGE.startMs, end: RANGE.endMs } }), (e: unknown) => e instanceof HttpStatusError && e.status === 400 && /seconds/.test(e.body));
        await assert.rejects(http.get({ path: '/api/metrics/query_range', query: { start: 1796117400, end: 1796117500 } }), (e: unknown) => e instanceof HttpStatusError && e.status === 400 && /missing q/.test(e.body));
      } finally {
        await http.close();
      }
    });
  });

  describe('a router without the v2 trace API (Tempo before 2.6)', () => {
    let replay: TempoReplay;
    before(async () => {
      replay = await startTempoReplay({ withoutV2Traces: true });
    });
    after(() => replay.close());

    it('reads traces from /api/traces without asking the v2 API, which it lacks', async () => {
      const client = tempo(replay.url);
      const from = replay.requests.length;
      const first = await client.getTrace(ids.checkout, { range: RANGE });
      assert.equal(first.spans.length, 6);
      assert.equal(byName(first, 'chargeCard').status.message, 'card declined');
      await client.getTrace(ids.healthCheck);
      assert.deepEqual(sent(replay, from).map((r) => `${r.status} ${r.pathname}`), [
        `200 /api/traces/${ids.checkout}`,
        `200 /api/traces/${ids.healthCheck}`,
      ]);
    });

    it('reports a trace over max_bytes_per_trace as too large (v2 cannot give part of it), and an unknown one as not found', async () => {
      const client = tempo(replay.url);
      const tooLarge = (e: unknown) => {
        assert.ok(e instanceof TraceTooLargeError, String(e));
        assert.match(e.userMessage, /larger than its configured maximum/);
        assert.equal(e.detail, `trace exceeds max size (max bytes: ${MAX_BYTES_PER_TRACE})`);
        return true;
      };
      const from = replay.requests.length;
      await assert.rejects(client.getTrace(ids.partial), tooLarge);
      await assert.rejects(client.getTrace(ids.partial), tooLarge);
      assert.deepEqual(sent(replay, from).map((r) => `${r.status} ${r.pathname}`), [
        `500 /api/traces/${ids.partial}`,
        `404 /api/v2/traces/${ids.partial}`,
        `500 /api/traces/${ids.partial}`,
      ], 'v2 is not asked again once it said it does not exist');
      await assertNotFound(tempo(replay.url));
    });
  });

  describe('a multi-tenant Tempo (X-Scope-OrgID)', () => {
    let replay: TempoReplay;
    before(async () => {
      replay = await startTempoReplay({ tenant: 'team-a' });
    });
    after(() => replay.close());

    it('sends the tenant on every request and gets that tenant\'s data', async () => {
      const client = tempo(replay.url, { tenant: 'team-a' });
      const from = replay.requests.length;
      await client.testConnection();
      assert.equal((await client.getTrace(ids.checkout, { range: RANGE })).spans.length, 6);
      assert.equal((await client.search({ service: 'checkout', range: RANGE, limit: 20 })).length, 2);
      assert.deepEqual(await client.services(), ['checkout', 'frontend']);
      assert.equal((await client.operations('frontend')).length, 4);
      assert.equal((await client.latencyStats({ range: RANGE, services: ['checkout'] })).length, 3);
      const reqs = sent(replay, from);
      assert.ok(reqs.length >= 9);
      assert.deepEqual(reqs.filter((r) => r.tenant !== 'team-a' || r.status !== 200).map((r) => `${r.status} ${r.path} tenant=${r.tenant}`), []);
    });

    it('shows another tenant nothing', async () => {
      const other = tempo(replay.url, { tenant: 'team-b' });
      await assert.rejects(other.getTrace(ids.checkout, { range: RANGE }), TraceNotFoundError);
      assert.deepEqual(await other.search({ service: 'checkout', range: RANGE, limit: 20 }), []);
      assert.deepEqual(await other.services(), []);
      assert.deepEqual(await other.latencyStats({ range: RANGE, services: [] }), []);
    });

    it('says to set the tenant when Tempo answers 401 "no org id"', async () => {
      const anonymous = tempo(replay.url);
      for (const call of [() => anonymous.testConnection(), () => anonymous.getTrace(ids.checkout), () => anonymous.services()]) {
        await assert.rejects(call(), (e: unknown) => {
          assert.ok(e instanceof ConfigurationError, String(e));
          assert.match(e.userMessage, /traceLens\.backend\.tenant/);
          assert.match(e.userMessage, /X-Scope-OrgID/);
          return true;
        });
      }
      assert.ok(replay.requests.some((r) => r.status === 401 && r.tenant === undefined));
    });
  });

  describe('behind an authenticating proxy (bearer token)', () => {
    const token = 'documented-token-123';
    let replay: TempoReplay;
    before(async () => {
      replay = await startTempoReplay({ bearerToken: token });
    });
    after(() => replay.close());

    it('answers 401 without the token with an error that says to set credentials', async () => {
      const anonymous = tempo(replay.url);
      await assert.rejects(anonymous.getTrace(ids.checkout), (e: unknown) => e instanceof UnauthorizedError && e.status === 401 && /Set Credentials/.test(e.userMessage));
      await assert.rejects(anonymous.services(), UnauthorizedError);
    });

    it('sends the token to its own origin, and never to another', async () => {
      const from = replay.requests.length;
      const withToken = backends.make({ type: 'tempo', url: replay.url }, { origin: replay.origin, auth: { kind: 'bearer', token } });
      assert.equal((await withToken.getTrace(ids.checkout, { range: RANGE })).spans.length, 6);
      assert.deepEqual(await withToken.services(), ['checkout', 'frontend']);
      assert.ok(sent(replay, from).every((r) => r.authorization === `Bearer ${token}` && r.status === 200));
      const seen = replay.requests.length;
      const foreign = backends.make({ type: 'tempo', url: replay.url }, { origin: 'https://tempo.elsewhere.example', auth: { kind: 'bearer', token } });
      await assert.rejects(foreign.getTrace(ids.checkout), CredentialOriginError);
      await assert.rejects(foreign.services(), CredentialOriginError);
      assert.equal(replay.requests.length, seen, 'nothing was sent with credentials stored for another origin');
    });
  });

  describe('429 job queue full', () => {
    let replay: TempoReplay;
    beforeEach(async () => {
      replay = await startTempoReplay();
    });
    afterEach(() => replay.close());

    it('retries after the Retry-After the server asks for', async () => {
      replay.queueFull(1, { retryAfterSeconds: 1, pathPrefix: '/api/search' });
      const found = await tempo(replay.url).search({ service: 'checkout', range: RANGE, limit: 20 });
      assert.equal(found.length, 2);
      const [limited, retried] = replay.requests;
      assert.deepEqual([limited.status, retried.status], [429, 200]);
      assert.ok(retried.atMs - limited.atMs >= 950, `waited ${retried.atMs - limited.atMs} ms of the 1 s asked for`);
    });

    it('backs off without Retry-After, then gives a typed error carrying "job queue full"', async () => {
      replay.queueFull(100);
      await assert.rejects(tempo(replay.url).services(), (e: unknown) => {
        assert.ok(e instanceof HttpStatusError, String(e));
        assert.equal(e.status, 429);
        assert.match(e.userMessage, /HTTP 429: job queue full/);
        return true;
      });
      // Tried once and retried three times, each after a growing pause.
      assert.deepEqual(replay.requests.map((r) => r.status), [429, 429, 429, 429]);
      const gaps = replay.requests.slice(1).map((r, i) => r.atMs - replay.requests[i].atMs);
      assert.ok(gaps.every((g) => g >= 100), `backoff pauses: ${gaps.join(', ')} ms`);
    });

    it('does not wait for a Retry-After longer than the client allows', async () => {
      replay.queueFull(1, { retryAfterSeconds: 600 });
      const started = Date.now();
      await assert.rejects(tempo(replay.url).services(), (e: unknown) => e instanceof HttpStatusError && e.status === 429);
      assert.equal(replay.requests.length, 1);
      assert.ok(Date.now() - started < 5_000);
    });
  });

  it('reports an unreachable port', async () => {
    await assertUnreachable(backends, 'tempo');
  });
});
