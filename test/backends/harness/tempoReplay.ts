// A local stand-in for Grafana Tempo's HTTP query API that replays the answers in
// test/fixtures/backends/tempo-documented/ (written by us from Grafana's public API documentation;
// Tempo itself is AGPL-licensed and never built, downloaded or run by this project). It checks the
// parameters the documentation gives each endpoint, so a client that stops sending them, or sends
// milliseconds where seconds belong, gets an error instead of data; and it records every request
// with the headers that matter (Authorization, X-Scope-OrgID, Accept) for the tests to inspect.
// Plain node:http on loopback with port 0: usable from mocha in Node, from the e2e tests and from
// the extension host (the integration bundle).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { resourceSpansToProtobuf } from './otlpTraceSchema';

/** Trace ids of the fixtures (lowercase hex, 32 digits). */
export const documentedTraces = {
  /** frontend → checkout; `chargeCard` fails with "card declined". */
  checkout: '0d4b7e2a9c1f5836b2e4a7c9d1f30e58',
  /** A bulk order over `max_bytes_per_trace`: v2 answers it PARTIAL, v1 refuses it. */
  partial: '5a8c1e3f7b9d2046c8e1a3f5b7d9e2c4',
  /** A 412 µs health check: its search hit has no `durationMs`, its id two leading zeros. */
  healthCheck: '00f3a1b2c3d4e5f60718293a4b5c6d7e',
  /** Stored nowhere. */
  missing: '0af7651916cd43dd8448eb211c80319c',
} as const;

/** The `max_bytes_per_trace` the fixtures pretend the server has (Tempo's documented default). */
export const MAX_BYTES_PER_TRACE = 5_000_000;

export interface TempoReplayOptions {
  /** Loopback address to listen on; default 127.0.0.1. */
  host?: string;
  /**
   * Multi-tenant mode (`multitenancy_enabled: true`): every query needs X-Scope-OrgID; the fixtures
   * belong to this tenant, any other tenant has no data.
   */
  tenant?: string;
  /** A router without `/api/v2/traces` (Tempo before 2.6): that path answers 404 with a text body. */
  withoutV2Traces?: boolean;
  /** A gateway that answers a trace as JSON whatever the Accept header asks for. */
  jsonOnly?: boolean;
  /** Answer 401 unless `Authorization: Bearer <token>`, as an authenticating proxy in front of Tempo does. */
  bearerToken?: string;
  /** Shift every timestamp so the newest span ends a minute before this time (ms since the epoch). */
  shiftTo?: number;
}

export interface ReplayedRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  pathname: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  authorization?: string;
  tenant?: string;
  accept?: string;
  /** Status the replay answered with. */
  status: number;
  atMs: number;
}

export interface TempoReplay {
  url: string;
  origin: string;
  requests: ReplayedRequest[];
  /**
   * The next `count` requests whose path starts with `pathPrefix` (default: any query path) answer
   * 429 `job queue full`, as Tempo's query frontend does past `max_outstanding_per_tenant`.
   */
  queueFull(count: number, options?: { retryAfterSeconds?: number; pathPrefix?: string }): void;
  close(): Promise<void>;
}

/** The fixture folder, found from here both in the repo (tsx) and in the integration bundle (dist/test/integration). */
export function tempoFixtureDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test/fixtures/backends/tempo-documented');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`test/fixtures/backends/tempo-documented not found above ${__dirname}`);
  }
}

/** Fixture file names by role; the README of the folder says which documentation each follows. */
export const fixtureFiles = {
  traceV2: (id: string) => `trace-v2-${id}.json`,
  traceV2Partial: (id: string) => `trace-v2-${id}-partial.json`,
  traceV1: (id: string) => `trace-v1-${id}.json`,
  searchByQuery: {
    '{ resource.service.name = "checkout" && status = error }': 'search-checkout-errors.json',
    '{ resource.service.name = "checkout" }': 'search-service-checkout.json',
    '{ resource.service.name = "frontend" }': 'search-service-frontend.json',
  } as Record<string, string>,
  searchEmpty: 'search-empty.json',
  tags: 'search-tags-v2.json',
  tagValues: {
    'resource.service.name': { '': 'tag-values-service-name.json' },
    // The docs' own example asks for the unscoped `.service.name`.
    '.service.name': { '': 'tag-values-service-name.json' },
    name: {
      '': 'tag-values-name.json',
      '{ resource.service.name = "checkout" }': 'tag-values-name-checkout.json',
      '{ resource.service.name = "frontend" }': 'tag-values-name-frontend.json',
    },
    'span.http.response.status_code': { '': 'tag-values-status-code.json' },
  } as Record<string, Record<string, string>>,
  metricsQuantiles: 'metrics-quantiles.json',
  metricsCount: 'metrics-count.json',
  metricsErrors: 'metrics-errors.json',
  metricsEmpty: 'metrics-empty.json',
  buildinfo: 'buildinfo.json',
};

type Json = Record<string, unknown>;

const TIME_KEYS_NS = new Set(['startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano']);

/** Adds `shiftNs` to every protobuf-JSON time field (decimal strings) of a parsed document. */
function shiftTimes(value: unknown, shiftNs: bigint): unknown {
  if (shiftNs === 0n) return value;
  if (Array.isArray(value)) return value.map((v) => shiftTimes(v, shiftNs));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (TIME_KEYS_NS.has(k) && typeof v === 'string') out[k] = String(BigInt(v) + shiftNs);
    else if (k === 'timestampMs' && typeof v === 'string') out[k] = String(BigInt(v) + shiftNs / 1_000_000n);
    else out[k] = shiftTimes(v, shiftNs);
  }
  return out;
}

/** The latest `endTimeUnixNano` of the stored traces, to place the data when shifting. */
function latestEndNs(docs: unknown[]): bigint {
  let max = 0n;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Json)) {
        if (k === 'endTimeUnixNano' && typeof x === 'string' && BigInt(x) > max) max = BigInt(x);
        else walk(x);
      }
    }
  };
  docs.forEach(walk);
  return max;
}

class BadRequest extends Error {}

// ---- parameter checks, from the "Parameters" lists of the API documentation ----

/** `start`/`end` as "unix epoch seconds", both or neither. */
function secondsRange(q: URLSearchParams): { start: bigint; end: bigint } | undefined {
  const start = q.get('start');
  const end = q.get('end');
  if (start === null && end === null) return undefined;
  if (start === null || end === null) throw new BadRequest('start and end must be given together');
  for (const [name, v] of [['start', start], ['end', end]] as const) {
    // Ten digits reach the year 2286: anything longer is milliseconds or nanoseconds.
    if (!/^\d{1,10}$/.test(v)) throw new BadRequest(`invalid ${name} "${v}": expected unix epoch seconds`);
  }
  const range = { start: BigInt(start), end: BigInt(end) };
  if (range.start > range.end) throw new BadRequest('start must not be after end');
  return range;
}

/** TraceQL metrics take seconds, nanoseconds or RFC 3339 for `start`/`end`, or `since` instead. */
function metricsRange(q: URLSearchParams): void {
  const since = q.get('since');
  if (since !== null && !/^\d+(\.\d+)?(ns|us|µs|ms|s|m|h)$/.test(since)) throw new BadRequest(`invalid since "${since}"`);
  const step = q.get('step');
  if (step !== null && !/^\d+(\.\d+)?(ns|us|µs|ms|s|m|h)$/.test(step)) throw new BadRequest(`invalid step "${step}": expected a duration such as 15s`);
  const start = q.get('start');
  const end = q.get('end');
  if (start === null && end === null) return;
  if (start === null || end === null) throw new BadRequest('start and end must be given together');
  const toNs = (name: string, v: string): bigint => {
    if (/^\d{1,10}$/.test(v)) return BigInt(v) * 1_000_000_000n;
    if (/^\d{19}$/.test(v)) return BigInt(v);
    const t = Date.parse(v);
    if (/^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(t)) return BigInt(t) * 1_000_000n;
    throw new BadRequest(`invalid ${name} "${v}": expected unix epoch seconds, unix epoch nanoseconds or RFC3339`);
  };
  if (toNs('start', start) > toNs('end', end)) throw new BadRequest('start must not be after end');
}

function optionalInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^\d+$/.test(v)) throw new BadRequest(`invalid ${name} "${v}"`);
  return Number(v);
}

/** Labels of a metrics series other than the quantile (`p`). */
function seriesAttributes(series: unknown): string[] {
  const labels = (series as { labels?: Array<{ key: string }> }).labels ?? [];
  return labels.map((l) => l.key).filter((k) => k !== 'p');
}

export async function startTempoReplay(options: TempoReplayOptions = {}): Promise<TempoReplay> {
  const dir = tempoFixtureDir();
  const raw = new Map<string, unknown>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) raw.set(file, JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
  const shiftNs = options.shiftTo === undefined ? 0n : BigInt(options.shiftTo - 60_000) * 1_000_000n - latestEndNs([...raw.values()]);
  const docs = new Map<string, unknown>();
  for (const [file, doc] of raw) docs.set(file, shiftTimes(doc, shiftNs));
  const doc = (file: string): unknown => {
    const d = docs.get(file);
    if (d === undefined) throw new Error(`tempo replay: fixture ${file} missing`);
    return d;
  };
  const protobufCache = new Map<string, Buffer>();
  // Generated from the JSON fixture by a protobuf library, never written by hand.
  const protobufOf = (file: string): Buffer => {
    let bytes = protobufCache.get(file);
    if (!bytes) {
      const d = doc(file) as { trace?: { resourceSpans?: unknown }; batches?: unknown };
      bytes = Buffer.from(resourceSpansToProtobuf(d.trace?.resourceSpans ?? d.batches ?? []));
      protobufCache.set(file, bytes);
    }
    return bytes;
  };

  const requests: ReplayedRequest[] = [];
  const queueFullRules: Array<{ remaining: number; retryAfterSeconds?: number; pathPrefix: string }> = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const record: ReplayedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      pathname: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      authorization: header('authorization'),
      tenant: header('x-scope-orgid'),
      accept: header('accept'),
      status: 0,
      atMs: Date.now(),
    };
    const send = (status: number, body: string | Buffer, headers: Record<string, string> = {}): void => {
      record.status = status;
      requests.push(record);
      res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    };
    const text = (status: number, body: string, headers: Record<string, string> = {}): void =>
      send(status, body, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    const json = (value: unknown): void => send(200, JSON.stringify(value), { 'content-type': 'application/json' });
    try {
      answer(req, url, record, { send, text, json });
    } catch (err) {
      if (err instanceof BadRequest) text(400, `${err.message}\n`);
      else text(500, `tempo replay: ${(err as Error).stack ?? String(err)}\n`);
    }
  });

  interface Reply {
    send(status: number, body: string | Buffer, headers?: Record<string, string>): void;
    text(status: number, body: string, headers?: Record<string, string>): void;
    json(value: unknown): void;
  }

  function answer(req: IncomingMessage, url: URL, record: ReplayedRequest, reply: Reply): void {
    const { pathname, searchParams: q } = url;
    if (req.method !== 'GET') return reply.text(405, 'method not allowed\n');
    if (options.bearerToken !== undefined && record.authorization !== `Bearer ${options.bearerToken}`) {
      return reply.text(401, 'Unauthorized\n', { 'www-authenticate': 'Bearer realm="tempo"' });
    }
    // Health and build information are not tenant-scoped; every query is.
    if (pathname === '/ready') return reply.text(200, 'ready\n');
    if (pathname === '/api/status/buildinfo') return reply.json(doc(fixtureFiles.buildinfo));
    if (options.tenant !== undefined && !record.tenant) return reply.text(401, 'no org id\n');
    const rule = queueFullRules.find((r) => r.remaining > 0 && pathname.startsWith(r.pathPrefix));
    if (rule) {
      rule.remaining--;
      return reply.text(429, 'job queue full\n', rule.retryAfterSeconds !== undefined ? { 'retry-after': String(rule.retryAfterSeconds) } : {});
    }
    // Another tenant's view of the same server: it stores nothing.
    const hasData = options.tenant === undefined || record.tenant === options.tenant;
    if (pathname === '/api/echo') return reply.text(200, 'echo');

    const byId = /^\/api(\/v2)?\/traces\/([^/]+)$/.exec(pathname);
    if (byId) return traceById(byId[1] === '/v2', decodeURIComponent(byId[2]), q, record, hasData, reply);
    if (pathname === '/api/search') return search(q, hasData, reply);
    if (pathname === '/api/v2/search/tags') return tags(q, hasData, reply);
    const values = /^\/api\/v2\/search\/tag\/([^/]+)\/values$/.exec(pathname);
    if (values) return tagValues(decodeURIComponent(values[1]), q, hasData, reply);
    if (pathname === '/api/metrics/query_range') return metrics(q, hasData, reply);
    if (pathname === '/api/metrics/query') {
      // The documentation does not show the instant answer's body, and the client does not call it.
      return reply.text(501, 'tempo replay: instant TraceQL metrics are not replayed\n');
    }
    return reply.text(404, '404 page not found\n');
  }

  function traceById(v2: boolean, rawId: string, q: URLSearchParams, record: ReplayedRequest, hasData: boolean, reply: Reply): void {
    // A router that predates the v2 API answers like any unknown path: 404 with a text body.
    if (v2 && options.withoutV2Traces) return reply.text(404, '404 page not found\n');
    // Tempo takes the id with or without its leading zeros.
    if (!/^[0-9a-fA-F]{1,32}$/.test(rawId)) throw new BadRequest(`invalid trace id "${rawId}"`);
    const id = rawId.toLowerCase().padStart(32, '0');
    const range = secondsRange(q);
    const protobuf = !options.jsonOnly && /application\/protobuf/.test(record.accept ?? '');
    const notFound = (): void => reply.send(404, '');
    if (!hasData) return notFound();
    let file: string | undefined;
    if (v2) file = [fixtureFiles.traceV2(id), fixtureFiles.traceV2Partial(id)].find((f) => docs.has(f));
    else if (docs.has(fixtureFiles.traceV2Partial(id))) {
      // v1 has no partial answer: the query path refuses a trace over the limit.
      return reply.text(500, `trace exceeds max size (max bytes: ${MAX_BYTES_PER_TRACE})\n`);
    } else file = docs.has(fixtureFiles.traceV1(id)) ? fixtureFiles.traceV1(id) : undefined;
    if (!file) return notFound();
    if (range && !overlaps(doc(file), range)) return notFound();
    if (protobuf) return reply.send(200, protobufOf(file), { 'content-type': 'application/protobuf' });
    return reply.json(doc(file));
  }

  /** Whether any span of a trace document starts within the seconds range (the blocks searched). */
  function overlaps(d: unknown, range: { start: bigint; end: bigint }): boolean {
    const text = JSON.stringify(d);
    for (const m of text.matchAll(/"startTimeUnixNano":"(\d+)"/g)) {
      const s = BigInt(m[1]) / 1_000_000_000n;
      if (s >= range.start && s <= range.end) return true;
    }
    return false;
  }

  function search(q: URLSearchParams, hasData: boolean, reply: Reply): void {
    const traceql = q.get('q');
    if (traceql === null) {
      if (q.has('tags')) throw new BadRequest('tempo replay: only TraceQL search (q) is replayed');
      throw new BadRequest('missing q: a TraceQL query is required');
    }
    if (!/^\{.*\}/s.test(traceql.trim())) throw new BadRequest(`invalid TraceQL query: parse error at line 1, col 1: syntax error: ${traceql.slice(0, 40)}`);
    const limit = optionalInt(q, 'limit') ?? 20;
    optionalInt(q, 'spss');
    const range = secondsRange(q);
    const file = hasData ? fixtureFiles.searchByQuery[traceql] : undefined;
    if (!file) return reply.json(doc(fixtureFiles.searchEmpty));
    const answer = doc(file) as { traces?: Array<{ startTimeUnixNano: string }> };
    const traces = (answer.traces ?? [])
      .filter((t) => !range || (BigInt(t.startTimeUnixNano) / 1_000_000_000n >= range.start && BigInt(t.startTimeUnixNano) / 1_000_000_000n <= range.end))
      .slice(0, limit);
    // protobuf-JSON leaves out an empty list.
    const { traces: _all, ...rest } = answer;
    return reply.json(traces.length > 0 ? { traces, ...rest } : rest);
  }

  function tags(q: URLSearchParams, hasData: boolean, reply: Reply): void {
    secondsRange(q);
    optionalInt(q, 'limit');
    const scope = q.get('scope');
    const scopes = ['resource', 'span', 'intrinsic', 'event', 'link', 'instrumentation'];
    if (scope !== null && scope !== 'all' && scope !== 'none' && !scopes.includes(scope)) throw new BadRequest(`invalid scope "${scope}"`);
    const answer = doc(fixtureFiles.tags) as { scopes: Array<{ name: string }>; metrics?: unknown };
    // Intrinsics exist whether or not the tenant stored anything.
    const kept = answer.scopes.filter((s) => (hasData || s.name === 'intrinsic') && (scope === null || scope === 'all' || scope === 'none' || s.name === scope));
    return reply.json({ ...answer, scopes: kept });
  }

  function tagValues(tag: string, q: URLSearchParams, hasData: boolean, reply: Reply): void {
    secondsRange(q);
    optionalInt(q, 'limit');
    const byQuery = hasData ? fixtureFiles.tagValues[tag] : undefined;
    if (!byQuery) return reply.json({});
    // "If an input is invalid, Tempo doesn't provide an error. Instead, you'll see the whole list."
    const filter = q.get('q') ?? '';
    return reply.json(doc(byQuery[filter] ?? byQuery['']));
  }

  function metrics(q: URLSearchParams, hasData: boolean, reply: Reply): void {
    const traceql = q.get('q');
    if (traceql === null || traceql.trim() === '') throw new BadRequest('missing q: a TraceQL metrics query is required');
    metricsRange(q);
    optionalInt(q, 'exemplars');
    const fn = /\|\s*(quantile_over_time\(\s*duration\s*,\s*\.5\s*,\s*\.95\s*,\s*\.99\s*\)|count_over_time\(\s*\))\s*(?:by\s*\(([^)]*)\))?\s*$/.exec(traceql);
    if (!fn) throw new BadRequest(`tempo replay: no answer for the metrics query ${traceql}`);
    if (!hasData) return reply.json(doc(fixtureFiles.metricsEmpty));
    const file = fn[1].startsWith('quantile') ? fixtureFiles.metricsQuantiles : /status\s*=\s*error/.test(traceql) ? fixtureFiles.metricsErrors : fixtureFiles.metricsCount;
    const by = new Set((fn[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    // A series carries only the attributes the query grouped by: drop those it did not ask for.
    const answer = doc(file) as { series?: unknown[] };
    const series = (answer.series ?? []).filter((s) => seriesAttributes(s).every((k) => by.has(k)));
    return reply.json(series.length > 0 ? { ...answer, series } : {});
  }

  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    origin,
    requests,
    queueFull(count, o = {}) {
      queueFullRules.push({ remaining: count, retryAfterSeconds: o.retryAfterSeconds, pathPrefix: o.pathPrefix ?? '/api/' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
