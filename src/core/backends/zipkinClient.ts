/** Zipkin's v2 HTTP API. */
import { MalformedResponseError, TraceNotFoundError } from '../errors';
import type { HttpClient } from '../http/httpClient';
import type { Trace } from '../model/trace';
import { requireTraceId, stringList, uniqueSorted } from './backendClientSupport';
import { zipkinDocumentToTraces } from './convertDocuments';
import type { ConnectionInfo, GetTraceOptions, TraceBackend, TraceQuery, TraceSummary } from './traceBackend';
import { traceFromResponse, type TraceResponse } from './traceResponse';
import { newestFirst, sortSummaries, summarizeTrace } from './traceSummary';
import { isRecord } from './wireValues';

/** `k=v and k2 and ...`: Zipkin's tag/annotation filter syntax. */
export function annotationQuery(tags: Record<string, string> | undefined, errorsOnly?: boolean): string | undefined {
  const parts = Object.entries(tags ?? {}).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  if (errorsOnly) parts.push('error');
  return parts.length ? parts.join(' and ') : undefined;
}

export class ZipkinClient implements TraceBackend {
  readonly type = 'zipkin' as const;

  constructor(private readonly http: HttpClient) {}

  async getTrace(traceId: string, options: GetTraceOptions = {}): Promise<Trace> {
    return traceFromResponse(await this.fetchTrace(traceId, options));
  }

  async fetchTrace(traceId: string, options: GetTraceOptions = {}): Promise<TraceResponse> {
    const id = requireTraceId(traceId);
    // A 64-bit trace is stored under its 16-character id.
    const wireId = id.startsWith('0000000000000000') ? id.slice(16) : id;
    const res = await this.http.get({ path: `/api/v2/trace/${wireId}`, signal: options.signal, acceptStatus: [404], sink: options.sink, onAnswer: options.onAnswer });
    if (res.status === 404) throw new TraceNotFoundError(id, options.range);
    return { traceId: id, format: 'zipkin', body: res.body, streamed: options.sink !== undefined, source: `Zipkin's answer for trace ${id}`, url: res.url, range: options.range };
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    return sortSummaries((await this.matchingTraces(query, signal)).map(summarizeTrace)).slice(0, query.limit);
  }

  async searchTraces(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    return newestFirst(await this.matchingTraces(query, signal)).slice(0, query.limit);
  }

  private async matchingTraces(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    const endTs = Math.round(query.range.endMs);
    const doc = await this.http.getJson(
      {
        path: '/api/v2/traces',
        query: {
          serviceName: query.service,
          spanName: query.operation,
          annotationQuery: annotationQuery(query.tags, query.errorsOnly),
          minDuration: query.minDurationMs !== undefined ? Math.round(query.minDurationMs * 1000) : undefined,
          maxDuration: query.maxDurationMs !== undefined ? Math.round(query.maxDurationMs * 1000) : undefined,
          endTs,
          lookback: Math.max(1, endTs - Math.round(query.range.startMs)),
          limit: query.limit,
        },
        signal,
      },
      'Zipkin search results',
    );
    if (!Array.isArray(doc)) throw new MalformedResponseError("Zipkin's search answer", 'a list of traces');
    return zipkinDocumentToTraces(doc, "Zipkin's search answer");
  }

  async services(signal?: AbortSignal): Promise<string[]> {
    const doc = await this.http.getJson({ path: '/api/v2/services', signal }, 'Zipkin services');
    return uniqueSorted(stringList({ list: doc }, 'list', "Zipkin's services answer"));
  }

  async operations(service: string, signal?: AbortSignal): Promise<string[]> {
    const doc = await this.http.getJson({ path: '/api/v2/spans', query: { serviceName: service }, signal }, 'Zipkin span names');
    return uniqueSorted(stringList({ list: doc }, 'list', "Zipkin's span names answer"));
  }

  async testConnection(signal?: AbortSignal): Promise<ConnectionInfo> {
    let version: string | undefined;
    // /info is served by zipkin-server; proxies in front may not pass it, so it is optional.
    const info = await this.http.get({ path: '/info', signal, acceptStatus: [404] }).catch(() => undefined);
    if (info?.status === 200) {
      try {
        const doc = info.json('Zipkin server info');
        const z = isRecord(doc) && isRecord(doc.zipkin) ? doc.zipkin : undefined;
        if (z && typeof z.version === 'string') version = z.version;
      } catch {
        // The version is cosmetic.
      }
    }
    await this.services(signal);
    return { serverDescription: version ? `Zipkin ${version}` : 'Zipkin', ...(version ? { version } : {}) };
  }
}
