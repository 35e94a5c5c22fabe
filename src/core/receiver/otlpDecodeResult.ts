import { UNKNOWN_SERVICE } from '../model/trace';
import type { AttributeValue, Attributes, SpanEvent, SpanKind, Span, SpanLink, StatusCode } from '../model/trace';

/** What a decoder hands to the store: accepted spans plus what the client must hear about rejections. */
export interface OtlpDecodeResult {
  spans: Span[];
  /** Spans dropped for invalid content (bad ids, bad field types): reported as OTLP partial success. */
  rejectedSpans: number;
  /** A few distinct reasons, for the partial-success message; bounded so a hostile batch cannot inflate it. */
  rejectionReasons: string[];
}

export const MAX_REJECTION_REASONS = 5;

/**
 * Most received spans carry no events or links: the decoders give them these (frozen, so a writer
 * fails loudly) instead of two empty arrays each, which at 300k held spans are 600k objects more
 * for every major GC to mark.
 */
export const NO_EVENTS = Object.freeze([]) as unknown as SpanEvent[];
export const NO_LINKS = Object.freeze([]) as unknown as SpanLink[];

/** AnyValue nesting beyond this rejects the span: deep recursion would overflow the stack. */
export const MAX_VALUE_DEPTH = 32;

const KINDS: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export function spanKindFromOtlp(value: number): SpanKind {
  return KINDS[value] ?? 'unspecified';
}

export function statusCodeFromOtlp(value: number): StatusCode {
  return value === 1 ? 'ok' : value === 2 ? 'error' : 'unset';
}

export function serviceNameOf(attributes: Attributes): string {
  const name = attributes['service.name'];
  return typeof name === 'string' && name.length > 0 ? name : UNKNOWN_SERVICE;
}

export function noteRejection(result: OtlpDecodeResult, reason: string): void {
  result.rejectedSpans++;
  if (result.rejectionReasons.length < MAX_REJECTION_REASONS && !result.rejectionReasons.includes(reason)) {
    result.rejectionReasons.push(reason);
  }
}

/** Signals a span-level problem: the span is rejected, the rest of the batch still counts. */
export class InvalidSpanError extends Error {
  override readonly name = 'InvalidSpanError';
}

/** Plain assignment would let a `__proto__` key from hostile input replace the object's prototype. */
export function setAttribute(into: Record<string, AttributeValue>, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
}

/**
 * Sets a decoded span's optional fields, each only when present, so spans without them keep the
 * same small shape whichever decoder built them.
 */
export function withOptionalSpanFields(span: Span, parentSpanId: string | undefined, traceState: string | undefined, droppedAttributes: number, droppedEvents: number, droppedLinks: number): Span {
  if (parentSpanId) span.parentSpanId = parentSpanId;
  if (traceState) span.traceState = traceState;
  if (droppedAttributes) span.droppedAttributesCount = droppedAttributes;
  if (droppedEvents) span.droppedEventsCount = droppedEvents;
  if (droppedLinks) span.droppedLinksCount = droppedLinks;
  return span;
}
