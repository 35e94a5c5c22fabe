/**
 * The waterfall's search over the attributes of spans decoded from OTLP protobuf with their
 * attributes left in the bytes (decodeOtlpProtobufDeferred, Jaeger's gRPC answer): most spans are
 * told from their bytes, as the JSON skims do (jaegerSkimSearch.ts), without decoding them.
 */
import { WIRE_I64, WIRE_LEN, WIRE_VARINT, type WireReader } from '../receiver/protobufWire';
import { equalsLowerCase, indexOfLowerCaseInAscii, NOT_ASCII, numberTextMayHold, sameBytes } from './jaegerSkimSearch';
import { isAscii } from './jsonByteScanner';

/** Field tags (number and wire type) of KeyValue.key and .value, and of AnyValue's scalar and text fields. */
const KEY_TAG = (1 << 3) | WIRE_LEN;
const VALUE_TAG = (2 << 3) | WIRE_LEN;
const STRING_VALUE_TAG = (1 << 3) | WIRE_LEN;
const BOOL_VALUE_TAG = (2 << 3) | WIRE_VARINT;
const INT_VALUE_TAG = (3 << 3) | WIRE_VARINT;
const DOUBLE_VALUE_TAG = (4 << 3) | WIRE_I64;
const BYTES_VALUE_TAG = (7 << 3) | WIRE_LEN;
/** What a number's or a bool's text can be besides what numberTextMayHold allows (String(value), lower case: infinities, NaN, bools). */
const SCALAR_WORDS = ['-infinity', 'nan', 'true', 'false'];

/**
 * The waterfall search's test of a span's attributes (SpanSource.attributesMatch: `needle`, and
 * `key` for `key=value`, both lower case) from its protobuf bytes (`r` at its first attributes
 * field, `end` the end of its last: DeferredAttributes.undecoded), in one pass: a key's or string
 * value's text is its bytes when they are ASCII; bytes values and empty values have none.
 * Undefined when the bytes cannot tell: a text that is not ASCII, a number's or bool's text that
 * may hold `needle`, a list, or a value that matches under a key that repeats (the decoder keeps
 * the key's last value). The span was checked when decoded: these reads cannot fail.
 */
export function attributesMatchInBytes(r: WireReader, end: number, needle: string, key: string | undefined): boolean | undefined {
  // An empty text is in every value, though not in its bytes' ranges as indexOfLowerCase reads them.
  if (needle === '' || !isAscii(needle) || (key !== undefined && !isAscii(key))) return undefined;
  const buf = r.buf;
  const spanStart = r.pos;
  let unsure = false;
  while (r.pos < end) {
    const tag = r.varint32(end);
    if (tag >>> 3 !== 9) { r.skip(tag & 7, end); continue; }
    const kvEnd = r.lengthEnd(end);
    let ks = kvEnd, ke = kvEnd, sawKey = false, valueAt = -1;
    while (r.pos < kvEnd) {
      const t = r.varint32(kvEnd);
      if (t === KEY_TAG && !sawKey) {
        sawKey = true;
        ke = r.lengthEnd(kvEnd);
        ks = r.pos;
        r.pos = ke;
      } else if (t === VALUE_TAG && valueAt < 0) {
        valueAt = r.pos;
        r.pos = r.lengthEnd(kvEnd);
      } else return undefined;
    }
    if (key === undefined) {
      const hit = indexOfLowerCaseInAscii(buf, ks, ke, needle);
      if (hit >= 0) return true;
      if (hit === NOT_ASCII) unsure = true;
    } else if (!equalsLowerCase(buf, ks, ke, key)) {
      if (!isAsciiRange(buf, ks, ke)) unsure = true;
      continue;
    }
    if (valueAt < 0) continue;
    // The value: a text (its bytes), bytes or nothing (no text), or a number or bool.
    r.pos = valueAt;
    const anyEnd = r.lengthEnd(kvEnd);
    let vs = anyEnd, ve = anyEnd, scalar = false;
    if (r.pos < anyEnd) {
      const v = r.varint32(anyEnd);
      if (v === STRING_VALUE_TAG || v === BYTES_VALUE_TAG) {
        const textEnd = r.lengthEnd(anyEnd);
        if (v === STRING_VALUE_TAG) { vs = r.pos; ve = textEnd; }
        r.pos = textEnd;
      } else if (v === BOOL_VALUE_TAG || v === INT_VALUE_TAG || v === DOUBLE_VALUE_TAG) {
        r.skip(v & 7, anyEnd);
        scalar = true;
      } else return undefined;
      // A second field: the decoder keeps the last.
      if (r.pos !== anyEnd) return undefined;
    }
    r.pos = kvEnd;
    if (scalar) {
      unsure ||= scalarMayHold(needle);
      continue;
    }
    const hit = indexOfLowerCaseInAscii(buf, vs, ve, needle);
    if (hit >= 0) return keyRepeats(r, spanStart, end, ks, ke) ? undefined : true;
    if (hit === NOT_ASCII) unsure = true;
  }
  return unsure ? undefined : false;
}

function isAsciiRange(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] >= 0x80) return false;
  return true;
}

/** Whether another attribute of the span (its attributes fields from `from` to `end`) has the key at `b[ks, ke)`. */
function keyRepeats(r: WireReader, from: number, end: number, ks: number, ke: number): boolean {
  const buf = r.buf;
  r.pos = from;
  while (r.pos < end) {
    const tag = r.varint32(end);
    if (tag >>> 3 !== 9) { r.skip(tag & 7, end); continue; }
    const kvEnd = r.lengthEnd(end);
    let k0 = kvEnd, k1 = kvEnd;
    while (r.pos < kvEnd) {
      const t = r.varint32(kvEnd);
      if (t !== KEY_TAG) { r.skip(t & 7, kvEnd); continue; }
      k1 = r.lengthEnd(kvEnd);
      k0 = r.pos;
      r.pos = k1;
    }
    if (k0 !== ks && k1 - k0 === ke - ks && sameBytes(buf, k0, ks, ke - ks)) return true;
  }
  return false;
}

/** Whether the text of some number or bool may contain `needle` (lower case). A search asks it for every span with the same text, so the last answer is kept. */
function scalarMayHold(needle: string): boolean {
  if (needle !== lastNeedle) {
    lastNeedle = needle;
    lastMayHold = numberTextMayHold(needle) || SCALAR_WORDS.some((w) => w.includes(needle));
  }
  return lastMayHold;
}
let lastNeedle = '';
let lastMayHold = false;
