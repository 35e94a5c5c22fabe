/**
 * A backend's answer for one trace, kept as the bytes it arrived in, and the one function that
 * turns it into a Trace. Split so the waterfall can hand the bytes to its worker thread and parse
 * them there, while statistics and lint call the same conversion in place; a client fetches,
 * this module interprets, and both paths give the same trace, warnings and errors.
 */
import { TraceNotFoundError } from '../errors';
import { parseJsonBody } from '../http/jsonBody';
import type { Trace } from '../model/trace';
import { pickTrace } from './backendClientSupport';
import type { ConversionLimits } from './conversionContext';
import { jaegerDocumentToTraces, otlpDocumentToTraces, zipkinDocumentToTraces } from './convertDocuments';
import type { TimeRange } from '../model/timeRange';
import { asString, isRecord } from './wireValues';

/** How the body is laid out: Jaeger's v1 JSON, OTLP JSON (Jaeger v3), Zipkin v2, or Tempo's OTLP wrapper. */
export type TraceResponseFormat = 'jaeger-v1' | 'otlp' | 'zipkin' | 'tempo';

export interface TraceResponse {
  /** The trace asked for (normalized, 32 hex). */
  traceId: string;
  format: TraceResponseFormat;
  /** The decoded (decompressed) response body; empty when it went to a sink instead. */
  body: Uint8Array;
  /** The body went chunk by chunk to the `sink` given to fetchTrace; `body` is empty. */
  streamed?: boolean;
  /** Names the answer in messages, e.g. "Jaeger's answer for trace …". */
  source: string;
  /** Where it came from, for the "not JSON" message. */
  url: string;
  /** The range the trace was looked up in, for the "not found" message. */
  range?: TimeRange;
}

const EXPECTED: Record<TraceResponseFormat, string> = {
  'jaeger-v1': 'a Jaeger trace',
  otlp: 'a Jaeger trace',
  zipkin: 'Zipkin spans',
  tempo: 'a Tempo trace',
};

/** The trace in a backend's answer; TraceNotFoundError when the answer does not hold it. */
export function traceFromResponse(response: TraceResponse, limits?: Partial<ConversionLimits>): Trace {
  const doc = parseJsonBody(response.body, response.url, EXPECTED[response.format]);
  const id = response.traceId;
  let traces: Trace[];
  let partialMessage: string | undefined;
  switch (response.format) {
    case 'jaeger-v1':
      traces = jaegerDocumentToTraces(doc, response.source, { limits });
      break;
    case 'zipkin':
      traces = zipkinDocumentToTraces(doc, response.source, { limits });
      break;
    case 'otlp':
      traces = otlpDocumentToTraces(doc, response.source, { limits });
      break;
    case 'tempo': {
      const partial = isRecord(doc) && asString(doc.status) === 'PARTIAL';
      if (partial) partialMessage = asString((doc as Record<string, unknown>).message) ?? '';
      traces = otlpDocumentToTraces(doc, response.source, { limits, partial });
      break;
    }
  }
  const trace = pickTrace(traces, id);
  if (!trace) throw new TraceNotFoundError(id, response.range);
  if (partialMessage !== undefined) trace.warnings.unshift(`Tempo returned only part of this trace${partialMessage ? `: ${partialMessage}` : ''}.`);
  return trace;
}
