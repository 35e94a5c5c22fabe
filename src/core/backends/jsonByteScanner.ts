/**
 * A validating scan of JSON bytes that decodes only what it is asked for: strings, numbers and
 * literals are checked against JSON's grammar and passed over, or read into values where the
 * caller wants them. It takes nothing past the bytes it has (`n`; what follows them, zeroes or the
 * end of the array, is no JSON): a scan that runs out gives up (`GIVE_UP`), and `attempt` runs a
 * step again once more bytes are in. The Jaeger skim (jaegerSkim.ts) is built on it.
 */

/** Thrown to give up; caught where a skim is run (JaegerSkimmer) or a search asks (tagsMatch). */
class GiveUp {}
export const GIVE_UP = new GiveUp();
export function giveUp(): never {
  throw GIVE_UP;
}

export const Q = 0x22;
export const BACKSLASH = 0x5c;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;

export const bytesOf = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
/** What a value passed over was. */
export const enum Kind { None, String, Number, Bool, Null, Complex }
const MAX_DEPTH = 512;
const INTERN_MAX_BYTES = 64;
const INTERN_MAX_ENTRIES = 8192;

export class JsonByteScanner {
  protected i = 0;
  /** The last string scanned: its contents' range, and whether it had escapes. */
  protected sStart = 0;
  protected sEnd = 0;
  protected escaped = false;
  protected n = 0;
  protected b: Buffer = Buffer.alloc(0);
  /** No more bytes will come: running out of them is the end, not a wait for more. */
  protected final = false;
  /** Short strings already decoded, by a hash of their bytes. */
  private readonly interned = new Map<number, string>();

  /**
   * The bytes so far, `b[0, n)`: a longer prefix of the same document each time (offsets stay
   * valid). The bytes of `b` just after `n` (the look-ahead of a key or an escape), if `b` holds
   * them, must be zero.
   */
  setBytes(b: Buffer, final: boolean, n = b.length): void {
    this.b = b;
    this.n = n;
    this.final = final;
  }

  /**
   * Runs `step` from the current position; when it fails before the last bytes are in, the
   * position goes back and the step is tried again with more bytes (the generator waits).
   */
  protected *attempt<T>(step: () => T): Generator<void, T> {
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

  protected ws(): number {
    this.i = wsFrom(this.b, this.i);
    return this.b[this.i];
  }

  protected expect(c: number): void {
    if (this.ws() !== c) giveUp();
    this.i++;
  }

  /** After a member: true when another follows, false at the close. */
  protected next(close: number): boolean {
    const c = this.ws();
    this.i++;
    if (c === COMMA) return true;
    if (c !== close) giveUp();
    return false;
  }

  /** At an object's `{` (or `[`): true when it is empty (and then consumed). */
  protected open(c: number, close: number): boolean {
    this.expect(c);
    if (this.ws() === close) { this.i++; return true; }
    return false;
  }

  protected string(): void {
    if (this.ws() !== Q) giveUp();
    this.stringFrom(this.i + 1);
  }

  /** The string whose contents start at `i` (after its opening quote). */
  protected stringFrom(start: number): void {
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
  protected stringValue(intern = true): string {
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
  protected which(keys: Uint8Array[]): number {
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

  protected key(keys: Uint8Array[]): number {
    this.string();
    const k = this.which(keys);
    this.expect(COLON);
    return k;
  }

  /** JSON's number grammar; the index after it. */
  protected number(): number {
    const end = numberEnd(this.b, this.i);
    if (end < 0) giveUp();
    this.i = end;
    return end;
  }

  protected literal(word: string): void {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) giveUp();
    this.i += word.length;
  }

  /** Passes over any value, checking its syntax; what it was. */
  protected skip(depth = 0): Kind {
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
  protected value(intern = true): unknown {
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
  protected numberAt(start: number, end: number): number {
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

  protected rewind(at: number): false {
    this.i = at;
    return false;
  }

  protected bytesAt(at: number, bytes: Uint8Array): boolean {
    return bytesAt(this.b, at, bytes);
  }
}

/*
 * The same steps as free functions over local offsets, for the scans that pass over every byte of
 * documents of tens of MB, where a method call per token cost as much as the JSON.parse they save.
 */

/** The offset of the first byte from `i` that is not JSON whitespace. */
export function wsFrom(b: Uint8Array, i: number): number {
  let c = b[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
  return i;
}

export function bytesAt(b: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (b[at + k] !== bytes[k]) return false;
  return true;
}

/** The next `"` from `i`: in bytes known to hold no escape, it ends the string. */
export function quoteFrom(b: Uint8Array, i: number): number {
  while (b[i] !== Q) i++;
  return i;
}

/** JSON's number grammar from `i`; the offset after it, or -1. `integer`: no fraction or exponent either. */
export function numberEnd(b: Uint8Array, i: number, integer = false): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i])) while (isDigit(b[i])) i++;
  else return -1;
  if (b[i] === 0x2e) {
    if (integer || !isDigit(b[++i])) return -1;
    while (isDigit(b[i])) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    if (integer) return -1;
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i])) return -1;
    while (isDigit(b[i])) i++;
  }
  return i;
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHex(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}
