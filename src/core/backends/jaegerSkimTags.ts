/**
 * The tags of a Jaeger span, read from the bytes: the few that convertSpan turns into span fields
 * (kind, status, scope) are decoded; every other one is checked to decode without a warning and
 * passed over (else the skim gives up), and read again from the bytes when a search asks
 * (`tagsMatch`). See jaegerSkim.ts.
 */
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, GIVE_UP, giveUp, JsonByteScanner, Kind, OPEN_ARRAY, OPEN_OBJECT, Q, bytesOf } from './jsonByteScanner';
import { containsLowerCase, equalsLowerCase, isCanonicalInteger, isPlain, isSpecialKey, KEY_OPEN, sameBytes, SPECIAL_FIRST_BYTE, SPECIAL_TAG_BYTES, SPECIAL_TAGS, TYPE_OPEN, VALUE_OPEN } from './jaegerSkimSearch';

const TAG_KEYS = ['key', 'type', 'value'].map(bytesOf);
/** Index = type code; `string` last (STRING_TYPE). */
const TYPE_TEXT = ['bool', 'int64', 'float64', 'binary', 'string'];
const TYPE_NAMES = TYPE_TEXT.map(bytesOf);
const STRING_NAME = 4;
const [BOOL, INT64, FLOAT64, BINARY] = [0, 1, 2, 3];
/** A type decodeTagValue reads as a string (`string`, unknown names, none). */
const STRING_TYPE = -1;
/** Byte ranges of a tag's fields (-1: none; a type that is not a string has none). */
interface TagFields { keyStart: number; keyEnd: number; keyEscaped: boolean; typeStart: number; typeEnd: number; kind: Kind; valueStart: number; valueEnd: number; valueEscaped: boolean }
/** Longest string value or key passed over without decoding: longer ones may be truncated (a warning). */
const MAX_SKIPPED_STRING_BYTES = 32 * 1024;

export class JaegerTagScanner extends JsonByteScanner {
  /** The last tag read by tagFields (one object, reused). */
  private readonly tag: TagFields = { keyStart: -1, keyEnd: -1, keyEscaped: false, typeStart: -1, typeEnd: -1, kind: Kind.None, valueStart: 0, valueEnd: 0, valueEscaped: false };

  /**
   * A span's tags: the ones convertSpan turns into fields, as JSON.parse gives them; every other
   * one is checked to decode without a warning (else the skim gives up) and passed over.
   */
  protected tags(): unknown {
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
}
