/**
 * Whole documents (parsed JSON, or OTLP protobuf) of each wire format into traces. Structurally unusable
 * input, where not even the container is recognisable, is a MalformedResponseError; anything
 * below that is repaired or skipped with a warning.
 */
import { MalformedResponseError } from '../errors';
import type { Span, Trace } from '../model/trace';
import type { OtlpDecodeResult } from '../receiver/otlpDecodeResult';
import { decodeOtlpProtobuf, decodeOtlpProtobufDeferred } from '../receiver/otlpProtobufDecoder';
import type { SkimmedTraces } from '../waterfall/layout';
import { MalformedOtlpError } from '../receiver/receiverErrors';
import { ConversionContext, type ConversionLimits } from './conversionContext';
import { convertJaegerTraces } from './jaegerJson';
import { convertResourceSpans, findResourceSpans, type AttributesHook } from './otlpJson';
import { assembleTraces } from './traceAssembly';
import { attributesMatchInBytes } from './otlpProtobufSearch';
import { isRecord } from './wireValues';
import { convertZipkinSpans } from './zipkinJson';

export interface ConvertOptions {
  limits?: Partial<ConversionLimits>;
  partial?: boolean;
  /** OTLP only: the spans' attribute lists the skim cut out (otlpSkim.ts). */
  attributesOf?: AttributesHook;
}

export function otlpDocumentToTraces(doc: unknown, source: string, options: ConvertOptions = {}): Trace[] {
  const list = findResourceSpans(doc);
  if (!list) throw new MalformedResponseError(source, 'OTLP trace data (a "resourceSpans" or "batches" list)');
  const ctx = new ConversionContext(options.limits);
  return assembleTraces(convertResourceSpans(list, ctx, [], options.attributesOf), ctx, options.partial);
}

/**
 * OTLP protobuf TracesData (Jaeger's gRPC answer) into traces, by the receiver's decoder, so the
 * built-in receiver and a backend read the same bytes alike. Spans the decoder refuses (bad ids,
 * broken values) are skipped and counted in a warning, as the JSON converters do.
 */
export function otlpProtobufToTraces(bytes: Uint8Array, source: string, options: ConvertOptions = {}): Trace[] {
  return assembleDecoded(decodeWith(() => decodeOtlpProtobuf(bytes), source), options);
}

/**
 * otlpProtobufToTraces with the spans' attributes left in the bytes (decodeOtlpProtobufDeferred),
 * for the waterfall, which draws none of them: the same traces, warnings and errors otherwise.
 */
export function otlpProtobufToSkimmedTraces(bytes: Uint8Array, source: string, options: ConvertOptions = {}): SkimmedTraces {
  const { result, deferred } = decodeWith(() => decodeOtlpProtobufDeferred(bytes), source);
  const attributes = (span: Span) => deferred.of(span.attributes) ?? span.attributes;
  const full = (span: Span): Span => {
    const decoded = deferred.of(span.attributes);
    return decoded ? { ...span, attributes: decoded } : span;
  };
  const attributesMatch = (span: Span, needle: string, key: string | undefined) => {
    const at = deferred.undecoded(span.attributes);
    return at && attributesMatchInBytes(at.reader, at.end, needle, key);
  };
  return { traces: assembleDecoded(result, options), spans: { full, attributesMatch, attributes } };
}

function decodeWith<T>(decode: () => T, source: string): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof MalformedOtlpError) throw new MalformedResponseError(source, 'OTLP protobuf trace data', { cause: err, detail: err.message });
    throw err;
  }
}

function assembleDecoded(decoded: OtlpDecodeResult, options: ConvertOptions): Trace[] {
  const ctx = new ConversionContext(options.limits);
  if (decoded.rejectedSpans > 0) ctx.note(`${decoded.rejectedSpans} span(s) could not be read and were skipped (${decoded.rejectionReasons.join('; ')}).`);
  return assembleTraces(decoded.spans, ctx, options.partial);
}

/** Several OTLP documents (the Collector's file exporter writes one per line) into traces merged by id. */
export function otlpDocumentsToTraces(docs: unknown[], source: string, options: ConvertOptions = {}): Trace[] {
  const ctx = new ConversionContext(options.limits);
  const spans: Span[] = [];
  for (const doc of docs) {
    const list = findResourceSpans(doc);
    if (!list) throw new MalformedResponseError(source, 'OTLP trace data (a "resourceSpans" list) on every line');
    convertResourceSpans(list, ctx, spans);
  }
  return assembleTraces(spans, ctx, options.partial);
}

/** Jaeger v1 JSON: `{"data":[trace...]}`, a bare list of traces, or one trace object. */
export function jaegerDocumentToTraces(doc: unknown, source: string, options: ConvertOptions = {}): Trace[] {
  let traces: unknown[] | undefined;
  if (isRecord(doc) && Array.isArray(doc.data)) traces = doc.data;
  else if (isRecord(doc) && Array.isArray(doc.spans)) traces = [doc];
  else if (Array.isArray(doc) && doc.every((t) => isRecord(t) && Array.isArray(t.spans))) traces = doc;
  if (!traces) throw new MalformedResponseError(source, 'Jaeger traces (a "data" list of traces with "spans")');
  const ctx = new ConversionContext(options.limits);
  return assembleTraces(convertJaegerTraces(traces, ctx), ctx, options.partial);
}

/** Zipkin v2 JSON: a list of spans, or a list of such lists (search results). */
export function zipkinDocumentToTraces(doc: unknown, source: string, options: ConvertOptions = {}): Trace[] {
  if (!Array.isArray(doc)) throw new MalformedResponseError(source, 'Zipkin spans (a JSON list)');
  const ctx = new ConversionContext(options.limits);
  const spans: Span[] = [];
  const flat = doc.flatMap((item: unknown) => (Array.isArray(item) ? item : [item]));
  convertZipkinSpans(flat, ctx, spans);
  return assembleTraces(spans, ctx, options.partial);
}
