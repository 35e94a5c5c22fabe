import type { AttributeValue, Attributes, InstrumentationScope, Resource, Span } from '../model/trace';
import { runSync, type Steps } from '../timeSlicing';

/** Spans between two yields of encodeOtlpJsonRequestParts (a power of two minus one): ~5 ms when each is encoded here. */
const SPANS_PER_STEP_MASK = 255;

/*
 * Model spans back into OTLP/JSON (spec mapping: hex ids, integer enums, 64-bit
 * integers as decimal strings, bytes as base64), so saved stores and exports are
 * readable by any OTLP tool and round-trip through decodeOtlpJson without loss.
 */

type JsonAnyValue = Record<string, unknown>;

const KIND_NUMBERS: Record<Span['kind'], number> = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};
const STATUS_NUMBERS: Record<Span['status']['code'], number> = { unset: 0, ok: 1, error: 2 };

export function encodeAnyValue(value: AttributeValue): JsonAnyValue {
  if (value === null) return {};
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: value.toString() };
    case 'number':
      if (Number.isInteger(value)) return { intValue: String(value) };
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
    default:
      break;
  }
  if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(encodeAnyValue) } };
  return { kvlistValue: { values: encodeAttributes(value as Attributes) } };
}

export function encodeAttributes(attributes: Attributes): { key: string; value: JsonAnyValue }[] {
  return Object.keys(attributes).map((key) => ({ key, value: encodeAnyValue(attributes[key]) }));
}

export function encodeSpan(span: Span): Record<string, unknown> {
  const out: Record<string, unknown> = {
    traceId: span.traceId,
    spanId: span.spanId,
  };
  if (span.parentSpanId) out.parentSpanId = span.parentSpanId;
  if (span.traceState) out.traceState = span.traceState;
  out.name = span.name;
  out.kind = KIND_NUMBERS[span.kind];
  out.startTimeUnixNano = span.startTimeUnixNano.toString();
  out.endTimeUnixNano = span.endTimeUnixNano.toString();
  out.attributes = encodeAttributes(span.attributes);
  if (span.droppedAttributesCount) out.droppedAttributesCount = span.droppedAttributesCount;
  if (span.events.length > 0) {
    out.events = span.events.map((e) => ({ timeUnixNano: e.timeUnixNano.toString(), name: e.name, attributes: encodeAttributes(e.attributes) }));
  }
  if (span.droppedEventsCount) out.droppedEventsCount = span.droppedEventsCount;
  if (span.links.length > 0) {
    out.links = span.links.map((l) => {
      const link: Record<string, unknown> = { traceId: l.traceId, spanId: l.spanId, attributes: encodeAttributes(l.attributes) };
      if (l.traceState) link.traceState = l.traceState;
      return link;
    });
  }
  if (span.droppedLinksCount) out.droppedLinksCount = span.droppedLinksCount;
  const status: Record<string, unknown> = { code: STATUS_NUMBERS[span.status.code] };
  if (span.status.message) status.message = span.status.message;
  out.status = status;
  return out;
}

function encodeScope(scope: InstrumentationScope): Record<string, unknown> {
  const out: Record<string, unknown> = { name: scope.name };
  if (scope.version) out.version = scope.version;
  if (scope.attributes) out.attributes = encodeAttributes(scope.attributes);
  return out;
}

/**
 * Groups spans by their (shared) Resource and scope objects into one
 * ExportTraceServiceRequest as JSON text. `encodedSpans` lets a caller that
 * already stringified spans (to measure them) avoid doing it twice.
 */
export function encodeOtlpJsonRequest(spans: readonly Span[], encodedSpans?: readonly string[]): string {
  const parts: string[] = [];
  runSync(encodeOtlpJsonRequestParts(spans, encodedSpans, parts));
  return parts.join('');
}

/**
 * encodeOtlpJsonRequest as resumable steps (see timeSlicing.ts) that append the text to `parts`
 * in pieces of a few hundred spans: a 16 MB snapshot is assembled in slices and written piece by
 * piece, never copied whole into one string.
 */
export function* encodeOtlpJsonRequestParts(spans: readonly Span[], encodedSpans: readonly string[] | undefined, parts: string[]): Steps<void> {
  const byResource = new Map<Resource, Map<InstrumentationScope, string[]>>();
  for (let i = 0; i < spans.length; i++) {
    if ((i & SPANS_PER_STEP_MASK) === SPANS_PER_STEP_MASK) yield;
    const span = spans[i];
    let scopes = byResource.get(span.resource);
    if (!scopes) byResource.set(span.resource, (scopes = new Map()));
    let list = scopes.get(span.scope);
    if (!list) scopes.set(span.scope, (list = []));
    list.push(encodedSpans?.[i] ?? JSON.stringify(encodeSpan(span)));
  }
  parts.push('{"resourceSpans":[');
  let firstResource = true;
  for (const [resource, scopes] of byResource) {
    parts.push(`${firstResource ? '' : ','}{"resource":${JSON.stringify({ attributes: encodeAttributes(resource.attributes) })},"scopeSpans":[`);
    firstResource = false;
    let firstScope = true;
    for (const [scope, list] of scopes) {
      parts.push(`${firstScope ? '' : ','}{"scope":${JSON.stringify(encodeScope(scope))},"spans":[`);
      firstScope = false;
      for (let k = 0; k < list.length; k += SPANS_PER_STEP_MASK + 1) {
        yield;
        parts.push(`${k === 0 ? '' : ','}${list.slice(k, k + SPANS_PER_STEP_MASK + 1).join(',')}`);
      }
      parts.push(']}');
    }
    parts.push(']}');
  }
  parts.push(']}');
}
