/*
 * The protobuf wire format. Reading: varints, fixed-width numbers, length-delimited fields (with
 * short strings interned), skipping unknown fields. Every read is bounded by the end of the
 * enclosing message, and a broken framing is a MalformedOtlpError naming the byte. Writing: the few
 * fields of the small messages Trace Lens sends (export answers, a Jaeger trace request).
 */
import { MalformedOtlpError } from './receiverErrors';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

export function lengthDelimited(fieldNumber: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(fieldNumber << 3) | WIRE_LEN, ...varint(payload.length)]), payload]);
}

export function varintField(fieldNumber: number, n: number): Buffer {
  return Buffer.from([(fieldNumber << 3) | WIRE_VARINT, ...varint(n)]);
}

const INTERN_MAX_LENGTH = 64;
const INTERN_SLOTS = 4096;
const internBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(INTERN_SLOTS).fill(undefined);
const internStrings: string[] = new Array<string>(INTERN_SLOTS).fill('');
/** The hash last seen in each slot that missed the cache. */
const internSeen = new Int32Array(INTERN_SLOTS);

const TRACE_ID_BYTES = 16;
/** The trace id last read, and its hex. */
const lastTraceId = new Uint8Array(TRACE_ID_BYTES);
let lastTraceIdHex = '';

export class WireReader {
  readonly buf: Buffer;
  /** For 64-bit reads: one BigInt from the builtin instead of four from lo/hi. */
  private readonly view: DataView;
  pos = 0;
  /** Low and high 32 bits of the last varint64 read, unsigned. */
  lo = 0;
  hi = 0;
  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** An unsigned fixed64 (nanosecond times) as a bigint. */
  fixed64Big(end: number): bigint {
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  fail(what: string): never {
    throw new MalformedOtlpError(`Malformed OTLP protobuf at byte ${this.pos}: ${what}`);
  }

  varint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    // Up to 10 bytes: negative int32 values are sign-extended to 64 bits on the wire.
    for (let i = 0; i < 10; i++) {
      if (pos >= end) this.fail('truncated varint');
      const b = buf[pos++];
      if (shift < 32) result |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    this.fail('varint longer than 10 bytes');
  }

  /** Reads a 64-bit varint into lo/hi. */
  varint64(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) this.fail('truncated varint');
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= end) this.fail('truncated varint');
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x70) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; shift < 32; shift += 7) {
        if (pos >= end) this.fail('truncated varint');
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      if (b >= 0x80) this.fail('varint longer than 10 bytes');
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** Signed int64 from lo/hi: a number when it is a safe integer, else a bigint. */
  int64Value(): number | bigint {
    const hi = this.hi;
    const lo = this.lo;
    if (hi === 0) return lo;
    if (hi === 0xffffffff && lo !== 0) return lo - 0x100000000;
    if (hi < 0x200000) return hi * 0x100000000 + lo;
    const big = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }

  /** Reads a length prefix and returns the end offset of the field, checked against the enclosing end. */
  lengthEnd(end: number): number {
    const len = this.varint32(end);
    const fieldEnd = this.pos + len;
    if (fieldEnd > end) this.fail('length exceeds enclosing message');
    return fieldEnd;
  }

  string(end: number): string {
    const fieldEnd = this.lengthEnd(end);
    const start = this.pos;
    this.pos = fieldEnd;
    return this.stringAt(start, fieldEnd);
  }

  stringAt(start: number, end: number): string {
    return end > start ? this.buf.toString('utf8', start, end) : '';
  }

  /**
   * Keys, names and other short strings repeat on nearly every span: a byte-hash
   * cache shared across requests returns the same string without allocating one,
   * which also makes held spans share their key strings.
   */
  internedString(end: number): string {
    const fieldEnd = this.lengthEnd(end);
    const start = this.pos;
    this.pos = fieldEnd;
    const len = fieldEnd - start;
    if (len === 0) return '';
    if (len > INTERN_MAX_LENGTH) return this.buf.toString('utf8', start, fieldEnd);
    const buf = this.buf;
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < fieldEnd; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = h & (INTERN_SLOTS - 1);
    const cached = internBytes[slot];
    if (cached !== undefined && cached.length === len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (cached[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return internStrings[slot];
    }
    const s = buf.toString('utf8', start, fieldEnd);
    // Cached from the second sighting on, so a value unique to one span (a URL, an id) neither
    // pays for a copy of its bytes nor pushes a recurring key out of its slot.
    if (internSeen[slot] !== h) {
      internSeen[slot] = h;
      return s;
    }
    // A copy: the cache outlives the request buffer.
    internBytes[slot] = new Uint8Array(buf.subarray(start, fieldEnd));
    internStrings[slot] = s;
    return s;
  }

  /** Hex of a bytes field; '' when empty, undefined when the length is not `expected` or all bytes are zero. */
  idHex(end: number, expected: number): string | undefined {
    const fieldEnd = this.lengthEnd(end);
    const start = this.pos;
    this.pos = fieldEnd;
    const len = fieldEnd - start;
    if (len === 0) return '';
    if (len !== expected) return undefined;
    const buf = this.buf;
    let any = 0;
    for (let i = start; i < fieldEnd; i++) any |= buf[i];
    if (any === 0) return undefined;
    if (len !== TRACE_ID_BYTES) return buf.toString('hex', start, fieldEnd);
    // Spans of one trace tend to come together: they share its id's string.
    let same = lastTraceIdHex !== '';
    for (let k = 0; same && k < TRACE_ID_BYTES; k++) same = buf[start + k] === lastTraceId[k];
    if (same) return lastTraceIdHex;
    lastTraceId.set(buf.subarray(start, fieldEnd));
    return (lastTraceIdHex = buf.toString('hex', start, fieldEnd));
  }

  bytes(end: number): Uint8Array {
    const fieldEnd = this.lengthEnd(end);
    // A copy: the request buffer must not be retained by the store through a view.
    const out = new Uint8Array(this.buf.subarray(this.pos, fieldEnd));
    this.pos = fieldEnd;
    return out;
  }

  double(end: number): number {
    if (this.pos + 8 > end) this.fail('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  skip(wireType: number, end: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64(end);
        return;
      case WIRE_I64:
        if (this.pos + 8 > end) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd(end);
        return;
      case WIRE_I32:
        if (this.pos + 4 > end) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
  }

  expect(wireType: number, actual: number, field: string): void {
    if (wireType !== actual) this.fail(`field ${field} has wire type ${actual}, expected ${wireType}`);
  }
}
