import { UNKNOWN_SERVICE } from '../model/trace';
import type {
  AttributeValue,
  Attributes,
  InstrumentationScope,
  Resource,
  Span,
  SpanEvent,
  SpanLink,
  SpanStatus,
} from '../model/trace';
import {
  InvalidSpanError,
  MAX_VALUE_DEPTH as MAX_DEPTH,
  NO_EVENTS,
  NO_LINKS,
  noteRejection,
  serviceNameOf,
  spanKindFromOtlp,
  statusCodeFromOtlp,
  withOptionalSpanFields,
} from './otlpDecodeResult';
import type { OtlpDecodeResult } from './otlpDecodeResult';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT, WireReader } from './protobufWire';
import { SLICE_MS, SliceClock } from '../timeSlicing';

/*
 * A hand-written walker over the OTLP wire format (ExportTraceServiceRequest)
 * that builds model Spans directly. Chosen by measurement over protobufjs and
 * @bufbuild/protobuf's BinaryReader (see bench/receiverLoadDecoders.ts): it skips
 * the intermediate message objects and turns ids into hex without Uint8Array
 * copies. Field numbers follow opentelemetry/proto/trace/v1/trace.proto.
 */

// Copied to a local: module-level imports are getters in CommonJS output, read on every value.
const MAX_VALUE_DEPTH = MAX_DEPTH;

/** A status without a message is one of three values: spans share them (nothing mutates a span's status). */
const STATUS_UNSET: SpanStatus = Object.freeze({ code: 'unset' });
const STATUS_OK: SpanStatus = Object.freeze({ code: 'ok' });
const STATUS_ERROR: SpanStatus = Object.freeze({ code: 'error' });
/** The attributes of a span decoded with them deferred that has none: nothing to decode later. */
const DECODED: Attributes = Object.freeze({}) as Attributes;

/** Byte ranges of spans found by the framing pass, decoded later in slices. */
interface SpanRanges {
  starts: number[];
  ends: number[];
  resources: Resource[];
  scopes: InstrumentationScope[];
  /** Spans to note at most; once noted, the framing reads only what completes their resource. */
  limit: number;
}

/**
 * Decodes an OTLP/protobuf ExportTraceServiceRequest into model spans.
 * Throws MalformedOtlpError when the framing is broken (the whole request is
 * refused); spans with invalid content are counted in `rejectedSpans` instead.
 */
export function decodeOtlpProtobuf(bytes: Uint8Array): OtlpDecodeResult {
  const r = new WireReader(bytes);
  const result: OtlpDecodeResult = { spans: [], rejectedSpans: 0, rejectionReasons: [] };
  readRequest(r, result, undefined, undefined);
  return result;
}

/**
 * Where the spans of a request decoded with their attributes left in the bytes keep them: the
 * span's (empty) attributes object names its byte range.
 */
export interface DeferredAttributes {
  /** The span's attributes as decodeOtlpProtobuf gives them, decoded at the first call (then kept, do not change them); undefined for a span decoded whole. */
  of(attributes: Attributes): Attributes | undefined;
  /**
   * Where the span's attributes are while they are not decoded: a reader at its first attributes
   * field, and the end of its last (see AttributeRanges); undefined once they are decoded, or for
   * a span decoded whole. The reader is shared: read before the next call.
   */
  undecoded(attributes: Attributes): { reader: WireReader; end: number } | undefined;
}

/**
 * Like decodeOtlpProtobuf, but each span's attributes are checked as decoding checks them (the
 * same spans are refused, the same errors thrown) and left in the bytes, for a reader that draws
 * none of them (the waterfall: the detail, search and insights decode them on demand through
 * `deferred`). Checking costs a fraction of decoding: no strings, no objects. The spans share
 * `bytes`, which must not change while they are read.
 */
export function decodeOtlpProtobufDeferred(bytes: Uint8Array): { result: OtlpDecodeResult; deferred: DeferredAttributes } {
  const r = new WireReader(bytes);
  const result: OtlpDecodeResult = { spans: [], rejectedSpans: 0, rejectionReasons: [] };
  const ranges = new AttributeRanges();
  readRequest(r, result, undefined, ranges);
  // One for the search and one for decoding, each reading the spans one after the other (a reader
  // is a DataView and more: not one per span).
  const reader = new WireReader(bytes);
  const at = new WireReader(bytes);
  // Attributes once decoded are kept: the waterfall's insights read every span's soon after the
  // rows are shown, and a search over decoded attributes is faster than one over the bytes.
  const decodedOnce: (Attributes | undefined)[] = [];
  return {
    result,
    deferred: {
      of(attributes) {
        const k = ranges.index.get(attributes);
        if (k === undefined) return undefined;
        const known = decodedOnce[k];
        if (known) return known;
        at.pos = ranges.from[k];
        const end = ranges.to[k];
        const decoded: Attributes = {};
        while (at.pos < end) {
          const tag = at.varint32(end);
          if (tag >>> 3 === 9) readKeyValue(at, at.lengthEnd(end), decoded, 0);
          else at.skip(tag & 7, end);
        }
        decodedOnce[k] = decoded;
        return decoded;
      },
      undecoded(attributes) {
        const k = ranges.index.get(attributes);
        if (k === undefined || decodedOnce[k] !== undefined) return undefined;
        reader.pos = ranges.from[k];
        return { reader, end: ranges.to[k] };
      },
    },
  };
}

/**
 * Where each span decoded with its attributes deferred has them: from its first attributes field
 * to the end of its last (SDKs write a span's fields in order, so nothing else is between them;
 * whatever is, is stepped over). Keyed by the span's (empty) attributes object, which the
 * assembly and the layout keep while they copy spans.
 */
class AttributeRanges {
  readonly index = new Map<Attributes, number>();
  readonly from: number[] = [];
  readonly to: number[] = [];

  add(attributes: Attributes, from: number, to: number): void {
    this.index.set(attributes, this.from.length);
    this.from.push(from);
    this.to.push(to);
  }
}

/**
 * Like decodeOtlpProtobuf, but in turns of the event loop (timeSlicing.ts): it starts in a turn
 * of its own and takes another after each slice of about `sliceMs`, so several exports arriving
 * together, or a maximal body (tens of thousands of spans), do not stall the extension host it
 * shares a thread with. A first pass checks the framing and notes where each span is; spans are
 * then decoded in slices.
 */
export async function decodeOtlpProtobufAsync(bytes: Uint8Array, sliceMs = SLICE_MS): Promise<OtlpDecodeResult> {
  const clock = new SliceClock(sliceMs);
  await clock.next();
  const { r, result, ranges } = frame(bytes);
  const n = ranges.starts.length;
  for (let i = 0; i < n; i++) {
    if (clock.due()) await clock.next();
    r.pos = ranges.starts[i];
    decodeSpanInto(r, ranges.ends[i], ranges.resources[i], ranges.scopes[i], result);
  }
  return result;
}

/**
 * The first `maxSpans` spans of a request, for rows shown while the rest is decoded: the framing
 * reads the request up to the end of the last ResourceSpans that holds one of them, so a resource
 * that comes after its spans is complete, and leaves the rest unread (at 100k spans, framing the
 * whole request took 45-70 ms of the first row's time). A break in what it reads throws
 * MalformedOtlpError; one further on is for the whole decode to report.
 */
export function decodeOtlpProtobufFirst(bytes: Uint8Array, maxSpans: number): OtlpDecodeResult {
  const { r, result, ranges } = frame(bytes, maxSpans);
  const n = Math.min(maxSpans, ranges.starts.length);
  for (let i = 0; i < n; i++) {
    r.pos = ranges.starts[i];
    decodeSpanInto(r, ranges.ends[i], ranges.resources[i], ranges.scopes[i], result);
  }
  return result;
}

/** The framing pass: where each span is (the first `limit`), with its resource and scope; nothing decoded yet. */
function frame(bytes: Uint8Array, limit = Infinity): { r: WireReader; result: OtlpDecodeResult; ranges: SpanRanges } {
  const r = new WireReader(bytes);
  const result: OtlpDecodeResult = { spans: [], rejectedSpans: 0, rejectionReasons: [] };
  const ranges: SpanRanges = { starts: [], ends: [], resources: [], scopes: [], limit };
  readRequest(r, result, ranges, undefined);
  return { r, result, ranges };
}

/** `deferred`: when given, spans' attributes are checked, not decoded, and noted there. */
function readRequest(r: WireReader, result: OtlpDecodeResult, ranges: SpanRanges | undefined, deferred: AttributeRanges | undefined): void {
  const end = r.buf.length;
  while (r.pos < end) {
    if (ranges && ranges.starts.length >= ranges.limit) return;
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      r.expect(WIRE_LEN, wt, 'resource_spans');
      const fieldEnd = r.lengthEnd(end);
      readResourceSpans(r, fieldEnd, result, ranges, deferred);
    } else {
      r.skip(wt, end);
    }
  }
}

function readResourceSpans(r: WireReader, end: number, result: OtlpDecodeResult, ranges: SpanRanges | undefined, deferred: AttributeRanges | undefined): void {
  // Filled in place when the resource field arrives, which the wire format allows after the spans.
  const resource: Resource = { serviceName: UNKNOWN_SERVICE, attributes: {} };
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      r.expect(WIRE_LEN, wt, 'resource');
      readResource(r, r.lengthEnd(end), resource);
    } else if (field === 2) {
      r.expect(WIRE_LEN, wt, 'scope_spans');
      if (ranges && ranges.starts.length >= ranges.limit) r.pos = r.lengthEnd(end);
      else readScopeSpans(r, r.lengthEnd(end), resource, result, ranges, deferred);
    } else {
      r.skip(wt, end);
    }
  }
  if (r.pos !== end) r.fail('message overruns its length');
}

function readResource(r: WireReader, end: number, resource: Resource): void {
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      r.expect(WIRE_LEN, wt, 'resource.attributes');
      readKeyValue(r, r.lengthEnd(end), resource.attributes, 0);
    } else {
      r.skip(wt, end);
    }
  }
  resource.serviceName = serviceNameOf(resource.attributes);
}

function readScopeSpans(r: WireReader, end: number, resource: Resource, result: OtlpDecodeResult, ranges: SpanRanges | undefined, deferred: AttributeRanges | undefined): void {
  const scope: InstrumentationScope = { name: '' };
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      r.expect(WIRE_LEN, wt, 'scope');
      readScope(r, r.lengthEnd(end), scope);
    } else if (field === 2) {
      r.expect(WIRE_LEN, wt, 'span');
      const spanEnd = r.lengthEnd(end);
      if (ranges) {
        if (ranges.starts.length < ranges.limit) {
          ranges.starts.push(r.pos);
          ranges.ends.push(spanEnd);
          ranges.resources.push(resource);
          ranges.scopes.push(scope);
        }
        r.pos = spanEnd;
      } else {
        decodeSpanInto(r, spanEnd, resource, scope, result, deferred);
      }
    } else {
      r.skip(wt, end);
    }
  }
}

function decodeSpanInto(
  r: WireReader, spanEnd: number, resource: Resource, scope: InstrumentationScope, result: OtlpDecodeResult,
  deferred?: AttributeRanges,
): void {
  try {
    result.spans.push(readSpan(r, spanEnd, resource, scope, deferred));
  } catch (err) {
    if (!(err instanceof InvalidSpanError)) throw err;
    noteRejection(result, err.message);
    r.pos = spanEnd;
  }
}

function readScope(r: WireReader, end: number, scope: InstrumentationScope): void {
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1 && wt === WIRE_LEN) scope.name = r.internedString(end);
    else if (field === 2 && wt === WIRE_LEN) scope.version = r.internedString(end);
    else if (field === 3 && wt === WIRE_LEN) {
      scope.attributes ??= {};
      readKeyValue(r, r.lengthEnd(end), scope.attributes, 0);
    } else r.skip(wt, end);
  }
}

/** `deferred`: attributes checked, not decoded, and noted there; a span that has any gets a fresh empty object, one without shares DECODED. */
function readSpan(r: WireReader, end: number, resource: Resource, scope: InstrumentationScope, deferred?: AttributeRanges): Span {
  let traceId: string | undefined = '';
  let spanId: string | undefined = '';
  let parentSpanId: string | undefined = '';
  let traceState = '';
  let name = '';
  let kind = 0;
  let start = 0n;
  let finish = 0n;
  let attributes: Attributes = deferred ? DECODED : {};
  let attributesFrom = -1;
  let attributesTo = -1;
  let events = NO_EVENTS;
  let links = NO_LINKS;
  let status: SpanStatus | undefined;
  let droppedAttributes = 0;
  let droppedEvents = 0;
  let droppedLinks = 0;
  while (r.pos < end) {
    const tagAt = r.pos;
    const tag = r.varint32(end);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.expect(WIRE_LEN, wt, 'span.trace_id');
        traceId = r.idHex(end, 16);
        break;
      case 2:
        r.expect(WIRE_LEN, wt, 'span.span_id');
        spanId = r.idHex(end, 8);
        break;
      case 3:
        r.expect(WIRE_LEN, wt, 'span.trace_state');
        traceState = r.string(end);
        break;
      case 4:
        r.expect(WIRE_LEN, wt, 'span.parent_span_id');
        parentSpanId = r.idHex(end, 8);
        break;
      case 5:
        r.expect(WIRE_LEN, wt, 'span.name');
        name = r.internedString(end);
        break;
      case 6:
        r.expect(WIRE_VARINT, wt, 'span.kind');
        kind = r.varint32(end);
        break;
      case 7:
        r.expect(WIRE_I64, wt, 'span.start_time_unix_nano');
        start = r.fixed64Big(end);
        break;
      case 8:
        r.expect(WIRE_I64, wt, 'span.end_time_unix_nano');
        finish = r.fixed64Big(end);
        break;
      case 9:
        r.expect(WIRE_LEN, wt, 'span.attributes');
        if (deferred) {
          checkKeyValue(r, r.lengthEnd(end), 0);
          if (attributesFrom < 0) { attributesFrom = tagAt; attributes = {}; }
          attributesTo = r.pos;
        } else readKeyValue(r, r.lengthEnd(end), attributes, 0);
        break;
      case 10:
        r.expect(WIRE_VARINT, wt, 'span.dropped_attributes_count');
        droppedAttributes = r.varint32(end);
        break;
      case 11:
        r.expect(WIRE_LEN, wt, 'span.events');
        if (events === NO_EVENTS) events = [];
        events.push(readEvent(r, r.lengthEnd(end)));
        break;
      case 12:
        r.expect(WIRE_VARINT, wt, 'span.dropped_events_count');
        droppedEvents = r.varint32(end);
        break;
      case 13: {
        r.expect(WIRE_LEN, wt, 'span.links');
        const link = readLink(r, r.lengthEnd(end));
        if (link) {
          if (links === NO_LINKS) links = [];
          links.push(link);
        } else droppedLinks++;
        break;
      }
      case 14:
        r.expect(WIRE_VARINT, wt, 'span.dropped_links_count');
        droppedLinks += r.varint32(end);
        break;
      case 15:
        r.expect(WIRE_LEN, wt, 'span.status');
        status = readStatus(r, r.lengthEnd(end));
        break;
      default:
        r.skip(wt, end);
    }
  }
  if (r.pos !== end) r.fail('span overruns its length');
  if (!traceId) throw new InvalidSpanError('invalid trace_id (must be 16 non-zero bytes)');
  if (!spanId) throw new InvalidSpanError('invalid span_id (must be 8 non-zero bytes)');
  if (parentSpanId === undefined) throw new InvalidSpanError('invalid parent_span_id (must be empty or 8 non-zero bytes)');
  if (attributesFrom >= 0) deferred!.add(attributes, attributesFrom, attributesTo);
  const span: Span = {
    traceId,
    spanId,
    name,
    kind: spanKindFromOtlp(kind),
    startTimeUnixNano: start,
    endTimeUnixNano: finish,
    attributes,
    events,
    links,
    status: status ?? STATUS_UNSET,
    resource,
    scope,
  };
  return withOptionalSpanFields(span, parentSpanId, traceState, droppedAttributes, droppedEvents, droppedLinks);
}

function readEvent(r: WireReader, end: number): SpanEvent {
  const event: SpanEvent = { timeUnixNano: 0n, name: '', attributes: {} };
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      r.expect(WIRE_I64, wt, 'event.time_unix_nano');
      event.timeUnixNano = r.fixed64Big(end);
    } else if (field === 2) {
      r.expect(WIRE_LEN, wt, 'event.name');
      event.name = r.internedString(end);
    } else if (field === 3) {
      r.expect(WIRE_LEN, wt, 'event.attributes');
      readKeyValue(r, r.lengthEnd(end), event.attributes, 0);
    } else r.skip(wt, end);
  }
  return event;
}

/** undefined when the link's ids are invalid: the link is dropped, not the span. */
function readLink(r: WireReader, end: number): SpanLink | undefined {
  let traceId: string | undefined = '';
  let spanId: string | undefined = '';
  let traceState = '';
  const attributes: Attributes = {};
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      r.expect(WIRE_LEN, wt, 'link.trace_id');
      traceId = r.idHex(end, 16);
    } else if (field === 2) {
      r.expect(WIRE_LEN, wt, 'link.span_id');
      spanId = r.idHex(end, 8);
    } else if (field === 3) {
      r.expect(WIRE_LEN, wt, 'link.trace_state');
      traceState = r.string(end);
    } else if (field === 4) {
      r.expect(WIRE_LEN, wt, 'link.attributes');
      readKeyValue(r, r.lengthEnd(end), attributes, 0);
    } else r.skip(wt, end);
  }
  if (!traceId || !spanId) return undefined;
  const link: SpanLink = { traceId, spanId, attributes };
  if (traceState) link.traceState = traceState;
  return link;
}

function readStatus(r: WireReader, end: number): SpanStatus {
  let message = '';
  let code = 0;
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 2 && wt === WIRE_LEN) message = r.string(end);
    else if (field === 3 && wt === WIRE_VARINT) code = r.varint32(end);
    else r.skip(wt, end);
  }
  if (!message) return code === 1 ? STATUS_OK : code === 2 ? STATUS_ERROR : STATUS_UNSET;
  return { code: statusCodeFromOtlp(code), message };
}

function readKeyValue(r: WireReader, end: number, into: Record<string, AttributeValue>, depth: number): void {
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      r.expect(WIRE_LEN, wt, 'key');
      key = r.internedString(end);
    } else if (field === 2) {
      r.expect(WIRE_LEN, wt, 'value');
      value = readAnyValue(r, r.lengthEnd(end), depth);
    } else r.skip(wt, end);
  }
  // Plain assignment of a `__proto__` key from hostile input would replace the prototype.
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
}

function readAnyValue(r: WireReader, end: number, depth: number): AttributeValue {
  if (depth >= MAX_VALUE_DEPTH) throw new InvalidSpanError(`attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.varint32(end);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.expect(WIRE_LEN, wt, 'string_value');
        value = r.internedString(end);
        break;
      case 2:
        r.expect(WIRE_VARINT, wt, 'bool_value');
        r.varint64(end);
        value = (r.lo | r.hi) !== 0;
        break;
      case 3:
        r.expect(WIRE_VARINT, wt, 'int_value');
        r.varint64(end);
        value = r.int64Value();
        break;
      case 4:
        r.expect(WIRE_I64, wt, 'double_value');
        value = r.double(end);
        break;
      case 5: {
        r.expect(WIRE_LEN, wt, 'array_value');
        value = readArray(r, r.lengthEnd(end), depth + 1);
        break;
      }
      case 6: {
        r.expect(WIRE_LEN, wt, 'kvlist_value');
        const listEnd = r.lengthEnd(end);
        const list: Record<string, AttributeValue> = {};
        while (r.pos < listEnd) {
          const t = r.varint32(listEnd);
          if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) readKeyValue(r, r.lengthEnd(listEnd), list, depth + 1);
          else r.skip(t & 7, listEnd);
        }
        value = list;
        break;
      }
      case 7:
        r.expect(WIRE_LEN, wt, 'bytes_value');
        value = r.bytes(end);
        break;
      default:
        r.skip(wt, end);
    }
  }
  return value;
}

function readArray(r: WireReader, end: number, depth: number): AttributeValue[] {
  const values: AttributeValue[] = [];
  while (r.pos < end) {
    const tag = r.varint32(end);
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LEN) values.push(readAnyValue(r, r.lengthEnd(end), depth));
    else r.skip(tag & 7, end);
  }
  return values;
}

/**
 * readKeyValue without the result: the same reads in the same order, so the same input fails
 * the same way (MalformedOtlpError, or InvalidSpanError past MAX_VALUE_DEPTH), but strings and
 * bytes are stepped over instead of copied.
 */
function checkKeyValue(r: WireReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.varint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      r.expect(WIRE_LEN, wt, 'key');
      r.pos = r.lengthEnd(end);
    } else if (field === 2) {
      r.expect(WIRE_LEN, wt, 'value');
      checkAnyValue(r, r.lengthEnd(end), depth);
    } else r.skip(wt, end);
  }
}

/** readAnyValue without the value (see checkKeyValue). */
function checkAnyValue(r: WireReader, end: number, depth: number): void {
  if (depth >= MAX_VALUE_DEPTH) throw new InvalidSpanError(`attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
  while (r.pos < end) {
    const tag = r.varint32(end);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.expect(WIRE_LEN, wt, 'string_value');
        r.pos = r.lengthEnd(end);
        break;
      case 2:
        r.expect(WIRE_VARINT, wt, 'bool_value');
        r.varint64(end);
        break;
      case 3:
        r.expect(WIRE_VARINT, wt, 'int_value');
        r.varint64(end);
        break;
      case 4:
        r.expect(WIRE_I64, wt, 'double_value');
        r.double(end);
        break;
      case 5:
      case 6: {
        // An array's values and a kvlist's pairs, each field 1, as readArray and readAnyValue read them.
        const array = tag >>> 3 === 5;
        r.expect(WIRE_LEN, wt, array ? 'array_value' : 'kvlist_value');
        const listEnd = r.lengthEnd(end);
        while (r.pos < listEnd) {
          const t = r.varint32(listEnd);
          if (t >>> 3 !== 1 || (t & 7) !== WIRE_LEN) r.skip(t & 7, listEnd);
          else if (array) checkAnyValue(r, r.lengthEnd(listEnd), depth + 1);
          else checkKeyValue(r, r.lengthEnd(listEnd), depth + 1);
        }
        break;
      }
      case 7:
        r.expect(WIRE_LEN, wt, 'bytes_value');
        r.pos = r.lengthEnd(end);
        break;
      default:
        r.skip(wt, end);
    }
  }
}
