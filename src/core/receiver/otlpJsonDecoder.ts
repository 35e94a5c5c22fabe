import { UNKNOWN_SERVICE } from '../model/trace';
import type { AttributeValue, Attributes, InstrumentationScope, Resource, Span, SpanEvent, SpanLink, SpanKind, SpanStatus, StatusCode } from '../model/trace';
import { InvalidSpanError, MAX_VALUE_DEPTH, NO_EVENTS, NO_LINKS, noteRejection, serviceNameOf, setAttribute, spanKindFromOtlp, statusCodeFromOtlp, withOptionalSpanFields } from './otlpDecodeResult';
import type { OtlpDecodeResult } from './otlpDecodeResult';
import { MalformedOtlpError } from './receiverErrors';
import { SLICE_MS, SliceClock } from '../timeSlicing';

/*
 * OTLP/JSON (the spec's protobuf JSON mapping: lowerCamelCase keys, hex ids,
 * integer enums, 64-bit integers as strings or numbers) into model spans: the one
 * decoder for the receiver's requests and for backends' answers and trace files.
 * Tolerates what real senders emit beyond the spec: base64 ids (the generic
 * proto3 JSON mapping), enum names, snake_case keys and the pre-1.0
 * `instrumentationLibrarySpans`.
 *
 * Strict (the receiver; the default): structure errors above the span level refuse
 * the request, and a span with a bad field is rejected alone, with a reason for the
 * sender's partial-success answer. Lenient (backends' answers and files: pass an
 * `OtlpJsonLenience`, src/core/backends/otlpJson.ts): every value is read the
 * forgiving way, nothing is refused, what is kept is bounded, and what could not be
 * read is counted for the trace's warnings.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

const HEX_ID = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const DIGITS = /^-?\d+$/;

const KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/**
 * Lenient decoding: how each value is read without refusing (a default for what cannot
 * be), the bounds on what is kept, and where problems are counted (`badSpan`, `badParent`,
 * `badEvent`, `badLink`, `droppedSpans`, `droppedEvents`, `droppedLinks`).
 */
export interface OtlpJsonLenience {
  readonly maxSpans: number;
  readonly maxEventsPerSpan: number;
  readonly maxLinksPerSpan: number;
  /** Given to spans and events without a readable time. */
  readonly missingTime: bigint;
  count(kind: string, n?: number): void;
  text(raw: Json): string;
  /** undefined for missing, zero and unreadable ids. */
  id(raw: Json, bytes: 8 | 16): string | undefined;
  nanos(raw: Json): bigint | undefined;
  droppedCount(raw: Json): number;
  kind(raw: Json): SpanKind;
  statusCode(raw: Json): StatusCode;
  attributes(raw: Json): Attributes;
}

/**
 * Decodes a list of ResourceSpans leniently into `out` (see OtlpJsonLenience); spans too
 * broken to place are skipped and counted.
 */
export function decodeResourceSpansLeniently(list: Json[], lenience: OtlpJsonLenience, out: Span[] = []): Span[] {
  const jobs = collectSpans(list, lenience);
  for (let i = 0; i < jobs.raw.length; i++) {
    if (out.length >= lenience.maxSpans) {
      lenience.count('droppedSpans');
      continue;
    }
    const span = readSpan(jobs.raw[i], jobs.resources[i], jobs.scopes[i], lenience);
    if (span) out.push(span);
  }
  return out;
}

/** Parses and decodes an OTLP/JSON ExportTraceServiceRequest body. */
export function decodeOtlpJsonText(text: string): OtlpDecodeResult {
  return decodeOtlpJson(parseJson(text));
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MalformedOtlpError(`Invalid JSON: ${(err as Error).message}`);
  }
}

/** Decodes an already parsed OTLP/JSON ExportTraceServiceRequest. */
export function decodeOtlpJson(request: Json): OtlpDecodeResult {
  const jobs = collectSpans(requestResourceSpans(request));
  const result: OtlpDecodeResult = { spans: [], rejectedSpans: 0, rejectionReasons: [] };
  for (let i = 0; i < jobs.raw.length; i++) decodeSpanInto(jobs, i, result);
  return result;
}

/**
 * Like decodeOtlpJsonText, but in turns of the event loop, as decodeOtlpProtobufAsync. JSON.parse
 * itself cannot be split: a maximal JSON body still blocks for the parse (about 10 ms per MB here).
 */
export async function decodeOtlpJsonTextAsync(text: string, sliceMs = SLICE_MS): Promise<OtlpDecodeResult> {
  const clock = new SliceClock(sliceMs);
  await clock.next();
  const jobs = collectSpans(requestResourceSpans(parseJson(text)));
  const result: OtlpDecodeResult = { spans: [], rejectedSpans: 0, rejectionReasons: [] };
  for (let i = 0; i < jobs.raw.length; i++) {
    if (clock.due()) await clock.next();
    decodeSpanInto(jobs, i, result);
  }
  return result;
}

interface SpanJobs {
  raw: Json[];
  resources: Resource[];
  scopes: InstrumentationScope[];
}

function requestResourceSpans(request: Json): Json[] {
  if (!isObject(request)) throw new MalformedOtlpError('OTLP/JSON request must be an object');
  return arrayField(request, 'resourceSpans', 'resource_spans', 'ExportTraceServiceRequest');
}

/**
 * Walks the structure above the spans and lists the spans to decode. Strict: a wrong
 * structure refuses the request. Lenient: what is not an object or a list is skipped.
 */
function collectSpans(resourceSpans: Json[], lenience?: OtlpJsonLenience): SpanJobs {
  const jobs: SpanJobs = { raw: [], resources: [], scopes: [] };
  for (const rs of resourceSpans) {
    if (!isObject(rs)) {
      if (lenience) continue;
      throw new MalformedOtlpError('resourceSpans entries must be objects');
    }
    const resource = readResource(field(rs, 'resource', 'resource'), lenience);
    const scopeSpansList = [
      ...arrayField(rs, 'scopeSpans', 'scope_spans', 'ResourceSpans', lenience),
      ...arrayField(rs, 'instrumentationLibrarySpans', 'instrumentation_library_spans', 'ResourceSpans', lenience),
    ];
    for (const ss of scopeSpansList) {
      if (!isObject(ss)) {
        if (lenience) continue;
        throw new MalformedOtlpError('scopeSpans entries must be objects');
      }
      const scope = readScope(field(ss, 'scope', 'scope') ?? field(ss, 'instrumentationLibrary', 'instrumentation_library'), lenience);
      for (const raw of arrayField(ss, 'spans', 'spans', 'ScopeSpans', lenience)) {
        jobs.raw.push(raw);
        jobs.resources.push(resource);
        jobs.scopes.push(scope);
      }
    }
  }
  return jobs;
}

function decodeSpanInto(jobs: SpanJobs, i: number, result: OtlpDecodeResult): void {
  try {
    result.spans.push(readSpan(jobs.raw[i], jobs.resources[i], jobs.scopes[i]) as Span);
  } catch (err) {
    if (!(err instanceof InvalidSpanError)) throw err;
    noteRejection(result, err.message);
  }
}

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(o: JsonObject, camel: string, snake: string): Json {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

function arrayField(o: JsonObject, camel: string, snake: string, owner: string, lenience?: OtlpJsonLenience): Json[] {
  const v = field(o, camel, snake);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    if (lenience) return [];
    throw new MalformedOtlpError(`${owner}.${camel} must be an array`);
  }
  return v;
}

function readResource(raw: Json, lenience?: OtlpJsonLenience): Resource {
  if (lenience) {
    const attributes = isObject(raw) ? lenience.attributes(raw.attributes) : {};
    return { serviceName: serviceNameOf(attributes), attributes };
  }
  if (raw === undefined || raw === null) return { serviceName: UNKNOWN_SERVICE, attributes: {} };
  if (!isObject(raw)) throw new MalformedOtlpError('resource must be an object');
  const attributes = requestAttributes(raw.attributes, 'resource');
  return { serviceName: serviceNameOf(attributes), attributes };
}

/** Attributes above the spans: a bad one refuses the request, since every span below would carry it. */
function requestAttributes(raw: Json, owner: string): Attributes {
  try {
    return readAttributes(raw, 0);
  } catch (err) {
    if (err instanceof InvalidSpanError) throw new MalformedOtlpError(`${owner}: ${err.message}`);
    throw err;
  }
}

function readScope(raw: Json, lenience?: OtlpJsonLenience): InstrumentationScope {
  if (lenience) {
    if (!isObject(raw)) return { name: '' };
    const scope: InstrumentationScope = { name: lenience.text(raw.name) };
    if (typeof raw.version === 'string' && raw.version) scope.version = lenience.text(raw.version);
    if (Array.isArray(raw.attributes) && raw.attributes.length > 0) scope.attributes = lenience.attributes(raw.attributes);
    return scope;
  }
  if (raw === undefined || raw === null) return { name: '' };
  if (!isObject(raw)) throw new MalformedOtlpError('scope must be an object');
  const scope: InstrumentationScope = { name: typeof raw.name === 'string' ? raw.name : '' };
  if (typeof raw.version === 'string' && raw.version) scope.version = raw.version;
  if (raw.attributes !== undefined) scope.attributes = requestAttributes(raw.attributes, 'scope');
  return scope;
}

/** Hex (the OTLP spec) or base64 (generic proto3 JSON). '' when absent; undefined when invalid. */
function readId(raw: Json, bytes: number): string | undefined {
  if (raw === undefined || raw === null || raw === '') return '';
  if (typeof raw !== 'string') return undefined;
  let hex: string | undefined;
  if (raw.length === bytes * 2 && HEX_ID.test(raw)) hex = raw.toLowerCase();
  else if (BASE64.test(raw)) {
    const buf = Buffer.from(raw, 'base64');
    if (buf.length === bytes) hex = buf.toString('hex');
  }
  if (hex === undefined || /^0+$/.test(hex)) return undefined;
  return hex;
}

function readNanos(raw: Json, what: string): bigint {
  if (raw === undefined || raw === null) return 0n;
  if (typeof raw === 'string' && DIGITS.test(raw) && raw[0] !== '-') return BigInt(raw);
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return BigInt(Math.trunc(raw));
  throw new InvalidSpanError(`${what} must be a non-negative integer (string or number)`);
}

function readCount(raw: Json, what: string): number {
  if (raw === undefined || raw === null) return 0;
  const n = typeof raw === 'string' && DIGITS.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new InvalidSpanError(`${what} must be a non-negative integer`);
  return n;
}

function readEnum(raw: Json, names: Record<string, number>, what: string): number {
  if (raw === undefined || raw === null) return 0;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string') {
    if (DIGITS.test(raw)) return Number(raw);
    const known = names[raw];
    if (known !== undefined) return known;
  }
  throw new InvalidSpanError(`${what} must be an integer enum value`);
}

function optionalString(raw: Json, what: string): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string') throw new InvalidSpanError(`${what} must be a string`);
  return raw;
}

/** One span; strict: throws InvalidSpanError for a bad field; lenient: undefined (counted) for a span without ids. */
function readSpan(raw: Json, resource: Resource, scope: InstrumentationScope, lenience?: OtlpJsonLenience): Span | undefined {
  if (!isObject(raw)) return badSpan('span must be an object', lenience);
  const l = lenience;
  const traceId = l ? l.id(field(raw, 'traceId', 'trace_id'), 16) : readId(field(raw, 'traceId', 'trace_id'), 16);
  if (!traceId) return badSpan('invalid traceId (must be 32 hex characters, not all zero)', l);
  const spanId = l ? l.id(field(raw, 'spanId', 'span_id'), 8) : readId(field(raw, 'spanId', 'span_id'), 8);
  if (!spanId) return badSpan('invalid spanId (must be 16 hex characters, not all zero)', l);
  const parentSpanId = readParentId(field(raw, 'parentSpanId', 'parent_span_id'), l);
  const traceState = l ? l.text(field(raw, 'traceState', 'trace_state')) : optionalString(field(raw, 'traceState', 'trace_state'), 'traceState');
  const name = l ? l.text(raw.name) : sharedString(optionalString(raw.name, 'name'));
  const kind = l ? l.kind(raw.kind) : spanKindFromOtlp(readEnum(raw.kind, KIND_NAMES, 'kind'));
  const startTimeUnixNano = spanTime(field(raw, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano', l);
  const endTimeUnixNano = spanTime(field(raw, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano', l);
  const attributes = l ? l.attributes(raw.attributes) : readAttributes(raw.attributes, 0);
  const droppedAttributes = droppedCount(field(raw, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount', l);
  const droppedEvents = droppedCount(field(raw, 'droppedEventsCount', 'dropped_events_count'), 'droppedEventsCount', l);
  let droppedLinks = droppedCount(field(raw, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount', l);

  const events = l ? readEventsLeniently(raw.events, l) : readEvents(raw.events);
  const rawLinks = raw.links ?? [];
  if (!Array.isArray(rawLinks) && !l) throw new InvalidSpanError('links must be an array');
  // The receiver's spans (strict) share the empty lists as the protobuf decoder's do; a file's or
  // backend's (lenient) get their own, since trace assembly may still add to them.
  let links: SpanLink[] = l ? [] : NO_LINKS;
  const linkList = Array.isArray(rawLinks) ? rawLinks : [];
  if (l && linkList.length > l.maxLinksPerSpan) l.count('droppedLinks', linkList.length - l.maxLinksPerSpan);
  for (const item of l ? linkList.slice(0, l.maxLinksPerSpan) : linkList) {
    const link = readLink(item, l);
    if (link) {
      if (links === NO_LINKS) links = [];
      links.push(link);
    }
    // Strict: a link with bad ids is dropped and counted on the span, as an SDK's limits would.
    else if (!l) droppedLinks++;
  }

  const span: Span = {
    traceId,
    spanId,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    events,
    links,
    status: readStatus(raw.status, l),
    resource,
    scope,
  };
  return withOptionalSpanFields(span, parentSpanId, traceState, droppedAttributes, droppedEvents, droppedLinks);
}

function badSpan(reason: string, lenience: OtlpJsonLenience | undefined): undefined {
  if (!lenience) throw new InvalidSpanError(reason);
  lenience.count('badSpan');
  return undefined;
}

/** '' for a root. Strict: an unreadable parent rejects the span; lenient: the span becomes a root, counted. */
function readParentId(raw: Json, lenience: OtlpJsonLenience | undefined): string {
  if (!lenience) {
    const id = readId(raw, 8);
    if (id === undefined) throw new InvalidSpanError('invalid parentSpanId (must be empty or 16 hex characters)');
    return id;
  }
  if (typeof raw !== 'string' || raw === '') return '';
  const id = lenience.id(raw, 8);
  if (id) return id;
  if (!/^0+$/.test(raw) && raw !== 'AAAAAAAAAAA=') lenience.count('badParent');
  return '';
}

function spanTime(raw: Json, what: string, lenience: OtlpJsonLenience | undefined): bigint {
  return lenience ? (lenience.nanos(raw) ?? lenience.missingTime) : readNanos(raw, what);
}

function droppedCount(raw: Json, what: string, lenience: OtlpJsonLenience | undefined): number {
  return lenience ? lenience.droppedCount(raw) : readCount(raw, what);
}

function readEvents(raw: Json): SpanEvent[] {
  const rawEvents = raw ?? [];
  if (!Array.isArray(rawEvents)) throw new InvalidSpanError('events must be an array');
  return rawEvents.length === 0 ? NO_EVENTS : rawEvents.map(readEvent);
}

function readEventsLeniently(raw: Json, lenience: OtlpJsonLenience): SpanEvent[] {
  const items = Array.isArray(raw) ? raw : [];
  const max = lenience.maxEventsPerSpan;
  if (items.length > max) lenience.count('droppedEvents', items.length - max);
  const out: SpanEvent[] = [];
  for (const e of items.slice(0, max)) {
    if (!isObject(e)) continue;
    let time = lenience.nanos(field(e, 'timeUnixNano', 'time_unix_nano'));
    if (time === undefined) {
      lenience.count('badEvent');
      time = lenience.missingTime;
    }
    out.push({ timeUnixNano: time, name: lenience.text(e.name), attributes: lenience.attributes(e.attributes) });
  }
  return out;
}

function readEvent(raw: Json): SpanEvent {
  if (!isObject(raw)) throw new InvalidSpanError('event must be an object');
  return {
    timeUnixNano: readNanos(field(raw, 'timeUnixNano', 'time_unix_nano'), 'event.timeUnixNano'),
    name: optionalString(raw.name, 'event.name'),
    attributes: readAttributes(raw.attributes, 0),
  };
}

function readLink(raw: Json, lenience?: OtlpJsonLenience): SpanLink | undefined {
  if (!isObject(raw)) {
    if (lenience) return undefined;
    throw new InvalidSpanError('link must be an object');
  }
  const traceId = lenience ? lenience.id(field(raw, 'traceId', 'trace_id'), 16) : readId(field(raw, 'traceId', 'trace_id'), 16);
  const spanId = lenience ? lenience.id(field(raw, 'spanId', 'span_id'), 8) : readId(field(raw, 'spanId', 'span_id'), 8);
  if (!traceId || !spanId) {
    lenience?.count('badLink');
    return undefined;
  }
  const link: SpanLink = { traceId, spanId, attributes: lenience ? lenience.attributes(raw.attributes) : readAttributes(raw.attributes, 0) };
  const rawState = field(raw, 'traceState', 'trace_state');
  const traceState = lenience ? lenience.text(rawState) : optionalString(rawState, 'link.traceState');
  if (traceState) link.traceState = traceState;
  return link;
}

function readStatus(raw: Json, lenience?: OtlpJsonLenience): SpanStatus {
  if (lenience) {
    const o = isObject(raw) ? raw : {};
    const status: SpanStatus = { code: lenience.statusCode(o.code) };
    const message = lenience.text(o.message);
    if (message) status.message = message;
    return status;
  }
  if (raw === undefined || raw === null) return { code: 'unset' };
  if (!isObject(raw)) throw new InvalidSpanError('status must be an object');
  const status: SpanStatus = { code: statusCodeFromOtlp(readEnum(raw.code, STATUS_NAMES, 'status.code')) };
  const message = optionalString(raw.message, 'status.message');
  if (message) status.message = message;
  return status;
}

function readAttributes(raw: Json, depth: number): Attributes {
  const out: Attributes = {};
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) throw new InvalidSpanError('attributes must be an array of {key, value}');
  for (const kv of raw) {
    if (!isObject(kv) || typeof kv.key !== 'string') throw new InvalidSpanError('attribute must be {key: string, value}');
    setAttribute(out, kv.key, readAnyValue(kv.value, depth));
  }
  return out;
}

/**
 * JSON.parse makes a new string for every value, so held spans from OTLP/JSON each kept their own
 * copy of the same span name and attribute values ("GET", "postgresql", a route). Short ones are
 * shared through this table, as the protobuf decoder shares them from the bytes: 783 → 577 B of heap
 * per held SDK span, for ~5-8 % more time with JSON.parse (bench/receiverLoadDecoders.ts). Cleared
 * when full, so values unique to one span (ids, URLs) cannot grow it.
 */
const SHARED_MAX_LENGTH = 64;
const SHARED_MAX_ENTRIES = 8192;
const shared = new Map<string, string>();

function sharedString(s: string): string {
  if (s.length > SHARED_MAX_LENGTH) return s;
  const known = shared.get(s);
  if (known !== undefined) return known;
  if (shared.size >= SHARED_MAX_ENTRIES) shared.clear();
  shared.set(s, s);
  return s;
}

function readAnyValue(raw: Json, depth: number): AttributeValue {
  if (depth >= MAX_VALUE_DEPTH) throw new InvalidSpanError(`attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) throw new InvalidSpanError('attribute value must be an AnyValue object');
  if ('stringValue' in raw || 'string_value' in raw) {
    const s = field(raw, 'stringValue', 'string_value');
    if (typeof s !== 'string') throw new InvalidSpanError('stringValue must be a string');
    return sharedString(s);
  }
  if ('boolValue' in raw || 'bool_value' in raw) {
    const b = field(raw, 'boolValue', 'bool_value');
    if (typeof b !== 'boolean') throw new InvalidSpanError('boolValue must be a boolean');
    return b;
  }
  if ('intValue' in raw || 'int_value' in raw) return readInt(field(raw, 'intValue', 'int_value'));
  if ('doubleValue' in raw || 'double_value' in raw) return readDouble(field(raw, 'doubleValue', 'double_value'));
  if ('arrayValue' in raw || 'array_value' in raw) {
    const a = field(raw, 'arrayValue', 'array_value');
    if (a === null) return [];
    if (!isObject(a)) throw new InvalidSpanError('arrayValue must be an object');
    const values = a.values ?? [];
    if (!Array.isArray(values)) throw new InvalidSpanError('arrayValue.values must be an array');
    return values.map((v) => readAnyValue(v, depth + 1));
  }
  if ('kvlistValue' in raw || 'kvlist_value' in raw) {
    const l = field(raw, 'kvlistValue', 'kvlist_value');
    if (l === null) return {};
    if (!isObject(l)) throw new InvalidSpanError('kvlistValue must be an object');
    return readAttributes(l.values, depth + 1);
  }
  if ('bytesValue' in raw || 'bytes_value' in raw) {
    const b = field(raw, 'bytesValue', 'bytes_value');
    if (typeof b !== 'string' || (b !== '' && !BASE64.test(b))) throw new InvalidSpanError('bytesValue must be base64');
    return new Uint8Array(Buffer.from(b, 'base64'));
  }
  return null;
}

function readInt(raw: Json): number | bigint {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && DIGITS.test(raw)) {
    const n = Number(raw);
    if (Number.isSafeInteger(n)) return n;
    const big = BigInt(raw);
    if (big > 0x7fffffffffffffffn || big < -0x8000000000000000n) throw new InvalidSpanError('intValue out of int64 range');
    return big;
  }
  throw new InvalidSpanError('intValue must be an integer (string or number)');
}

function readDouble(raw: Json): number {
  if (typeof raw === 'number') return raw;
  if (raw === 'NaN') return NaN;
  if (raw === 'Infinity') return Infinity;
  if (raw === '-Infinity') return -Infinity;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  throw new InvalidSpanError('doubleValue must be a number');
}
