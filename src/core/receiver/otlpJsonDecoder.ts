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
  MAX_VALUE_DEPTH,
  noteRejection,
  serviceNameOf,
  setAttribute,
  spanKindFromOtlp,
  statusCodeFromOtlp,
} from './otlpDecodeResult';
import type { OtlpDecodeResult } from './otlpDecodeResult';
import { MalformedOtlpError } from './receiverErrors';

/*
 * OTLP/JSON (the spec's protobuf JSON mapping: lowerCamelCase keys, hex ids,
 * integer enums, 64-bit integers as strings or numbers) into model spans.
 * Tolerates what real senders emit beyond the spec: base64 ids (the generic
 * proto3 JSON mapping), enum names, snake_case keys and the pre-1.0
 * `instrumentationLibrarySpans`. Structure errors above the span level refuse
 * the request; a bad span is rejected alone.
 *
 * Note: src/core/backends/ has its own OTLP-JSON converter for Tempo/Jaeger
 * responses; the two should be merged into one module.
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

/** Parses and decodes an OTLP/JSON ExportTraceServiceRequest body. */
export function decodeOtlpJsonText(text: string): OtlpDecodeResult {
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MalformedOtlpError(`Invalid JSON: ${(err as Error).message}`);
  }
  return decodeOtlpJson(parsed);
}

/** Decodes an already parsed OTLP/JSON ExportTraceServiceRequest. */
export function decodeOtlpJson(request: Json): OtlpDecodeResult {
  const jobs = collectSpans(request);
  const result: OtlpDecodeResult = { spans: [], rejectedSpans: 0, rejectionReasons: [] };
  for (let i = 0; i < jobs.raw.length; i++) decodeSpanInto(jobs, i, result);
  return result;
}

/**
 * Like decodeOtlpJsonText, but yields to the event loop every `yieldEverySpans`
 * spans after parsing. JSON.parse itself cannot be split: a maximal JSON body
 * still blocks for the parse (about 10 ms per MB here).
 */
export async function decodeOtlpJsonTextAsync(text: string, yieldEverySpans = 2000): Promise<OtlpDecodeResult> {
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MalformedOtlpError(`Invalid JSON: ${(err as Error).message}`);
  }
  const jobs = collectSpans(parsed);
  const result: OtlpDecodeResult = { spans: [], rejectedSpans: 0, rejectionReasons: [] };
  for (let i = 0; i < jobs.raw.length; i++) {
    if (i > 0 && i % yieldEverySpans === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    decodeSpanInto(jobs, i, result);
  }
  return result;
}

interface SpanJobs {
  raw: Json[];
  resources: Resource[];
  scopes: InstrumentationScope[];
}

/** Checks the structure above the spans (refusing the request when it is wrong) and lists the spans to decode. */
function collectSpans(request: Json): SpanJobs {
  if (!isObject(request)) throw new MalformedOtlpError('OTLP/JSON request must be an object');
  const jobs: SpanJobs = { raw: [], resources: [], scopes: [] };
  for (const rs of arrayField(request, 'resourceSpans', 'resource_spans', 'ExportTraceServiceRequest')) {
    if (!isObject(rs)) throw new MalformedOtlpError('resourceSpans entries must be objects');
    const resource = readResource(field(rs, 'resource', 'resource'));
    const scopeSpansList = [
      ...arrayField(rs, 'scopeSpans', 'scope_spans', 'ResourceSpans'),
      ...arrayField(rs, 'instrumentationLibrarySpans', 'instrumentation_library_spans', 'ResourceSpans'),
    ];
    for (const ss of scopeSpansList) {
      if (!isObject(ss)) throw new MalformedOtlpError('scopeSpans entries must be objects');
      const scope = readScope(field(ss, 'scope', 'scope') ?? field(ss, 'instrumentationLibrary', 'instrumentation_library'));
      for (const raw of arrayField(ss, 'spans', 'spans', 'ScopeSpans')) {
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
    result.spans.push(readSpan(jobs.raw[i], jobs.resources[i], jobs.scopes[i]));
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

function arrayField(o: JsonObject, camel: string, snake: string, owner: string): Json[] {
  const v = field(o, camel, snake);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedOtlpError(`${owner}.${camel} must be an array`);
  return v;
}

function readResource(raw: Json): Resource {
  if (raw === undefined || raw === null) return { serviceName: UNKNOWN_SERVICE, attributes: {} };
  if (!isObject(raw)) throw new MalformedOtlpError('resource must be an object');
  let attributes: Attributes;
  try {
    attributes = readAttributes(raw.attributes, 0);
  } catch (err) {
    if (err instanceof InvalidSpanError) throw new MalformedOtlpError(`resource: ${err.message}`);
    throw err;
  }
  return { serviceName: serviceNameOf(attributes), attributes };
}

function readScope(raw: Json): InstrumentationScope {
  if (raw === undefined || raw === null) return { name: '' };
  if (!isObject(raw)) throw new MalformedOtlpError('scope must be an object');
  const scope: InstrumentationScope = { name: typeof raw.name === 'string' ? raw.name : '' };
  if (typeof raw.version === 'string' && raw.version) scope.version = raw.version;
  if (raw.attributes !== undefined) {
    try {
      scope.attributes = readAttributes(raw.attributes, 0);
    } catch (err) {
      if (err instanceof InvalidSpanError) throw new MalformedOtlpError(`scope: ${err.message}`);
      throw err;
    }
  }
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

function readSpan(raw: Json, resource: Resource, scope: InstrumentationScope): Span {
  if (!isObject(raw)) throw new InvalidSpanError('span must be an object');
  const traceId = readId(field(raw, 'traceId', 'trace_id'), 16);
  if (!traceId) throw new InvalidSpanError('invalid traceId (must be 32 hex characters, not all zero)');
  const spanId = readId(field(raw, 'spanId', 'span_id'), 8);
  if (!spanId) throw new InvalidSpanError('invalid spanId (must be 16 hex characters, not all zero)');
  const parentSpanId = readId(field(raw, 'parentSpanId', 'parent_span_id'), 8);
  if (parentSpanId === undefined) throw new InvalidSpanError('invalid parentSpanId (must be empty or 16 hex characters)');
  const traceState = optionalString(field(raw, 'traceState', 'trace_state'), 'traceState');
  const name = optionalString(raw.name, 'name');
  const kind = readEnum(raw.kind, KIND_NAMES, 'kind');
  const startTimeUnixNano = readNanos(field(raw, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  const endTimeUnixNano = readNanos(field(raw, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano');
  const attributes = readAttributes(raw.attributes, 0);
  const droppedAttributes = readCount(field(raw, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount');
  const droppedEvents = readCount(field(raw, 'droppedEventsCount', 'dropped_events_count'), 'droppedEventsCount');
  let droppedLinks = readCount(field(raw, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount');

  const rawEvents = raw.events ?? [];
  if (!Array.isArray(rawEvents)) throw new InvalidSpanError('events must be an array');
  const events: SpanEvent[] = rawEvents.map(readEvent);

  const rawLinks = raw.links ?? [];
  if (!Array.isArray(rawLinks)) throw new InvalidSpanError('links must be an array');
  const links: SpanLink[] = [];
  for (const l of rawLinks) {
    const link = readLink(l);
    if (link) links.push(link);
    else droppedLinks++;
  }

  const span: Span = {
    traceId,
    spanId,
    name,
    kind: spanKindFromOtlp(kind),
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    events,
    links,
    status: readStatus(raw.status),
    resource,
    scope,
  };
  if (parentSpanId) span.parentSpanId = parentSpanId;
  if (traceState) span.traceState = traceState;
  if (droppedAttributes) span.droppedAttributesCount = droppedAttributes;
  if (droppedEvents) span.droppedEventsCount = droppedEvents;
  if (droppedLinks) span.droppedLinksCount = droppedLinks;
  return span;
}

function readEvent(raw: Json): SpanEvent {
  if (!isObject(raw)) throw new InvalidSpanError('event must be an object');
  return {
    timeUnixNano: readNanos(field(raw, 'timeUnixNano', 'time_unix_nano'), 'event.timeUnixNano'),
    name: optionalString(raw.name, 'event.name'),
    attributes: readAttributes(raw.attributes, 0),
  };
}

function readLink(raw: Json): SpanLink | undefined {
  if (!isObject(raw)) throw new InvalidSpanError('link must be an object');
  const traceId = readId(field(raw, 'traceId', 'trace_id'), 16);
  const spanId = readId(field(raw, 'spanId', 'span_id'), 8);
  if (!traceId || !spanId) return undefined;
  const link: SpanLink = { traceId, spanId, attributes: readAttributes(raw.attributes, 0) };
  const traceState = optionalString(field(raw, 'traceState', 'trace_state'), 'link.traceState');
  if (traceState) link.traceState = traceState;
  return link;
}

function readStatus(raw: Json): SpanStatus {
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

function readAnyValue(raw: Json, depth: number): AttributeValue {
  if (depth >= MAX_VALUE_DEPTH) throw new InvalidSpanError(`attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) throw new InvalidSpanError('attribute value must be an AnyValue object');
  if ('stringValue' in raw || 'string_value' in raw) {
    const s = field(raw, 'stringValue', 'string_value');
    if (typeof s !== 'string') throw new InvalidSpanError('stringValue must be a string');
    return s;
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
