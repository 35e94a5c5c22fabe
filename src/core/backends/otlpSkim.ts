/**
 * OTLP JSON (trace files, Jaeger's v3 answer, Tempo's) read for the waterfall without decoding
 * the spans' attributes, which are most of its bytes (~70 % of a typical trace) and most of what
 * JSON.parse and the converters build. A byte scan finds every span's `attributes` list, checks
 * that decoding it would give no warning (plain keys and scalar values, within the limits), and
 * cuts it out of the text, leaving a marker (`[k]`); JSON.parse and the usual converters read the
 * rest, so every other field is read by the same code as always. A cut list is decoded from its
 * bytes when the detail pane, a search or the insights ask for it (SpanSource).
 *
 * A list the check does not accept (a nested value, an escaped surrogate, an over-long string,
 * too many entries) is left in the text and decoded as usual, with its warnings. Anything the
 * scan cannot follow, or an `attributes` value that could be taken for a marker, makes it give up
 * (`undefined`): the caller then takes the full path, with its usual result or typed error.
 */
import type { Attributes, Span, Trace } from '../model/trace';
import type { SpanSource } from '../waterfall/layout';
import { ConversionContext, type ConversionLimits } from './conversionContext';
import { byBytes, containsLowerCase, equalsLowerCase, isPlain, sameBytes } from './jaegerSkimSearch';
import { BACKSLASH, bytesAt, bytesOf, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, GIVE_UP, giveUp, isDigit, isHex, numberEnd, OPEN_ARRAY, OPEN_OBJECT, Q, quoteFrom, wsFrom } from './jsonByteScanner';
import type { AttributesHook } from './otlpJson';
import { decodeKeyValues } from './wireValues';

export interface SkimmedOtlp {
  /** The document without the cut lists (each one a marker `attributesOf` understands). */
  doc: unknown;
  /**
   * What `convert` makes of `doc` with the converters' hook for the cut lists: traces whose spans
   * lack the cut attributes, with `spans`, where they come from; undefined when it gives up.
   */
  read<T extends { traces: Trace[] }>(convert: (attributesOf: AttributesHook) => T): (T & { spans: SpanSource }) | undefined;
}

const SPANS = bytesOf('spans');
const ATTRIBUTES = bytesOf('attributes');
/** Deeper than any OTLP document nests; past it the scan gives up. */
const MAX_DEPTH = 256;
/** What the key before a value was, as far as the scan cares. */
const OTHER = 0;
const SPANS_KEY = 1;
const ATTRIBUTES_KEY = 2;
/** decodeInt reads a string of digits of at most this many characters (with its sign) as a number, with no warning. */
const MAX_INT_STRING = 15;
/** With an exponent of two digits at most, a JSON number this long is finite. */
const MAX_NUMBER_BYTES = 24;
const QUOTE_KEY = bytesOf('"key"');
const QUOTE_VALUE = bytesOf('"value"');
const KINDS = ['"stringValue"', '"intValue"', '"boolValue"', '"doubleValue"'].map(bytesOf);
const [STRING_VALUE, INT_VALUE, BOOL_VALUE, DOUBLE_VALUE] = [0, 1, 2, 3];
const TRUE = bytesOf('true');
const FALSE = bytesOf('false');

/** At a string's opening quote: the offset after its closing one, or -1 at the end of the bytes. */
function stringEnd(b: Uint8Array, i: number, n: number): number {
  for (let j = i + 1; j < n; j++) {
    const c = b[j];
    if (c === Q) return j + 1;
    if (c === BACKSLASH) j++;
  }
  return -1;
}

/**
 * At a string's opening quote: the offset after it when it is valid JSON that ctx.str keeps as
 * it is (not longer than the limit, no escaped half of a surrogate pair); -1 otherwise.
 */
function plainStringEnd(b: Uint8Array, i: number, n: number, maxLength: number): number {
  const start = i + 1;
  let j = start;
  for (;;) {
    if (j >= n) return -1;
    const c = b[j];
    if (c === Q) break;
    if (c < 0x20) return -1;
    if (c !== BACKSLASH) { j++; continue; }
    const d = b[j + 1];
    if (d === 0x75) {
      for (let k = j + 2; k < j + 6; k++) if (!isHex(b[k])) return -1;
      // \uD800-\uDFFF: possibly half a pair, which ctx.str repairs with a warning.
      if ((b[j + 2] | 0x20) === 0x64 && b[j + 3] >= 0x38) return -1;
      j += 6;
    } else if (d === Q || d === BACKSLASH || d === 0x2f || d === 0x62 || d === 0x66 || d === 0x6e || d === 0x72 || d === 0x74) {
      j += 2;
    } else {
      return -1;
    }
  }
  // Its length in UTF-16 units is at most its length in bytes.
  return j - start > maxLength ? -1 : j + 1;
}

/** At an AnyValue's `{`: the offset after its `}` when decodeAnyValue reads it without a warning as a scalar; -1 otherwise. */
function scalarValueEnd(b: Uint8Array, i: number, n: number, maxLength: number): number {
  i = wsFrom(b, i + 1);
  // Told apart by their first letter, then checked whole.
  const first = b[i + 1];
  const kind = first === 0x73 ? STRING_VALUE : first === 0x69 ? INT_VALUE : first === 0x62 ? BOOL_VALUE : first === 0x64 ? DOUBLE_VALUE : -1;
  if (kind < 0 || !bytesAt(b, i, KINDS[kind])) return -1;
  i = wsFrom(b, i + KINDS[kind].length);
  if (b[i] !== COLON) return -1;
  i = wsFrom(b, i + 1);
  if (kind === STRING_VALUE) {
    i = b[i] === Q ? plainStringEnd(b, i, n, maxLength) : -1;
  } else if (kind === BOOL_VALUE) {
    i = bytesAt(b, i, TRUE) ? i + 4 : bytesAt(b, i, FALSE) ? i + 5 : -1;
  } else if (kind === INT_VALUE && b[i] === Q) {
    // decodeInt: a string of digits.
    const end = stringEnd(b, i, n);
    let k = i + 1;
    if (b[k] === 0x2d) k++;
    if (end < 0 || k === end - 1 || end - i - 2 > MAX_INT_STRING) return -1;
    for (; k < end - 1; k++) if (!isDigit(b[k])) return -1;
    i = end;
  } else {
    const from = i;
    i = numberEnd(b, i, kind === INT_VALUE);
    // Finite (one that overflows reads "Infinity", which its bytes do not say): short, and an exponent of two digits at most.
    if (i < 0 || i - from > MAX_NUMBER_BYTES) return -1;
    for (let k = from; k < i; k++) if ((b[k] | 0x20) === 0x65 && i - k - (isDigit(b[k + 1]) ? 1 : 2) > 2) return -1;
  }
  if (i < 0) return -1;
  i = wsFrom(b, i);
  return b[i] === CLOSE_OBJECT ? i + 1 : -1;
}

/**
 * At a span's attribute list's `[`: the offset after its `]` when every entry is `{"key": text,
 * "value": {"stringValue" | "intValue" | "boolValue" | "doubleValue": scalar}}` that
 * decodeKeyValues reads without a warning; -1 otherwise, and for an empty list.
 */
function cuttableEnd(b: Uint8Array, i: number, n: number, limits: ConversionLimits): number {
  i = wsFrom(b, i + 1);
  if (b[i] === CLOSE_ARRAY) return -1;
  for (let count = 1; ; count++) {
    if (count > limits.maxAttributesPerSpan || b[i] !== OPEN_OBJECT) return -1;
    i = wsFrom(b, i + 1);
    let seen = 0;
    for (;;) {
      // `"key"` or `"value"`, told apart by their first letter.
      const member = b[i + 1] === 0x6b ? (bytesAt(b, i, QUOTE_KEY) ? 1 : 0) : b[i + 1] === 0x76 && bytesAt(b, i, QUOTE_VALUE) ? 2 : 0;
      if (member === 0 || (seen & member) !== 0) return -1;
      seen |= member;
      i = wsFrom(b, i + (member === 1 ? QUOTE_KEY.length : QUOTE_VALUE.length));
      if (b[i] !== COLON) return -1;
      i = wsFrom(b, i + 1);
      i = member === 1 ? (b[i] === Q ? plainStringEnd(b, i, n, limits.maxStringLength) : -1) : b[i] === OPEN_OBJECT ? scalarValueEnd(b, i, n, limits.maxStringLength) : -1;
      if (i < 0) return -1;
      i = wsFrom(b, i);
      if (b[i] === COMMA) { i = wsFrom(b, i + 1); continue; }
      if (b[i] !== CLOSE_OBJECT) return -1;
      i++;
      break;
    }
    if (seen !== 3) return -1;
    i = wsFrom(b, i);
    if (b[i] === CLOSE_ARRAY) return i + 1;
    if (b[i] !== COMMA) return -1;
    i = wsFrom(b, i + 1);
  }
}

/** At a key's opening quote: which of the keys that matter it is; an escaped key gives up (it may read `attributes` once decoded). */
function keyKind(b: Uint8Array, i: number, end: number): number {
  for (let k = i + 1; k < end - 1; k++) if (b[k] === BACKSLASH) giveUp();
  const length = end - i - 2;
  if (length === 5 && bytesAt(b, i + 1, SPANS)) return SPANS_KEY;
  if (length === 10 && bytesAt(b, i + 1, ATTRIBUTES)) return ATTRIBUTES_KEY;
  return OTHER;
}

/** At a `[` or `{`: the offset after the container it opens, or -1 when the bytes end first (no syntax checked). */
function containerEnd(b: Uint8Array, i: number, n: number): number {
  let depth = 0;
  for (; i < n; i++) {
    const c = b[i];
    if (c === Q) {
      i = stringEnd(b, i, n) - 1;
      if (i < 0) return -1;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
    } else if ((c === CLOSE_ARRAY || c === CLOSE_OBJECT) && --depth === 0) {
      return i + 1;
    }
  }
  return -1;
}

/**
 * The structure of the document, followed without checking its syntax (JSON.parse does that
 * after), and the ranges of the span attribute lists to cut (`cuts`: pairs of start and end
 * offsets). Resumable: fed the bytes of an answer as they arrive, it follows what they hold so
 * far and goes on from there with the next, so that little is left when the last byte is in.
 */
export class OtlpCutScan {
  readonly cuts: number[] = [];
  /** Where the document starts (after a byte order mark). */
  start = 0;
  readonly limits: ConversionLimits;
  // Per depth: 1 for an object; `tagged`: an object that is a span (an element of a `spans`
  // list), or an array that is a `spans` list.
  private readonly isObject = new Uint8Array(MAX_DEPTH + 2);
  private readonly tagged = new Uint8Array(MAX_DEPTH + 2);
  private depth = 0;
  private key = OTHER;
  /** After an object's `{` or `,`: a key comes next. */
  private expectKey = false;
  /** The next token's offset; -1 before the first. */
  private i = -1;
  /** The top-level value closed at `i`. */
  private closed = false;
  private failed = false;

  constructor(limits: Partial<ConversionLimits> = {}) {
    this.limits = new ConversionContext(limits).limits;
  }

  /**
   * Follows the document in `b[0, n)` (the bytes so far; all of them when `final`) from where it
   * stopped. False once it has given up, for good: the document must take the full path. Bytes
   * after `n` should be zeros (see JaegerSkimmer.paddedBytes): V8 deoptimizes a scan that reads
   * past the end of its array, and one that did so at every piece took twice as long.
   */
  advance(b: Uint8Array, final: boolean, n = b.length): boolean {
    if (this.failed) return false;
    try {
      this.follow(b, final, n);
      return true;
    } catch (err) {
      if (err !== GIVE_UP) throw err;
      this.failed = true;
      return false;
    }
  }

  /**
   * The scan proper, over locals (it passes over every byte of documents of tens of MB). A token
   * the bytes so far end inside is followed again from its start by the next call.
   */
  private follow(b: Uint8Array, final: boolean, n: number): void {
    const { cuts, isObject, tagged, limits } = this;
    let { depth, key, expectKey, i } = this;
    if (i < 0) {
      if (!final && n < 4) return;
      this.start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
      i = wsFrom(b, this.start);
      if (i >= n && !final) return;
      if (b[i] !== OPEN_OBJECT) giveUp();
    }
    /** Where the token being read starts. */
    let at = i;
    /** The bytes end inside the token at `at` (not a closure: the loop's variables stay in registers). */
    let ended = false;
    let closed = this.closed;
    while (!closed) {
      i = wsFrom(b, i);
      at = i;
      if (i >= n) { ended = true; break; }
      const c = b[i];
      if (expectKey && c === Q) {
        const end = stringEnd(b, i, n);
        if (end < 0) { ended = true; break; }
        const kind = keyKind(b, i, end);
        i = wsFrom(b, end);
        if (i >= n) { ended = true; break; }
        if (b[i] !== COLON) giveUp();
        expectKey = false;
        key = kind;
        i++;
        continue;
      }
      if (c === Q) {
        i = stringEnd(b, i, n);
        if (i < 0) { ended = true; break; }
        key = OTHER;
        expectKey = false;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        const object = c === OPEN_OBJECT;
        if (!object && key === ATTRIBUTES_KEY) {
          const end = isObject[depth] === 1 && tagged[depth] === 1 ? cuttableEnd(b, i, n, limits) : -1;
          if (end >= 0) {
            cuts.push(i, end);
            i = end;
            key = OTHER;
            expectKey = false;
            continue;
          }
          // Not cuttable, or not all here yet.
          if (!final && containerEnd(b, i, n) < 0) { ended = true; break; }
          // A list left in the text must not read like a marker.
          const first = b[wsFrom(b, i + 1)];
          if (first === 0x2d || isDigit(first)) giveUp();
        }
        if (++depth > MAX_DEPTH) giveUp();
        isObject[depth] = object ? 1 : 0;
        tagged[depth] = object ? (isObject[depth - 1] === 0 && tagged[depth - 1] === 1 ? 1 : 0) : key === SPANS_KEY ? 1 : 0;
        key = OTHER;
        // Anything but a key where one belongs is left to JSON.parse to refuse.
        expectKey = object;
        i++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if ((c === CLOSE_OBJECT) !== (isObject[depth] === 1)) giveUp();
        i++;
        expectKey = false;
        if (--depth === 0) closed = true;
      } else if (c === COMMA) {
        i++;
        key = OTHER;
        expectKey = isObject[depth] === 1;
      } else {
        // A number or literal, up to the next delimiter.
        while (i < n && b[i] !== COMMA && b[i] !== CLOSE_OBJECT && b[i] !== CLOSE_ARRAY && b[i] > 0x20) i++;
        if (i === at) giveUp();
        if (i >= n) { ended = true; break; }
        key = OTHER;
        expectKey = false;
      }
    }
    if (!ended) {
      at = i;
      if (wsFrom(b, i) < n) giveUp();
    }
    // Stopped at the token the bytes end in (with the state it began with), or after the document.
    if (ended && final) giveUp();
    this.closed = closed;
    this.depth = depth;
    this.key = key;
    this.expectKey = expectKey;
    this.i = at;
  }
}

/**
 * The document in `bytes` with its spans' cuttable attribute lists cut out; undefined when it has
 * none or the scan gives up (then the full path reads it). `scan`: one that has already followed
 * the first bytes as they arrived (`bytes` are all of them now); its limits are the ones applied.
 */
export function skimOtlpJson(bytes: Uint8Array, limits: Partial<ConversionLimits> = {}, scan = new OtlpCutScan(limits)): SkimmedOtlp | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!scan.advance(buf, true)) return undefined;
  const { cuts, start } = scan;
  if (cuts.length === 0) return undefined;
  // The text without the lists, each replaced by its marker `[k]`, written into one buffer: a
  // Buffer.concat of a piece and a marker per list took ~2× as long at 50k spans.
  let size = buf.length - start;
  for (let k = 0; k < cuts.length; k += 2) size += 2 + String(k / 2).length - (cuts[k + 1] - cuts[k]);
  const left = Buffer.allocUnsafe(size);
  let o = 0;
  let from = start;
  for (let k = 0; k < cuts.length; k += 2) {
    o += buf.copy(left, o, from, cuts[k]);
    left[o++] = OPEN_ARRAY;
    o += left.write(String(k / 2), o, 'latin1');
    left[o++] = CLOSE_ARRAY;
    from = cuts[k + 1];
  }
  o += buf.copy(left, o, from);
  let doc: unknown;
  try {
    doc = JSON.parse(left.toString('utf8', 0, o));
  } catch {
    return undefined;
  }
  return { doc, read: (convert) => readSkimmed(buf, cuts, scan.limits, convert) };
}

function readSkimmed<T extends { traces: Trace[] }>(buf: Buffer, cuts: number[], limits: ConversionLimits, convert: (attributesOf: AttributesHook) => T): (T & { spans: SpanSource }) | undefined {
  /** The cut list of each span's (empty) attributes object. */
  const cutOf = new Map<Attributes, number>();
  const taken = new Uint8Array(cuts.length / 2);
  const attributesOf: AttributesHook = (raw) => {
    if (!Array.isArray(raw) || raw.length !== 1 || typeof raw[0] !== 'number') return undefined;
    const k = raw[0];
    // The scan made sure no list left in the text reads like a marker; a marker read twice is no document it cut.
    if (!Number.isInteger(k) || k < 0 || k >= taken.length || taken[k]++) giveUp();
    const attributes: Attributes = {};
    cutOf.set(attributes, k);
    return attributes;
  };
  let converted: T;
  try {
    converted = convert(attributesOf);
  } catch (err) {
    if (err !== GIVE_UP) throw err;
    return undefined;
  }
  const full = (span: Span): Span => {
    const k = cutOf.get(span.attributes);
    if (k === undefined) return span;
    const raw = JSON.parse(buf.toString('utf8', cuts[2 * k], cuts[2 * k + 1])) as unknown;
    return { ...span, attributes: decodeKeyValues(raw, new ConversionContext(limits)) };
  };
  /** Per list: 0 not looked at, 1 ASCII without escapes (every key and value reads as its bytes), 2 other. */
  const plain = new Uint8Array(taken.length);
  const attributesMatch = (span: Span, needle: string, key: string | undefined): boolean | undefined => {
    const k = cutOf.get(span.attributes);
    if (k === undefined) return undefined;
    const start = cuts[2 * k];
    const end = cuts[2 * k + 1];
    if (plain[k] === 0) plain[k] = isPlain(buf, start, end) ? 1 : 2;
    // A number's text is not its bytes (1e3 reads 1000): a text that could be in one is decoded.
    if (plain[k] === 2 || !byBytes(needle)) return undefined;
    // A text its bytes do not hold is in no key or value.
    if (!containsLowerCase(buf, start, end, needle)) return false;
    if (key !== undefined && !containsLowerCase(buf, start, end, key)) return false;
    return plainListMatches(buf, start, end, needle, key);
  };
  return { ...converted, spans: { full, attributesMatch } };
}

/** The entry readEntry read last: its key's and value's ranges, and whether the value is a number. */
let entryKeyStart = 0;
let entryKeyEnd = 0;
let entryValueStart = 0;
let entryValueEnd = 0;
let entryNumeric = false;

/**
 * Reads the entry of a plain cut list whose `{` is at `i` (its shape is known: the list passed
 * cuttableEnd) into the entry… variables; the offset after its `}`.
 */
function readEntry(b: Uint8Array, i: number): number {
  i = wsFrom(b, i + 1);
  for (let member = 0; member < 2; member++) {
    if (member === 1) i = wsFrom(b, wsFrom(b, i) + 1);
    const isKey = b[i + 1] === 0x6b;
    i = wsFrom(b, wsFrom(b, i + (isKey ? QUOTE_KEY.length : QUOTE_VALUE.length)) + 1);
    if (isKey) {
      entryKeyStart = i + 1;
      entryKeyEnd = quoteFrom(b, i + 1);
      i = entryKeyEnd + 1;
      continue;
    }
    // {"<kind>Value": scalar}
    i = wsFrom(b, i + 1);
    const kind = b[i + 1];
    i = wsFrom(b, wsFrom(b, quoteFrom(b, i + 1) + 1) + 1);
    entryNumeric = kind === 0x69 || kind === 0x64;
    if (b[i] === Q) {
      entryValueStart = i + 1;
      entryValueEnd = quoteFrom(b, i + 1);
      i = entryValueEnd + 1;
    } else {
      entryValueStart = i;
      while (b[i] !== CLOSE_OBJECT && b[i] > 0x20) i++;
      entryValueEnd = i;
    }
    i = wsFrom(b, i) + 1;
  }
  return wsFrom(b, i) + 1;
}

/**
 * Whether an attribute of a cut list whose bytes are plain (ASCII, no escape: every key and string
 * reads as its bytes) matches a search, as traceSearch's attrsMatch would tell on the decoded list:
 * `key` undefined: a key or a value contains `needle`; else a key equals `key` and its value contains
 * `needle` (all lower case). A repeated key keeps its last value, as decodeKeyValues does. `needle`
 * holds a character no number's text does, so only keys, strings and booleans can contain it.
 */
function plainListMatches(b: Buffer, start: number, end: number, needle: string, key: string | undefined): boolean {
  let i = wsFrom(b, start + 1);
  while (i < end && b[i] === OPEN_OBJECT) {
    i = readEntry(b, i);
    const keyHit = key === undefined ? containsLowerCase(b, entryKeyStart, entryKeyEnd, needle) : equalsLowerCase(b, entryKeyStart, entryKeyEnd, key);
    if (keyHit && key === undefined) return true;
    if ((key === undefined || keyHit) && !entryNumeric && containsLowerCase(b, entryValueStart, entryValueEnd, needle) && !keyRepeated(b, i, end)) return true;
    i = wsFrom(b, wsFrom(b, i) + 1);
  }
  return false;
}

/** Whether an entry after offset `i` has the key of the entry read last. */
function keyRepeated(b: Buffer, i: number, end: number): boolean {
  const keyStart = entryKeyStart;
  const length = entryKeyEnd - entryKeyStart;
  i = wsFrom(b, wsFrom(b, i) + 1);
  while (i < end && b[i] === OPEN_OBJECT) {
    i = readEntry(b, i);
    if (entryKeyEnd - entryKeyStart === length && sameBytes(b, keyStart, entryKeyStart, length)) return true;
    i = wsFrom(b, wsFrom(b, i) + 1);
  }
  return false;
}
