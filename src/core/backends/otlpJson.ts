/**
 * OTLP JSON (ExportTraceServiceRequest / TracesData) as backends answer it and files hold it,
 * in both dialects: protobuf-JSON as Tempo writes it and the hex/integer variant Jaeger's v3
 * API writes. Finding the spans in the wrappers is here; decoding them is the receiver's
 * OTLP/JSON decoder, lenient (src/core/receiver/otlpJsonDecoder.ts).
 */
import type { Attributes, Span } from '../model/trace';
import { decodeResourceSpansLeniently, type OtlpJsonLenience } from '../receiver/otlpJsonDecoder';
import type { ConversionContext } from './conversionContext';
import { MISSING_TIME } from './traceAssembly';
import { asString, decodeCount, decodeId, decodeKeyValues, decodeKind, decodeNanos, decodeStatusCode, isRecord } from './wireValues';

/**
 * Attributes read elsewhere: the OTLP skim's stand-in for a list it cut out of the document
 * (otlpSkim.ts); undefined for a list to decode as usual.
 */
export type AttributesHook = (raw: unknown) => Attributes | undefined;

/**
 * The resource-spans list of an OTLP document, whatever wraps it: `resourceSpans` (OTLP),
 * `batches` (Tempo's v1 API), `trace` (Tempo's v2 API), `result` (Jaeger v3).
 * Undefined when the value holds none of them.
 */
export function findResourceSpans(doc: unknown): unknown[] | undefined {
  if (!isRecord(doc)) return undefined;
  if (Array.isArray(doc.resourceSpans)) return doc.resourceSpans;
  if (Array.isArray(doc.batches)) return doc.batches;
  for (const key of ['trace', 'result', 'data']) {
    const inner = doc[key];
    if (isRecord(inner)) {
      const found = findResourceSpans(inner);
      if (found) return found;
      // Tempo answers `{"trace":{}}` for a trace with no spans: an empty list, not a format error.
      if (Object.keys(inner).length === 0) return [];
    }
  }
  return undefined;
}

/** How backends' answers and trace files are read: forgiving, bounded by the conversion's limits, problems counted as its warnings. */
function lenienceOf(ctx: ConversionContext, attributesOf?: AttributesHook): OtlpJsonLenience {
  const { maxSpans, maxEventsPerSpan, maxLinksPerSpan } = ctx.limits;
  return {
    maxSpans,
    maxEventsPerSpan,
    maxLinksPerSpan,
    missingTime: MISSING_TIME,
    count: (kind, n) => ctx.count(kind, n),
    text: (raw) => ctx.str(asString(raw) ?? ''),
    id: decodeId,
    nanos: decodeNanos,
    droppedCount: (raw) => decodeCount(raw) ?? 0,
    kind: decodeKind,
    statusCode: decodeStatusCode,
    attributes: attributesOf ? (raw) => attributesOf(raw) ?? decodeKeyValues(raw, ctx) : (raw) => decodeKeyValues(raw, ctx),
  };
}

/** Converts a resource-spans list with the receiver's decoder in its lenient mode; spans too broken to place are skipped and counted. */
export function convertResourceSpans(list: unknown[], ctx: ConversionContext, out: Span[] = [], attributesOf?: AttributesHook): Span[] {
  return decodeResourceSpansLeniently(list, lenienceOf(ctx, attributesOf), out);
}
