/**
 * Jaeger's query service. The OTLP-based v3 API is preferred (it keeps span kinds, links
 * and attribute types intact); servers without it are read through the v1 API the Jaeger
 * UI uses. The choice is made once per client and cached. Where the user gave Jaeger's query gRPC
 * endpoint, a trace by id comes from there as protobuf (jaegerGrpc.ts), the rest over HTTP.
 */
import { BackendTimeoutError, BackendUnreachableError, HttpStatusError, MalformedResponseError, TraceNotFoundError } from '../errors';
import type { HttpClient } from '../http/httpClient';
import { segment } from '../http/url';
import type { Trace } from '../model/trace';
import { goDuration, requireTraceId, stringList, uniqueSorted } from './backendClientSupport';
import { jaegerDocumentToTraces, otlpDocumentToTraces } from './convertDocuments';
import type { JaegerGrpcTraces } from './jaegerGrpc';
import { parseMinStep, parseSpmSeries, spmQuery, type SpmMetric, type SpmSeries, spmToQuantiles } from './jaegerSpm';
import type { LatencyQuantiles } from '../model/latencyQuantiles';
import type { ConnectionInfo, GetTraceOptions, LatencyStatsRequest, TraceBackend, TraceQuery, TraceSummary } from './traceBackend';
import { traceFromResponse, type TraceResponse } from './traceResponse';
import { newestFirst, sortSummaries, summarizeTrace } from './traceSummary';
import { asArray, isRecord } from './wireValues';

export type JaegerApiVersion = 'v3' | 'v1';

export interface JaegerClientOptions {
  /** Force one API; by default v3 is used when the server has it. */
  apiVersion?: JaegerApiVersion | 'auto';
  /** For tests: when an absent SPM is asked about again. Default Date.now. */
  clock?: () => number;
  /** Jaeger's query gRPC API: traces by id come from it as OTLP protobuf; HTTP serves the rest. */
  grpc?: JaegerGrpcTraces;
  /** Told when the gRPC API could not be reached and a trace was fetched over HTTP instead. */
  onGrpcFallback?: (message: string) => void;
}

/** After the gRPC API was unreachable, traces come over HTTP for this long before it is tried again. */
export const GRPC_RETRY_MS = 5 * 60_000;

/** An absent Service Performance Monitoring is looked for again after this long. */
export const SPM_RECHECK_MS = 30 * 60_000;
/** Services asked about in one SPM query when none are configured. */
const SPM_MAX_SERVICES = 20;

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
  private spm: { available: boolean; checkedAtMs: number } | undefined;
  private readonly clock: () => number;
  private readonly grpc: JaegerGrpcTraces | undefined;
  private readonly onGrpcFallback: (message: string) => void;
  private grpcRetryAtMs = 0;

  constructor(
    private readonly http: HttpClient,
    options: JaegerClientOptions = {},
  ) {
    if (options.apiVersion === 'v1' || options.apiVersion === 'v3') this.api = Promise.resolve(options.apiVersion);
    this.clock = options.clock ?? Date.now;
    this.grpc = options.grpc;
    this.onGrpcFallback = options.onGrpcFallback ?? (() => undefined);
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
    return traceFromResponse(await this.fetchTrace(traceId, options));
  }

  async fetchTrace(traceId: string, options: GetTraceOptions = {}): Promise<TraceResponse> {
    const id = requireTraceId(traceId);
    const viaGrpc = await this.fetchTraceOverGrpc(id, options);
    if (viaGrpc) return viaGrpc;
    const api = await this.apiVersion(options.signal);
    const r = options.range;
    const source = `Jaeger's answer for trace ${id}`;
    if (api === 'v3') {
      const p = V3_PARAMS[this.paramStyle];
      const query = r ? { [p.start]: rfc3339(r.startMs), [p.end]: rfc3339(r.endMs) } : undefined;
      const res = await this.http.get({ path: `/api/v3/traces/${id}`, query, signal: options.signal, acceptStatus: [404], sink: options.sink, onAnswer: options.onAnswer });
      if (res.status === 404) throw new TraceNotFoundError(id, r);
      return { traceId: id, format: 'otlp', body: res.body, streamed: options.sink !== undefined, source, url: res.url, range: r };
    }
    const query = r ? { start: r.startMs * 1000, end: r.endMs * 1000 } : undefined;
    const res = await this.http.get({ path: `/api/traces/${id}`, query, signal: options.signal, acceptStatus: [404], sink: options.sink, onAnswer: options.onAnswer });
    if (res.status === 404) throw new TraceNotFoundError(id, r);
    return { traceId: id, format: 'jaeger-v1', body: res.body, streamed: options.sink !== undefined, source, url: res.url, range: r };
  }

  /** The trace as protobuf from the gRPC API; undefined when there is none, or it is unreachable (HTTP answers then). */
  private async fetchTraceOverGrpc(id: string, options: GetTraceOptions): Promise<TraceResponse | undefined> {
    const grpc = this.grpc;
    if (!grpc || this.clock() < this.grpcRetryAtMs) return undefined;
    try {
      const { body } = await grpc.fetch(id, { range: options.range, signal: options.signal, sink: options.sink, onAnswer: options.onAnswer });
      return { traceId: id, format: 'otlp-protobuf', body, streamed: options.sink !== undefined, source: `Jaeger's gRPC answer for trace ${id}`, url: grpc.url, range: options.range };
    } catch (err) {
      // Unreachable means no message arrived, so the sink is still empty for HTTP's answer.
      if (!(err instanceof BackendUnreachableError) || err instanceof BackendTimeoutError) throw err;
      this.grpcRetryAtMs = this.clock() + GRPC_RETRY_MS;
      this.onGrpcFallback(`${err.userMessage} Traces come over HTTP for the next ${GRPC_RETRY_MS / 60_000} minutes.`);
      return undefined;
    }
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    return sortSummaries((await this.matchingTraces(query, signal)).map(summarizeTrace)).slice(0, query.limit);
  }

  async searchTraces(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    return newestFirst(await this.matchingTraces(query, signal)).slice(0, query.limit);
  }

  private async matchingTraces(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    const api = await this.apiVersion(signal);
    const traces = api === 'v3' ? await this.searchV3(query, signal) : await this.searchV1(query, signal);
    return traces.filter((t) => matchesFilters(t, query));
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
    const used = this.paramStyle;
    try {
      res = await run(used);
    } catch (err) {
      // A server from before the camelCase rename says the time bounds are missing: switch spelling once.
      if (!(err instanceof HttpStatusError && err.status === 400 && /start_?time_?min|startTimeMin/i.test(err.body))) throw err;
      // The other spelling than the one this request used (not a toggle: concurrent searches fail together).
      const other: ParamStyle = used === 'camel' ? 'snake' : 'camel';
      this.paramStyle = other;
      res = await run(other);
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

  /**
   * Whether the server answers the monitor API (Service Performance Monitoring). Asked
   * once; a "no" is asked again after SPM_RECHECK_MS (a metric backend may be added),
   * a failed probe (network, auth) is not remembered.
   */
  async hasServicePerformanceMonitoring(signal?: AbortSignal): Promise<boolean> {
    const now = this.clock();
    if (this.spm && (this.spm.available || now - this.spm.checkedAtMs < SPM_RECHECK_MS)) return this.spm.available;
    // 404: a Jaeger without the endpoint; 501: "metrics querying is currently disabled"; 500: its Prometheus fails.
    const res = await this.http.get({ path: '/api/metrics/minstep', signal, acceptStatus: [400, 404, 405, 500, 501, 502, 503] });
    let available = false;
    if (res.status === 200) {
      try {
        available = parseMinStep(res.json('Jaeger metrics minstep')) !== undefined;
      } catch {
        available = false;
      }
    }
    this.spm = { available, checkedAtMs: now };
    return available;
  }

  /**
   * Full-window figures per service and operation from SPM (five requests, at most
   * two in flight); an empty list when the server has no SPM, so the caller samples
   * traces instead and shows no error. Locations are span names with their service.
   */
  async latencyStats(request: LatencyStatsRequest): Promise<LatencyQuantiles[]> {
    const { signal } = request;
    if (!(await this.hasServicePerformanceMonitoring(signal))) return [];
    let services = request.services;
    if (services.length === 0) services = (await this.services(signal)).slice(0, SPM_MAX_SERVICES);
    if (services.length === 0) return [];
    const lookbackMs = request.range.endMs - request.range.startMs;
    const ask = async (metric: SpmMetric, quantile?: number): Promise<SpmSeries> =>
      parseSpmSeries(await this.http.getJson({ path: `/api/metrics/${metric}`, query: spmQuery(services, request.range.endMs, lookbackMs, quantile), signal }, `Jaeger SPM ${metric}`));
    const jobs: Array<() => Promise<SpmSeries>> = [() => ask('calls'), () => ask('errors'), () => ask('latencies', 0.5), () => ask('latencies', 0.95), () => ask('latencies', 0.99)];
    const results: SpmSeries[] = new Array<SpmSeries>(jobs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < jobs.length; i = next++) results[i] = await jobs[i]();
    };
    await Promise.all([worker(), worker()]);
    const [calls, errors, p50, p95, p99] = results;
    return spmToQuantiles({ calls, errors, p50, p95, p99 }, Math.max(60_000, lookbackMs));
  }

  async testConnection(signal?: AbortSignal): Promise<ConnectionInfo> {
    const api = await this.apiVersion(signal);
    await this.services(signal);
    return { serverDescription: `Jaeger (API ${api})` };
  }
}
