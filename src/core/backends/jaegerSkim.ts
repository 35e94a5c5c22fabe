/**
 * Jaeger v1 JSON (`{"data":[{traceID, spans, processes}]}`, the query API's answer and Jaeger
 * UI's download) read straight from the bytes for the waterfall: a validating byte scan that
 * decodes only what the layout draws and skips the rest (span tags, unless they are the few
 * that carry kind, status or scope). Each span's byte range is kept, and its attributes are
 * decoded on demand (`spans.full`) when the user selects it or a search needs it.
 *
 * JSON.parse of a 100k-span answer alone takes ~1 s here and building every attribute object
 * doubles that (a third of it GC), and the worker's heap reaches ~300-400 MB; the scan costs
 * ~0.6 × JSON.parse (~1 × with the conversion), runs while an answer arrives (JaegerSkimmer)
 * and leaves a heap of ~80 MB. It reuses the
 * converter of jaegerJson.ts for every field it reads, so the result is the same by
 * construction. What it cannot decide without decoding (a tag whose value does not fit its
 * type, an over-long or broken string, too many tags, any syntax error) makes it give up
 * (`undefined`): the caller then takes the full path, which yields the usual warnings or typed
 * error. It never reads past the bytes, so a truncated answer gives up too instead of hanging.
 */
import type { Resource, Span, Trace } from '../model/trace';
import type { SpanSource } from '../waterfall/layout';
import { ConversionContext, type ConversionLimits } from './conversionContext';
import { convertProcess, convertSpan } from './jaegerJson';
import { assembleTraces } from './traceAssembly';
import { asArray, isRecord } from './wireValues';

export interface SkimmedTraces {
  /** Their spans carry no attributes: `spans` decodes them. */
  traces: Trace[];
  /**
   * `full`: the span with everything the converter gives it (times and events as assembly
   * repaired them); `attributesMatch`: a search's test of its attributes, read from the bytes.
   */
  spans: SpanSource;
}

/** Thrown to give up; caught in skimJaegerDocument only. */
class GiveUp {}
const GIVE_UP = new GiveUp();
function giveUp(): never {
  throw GIVE_UP;
}

const Q = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const bytesOf = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const TOP_KEYS = ['data', 'total', 'limit', 'offset', 'errors'].map(bytesOf);
const TRACE_KEYS = ['traceID', 'spans', 'processes', 'warnings'].map(bytesOf);
/** The span fields convertSpan reads, besides tags and logs. */
const SPAN_FIELDS = ['traceID', 'spanID', 'operationName', 'references', 'startTime', 'duration', 'processID', 'parentSpanID', 'process', 'warnings'];
const SPAN_KEYS = [...SPAN_FIELDS, 'tags', 'logs'].map(bytesOf);
const TAGS = SPAN_FIELDS.length;
const LOGS = TAGS + 1;
const SPAN_ID = 1;
const REFERENCES = 3;
const TAG_KEYS = ['key', 'type', 'value'].map(bytesOf);
const KEY_OPEN = bytesOf('{"key":"');
const TYPE_OPEN = bytesOf(',"type":"');
const VALUE_OPEN = bytesOf(',"value":');
/** Tags convertSpan turns into span fields: these go to it; all others are skipped. */
const SPECIAL_TAGS = ['span.kind', 'otel.status_code', 'otel.status_description', 'error', 'otel.scope.name', 'otel.library.name',
  'otel.scope.version', 'otel.library.version', 'w3c.tracestate'];
const SPECIAL_TAG_BYTES = SPECIAL_TAGS.map(bytesOf);
/** 1 at the first byte of a special tag: most keys are told apart by it alone. */
const SPECIAL_FIRST_BYTE = new Uint8Array(256);
for (const k of SPECIAL_TAG_BYTES) SPECIAL_FIRST_BYTE[k[0]] = 1;
/** Index = type code; `string` last (STRING_TYPE). */
const TYPE_TEXT = ['bool', 'int64', 'float64', 'binary', 'string'];
const TYPE_NAMES = TYPE_TEXT.map(bytesOf);
const STRING_NAME = 4;
const [BOOL, INT64, FLOAT64, BINARY] = [0, 1, 2, 3];
/** A type decodeTagValue reads as a string (`string`, unknown names, none). */
const STRING_TYPE = -1;
const enum Kind { None, String, Number, Bool, Null, Complex }
/** Byte ranges of a tag's fields (-1: none; a type that is not a string has none). */
interface TagFields { keyStart: number; keyEnd: number; keyEscaped: boolean; typeStart: number; typeEnd: number; kind: Kind; valueStart: number; valueEnd: number; valueEscaped: boolean }
/** Longest string value or key passed over without decoding: longer ones may be truncated (a warning). */
const MAX_SKIPPED_STRING_BYTES = 32 * 1024;
const MAX_DEPTH = 512;
/** Attributes a span with no decoded attributes shares (they come from `spans.full`). */
const NOT_DECODED = Object.freeze({}) as Span['attributes'];

class Skim {
  private i = 0;
  /** The last string scanned: its contents' range, and whether it had escapes. */
  private sStart = 0;
  private sEnd = 0;
  private escaped = false;
  private n = 0;
  private b: Buffer = Buffer.alloc(0);
  /** No more bytes will come: running out of them is the end, not a wait for more. */
  private final = false;
  /** Short strings already decoded, by a hash of their bytes. */
  private readonly interned = new Map<number, string>();
  /** The last tag read by tagFields (one object, reused). */
  private readonly tag: TagFields = { keyStart: -1, keyEnd: -1, keyEscaped: false, typeStart: -1, typeEnd: -1, kind: Kind.None, valueStart: 0, valueEnd: 0, valueEscaped: false };

  /** The bytes so far: a longer prefix of the same document each time (offsets stay valid). */
  setBytes(b: Buffer, final: boolean): void {
    this.b = b;
    this.n = b.length;
    this.final = final;
  }

  /**
   * Runs `step` from the current position; when it fails before the last bytes are in, the
   * position goes back and the step is tried again with more bytes (the generator waits).
   */
  private *attempt<T>(step: () => T): Generator<void, T> {
    const at = this.i;
    for (;;) {
      try {
        return step();
      } catch (err) {
        if (this.final || (err !== GIVE_UP && !(err instanceof SyntaxError))) throw err;
        this.i = at;
        yield;
      }
    }
  }

  private ws(): number {
    const b = this.b;
    let i = this.i;
    let c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    this.i = i;
    return c;
  }

  private expect(c: number): void {
    if (this.ws() !== c) giveUp();
    this.i++;
  }

  /** After a member: true when another follows, false at the close. */
  private next(close: number): boolean {
    const c = this.ws();
    this.i++;
    if (c === COMMA) return true;
    if (c !== close) giveUp();
    return false;
  }

  /** At an object's `{` (or `[`): true when it is empty (and then consumed). */
  private open(c: number, close: number): boolean {
    this.expect(c);
    if (this.ws() === close) { this.i++; return true; }
    return false;
  }

  private string(): void {
    if (this.ws() !== Q) giveUp();
    this.stringFrom(this.i + 1);
  }

  /** The string whose contents start at `i` (after its opening quote). */
  private stringFrom(start: number): void {
    const b = this.b;
    const n = this.n;
    let i = start;
    let escaped = false;
    for (;;) {
      let c = b[i];
      while (c !== Q && c !== BACKSLASH && c >= 0x20) c = b[++i];
      if (c === Q) break;
      if (i >= n || c !== BACKSLASH) giveUp();
      escaped = true;
      const d = b[i + 1];
      if (d === 0x75) {
        for (let k = i + 2; k < i + 6; k++) if (!isHex(b[k])) giveUp();
        i += 6;
      } else if (d === Q || d === BACKSLASH || d === 0x2f || d === 0x62 || d === 0x66 || d === 0x6e || d === 0x72 || d === 0x74) {
        i += 2;
      } else {
        giveUp();
      }
    }
    this.sStart = start;
    this.sEnd = i;
    this.escaped = escaped;
    this.i = i + 1;
  }

  /** The last string scanned; `intern`: false for the unique ones (span ids). */
  private stringValue(intern = true): string {
    const b = this.b;
    const start = this.sStart;
    const end = this.sEnd;
    if (this.escaped) return JSON.parse(b.toString('utf8', start - 1, end + 1)) as string;
    if (!intern || end - start > INTERN_MAX_BYTES) return b.toString('utf8', start, end);
    // Names, services, kinds and the trace id repeat from span to span: one string each.
    let h = end - start;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + b[i]) | 0;
    const cached = this.interned.get(h);
    if (cached !== undefined && cached.length === end - start && this.sameText(cached, start, end)) return cached;
    const text = b.toString('latin1', start, end);
    // latin1 is exact for ASCII only; anything else is decoded as UTF-8 and not interned.
    if (!isAscii(text)) return b.toString('utf8', start, end);
    if (this.interned.size >= INTERN_MAX_ENTRIES) this.interned.clear();
    this.interned.set(h, text);
    return text;
  }

  private sameText(text: string, start: number, end: number): boolean {
    const b = this.b;
    for (let i = start; i < end; i++) if (b[i] !== text.charCodeAt(i - start)) return false;
    return true;
  }

  /** Index of the last string among `keys` (byte-equal), -1 for none; an escaped key is decoded first. */
  private which(keys: Uint8Array[]): number {
    const b = this.b;
    const s = this.sStart;
    const len = this.sEnd - s;
    if (this.escaped) {
      const text = this.stringValue();
      return keys.findIndex((k) => Buffer.from(k).toString('latin1') === text);
    }
    outer: for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key.length !== len) continue;
      for (let j = 0; j < len; j++) if (b[s + j] !== key[j]) continue outer;
      return k;
    }
    return -1;
  }

  private key(keys: Uint8Array[]): number {
    this.string();
    const k = this.which(keys);
    this.expect(COLON);
    return k;
  }

  /** JSON's number grammar; the index after it. */
  private number(): number {
    const b = this.b;
    let i = this.i;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (isDigit(b[i])) while (isDigit(b[i])) i++;
    else giveUp();
    if (b[i] === 0x2e) {
      i++;
      if (!isDigit(b[i])) giveUp();
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) giveUp();
      while (isDigit(b[i])) i++;
    }
    this.i = i;
    return i;
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) giveUp();
    this.i += word.length;
  }

  /** Passes over any value, checking its syntax; what it was. */
  private skip(depth = 0): Kind {
    if (depth > MAX_DEPTH) giveUp();
    const c = this.ws();
    switch (c) {
      case Q:
        this.string();
        return Kind.String;
      case OPEN_OBJECT:
        if (this.open(OPEN_OBJECT, CLOSE_OBJECT)) return Kind.Complex;
        do {
          this.string();
          this.expect(COLON);
          this.skip(depth + 1);
        } while (this.next(CLOSE_OBJECT));
        return Kind.Complex;
      case OPEN_ARRAY:
        if (this.open(OPEN_ARRAY, CLOSE_ARRAY)) return Kind.Complex;
        do this.skip(depth + 1);
        while (this.next(CLOSE_ARRAY));
        return Kind.Complex;
      case 0x74:
        this.literal('true');
        return Kind.Bool;
      case 0x66:
        this.literal('false');
        return Kind.Bool;
      case 0x6e:
        this.literal('null');
        return Kind.Null;
      default:
        if (c === 0x2d || isDigit(c)) {
          this.number();
          return Kind.Number;
        }
        return giveUp();
    }
  }

  /** Any value, as JSON.parse gives it: scalars decoded here, containers by JSON.parse of their bytes. */
  private value(intern = true): unknown {
    this.ws();
    const start = this.i;
    switch (this.skip()) {
      case Kind.String: return this.stringValue(intern);
      case Kind.Number: return this.numberAt(start, this.i);
      case Kind.Bool: return this.b[start] === 0x74;
      case Kind.Null: return null;
      default: return JSON.parse(this.b.toString('utf8', start, this.i)) as unknown;
    }
  }

  /** A JSON number; plain integers (Jaeger's times) without making a string. */
  private numberAt(start: number, end: number): number {
    const b = this.b;
    if (end - start <= 15) {
      let v = 0;
      let i = start;
      for (; i < end; i++) {
        const c = b[i];
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
      }
      if (i === end) return v;
    }
    return Number(b.toString('latin1', start, end));
  }

  /** An array of flat objects (references), each as JSON.parse gives it. */
  private recordList(): unknown[] {
    const out: unknown[] = [];
    if (this.ws() !== OPEN_ARRAY) return asArray(this.value());
    if (this.open(OPEN_ARRAY, CLOSE_ARRAY)) return out;
    do {
      if (this.ws() !== OPEN_OBJECT) { out.push(this.value()); continue; }
      const r: Record<string, unknown> = {};
      if (!this.open(OPEN_OBJECT, CLOSE_OBJECT)) {
        do {
          this.string();
          const k = this.stringValue();
          if (k === '__proto__') giveUp();
          this.expect(COLON);
          r[k] = this.value(k !== 'spanID');
        } while (this.next(CLOSE_OBJECT));
      }
      out.push(r);
    } while (this.next(CLOSE_ARRAY));
    return out;
  }

  /**
   * A span's tags: the ones convertSpan turns into fields, as JSON.parse gives them; every other
   * one is checked to decode without a warning (else the skim gives up) and passed over.
   */
  private tags(): unknown {
    if (this.ws() !== OPEN_ARRAY) return this.value();
    const special: unknown[] = [];
    if (this.open(OPEN_ARRAY, CLOSE_ARRAY)) return special;
    let count = 0;
    do {
      // Kept up to maxAttributesPerSpan distinct keys: more could drop one (a warning).
      if (++count > 1024) giveUp();
      if (this.ws() !== OPEN_OBJECT) giveUp();
      if (!this.jaegerTag(special)) this.anyTag(special);
    } while (this.next(CLOSE_ARRAY));
    return special;
  }

  /**
   * A tag as Jaeger writes it, `{"key":"…","type":"…","value":…}` with no spaces, read by
   * matching those bytes; false (nothing consumed) for any other layout.
   */
  private jaegerTag(special: unknown[]): boolean {
    const at = this.i;
    if (!this.bytesAt(at, KEY_OPEN)) return false;
    this.stringFrom(at + KEY_OPEN.length);
    const keyStart = this.sStart;
    const keyEnd = this.sEnd;
    if (this.escaped || !this.bytesAt(this.i, TYPE_OPEN)) return this.rewind(at);
    this.stringFrom(this.i + TYPE_OPEN.length);
    if (this.escaped || !this.bytesAt(this.i, VALUE_OPEN)) return this.rewind(at);
    const typeName = this.typeName();
    const typeStart = this.sStart;
    const typeEnd = this.sEnd;
    this.i += VALUE_OPEN.length;
    const valueStart = this.i;
    const kind = this.skip();
    const valueEscaped = this.escaped;
    if (this.b[this.i] !== CLOSE_OBJECT) return this.rewind(at);
    const valueEnd = this.i++;
    this.sStart = keyStart;
    this.sEnd = keyEnd;
    const specialKey = SPECIAL_FIRST_BYTE[this.b[keyStart]] === 1 ? this.which(SPECIAL_TAG_BYTES) : -1;
    if (specialKey >= 0) {
      const type = typeName >= 0 ? TYPE_TEXT[typeName] : this.b.toString('utf8', typeStart, typeEnd);
      special.push({ key: SPECIAL_TAGS[specialKey], type, value: this.valueAt(valueStart, valueEnd, kind) });
      return true;
    }
    const type = typeName === STRING_NAME ? STRING_TYPE : typeName >= 0 ? typeName : this.typeOf(typeStart, typeEnd);
    this.check(keyEnd - keyStart, type, kind, valueStart, valueEnd, valueEscaped);
    return true;
  }

  /** which(TYPE_NAMES) for the last string, by its length and first byte (the names Jaeger writes). */
  private typeName(): number {
    const len = this.sEnd - this.sStart;
    const k = len === 6 ? (this.b[this.sStart] === 0x73 ? STRING_NAME : BINARY) : len === 4 ? BOOL : len === 5 ? INT64 : len === 7 ? FLOAT64 : -1;
    return k >= 0 && this.bytesAt(this.sStart, TYPE_NAMES[k]) ? k : -1;
  }

  private rewind(at: number): false {
    this.i = at;
    return false;
  }

  private bytesAt(at: number, bytes: Uint8Array): boolean {
    const b = this.b;
    for (let k = 0; k < bytes.length; k++) if (b[at + k] !== bytes[k]) return false;
    return true;
  }

  /** A tag in any other layout (spaces, other key order, extra fields). */
  private anyTag(special: unknown[]): void {
    const tagStart = this.i;
    const t = this.tagFields();
    if (t.keyStart < 0 || t.keyEscaped) giveUp();
    this.sStart = t.keyStart;
    this.sEnd = t.keyEnd;
    this.escaped = false;
    const specialKey = this.which(SPECIAL_TAG_BYTES);
    if (specialKey >= 0) special.push(JSON.parse(this.b.toString('utf8', tagStart, this.i)) as unknown);
    else this.check(t.keyEnd - t.keyStart, t.typeStart < 0 ? STRING_TYPE : this.typeOf(t.typeStart, t.typeEnd), t.kind, t.valueStart, t.valueEnd, t.valueEscaped);
  }

  /** The fields of the tag object at the position, in any layout; a field given twice is its last (as JSON.parse reads it). */
  private tagFields(): TagFields {
    const t = this.tag;
    t.keyStart = -1;
    t.typeStart = -1;
    t.kind = Kind.None;
    if (this.open(OPEN_OBJECT, CLOSE_OBJECT)) return t;
    do {
      const field = this.key(TAG_KEYS);
      if (field === 0) {
        if (this.ws() !== Q) giveUp();
        this.string();
        t.keyStart = this.sStart;
        t.keyEnd = this.sEnd;
        t.keyEscaped = this.escaped;
      } else if (field === 1 && this.ws() === Q) {
        this.string();
        t.typeStart = this.sStart;
        t.typeEnd = this.sEnd;
      } else if (field === 1) {
        this.skip();
        t.typeStart = -1;
      } else if (field === 2) {
        this.ws();
        t.valueStart = this.i;
        t.kind = this.skip();
        t.valueEnd = this.i;
        t.valueEscaped = this.escaped;
      } else {
        this.skip();
      }
    } while (this.next(CLOSE_OBJECT));
    return t;
  }

  /** Gives up unless decodeTagValue takes this value as it is (no warning counted). */
  private check(keyLength: number, type: number, kind: Kind, valueStart: number, valueEnd: number, escaped: boolean): void {
    if (keyLength > MAX_SKIPPED_STRING_BYTES) giveUp();
    switch (kind) {
      case Kind.None:
      case Kind.Null:
        return;
      case Kind.String:
        if (type !== STRING_TYPE || valueEnd - valueStart > MAX_SKIPPED_STRING_BYTES + 2 || (escaped && this.hasSurrogateEscape(valueStart, valueEnd))) giveUp();
        return;
      case Kind.Number:
        // An exponent may make it infinite (1e999), which int64 counts as a bad value.
        if (type === FLOAT64 || (type === INT64 && !this.hasExponent(valueStart, valueEnd))) return;
        return giveUp();
      case Kind.Bool:
        if (type !== BOOL) giveUp();
        return;
      default:
        giveUp();
    }
  }

  /** A scalar (or, through JSON.parse, a container) between `start` and `end`, of the kind skip() said. */
  private valueAt(start: number, end: number, kind: Kind): unknown {
    const b = this.b;
    switch (kind) {
      case Kind.String: {
        for (let i = start; i < end; i++) if (b[i] === BACKSLASH) return JSON.parse(b.toString('utf8', start, end)) as unknown;
        return b.toString('utf8', start + 1, end - 1);
      }
      case Kind.Number: return this.numberAt(start, end);
      case Kind.Bool: return b[start] === 0x74;
      case Kind.Null: return null;
      default: return JSON.parse(b.toString('utf8', start, end)) as unknown;
    }
  }

  /** A type code (decodeTagValue lower-cases the type); the binary type is left to the full path. */
  private typeOf(start: number, end: number): number {
    const k = TYPE_TEXT.indexOf(this.b.toString('utf8', start, end).toLowerCase());
    return k === BINARY ? giveUp() : k >= 0 && k !== STRING_NAME ? k : STRING_TYPE;
  }

  /** A `\\uD800`-`\\uDFFF` escape not in a pair: the converter would repair it (a warning). */
  private hasSurrogateEscape(start: number, end: number): boolean {
    const b = this.b;
    for (let i = start; i < end; i++) {
      if (b[i] !== BACKSLASH) continue;
      const unit = b[i + 1] === 0x75 ? this.escapedUnit(i) : -1;
      if (unit >= 0xdc00 && unit <= 0xdfff) return true;
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const low = b[i + 6] === BACKSLASH && b[i + 7] === 0x75 ? this.escapedUnit(i + 6) : -1;
        if (low < 0xdc00 || low > 0xdfff) return true;
        i += 11;
        continue;
      }
      i++;
    }
    return false;
  }

  /** The code unit of the `\\uXXXX` escape at `i` (its hex digits were checked by the scan). */
  private escapedUnit(i: number): number {
    return Number.parseInt(this.b.toString('latin1', i + 2, i + 6), 16);
  }

  private hasExponent(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if ((this.b[i] | 0x20) === 0x65) return true;
    return false;
  }

  /**
   * Whether an attribute of the span whose tags array is at `at` matches a search as
   * traceSearch.ts's attrsMatch decides it on the decoded attributes (`key`: a `key=value`
   * search's key, lower case; `needle`: the text, lower case), read from the bytes: the tags
   * were checked by the skim, so each decodes to its text (a string) or a number, bool or null.
   * Undefined when the bytes alone cannot tell: non-ASCII or escaped text, or a key given
   * twice after a value matched (the last one is the attribute).
   */
  tagsMatch(at: number, needle: string, key: string | undefined): boolean | undefined {
    const b = this.b;
    this.i = at;
    try {
      if (this.open(OPEN_ARRAY, CLOSE_ARRAY)) return false;
      let hitKeyStart = -1;
      let hitKeyEnd = -1;
      do {
        const { keyStart, keyEnd, typeStart, typeEnd, kind, valueStart, valueEnd, valueEscaped } = this.tagFields();
        if (hitKeyStart >= 0) {
          if (keyEnd - keyStart === hitKeyEnd - hitKeyStart && sameBytes(b, hitKeyStart, keyStart, keyEnd - keyStart)) return undefined;
          continue;
        }
        // The skim gave up on tags without a key or with an escaped one; special tags are fields, not attributes.
        if (isSpecialKey(b, keyStart, keyEnd)) continue;
        if (!isPlain(b, keyStart, keyEnd)) return undefined;
        if (key === undefined ? containsLowerCase(b, keyStart, keyEnd, needle) : !equalsLowerCase(b, keyStart, keyEnd, key)) {
          if (key === undefined) return true;
          continue;
        }
        const valueHit = needle.length === 0 || this.valueContains(kind, typeStart < 0 ? -1 : typeEnd - typeStart, valueStart, valueEnd, valueEscaped, needle);
        if (valueHit === undefined) return undefined;
        if (valueHit) {
          hitKeyStart = keyStart;
          hitKeyEnd = keyEnd;
        }
      } while (this.next(CLOSE_ARRAY));
      return hitKeyStart >= 0;
    } catch (err) {
      if (err === GIVE_UP) return undefined;
      throw err;
    }
  }

  /** Whether the text of a checked tag value (as traceSearch's valueText, lower case) contains `needle`. */
  private valueContains(kind: Kind, typeLength: number, start: number, end: number, escaped: boolean, needle: string): boolean | undefined {
    const b = this.b;
    switch (kind) {
      case Kind.String:
        return escaped || !isPlain(b, start + 1, end - 1) ? undefined : containsLowerCase(b, start + 1, end - 1, needle);
      case Kind.Bool:
        return containsLowerCase(b, start, end, needle);
      case Kind.Number: {
        if (isCanonicalInteger(b, start, end)) return containsLowerCase(b, start, end, needle);
        // Checked as int64 (5 letters, truncated) or float64.
        const n = this.numberAt(start, end);
        return String(typeLength === 5 ? Math.trunc(n) : n).toLowerCase().includes(needle);
      }
      case Kind.None:
      case Kind.Null:
        return false;
      default:
        return undefined;
    }
  }

  /** The whole document: the spans of every trace, converted as convertJaegerTraces does. */
  *document(ctx: ConversionContext, out: Span[], ranges: number[], index: Map<Span, number>, leftover: Set<number>): Generator<void, void> {
    yield* this.attempt(() => {
      const b = this.b;
      if (this.n < 3) giveUp();
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.i = 3;
    });
    let sawData = false;
    if (yield* this.attempt(() => this.open(OPEN_OBJECT, CLOSE_OBJECT))) giveUp();
    do {
      const k = yield* this.attempt(() => this.key(TOP_KEYS));
      if (k < 0) giveUp();
      if (k === 0) {
        if (sawData) giveUp();
        sawData = true;
        if (yield* this.attempt(() => this.open(OPEN_ARRAY, CLOSE_ARRAY))) giveUp();
        do yield* this.trace(ctx, out, ranges, index, leftover);
        while (yield* this.attempt(() => this.next(CLOSE_ARRAY)));
      } else {
        yield* this.attempt(() => this.skip());
      }
    } while (yield* this.attempt(() => this.next(CLOSE_OBJECT)));
    if (!sawData) giveUp();
    // Only white space may follow, up to the last byte.
    yield* this.attempt(() => {
      this.ws();
      if (!this.final || this.i !== this.n) giveUp();
    });
  }

  private *trace(ctx: ConversionContext, out: Span[], ranges: number[], index: Map<Span, number>, leftover: Set<number>): Generator<void, void> {
    const placeholders = new Map<string, Resource>();
    const resourceFor = (id: string, inline: unknown): Resource => {
      if (inline !== undefined) return convertProcess(inline, ctx);
      let r = placeholders.get(id);
      if (!r) placeholders.set(id, (r = { serviceName: '', attributes: {} }));
      return r;
    };
    const seen = new Uint8Array(TRACE_KEYS.length);
    let processes: unknown;
    if (yield* this.attempt(() => this.open(OPEN_OBJECT, CLOSE_OBJECT))) giveUp();
    do {
      const k = yield* this.attempt(() => this.key(TRACE_KEYS));
      if (k >= 0 && seen[k]++) giveUp();
      if (k === 1) {
        if (yield* this.attempt(() => this.open(OPEN_ARRAY, CLOSE_ARRAY))) continue;
        const span = () => this.span(ctx, resourceFor, out, ranges, index, leftover);
        const next = () => this.next(CLOSE_ARRAY);
        do yield* this.attempt(span);
        while (yield* this.attempt(next));
      } else if (k === 2) {
        processes = yield* this.attempt(() => this.value());
      } else if (k === 3) {
        const warnings = asArray(yield* this.attempt(() => this.value())).filter((w): w is string => typeof w === 'string');
        // convertJaegerTraces notes them before the spans' own.
        if (warnings.length > 0 && seen[1]) giveUp();
        for (const w of warnings) ctx.note(ctx.str(w));
      } else {
        yield* this.attempt(() => this.skip());
      }
    } while (yield* this.attempt(() => this.next(CLOSE_OBJECT)));
    // The file format is recognised by `spans` with `traceID` or `processes` (traceFileFormat.ts).
    if (!seen[1] || (!seen[0] && !seen[2])) giveUp();
    const procs = isRecord(processes) ? processes : {};
    for (const [id, r] of placeholders) Object.assign(r, convertProcess(Object.hasOwn(procs, id) ? procs[id] : undefined, ctx));
  }

  private span(ctx: ConversionContext, resourceFor: (id: string, inline: unknown) => Resource, out: Span[], ranges: number[], index: Map<Span, number>, leftover: Set<number>): void {
    this.ws();
    const start = this.i;
    if (out.length >= ctx.limits.maxSpans) {
      this.skip();
      ctx.count('droppedSpans');
      return;
    }
    let raw: unknown;
    let tagsStart = -1;
    let tagsEnd = -1;
    if (this.b[start] !== OPEN_OBJECT) {
      raw = this.value();
    } else {
      const r: Record<string, unknown> = {};
      raw = r;
      if (!this.open(OPEN_OBJECT, CLOSE_OBJECT)) {
        do {
          const k = this.key(SPAN_KEYS);
          if (k === TAGS) {
            tagsStart = this.ws() === OPEN_ARRAY ? this.i : -1;
            r.tags = this.tags();
            tagsEnd = this.i;
          }
          else if (k === LOGS) r.logs = this.ws() === OPEN_ARRAY && this.b[this.i + 1] === CLOSE_ARRAY ? (this.i += 2, []) : this.value();
          else if (k === REFERENCES) r.references = this.recordList();
          else if (k >= 0) r[SPAN_FIELDS[k]] = this.value(k !== SPAN_ID);
          else this.skip();
        } while (this.next(CLOSE_OBJECT));
      }
    }
    const span = convertSpan(raw, resourceFor, ctx);
    if (!span) return;
    // What convertSpan left of the special tags (an `error` tag it did not turn into the status):
    // a search cannot tell it from the bytes alone.
    const k = ranges.length / RANGE_FIELDS;
    for (const _ in span.attributes) { leftover.add(k); break; }
    span.attributes = NOT_DECODED;
    index.set(span, k);
    ranges.push(start, this.i, tagsStart, tagsEnd);
    out.push(span);
  }
}

const RUN_EVERY_BYTES = 16 * 1024;
/** Numbers in `ranges` per span: the span's bytes, then its tags array's (-1 without one). */
const RANGE_FIELDS = 4;
/** Whether `text` (lower case) is in a plain tags array's bytes whenever it is in a key or value's text. */
const byBytes = (text: string) => NUMBER_TEXT.test(text) && isAscii(text);

/**
 * A text a number's digits cannot hold (a value decoded from `1.5e3` reads `1500`, not what its
 * bytes say): with any other character, a number value never contains it.
 */
const NUMBER_TEXT = /[^0-9.e+-]/;

/** ASCII and no escapes: every key and string value reads as its bytes (and lower-cases as them). */
function isPlain(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] >= 0x80 || b[i] === BACKSLASH) return false;
  return true;
}

/** Whether `b[start, end)`, lower-cased (ASCII), contains `text` (lower-case ASCII). */
function containsLowerCase(b: Buffer, start: number, end: number, text: string): boolean {
  return indexOfLowerCase(b, start, end, text) >= 0;
}

/** Where `text` (lower-case ASCII) first is in `b[start, end)` lower-cased (ASCII), or -1. */
function indexOfLowerCase(b: Buffer, start: number, end: number, text: string): number {
  const m = text.length;
  const first = text.charCodeAt(0);
  outer: for (let i = start; i <= end - m; i++) {
    if ((b[i] >= 0x41 && b[i] <= 0x5a ? b[i] + 32 : b[i]) !== first) continue;
    for (let j = 1; j < m; j++) {
      const c = b[i + j];
      if ((c >= 0x41 && c <= 0x5a ? c + 32 : c) !== text.charCodeAt(j)) continue outer;
    }
    return i;
  }
  return -1;
}

/** Whether `b[start, end)`, lower-cased (ASCII), is `text` (lower-case). */
function equalsLowerCase(b: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if ((c >= 0x41 && c <= 0x5a ? c + 32 : c) !== text.charCodeAt(i - start)) return false;
  }
  return true;
}

/** Index of the next `"` from `i` (a plain tags array: no escapes, so it ends the string). */
function quoteFrom(b: Buffer, i: number): number {
  while (b[i] !== Q) i++;
  return i;
}

/** The key at `b[start, end)` is one convertSpan turns into a field. */
function isSpecialKey(b: Buffer, start: number, end: number): boolean {
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
function plainTagsMatch(b: Buffer, at: number, needle: string, key: string | undefined, from = at + 1): boolean | undefined {
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
function tagStartBefore(b: Buffer, start: number, at: number): number {
  for (let i = at; i > start; i--) if (b[i] === OPEN_OBJECT && bytesAt(b, i, KEY_OPEN)) return i;
  return start + 1;
}

function bytesAt(b: Buffer, at: number, bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (b[at + k] !== bytes[k]) return false;
  return true;
}

function sameBytes(b: Buffer, a: number, c: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (b[a + k] !== b[c + k]) return false;
  return true;
}

/** An integer JSON number that reads back as its bytes (String(JSON.parse(bytes)) is the same text). */
function isCanonicalInteger(b: Buffer, start: number, end: number): boolean {
  let i = start;
  if (b[i] === 0x2d) i++;
  if (end - i > 15 || end === i || (b[i] === 0x30 && (end - i > 1 || i > start))) return false;
  for (; i < end; i++) if (!isDigit(b[i])) return false;
  return true;
}

const INTERN_MAX_BYTES = 64;
const INTERN_MAX_ENTRIES = 8192;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * A Jaeger v1 document skimmed while it arrives: each `add` reads the spans complete in the
 * bytes so far, so that when the last byte is in only the tail is left to read. Gives up for
 * good (finish() is undefined) as soon as the bytes cannot be such a document.
 */
export class JaegerSkimmer {
  private buf: Buffer = Buffer.alloc(0);
  private length = 0;
  private readonly skim = new Skim();
  private readonly ctx: ConversionContext;
  private readonly spans: Span[] = [];
  private readonly ranges: number[] = [];
  private readonly index = new Map<Span, number>();
  /** Spans whose special tags left an attribute (see Skim.span). */
  private readonly leftover = new Set<number>();
  private readonly steps: Generator<void, void>;
  private failed = false;
  private done = false;
  /** Bytes there were at the last read. */
  private readTo = 0;

  constructor(private readonly limits?: Partial<ConversionLimits>) {
    this.ctx = new ConversionContext(limits);
    this.steps = this.skim.document(this.ctx, this.spans, this.ranges, this.index, this.leftover);
  }

  /** Whether it still reads the document (false once it gave up). */
  get reading(): boolean {
    return !this.failed;
  }

  /** The bytes received so far. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Appends `chunk` to the bytes and reads what they now complete. */
  add(chunk: Uint8Array): void {
    if (this.length + chunk.byteLength > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.length + chunk.byteLength, 64 * 1024));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    this.buf.set(chunk, this.length);
    this.length += chunk.byteLength;
    // A span cut by the end of the bytes is read again from its start: not after every tiny chunk.
    if (this.length - this.readTo < RUN_EVERY_BYTES) return;
    this.readTo = this.length;
    this.run(this.bytes(), false);
  }

  /** The last byte is in (or `whole` is the document): the traces, or undefined when it gave up. */
  finish(whole?: Uint8Array): SkimmedTraces | undefined {
    if (whole) {
      this.buf = Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength);
      this.length = whole.byteLength;
    }
    this.run(this.bytes(), true);
    if (this.failed || !this.done) return undefined;
    const traces = assembleTraces(this.spans, this.ctx);
    const buf = this.bytes();
    const { ranges, index, limits, leftover } = this;
    const full = (span: Span): Span => {
      const k = index.get(span);
      if (k === undefined) return span;
      const raw = JSON.parse(buf.toString('utf8', ranges[RANGE_FIELDS * k], ranges[RANGE_FIELDS * k + 1])) as unknown;
      const converted = convertSpan(raw, () => span.resource, new ConversionContext(limits));
      if (!converted) return span;
      converted.startTimeUnixNano = span.startTimeUnixNano;
      converted.endTimeUnixNano = span.endTimeUnixNano;
      converted.events = span.events;
      return converted;
    };
    const searcher = new Skim();
    searcher.setBytes(buf, true);
    /** Per span: 0 not looked at, 1 its tags are ASCII without escapes (their text is their bytes), 2 other. */
    const plain = new Uint8Array(ranges.length / RANGE_FIELDS);
    const attributesMatch = (span: Span, needle: string, key: string | undefined): boolean | undefined => {
      const k = index.get(span);
      if (k === undefined || leftover.has(k)) return undefined;
      const start = ranges[RANGE_FIELDS * k + 2];
      const end = ranges[RANGE_FIELDS * k + 3];
      if (start < 0) return false;
      // Most spans are ruled out by a scan of their tags' bytes: a text they hold is in them as it is.
      if (plain[k] === 0) plain[k] = isPlain(buf, start, end) ? 1 : 2;
      if (plain[k] === 2) return searcher.tagsMatch(start, needle, key);
      // The text's first place in the bytes (the key's, for key=value): no tag before it can match.
      const text = key ?? needle;
      const first = byBytes(text) ? indexOfLowerCase(buf, start, end, text) : start + 1;
      if (first < 0 || (key !== undefined && byBytes(needle) && !containsLowerCase(buf, start, end, needle))) return false;
      return plainTagsMatch(buf, start, needle, key, tagStartBefore(buf, start, first)) ?? searcher.tagsMatch(start, needle, key);
    };
    return { traces, spans: { full, attributesMatch } };
  }

  private run(bytes: Buffer, final: boolean): void {
    if (this.failed || this.done) return;
    this.skim.setBytes(bytes, final);
    try {
      this.done = this.steps.next().done === true;
    } catch (err) {
      // GIVE_UP, or a value JSON.parse refused inside a valid-looking slice: the full path says why.
      if (err !== GIVE_UP && !(err instanceof SyntaxError)) throw err;
      this.failed = true;
    }
  }
}

/**
 * The traces of a Jaeger v1 document, as jaegerDocumentToTraces gives them but without their
 * spans' attributes; `undefined` when the bytes are not such a document or hold anything the
 * skim leaves to the full converters (then they give the same result, or the typed error).
 */
export function skimJaegerDocument(bytes: Uint8Array, limits?: Partial<ConversionLimits>): SkimmedTraces | undefined {
  return new JaegerSkimmer(limits).finish(bytes);
}
