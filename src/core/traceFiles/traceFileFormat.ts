/** Recognising which trace format a parsed JSON document is in, from its shape alone. */
import { isRecord } from '../backends/wireValues';

export type TraceFileFormat =
  /** Jaeger UI "Download JSON" / the v1 query API: `{"data":[{traceID, spans, processes}]}`. */
  | 'jaeger'
  /** OTLP JSON (`resourceSpans`), including Jaeger's v3 `{"result":...}` wrapper. */
  | 'otlp'
  /** OTLP JSON, one document per line: the Collector's file exporter. */
  | 'otlp-lines'
  /** Tempo's API: `{"batches":[...]}` or `{"trace":{...}}`. */
  | 'tempo'
  /** Zipkin v2: a list of spans, or a list of traces. */
  | 'zipkin';

export const TRACE_FILE_FORMAT_NAMES: Record<TraceFileFormat, string> = {
  jaeger: 'Jaeger JSON',
  otlp: 'OTLP JSON',
  'otlp-lines': 'OTLP JSON lines (Collector file exporter)',
  tempo: 'Tempo JSON',
  zipkin: 'Zipkin v2 JSON',
};

function isJaegerTrace(v: unknown): boolean {
  return isRecord(v) && Array.isArray(v.spans) && ('traceID' in v || 'processes' in v);
}

function isZipkinSpan(v: unknown): boolean {
  return isRecord(v) && typeof v.traceId === 'string' && typeof v.id === 'string';
}

function isOtlp(v: unknown): boolean {
  return isRecord(v) && (Array.isArray(v.resourceSpans) || (isRecord(v.result) && Array.isArray(v.result.resourceSpans)));
}

/** The format of one parsed document, or undefined when it is none of the known ones. */
export function detectDocumentFormat(doc: unknown): Exclude<TraceFileFormat, 'otlp-lines'> | undefined {
  if (isOtlp(doc)) return 'otlp';
  if (isRecord(doc)) {
    if (Array.isArray(doc.batches)) return 'tempo';
    if (isRecord(doc.trace) && (Array.isArray(doc.trace.resourceSpans) || Array.isArray(doc.trace.batches))) return 'tempo';
    if (Array.isArray(doc.data) && doc.data.length > 0 && doc.data.every(isJaegerTrace)) return 'jaeger';
    if (isJaegerTrace(doc)) return 'jaeger';
    return undefined;
  }
  if (Array.isArray(doc) && doc.length > 0) {
    const first = doc.find((x) => !(Array.isArray(x) && x.length === 0));
    if (first === undefined) return 'zipkin';
    if (isZipkinSpan(first) || (Array.isArray(first) && isZipkinSpan(first[0]))) return 'zipkin';
    if (isJaegerTrace(first)) return 'jaeger';
  }
  return undefined;
}
