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
import { jaegerDocumentToTraces, otlpDocumentToTraces, otlpProtobufToSkimmedTraces, otlpProtobufToTraces, zipkinDocumentToTraces, type ConvertOptions } from './convertDocuments';
import { skimOtlpJson, type OtlpCutScan } from './otlpSkim';
import type { SpanSource } from '../waterfall/layout';
import type { TimeRange } from '../model/timeRange';
import { asString, isRecord } from './wireValues';

/**
 * How the body is laid out: Jaeger's v1 JSON, OTLP JSON (Jaeger v3), OTLP protobuf (Jaeger's gRPC
 * API), Zipkin v2, or Tempo's OTLP wrapper.
 */
export type TraceResponseFormat = 'jaeger-v1' | 'otlp' | 'otlp-protobuf' | 'zipkin' | 'tempo';

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

type JsonFormat = Exclude<TraceResponseFormat, 'otlp-protobuf'>;

const EXPECTED: Record<JsonFormat, string> = {
  'jaeger-v1': 'a Jaeger trace',
  otlp: 'a Jaeger trace',
  zipkin: 'Zipkin spans',
  tempo: 'a Tempo trace',
};

/** The trace in a backend's answer; TraceNotFoundError when the answer does not hold it. */
export function traceFromResponse(response: TraceResponse, limits?: Partial<ConversionLimits>): Trace {
  return traceOf(response, tracesOf(response, limits));
}

/**
 * The trace in an OTLP answer (JSON from Jaeger v3 and Tempo, protobuf from Jaeger's gRPC API) as
 * traceFromResponse gives it, but with its spans' attributes left in the bytes (`spans` decodes
 * them; see otlpSkim.ts, decodeOtlpProtobufDeferred); undefined for another format, or a JSON
 * answer the skim leaves to traceFromResponse (which then gives the usual result or typed error).
 * `scan`: one that followed a JSON answer's bytes while they arrived.
 */
export function skimTraceResponse(response: TraceResponse, limits?: Partial<ConversionLimits>, scan?: OtlpCutScan): { trace: Trace; spans: SpanSource } | undefined {
  const format = response.format;
  if (format === 'otlp-protobuf') {
    const read = otlpProtobufToSkimmedTraces(response.body, response.source, { limits });
    return { trace: traceOf(response, read), spans: read.spans };
  }
  if (format !== 'otlp' && format !== 'tempo') return undefined;
  const skimmed = skimOtlpJson(response.body, limits, scan);
  const read = skimmed?.read((attributesOf) => tracesOfDocument(format, skimmed.doc, response.source, { limits, attributesOf }));
  if (!read || !pickTrace(read.traces, response.traceId)) return undefined;
  return { trace: traceOf(response, read), spans: read.spans };
}

function traceOf(response: TraceResponse, { traces, partialMessage }: { traces: Trace[]; partialMessage?: string }): Trace {
  const trace = pickTrace(traces, response.traceId);
  if (!trace) throw new TraceNotFoundError(response.traceId, response.range);
  if (partialMessage !== undefined) trace.warnings.unshift(`Tempo returned only part of this trace${partialMessage ? `: ${partialMessage}` : ''}.`);
  return trace;
}

/** Every trace in the answer, and Tempo's note when it gave only part of one. */
function tracesOf(response: TraceResponse, limits?: Partial<ConversionLimits>): { traces: Trace[]; partialMessage?: string } {
  if (response.format === 'otlp-protobuf') return { traces: otlpProtobufToTraces(response.body, response.source, { limits }) };
  return tracesOfDocument(response.format, parseJsonBody(response.body, response.url, EXPECTED[response.format]), response.source, { limits });
}

/** The traces of a parsed JSON answer, and Tempo's note when it gave only part of one. */
function tracesOfDocument(format: JsonFormat, doc: unknown, source: string, options: ConvertOptions): { traces: Trace[]; partialMessage?: string } {
  switch (format) {
    case 'jaeger-v1':
      return { traces: jaegerDocumentToTraces(doc, source, { limits: options.limits }) };
    case 'zipkin':
      return { traces: zipkinDocumentToTraces(doc, source, { limits: options.limits }) };
    case 'otlp':
      return { traces: otlpDocumentToTraces(doc, source, options) };
    case 'tempo': {
      const partial = isRecord(doc) && asString(doc.status) === 'PARTIAL';
      const partialMessage = partial ? (asString((doc as Record<string, unknown>).message) ?? '') : undefined;
      return { traces: otlpDocumentToTraces(doc, source, { ...options, partial }), partialMessage };
    }
  }
}
