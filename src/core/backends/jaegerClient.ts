/**
 * Jaeger's query service. The OTLP-based v3 API is preferred (it keeps span kinds, links
 * and attribute types intact); servers without it are read through the v1 API the Jaeger
 * UI uses. The choice is made once per client and cached.
 */
import { HttpStatusError, MalformedResponseError, TraceNotFoundError } from '../errors';
import type { HttpClient } from '../http/httpClient';
import { segment } from '../http/url';
import type { Trace } from '../model/trace';
import { goDuration, pickTrace, requireTraceId, stringList, uniqueSorted } from './backendClientSupport';
import { jaegerDocumentToTraces, otlpDocumentToTraces } from './convertDocuments';
import type { ConnectionInfo, GetTraceOptions, TraceBackend, TraceQuery, TraceSummary } from './traceBackend';
import { sortSummaries, summarizeTrace } from './traceSummary';
import { asArray, isRecord } from './wireValues';

export type JaegerApiVersion = 'v3' | 'v1';

export interface JaegerClientOptions {
  /** Force one API; by default v3 is used when the server has it. */
  apiVersion?: JaegerApiVersion | 'auto';
}

/** Query-parameter spelling of the v3 API: camelCase since Jaeger 2.1x, snake_case before. */
type ParamStyle = 'camel' | 'snake';

const V3_PARAMS = {
  camel: {
    service: 'query.serviceName',
    operation: 'query.operationName',
    min: 'query.startTimeMin',
    max: 'query.startTimeMax',
    depth: 'query.searchDepth',
    dmin: 'query.durationMin',
    dmax: 'query.durationMax',
    start: 'startTime',
    end: 'endTime',
  },
  snake: {
    service: 'query.service_name',
    operation: 'query.operation_name',
    min: 'query.start_time_min',
    max: 'query.start_time_max',
    depth: 'query.num_traces',
    dmin: 'query.duration_min',
    dmax: 'query.duration_max',
    start: 'start_time',
    end: 'end_time',
  },
} as const;

function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/** Tag filters and the error filter applied to whole traces, for APIs that cannot filter on them. */
function matchesFilters(trace: Trace, query: TraceQuery): boolean {
  const tags = Object.entries(query.tags ?? {});
  if (query.errorsOnly && !trace.spans.some((s) => s.status.code === 'error')) return false;
  if (tags.length === 0) return true;
  return trace.spans.some((s) =>
    tags.every(([k, v]) => {
      const a = Object.hasOwn(s.attributes, k) ? s.attributes[k] : Object.hasOwn(s.resource.attributes, k) ? s.resource.attributes[k] : undefined;
      return a !== undefined && a !== null && String(a) === v;
    }),
  );
}

export class JaegerClient implements TraceBackend {
  readonly type = 'jaeger' as const;
  private api: Promise<JaegerApiVersion> | undefined;
  private paramStyle: ParamStyle = 'camel';

  constructor(
    private readonly http: HttpClient,
    options: JaegerClientOptions = {},
  ) {
    if (options.apiVersion === 'v1' || options.apiVersion === 'v3') this.api = Promise.resolve(options.apiVersion);
  }

  /** Which API this client talks to; asks the server once. */
  apiVersion(signal?: AbortSignal): Promise<JaegerApiVersion> {
    if (!this.api) {
      const probe = this.http.get({ path: '/api/v3/services', signal, acceptStatus: [404, 405] }).then((res) => (res.status === 200 ? 'v3' : 'v1') as JaegerApiVersion);
      // A failed probe (network, auth) must not pin the answer: the next call asks again.
      this.api = probe.catch((err) => {
        this.api = undefined;
        throw err;
      });
    }
    return this.api;
  }

  async getTrace(traceId: string, options: GetTraceOptions = {}): Promise<Trace> {
    const id = requireTraceId(traceId);
    const api = await this.apiVersion(options.signal);
    const r = options.range;
    let traces: Trace[];
    if (api === 'v3') {
      const p = V3_PARAMS[this.paramStyle];
      const query = r ? { [p.start]: rfc3339(r.startMs), [p.end]: rfc3339(r.endMs) } : undefined;
      const res = await this.http.get({ path: `/api/v3/traces/${id}`, query, signal: options.signal, acceptStatus: [404] });
      if (res.status === 404) throw new TraceNotFoundError(id, r);
      traces = otlpDocumentToTraces(res.json('a Jaeger trace'), `Jaeger's answer for trace ${id}`);
    } else {
      const query = r ? { start: r.startMs * 1000, end: r.endMs * 1000 } : undefined;
      const res = await this.http.get({ path: `/api/traces/${id}`, query, signal: options.signal, acceptStatus: [404] });
      if (res.status === 404) throw new TraceNotFoundError(id, r);
      traces = jaegerDocumentToTraces(res.json('a Jaeger trace'), `Jaeger's answer for trace ${id}`);
    }
    const trace = pickTrace(traces, id);
    if (!trace) throw new TraceNotFoundError(id, r);
    return trace;
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    const api = await this.apiVersion(signal);
    const traces = api === 'v3' ? await this.searchV3(query, signal) : await this.searchV1(query, signal);
    return sortSummaries(traces.filter((t) => matchesFilters(t, query)).map(summarizeTrace)).slice(0, query.limit);
  }

  private async searchV3(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    const run = async (style: ParamStyle) => {
      const p = V3_PARAMS[style];
      return this.http.get({
        path: '/api/v3/traces',
        query: {
          [p.service]: query.service,
          [p.operation]: query.operation,
          [p.min]: rfc3339(query.range.startMs),
          [p.max]: rfc3339(query.range.endMs),
          [p.depth]: query.limit,
          [p.dmin]: query.minDurationMs !== undefined ? goDuration(query.minDurationMs) : undefined,
          [p.dmax]: query.maxDurationMs !== undefined ? goDuration(query.maxDurationMs) : undefined,
        },
        signal,
        acceptStatus: [404],
      });
    };
    let res;
    try {
      res = await run(this.paramStyle);
    } catch (err) {
      // A server from before the camelCase rename says the time bounds are missing: switch spelling once.
      if (!(err instanceof HttpStatusError && err.status === 400 && /start_?time_?min|startTimeMin/i.test(err.body))) throw err;
      this.paramStyle = this.paramStyle === 'camel' ? 'snake' : 'camel';
      res = await run(this.paramStyle);
    }
    // Jaeger answers an empty search with 404 "No traces found".
    if (res.status === 404) return [];
    return otlpDocumentToTraces(res.json('Jaeger search results'), "Jaeger's search answer");
  }

  private async searchV1(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    // No `error=true` tag filter: Jaeger v2 stores OTLP status, which that tag does not match;
    // errorsOnly is applied to the returned traces instead.
    const tags: Record<string, string> = { ...query.tags };
    const doc = await this.http.getJson(
      {
        path: '/api/traces',
        query: {
          service: query.service,
          operation: query.operation,
          tags: Object.keys(tags).length ? JSON.stringify(tags) : undefined,
          minDuration: query.minDurationMs !== undefined ? goDuration(query.minDurationMs) : undefined,
          maxDuration: query.maxDurationMs !== undefined ? goDuration(query.maxDurationMs) : undefined,
          limit: query.limit,
          start: query.range.startMs * 1000,
          end: query.range.endMs * 1000,
        },
        signal,
      },
      'Jaeger search results',
    );
    if (isRecord(doc) && doc.data === null) return [];
    return jaegerDocumentToTraces(doc, "Jaeger's search answer");
  }

  async services(signal?: AbortSignal): Promise<string[]> {
    const api = await this.apiVersion(signal);
    if (api === 'v3') {
      return uniqueSorted(stringList(await this.http.getJson({ path: '/api/v3/services', signal }, 'Jaeger services'), 'services', "Jaeger's services answer"));
    }
    return uniqueSorted(stringList(await this.http.getJson({ path: '/api/services', signal }, 'Jaeger services'), 'data', "Jaeger's services answer"));
  }

  async operations(service: string, signal?: AbortSignal): Promise<string[]> {
    const api = await this.apiVersion(signal);
    if (api === 'v3') {
      const doc = await this.http.getJson({ path: '/api/v3/operations', query: { service }, signal }, 'Jaeger operations');
      if (!isRecord(doc)) throw new MalformedResponseError("Jaeger's operations answer", 'an "operations" list');
      return uniqueSorted(asArray(doc.operations).flatMap((o) => (isRecord(o) && typeof o.name === 'string' ? [o.name] : [])));
    }
    const doc = await this.http.getJson({ path: `/api/services/${segment(service)}/operations`, signal }, 'Jaeger operations');
    return uniqueSorted(stringList(doc, 'data', "Jaeger's operations answer"));
  }

  async testConnection(signal?: AbortSignal): Promise<ConnectionInfo> {
    const api = await this.apiVersion(signal);
    await this.services(signal);
    return { serverDescription: `Jaeger (API ${api})` };
  }
}
