import type { LatencyQuantiles } from '../model/latencyQuantiles';
import type { TimeRange } from '../model/timeRange';
import type { Trace } from '../model/trace';
import type { TraceResponse } from './traceResponse';

/** The one interface the rest of the extension uses to read traces, whatever stores them. */
export type BackendType = 'local' | 'tempo' | 'jaeger' | 'zipkin';

export interface GetTraceOptions {
  range?: TimeRange;
  signal?: AbortSignal;
  /** `fetchTrace` only: the answer's body goes here as it arrives, each chunk the sink's to keep or hand on (see TraceResponse.streamed). */
  sink?: (chunk: Uint8Array) => void;
  /**
   * `fetchTrace` only: called once when the backend begins its answer (the headers are in), before
   * any of its body. A gRPC answer reaches `sink` only whole, so this is the one sign of its start.
   */
  onAnswer?: () => void;
}

export interface TraceQuery {
  /** Tempo only: a TraceQL query, e.g. `{ resource.service.name = "checkout" && duration > 5s }`. */
  traceql?: string;
  service?: string;
  operation?: string;
  /** Attribute (tag) equality filters. */
  tags?: Record<string, string>;
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Only traces with an error span (where the backend can filter on it). */
  errorsOnly?: boolean;
  range: TimeRange;
  limit: number;
}

export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootName: string;
  startTimeUnixNano: bigint;
  durationMs: number;
  /** Absent when the backend's search result does not say. */
  spanCount?: number;
  errorCount?: number;
}

export interface LatencyStatsRequest {
  range: TimeRange;
  /** Restrict to these services; empty means all. */
  services: string[];
  signal?: AbortSignal;
}

export interface ConnectionInfo {
  /** e.g. "Tempo 3.0.3", "Jaeger (API v3)", "Zipkin": the version, when known, is already in it. */
  serverDescription: string;
  version?: string;
}

export interface TraceBackend {
  readonly type: BackendType;
  getTrace(traceId: string, options?: GetTraceOptions): Promise<Trace>;
  /**
   * Present where the trace arrives as a document (every remote backend): the answer's bytes,
   * so a caller can parse them off the extension host's thread with `traceFromResponse`.
   */
  fetchTrace?(traceId: string, options?: GetTraceOptions): Promise<TraceResponse>;
  search(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]>;
  /**
   * Present where a search answer holds whole traces (Jaeger, Zipkin): the matching traces
   * with all their spans, newest first, so a statistics sample needs no fetch per trace.
   */
  searchTraces?(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]>;
  services(signal?: AbortSignal): Promise<string[]>;
  operations(service: string, signal?: AbortSignal): Promise<string[]>;
  /**
   * Server-computed figures (Tempo's TraceQL metrics, Jaeger's Service Performance Monitoring).
   * An empty answer means the server has none (e.g. Jaeger without SPM): sample traces instead.
   */
  latencyStats?(request: LatencyStatsRequest): Promise<LatencyQuantiles[]>;
  testConnection(signal?: AbortSignal): Promise<ConnectionInfo>;
}
