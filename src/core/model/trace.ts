/**
 * The trace model every backend, the receiver and trace files are converted into.
 * Ids are lowercase hex (32 chars for traces, 16 for spans). Absolute times are
 * nanoseconds since the Unix epoch as bigint, so no precision is lost; durations
 * derived from them fit a number exactly for anything under 104 days.
 */

export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type StatusCode = 'unset' | 'ok' | 'error';

/**
 * OTLP AnyValue. Integers outside the safe range stay bigint; bytes are a Uint8Array.
 * `null` stands for an empty AnyValue.
 */
export type AttributeValue =
  | string
  | number
  | boolean
  | bigint
  | Uint8Array
  | null
  | AttributeValue[]
  | { readonly [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export interface Resource {
  /** `service.name` of the resource, or `unknown_service` when it has none. */
  serviceName: string;
  attributes: Attributes;
}

export interface InstrumentationScope {
  name: string;
  version?: string;
  attributes?: Attributes;
}

export interface SpanStatus {
  code: StatusCode;
  message?: string;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: Attributes;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  status: SpanStatus;
  /** Shared by all spans of one resource batch: do not mutate per span. */
  resource: Resource;
  scope: InstrumentationScope;
  droppedAttributesCount?: number;
  droppedEventsCount?: number;
  droppedLinksCount?: number;
}

export interface Trace {
  traceId: string;
  spans: Span[];
  /** Set when the source says the trace is incomplete (Tempo `PARTIAL`, a truncated file). */
  partial?: boolean;
  /** Human-readable notes from the source or the converter (dropped duplicates, clamped values). */
  warnings: string[];
}

export function spanDurationNs(span: Span): number {
  const d = span.endTimeUnixNano - span.startTimeUnixNano;
  return d > 0n ? Number(d) : 0;
}

export const UNKNOWN_SERVICE = 'unknown_service';
