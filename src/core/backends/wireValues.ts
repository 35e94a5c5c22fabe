/**
 * Decoders for the scalar fields every wire format shares: ids, timestamps, kinds,
 * status codes, OTLP AnyValue. Each decides per field, not per source, because the same
 * OTLP JSON arrives in protobuf-JSON (Tempo: base64 ids, enum names, int64 as strings)
 * and in Jaeger's dialect (hex ids, integer enums), and files mix them.
 */
import type { AttributeValue, Attributes, SpanKind, StatusCode } from '../model/trace';
import type { ConversionContext } from './conversionContext';

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const ZERO = /^0+$/;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Decodes a trace id (bytes = 16) or span id (bytes = 8) written as hex or base64.
 * Returns lowercase hex padded to full width, or undefined for missing, zero or unreadable ids.
 */
export function decodeId(value: unknown, bytes: 8 | 16): string | undefined {
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s.length === 0) return undefined;
  const hexLen = bytes * 2;
  let hex: string | undefined;
  if (s.length === hexLen && HEX.test(s)) {
    hex = s.toLowerCase();
  } else if (BASE64.test(s) && s.length >= Math.floor((bytes * 4) / 3) && s.length <= Math.ceil(bytes / 3) * 4) {
    const buf = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (buf.length === bytes) hex = buf.toString('hex');
  }
  // Leading zeros stripped (Tempo search) or 64-bit trace ids (Zipkin, Jaeger) are padded.
  if (hex === undefined && s.length < hexLen && HEX.test(s)) hex = s.toLowerCase().padStart(hexLen, '0');
  if (hex === undefined || ZERO.test(hex)) return undefined;
  return hex;
}

/** Nanoseconds from an OTLP time field: a decimal string, or a number when a writer did not quote int64. */
export function decodeNanos(value: unknown): bigint | undefined {
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d{1,20}$/.test(s)) return BigInt(s);
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.round(value));
  if (typeof value === 'bigint' && value >= 0n) return value;
  return undefined;
}

/** Microseconds (Jaeger v1, Zipkin) as nanoseconds. */
export function microsToNanos(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.round(value)) * 1000n;
  if (typeof value === 'string' && /^-?\d{1,17}$/.test(value.trim())) return BigInt(value.trim()) * 1000n;
  return undefined;
}

const KIND_BY_NUMBER: SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export function decodeKind(value: unknown): SpanKind {
  if (typeof value === 'number') return KIND_BY_NUMBER[value] ?? 'unspecified';
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase().replace(/^span_kind_/, '');
    if ((KIND_BY_NUMBER as string[]).includes(s)) return s as SpanKind;
    if (/^\d$/.test(s)) return KIND_BY_NUMBER[Number(s)] ?? 'unspecified';
  }
  return 'unspecified';
}

export function decodeStatusCode(value: unknown): StatusCode {
  if (typeof value === 'number') return value === 1 ? 'ok' : value === 2 ? 'error' : 'unset';
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase().replace(/^status_code_/, '');
    if (s === 'ok' || s === '1') return 'ok';
    if (s === 'error' || s === '2') return 'error';
  }
  return 'unset';
}

function decodeInt(value: unknown, ctx: ConversionContext): AttributeValue {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : ctx.str(String(value));
  if (typeof value === 'string' && value.length <= 15 && /^-?\d+$/.test(value)) return Number(value);
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value.trim())) {
    const b = BigInt(value.trim());
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  ctx.count('badValue');
  return typeof value === 'string' ? ctx.str(value) : null;
}

function decodeDouble(value: unknown, ctx: ConversionContext): AttributeValue {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    // protobuf-JSON writes non-finite doubles as strings.
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    const n = Number(value);
    if (value.trim() !== '' && !Number.isNaN(n)) return n;
    ctx.count('badValue');
    return ctx.str(value);
  }
  ctx.count('badValue');
  return null;
}

export function decodeBase64Bytes(value: unknown, ctx: ConversionContext): AttributeValue {
  if (typeof value !== 'string') {
    ctx.count('badValue');
    return null;
  }
  const max = ctx.limits.maxStringLength;
  const b64 = value.length > max * 2 ? value.slice(0, max * 2) : value;
  if (b64 !== value) ctx.count('truncatedString');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** OTLP AnyValue in either JSON dialect; bounded in depth, length and string size. */
export function decodeAnyValue(value: unknown, ctx: ConversionContext, depth = 0): AttributeValue {
  if (!isRecord(value)) {
    // Tolerate writers that put a bare scalar where an AnyValue belongs.
    if (typeof value === 'string') return ctx.str(value);
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    if (value !== null && value !== undefined) ctx.count('badValue');
    return null;
  }
  if (depth >= ctx.limits.maxDepth) {
    ctx.count('tooDeep');
    return null;
  }
  if ('stringValue' in value) {
    const v = value.stringValue;
    if (typeof v === 'string') return ctx.str(v);
    ctx.count('badValue');
    return v === null || v === undefined ? '' : ctx.str(safeStringify(v));
  }
  if ('boolValue' in value) {
    const v = value.boolValue;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    ctx.count('badValue');
    return null;
  }
  if ('intValue' in value) return decodeInt(value.intValue, ctx);
  if ('doubleValue' in value) return decodeDouble(value.doubleValue, ctx);
  if ('bytesValue' in value) return decodeBase64Bytes(value.bytesValue, ctx);
  if ('arrayValue' in value) {
    const values = isRecord(value.arrayValue) ? asArray(value.arrayValue.values) : [];
    const n = Math.min(values.length, ctx.limits.maxArrayLength);
    if (values.length > n) ctx.count('truncatedArray');
    const out: AttributeValue[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = decodeAnyValue(values[i], ctx, depth + 1);
    return out;
  }
  if ('kvlistValue' in value) {
    const values = isRecord(value.kvlistValue) ? asArray(value.kvlistValue.values) : [];
    return decodeKeyValues(values, ctx, ctx.limits.maxArrayLength, depth + 1);
  }
  return null;
}

/** A KeyValue list into attributes. Duplicate keys keep the last value, as the SDKs do. */
export function decodeKeyValues(list: unknown, ctx: ConversionContext, max = ctx.limits.maxAttributesPerSpan, depth = 0): Attributes {
  const out: Attributes = {};
  const items = asArray(list);
  let kept = 0;
  for (const kv of items) {
    if (!isRecord(kv) || typeof kv.key !== 'string') {
      ctx.count('badValue');
      continue;
    }
    if (kept >= max) {
      ctx.count(depth === 0 ? 'droppedAttributes' : 'truncatedArray');
      continue;
    }
    const key = ctx.str(kv.key);
    if (!Object.hasOwn(out, key)) kept++;
    setAttribute(out, key, decodeAnyValue(kv.value, ctx, depth));
  }
  return out;
}

/** Assignment that a key named `__proto__` cannot turn into a prototype change. */
export function setAttribute(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Converts a non-negative integer count field; anything else is absent. */
export function decodeCount(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}
