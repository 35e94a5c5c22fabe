/**
 * A search over a skimmed span's tags, read from their bytes without decoding them: for a tags
 * array in Jaeger's own layout with ASCII, unescaped text (most spans), a tight loop over the
 * bytes decides it (`plainTagsMatch`); anything else is left to JaegerTagScanner.tagsMatch. The
 * Jaeger tag vocabulary both read is here.
 */
import { BACKSLASH, bytesAt, bytesOf, CLOSE_ARRAY, CLOSE_OBJECT, COMMA, isAscii, isDigit, OPEN_OBJECT, Q, quoteFrom } from './jsonByteScanner';

export const KEY_OPEN = bytesOf('{"key":"');
export const TYPE_OPEN = bytesOf(',"type":"');
export const VALUE_OPEN = bytesOf(',"value":');
/** Tags convertSpan turns into span fields: these go to it; all others are skipped. */
export const SPECIAL_TAGS = ['span.kind', 'otel.status_code', 'otel.status_description', 'error', 'otel.scope.name', 'otel.library.name',
  'otel.scope.version', 'otel.library.version', 'w3c.tracestate'];
export const SPECIAL_TAG_BYTES = SPECIAL_TAGS.map(bytesOf);
/** 1 at the first byte of a special tag: most keys are told apart by it alone. */
export const SPECIAL_FIRST_BYTE = new Uint8Array(256);
for (const k of SPECIAL_TAG_BYTES) SPECIAL_FIRST_BYTE[k[0]] = 1;

/**
 * Whether `text` (lower case) is in a plain tags array's bytes whenever it is in a key or value's
 * text. A search asks it for every span with the same text, so the last answer is kept.
 */
export function byBytes(text: string): boolean {
  if (text !== lastText) {
    lastText = text;
    lastByBytes = !numberTextMayHold(text) && isAscii(text);
  }
  return lastByBytes;
}
let lastText = '';
let lastByBytes = false;

/**
 * A text a number's digits cannot hold (a value decoded from `1.5e3` reads `1500`, not what its
 * bytes say): with any other character, a number value never contains it.
 */
const NUMBER_TEXT = /[^0-9.e+-]/;

/** Whether a finite number's text (lower case) may contain `text`: it holds only digits, `.`, `e`, `+` and `-`. */
export function numberTextMayHold(text: string): boolean {
  return !NUMBER_TEXT.test(text);
}

/** ASCII and no escapes: every key and string value reads as its bytes (and lower-cases as them). */
export function isPlain(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] >= 0x80 || b[i] === BACKSLASH) return false;
  return true;
}

/** Whether `b[start, end)`, lower-cased (ASCII), contains `text` (lower-case ASCII). */
export function containsLowerCase(b: Buffer, start: number, end: number, text: string): boolean {
  return indexOfLowerCase(b, start, end, text) >= 0;
}

/** Where `text` (lower-case ASCII) first is in `b[start, end)` lower-cased (ASCII), or -1. */
export function indexOfLowerCase(b: Buffer, start: number, end: number, text: string): number {
  const at = indexOfLowerCaseInAscii(b, start, end, text);
  return at >= 0 ? at : -1;
}

/** indexOfLowerCase's answer when `b[start, end)` holds no match but a byte that is not ASCII (whose text may lower-case to one). */
export const NOT_ASCII = -2;

/** indexOfLowerCase, but NOT_ASCII rather than -1 when a byte of the range is not ASCII. */
export function indexOfLowerCaseInAscii(b: Buffer, start: number, end: number, text: string): number {
  const m = text.length;
  const first = text.charCodeAt(0);
  let ascii = true;
  outer: for (let i = start; i < end; i++) {
    const c0 = b[i];
    if (c0 >= 0x80) { ascii = false; continue; }
    if ((c0 >= 0x41 && c0 <= 0x5a ? c0 + 32 : c0) !== first || i > end - m) continue;
    for (let j = 1; j < m; j++) {
      const c = b[i + j];
      if ((c >= 0x41 && c <= 0x5a ? c + 32 : c) !== text.charCodeAt(j)) continue outer;
    }
    return i;
  }
  return ascii ? -1 : NOT_ASCII;
}

/** Whether `b[start, end)`, lower-cased (ASCII), is `text` (lower-case). */
export function equalsLowerCase(b: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if ((c >= 0x41 && c <= 0x5a ? c + 32 : c) !== text.charCodeAt(i - start)) return false;
  }
  return true;
}

/** The key at `b[start, end)` is one convertSpan turns into a field. */
export function isSpecialKey(b: Buffer, start: number, end: number): boolean {
  if (SPECIAL_FIRST_BYTE[b[start]] !== 1) return false;
  outer: for (const k of SPECIAL_TAG_BYTES) {
    if (k.length !== end - start) continue;
    for (let j = 0; j < k.length; j++) if (b[start + j] !== k[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Skim.tagsMatch for a plain tags array (ASCII, no escapes) all in Jaeger's own layout, where
 * every `"` delimits a string: a tight loop over the bytes. Undefined for any other layout
 * (and whatever tagsMatch would leave undefined): the caller then takes tagsMatch.
 */
export function plainTagsMatch(b: Buffer, at: number, needle: string, key: string | undefined, from = at + 1): boolean | undefined {
  let i = from;
  if (b[i] === CLOSE_ARRAY) return false;
  let hitKeyStart = -1;
  let hitKeyEnd = -1;
  for (;;) {
    if (!bytesAt(b, i, KEY_OPEN)) return undefined;
    const keyStart = i + KEY_OPEN.length;
    const keyEnd = quoteFrom(b, keyStart);
    if (!bytesAt(b, keyEnd + 1, TYPE_OPEN)) return undefined;
    const typeStart = keyEnd + 1 + TYPE_OPEN.length;
    const typeEnd = quoteFrom(b, typeStart);
    if (!bytesAt(b, typeEnd + 1, VALUE_OPEN)) return undefined;
    const valueStart = typeEnd + 1 + VALUE_OPEN.length;
    let valueEnd: number;
    const first = b[valueStart];
    if (first === Q) {
      valueEnd = quoteFrom(b, valueStart + 1) + 1;
    } else {
      valueEnd = valueStart;
      while (b[valueEnd] !== CLOSE_OBJECT && b[valueEnd] !== COMMA && valueEnd < b.length) valueEnd++;
    }
    if (b[valueEnd] !== CLOSE_OBJECT) return undefined;
    i = valueEnd + 1;
    if (hitKeyStart >= 0) {
      if (keyEnd - keyStart === hitKeyEnd - hitKeyStart && sameBytes(b, hitKeyStart, keyStart, keyEnd - keyStart)) return undefined;
    } else if (!isSpecialKey(b, keyStart, keyEnd)) {
      if (key === undefined ? containsLowerCase(b, keyStart, keyEnd, needle) : !equalsLowerCase(b, keyStart, keyEnd, key)) {
        if (key === undefined) return true;
      } else {
        let hit: boolean;
        if (needle.length === 0) hit = true;
        else if (first === Q) hit = containsLowerCase(b, valueStart + 1, valueEnd - 1, needle);
        else if (first === 0x74 || first === 0x66 || first === 0x6e) hit = first !== 0x6e && containsLowerCase(b, valueStart, valueEnd, needle);
        else if (isCanonicalInteger(b, valueStart, valueEnd)) hit = containsLowerCase(b, valueStart, valueEnd, needle);
        else return undefined;
        if (hit) {
          hitKeyStart = keyStart;
          hitKeyEnd = keyEnd;
        }
      }
    }
    const c = b[i++];
    if (c === CLOSE_ARRAY) return hitKeyStart >= 0;
    if (c !== COMMA) return undefined;
  }
}

/**
 * Where the tag holding `b[at]` starts in a plain tags array beginning at `start`: its last
 * `{"key":"` at or before `at` (only a tag's start has those bytes when no string has escapes),
 * else the array's first element (the walk from there then sees any other layout).
 */
export function tagStartBefore(b: Buffer, start: number, at: number): number {
  for (let i = at; i > start; i--) if (b[i] === OPEN_OBJECT && bytesAt(b, i, KEY_OPEN)) return i;
  return start + 1;
}

export function sameBytes(b: Buffer, a: number, c: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (b[a + k] !== b[c + k]) return false;
  return true;
}

/** An integer JSON number that reads back as its bytes (String(JSON.parse(bytes)) is the same text). */
export function isCanonicalInteger(b: Buffer, start: number, end: number): boolean {
  let i = start;
  if (b[i] === 0x2d) i++;
  if (end - i > 15 || end === i || (b[i] === 0x30 && (end - i > 1 || i > start))) return false;
  for (; i < end; i++) if (!isDigit(b[i])) return false;
  return true;
}
