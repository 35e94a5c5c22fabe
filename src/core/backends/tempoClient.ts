/** Grafana Tempo over its HTTP query API (also behind Grafana's data-source proxy or Grafana Cloud). */
import { ConfigurationError, HttpStatusError, MalformedResponseError, TraceNotFoundError, TraceTooLargeError, UnauthorizedError } from '../errors';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/httpClient';
import { segment } from '../http/url';
import { normalizeTraceId } from '../model/ids';
import type { Trace } from '../model/trace';
import { defaultRange, rangeSeconds, requireTraceId, uniqueSorted } from './backendClientSupport';
import { parseLatencySeries, tempoLatencyQueries } from './tempoMetrics';
import { traceFromResponse, type TraceResponse } from './traceResponse';
import { buildTraceQL, quoteTraceQL } from './traceql';
import type { LatencyQuantiles } from '../model/latencyQuantiles';
import { otlpEncodingOf } from '../receiver/otlpResponses';
import type { ConnectionInfo, GetTraceOptions, LatencyStatsRequest, TraceBackend, TraceQuery, TraceSummary } from './traceBackend';
import { asArray, asString, decodeNanos, isRecord } from './wireValues';

export interface TempoClientOptions {
  /** How far back services and operations are listed. */
  lookbackMs?: number;
}

const TOO_LARGE = /trace exceeds max size|too large|max.*bytes/i;
const PROTOBUF = 'application/protobuf';

function traceAnswer(traceId: string, res: HttpResponse, options: GetTraceOptions, format: 'otlp-protobuf' | 'tempo'): TraceResponse {
  return { traceId, format, body: res.body, streamed: options.sink !== undefined, source: `Tempo's answer for trace ${traceId}`, url: res.url, range: options.range };
}

export class TempoClient implements TraceBackend {
  readonly type = 'tempo' as const;
  /** Whether `/api/v2/traces` exists (asked only for a trace v1 refuses as too large); undefined until a request tells. */
  private v2Traces: boolean | undefined;
  private readonly lookbackMs: number;

  constructor(
    private readonly http: HttpClient,
    options: TempoClientOptions = {},
  ) {
    this.lookbackMs = options.lookbackMs ?? 24 * 3600_000;
  }

  async getTrace(traceId: string, options: GetTraceOptions = {}): Promise<Trace> {
    return traceFromResponse(await this.fetchTrace(traceId, options));
  }

  /**
   * The trace as Tempo's v1 API gives it in OpenTelemetry protobuf (`tempopb.Trace`, laid out as
   * OTLP's TracesData): about half the bytes of its JSON, and read by the receiver's protobuf walker
   * with the spans' attributes left in the bytes, where JSON is parsed whole. A server or gateway
   * that answers JSON all the same is read as JSON. v1 refuses a trace over
   * `max_bytes_per_trace`; v2 then gives the part that fits, marked PARTIAL.
   */
  async fetchTrace(traceId: string, options: GetTraceOptions = {}): Promise<TraceResponse> {
    const id = requireTraceId(traceId);
    const query = options.range ? rangeSeconds(options.range) : undefined;
    try {
      const res = await this.get({
        path: `/api/traces/${id}`, query, headers: { accept: PROTOBUF }, signal: options.signal, acceptStatus: [404], sink: options.sink, onAnswer: options.onAnswer,
      });
      if (res.status === 404) throw new TraceNotFoundError(id, options.range);
      return traceAnswer(id, res, options, otlpEncodingOf(res.headers['content-type']) === 'protobuf' ? 'otlp-protobuf' : 'tempo');
    } catch (err) {
      if (!(err instanceof HttpStatusError && TOO_LARGE.test(err.body))) throw err;
      return this.partialTrace(id, query, options, err);
    }
  }

  /** What v2 gives of a trace v1 refused as too large: the part under the limit, marked PARTIAL. */
  private async partialTrace(id: string, query: { start: number; end: number } | undefined, options: GetTraceOptions, refusal: HttpStatusError): Promise<TraceResponse> {
    const tooLarge = () => new TraceTooLargeError(`Tempo refused trace ${id} because it is larger than its configured maximum.`, {
      detail: refusal.body.trim().slice(0, 200),
      cause: refusal,
    });
    // Tempo before 2.6 has no v2 API: a 404 with a text body, where an unknown trace's is empty.
    if (this.v2Traces === false) throw tooLarge();
    const res = await this.get({ path: `/api/v2/traces/${id}`, query, signal: options.signal, acceptStatus: [404], sink: options.sink, onAnswer: options.onAnswer });
    if (res.status === 404 && res.body.length > 0) {
      this.v2Traces = false;
      throw tooLarge();
    }
    if (res.status === 404) throw new TraceNotFoundError(id, options.range);
    this.v2Traces = true;
    return traceAnswer(id, res, options, 'tempo');
  }

  private async get(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.http.get(req);
    } catch (err) {
      throw explainMissingTenant(err);
    }
  }

  private async getJson(req: HttpRequest, expected: string): Promise<unknown> {
    return (await this.get(req)).json(expected);
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    const q = buildTraceQL(query);
    const { start, end } = rangeSeconds(query.range);
    const doc = await this.getJson({ path: '/api/search', query: { q, limit: query.limit, start, end }, signal }, 'Tempo search results');
    return parseTempoSearch(doc);
  }

  /** Values of one tag over the lookback; `q` narrows them with TraceQL. */
  async tagValues(tag: string, q?: string, signal?: AbortSignal): Promise<string[]> {
    return uniqueSorted((await this.typedTagValues(tag, q, signal)).map((v) => v.value));
  }

  /** The same, each with the type Tempo gives it (`string`, `int`, `float`, `bool`, `duration`, `keyword`…): TraceQL quotes only strings. */
  async typedTagValues(tag: string, q?: string, signal?: AbortSignal): Promise<Array<{ type: string; value: string }>> {
    const { start, end } = rangeSeconds(defaultRange(this.lookbackMs));
    const doc = await this.getJson(
      { path: `/api/v2/search/tag/${segment(tag)}/values`, query: { q, start, end }, signal },
      'Tempo tag values',
    );
    if (!isRecord(doc)) throw new MalformedResponseError("Tempo's tag values answer", 'a "tagValues" list');
    const values: Array<{ type: string; value: string }> = [];
    for (const v of asArray(doc.tagValues)) {
      if (isRecord(v) && typeof v.value === 'string') values.push({ type: typeof v.type === 'string' ? v.type : 'string', value: v.value });
    }
    return values;
  }

  /** Attribute names by scope (`span`, `resource`, `intrinsic`...). */
  async tags(signal?: AbortSignal): Promise<Record<string, string[]>> {
    const { start, end } = rangeSeconds(defaultRange(this.lookbackMs));
    const doc = await this.getJson({ path: '/api/v2/search/tags', query: { start, end }, signal }, 'Tempo tag names');
    const out: Record<string, string[]> = {};
    if (!isRecord(doc)) throw new MalformedResponseError("Tempo's tags answer", 'a "scopes" list');
    for (const s of asArray(doc.scopes)) {
      if (isRecord(s) && typeof s.name === 'string') out[s.name] = asArray(s.tags).filter((t): t is string => typeof t === 'string');
    }
    return out;
  }

  services(signal?: AbortSignal): Promise<string[]> {
    return this.tagValues('resource.service.name', undefined, signal);
  }

  operations(service: string, signal?: AbortSignal): Promise<string[]> {
    return this.tagValues('name', `{ resource.service.name = ${quoteTraceQL(service)} }`, signal);
  }

  async latencyStats(request: LatencyStatsRequest): Promise<LatencyQuantiles[]> {
    const { start, end } = rangeSeconds(request.range);
    const step = `${Math.max(1, end - start)}s`;
    const queries = tempoLatencyQueries(request.services);
    const run = (q: string) =>
      this.getJson({ path: '/api/metrics/query_range', query: { q, start, end, step }, signal: request.signal }, 'TraceQL metrics');
    const [quantiles, counts, errors] = await Promise.all([run(queries.quantiles), run(queries.count), run(queries.errors)]);
    return parseLatencySeries(quantiles, counts, errors);
  }

  async testConnection(signal?: AbortSignal): Promise<ConnectionInfo> {
    const info = await this.getJson({ path: '/api/status/buildinfo', signal }, 'Tempo build information');
    const version = isRecord(info) ? asString(info.version) : undefined;
    if (!version) throw new MalformedResponseError("The answer of /api/status/buildinfo", 'a Tempo version');
    // Build info needs no tenant or query permission: one search-tags call proves both.
    await this.tags(signal);
    return { serverDescription: `Tempo ${version}`, version };
  }
}

/**
 * A multi-tenant Tempo needs X-Scope-OrgID on every query and refuses one without it with 401
 * "no org id". That is the tenant setting, not credentials: say so rather than send the user to
 * Set Credentials, which cannot help.
 */
function explainMissingTenant(err: unknown): unknown {
  if (!(err instanceof UnauthorizedError) || err.status !== 401 || !/^\s*no org id\b/i.test(err.detail ?? '')) return err;
  return new ConfigurationError(
    `The Tempo at ${err.url} keeps traces per tenant and was sent none: set "traceLens.backend.tenant" (sent as X-Scope-OrgID) or run "Trace Lens: Configure Backend".`,
    { cause: err, detail: err.detail?.trim() },
  );
}

/** Tempo's `/api/search` answer into summaries; ids come with leading zeros stripped and are padded back. */
export function parseTempoSearch(doc: unknown): TraceSummary[] {
  if (!isRecord(doc) || !(Array.isArray(doc.traces) || doc.traces === undefined || doc.traces === null)) {
    throw new MalformedResponseError("Tempo's search answer", 'a "traces" list');
  }
  const out: TraceSummary[] = [];
  for (const t of asArray(doc.traces)) {
    if (!isRecord(t)) continue;
    const traceId = normalizeTraceId(asString(t.traceID) ?? '');
    if (!traceId) continue;
    const summary: TraceSummary = {
      traceId,
      rootServiceName: asString(t.rootServiceName) ?? '',
      rootName: asString(t.rootTraceName) ?? '',
      startTimeUnixNano: decodeNanos(t.startTimeUnixNano) ?? 0n,
      // protobuf-JSON omits a zero duration.
      durationMs: typeof t.durationMs === 'number' ? t.durationMs : 0,
    };
    if (isRecord(t.serviceStats)) {
      let spans = 0;
      let errors = 0;
      for (const st of Object.values(t.serviceStats)) {
        if (!isRecord(st)) continue;
        spans += typeof st.spanCount === 'number' ? st.spanCount : 0;
        errors += typeof st.errorCount === 'number' ? st.errorCount : 0;
      }
      summary.spanCount = spans;
      summary.errorCount = errors;
    }
    out.push(summary);
  }
  return out;
}
