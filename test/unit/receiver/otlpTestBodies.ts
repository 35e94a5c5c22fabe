/*
 * Builds OTLP/protobuf request bodies field by field (with @bufbuild/protobuf's
 * BinaryWriter, independent of the decoder under test), for the edge cases real
 * SDKs do not produce: kvlist and bytes values, huge int64s, bad ids, odd field order.
 */
import assert from 'node:assert/strict';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { Span } from '../../../src/core/model/trace';
import { NO_EVENTS, NO_LINKS } from '../../../src/core/receiver/otlpDecodeResult';

export type TestAnyValue =
  | { s: string }
  | { b: boolean }
  | { i: bigint | number }
  | { d: number }
  | { bytes: Uint8Array }
  | { arr: TestAnyValue[] }
  | { kv: [string, TestAnyValue][] }
  | { empty: true };

export interface TestSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind?: number;
  start?: bigint;
  end?: bigint;
  attributes?: [string, TestAnyValue][];
  events?: { time: bigint; name: string; attributes?: [string, TestAnyValue][] }[];
  links?: { traceId: Uint8Array; spanId: Uint8Array; traceState?: string }[];
  status?: { code: number; message?: string };
  traceState?: string;
}

export function writeAnyValue(w: BinaryWriter, v: TestAnyValue): void {
  if ('s' in v) w.tag(1, WireType.LengthDelimited).string(v.s);
  else if ('b' in v) w.tag(2, WireType.Varint).bool(v.b);
  else if ('i' in v) w.tag(3, WireType.Varint).int64(v.i);
  else if ('d' in v) w.tag(4, WireType.Bit64).double(v.d);
  else if ('arr' in v) {
    w.tag(5, WireType.LengthDelimited).fork();
    for (const x of v.arr) {
      w.tag(1, WireType.LengthDelimited).fork();
      writeAnyValue(w, x);
      w.join();
    }
    w.join();
  } else if ('kv' in v) {
    w.tag(6, WireType.LengthDelimited).fork();
    writeKeyValues(w, 1, v.kv);
    w.join();
  } else if ('bytes' in v) w.tag(7, WireType.LengthDelimited).bytes(v.bytes);
}

export function writeKeyValues(w: BinaryWriter, field: number, kvs: [string, TestAnyValue][]): void {
  for (const [k, v] of kvs) {
    w.tag(field, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).string(k);
    w.tag(2, WireType.LengthDelimited).fork();
    writeAnyValue(w, v);
    w.join();
    w.join();
  }
}

export function writeSpan(w: BinaryWriter, s: TestSpan): void {
  w.tag(1, WireType.LengthDelimited).bytes(s.traceId);
  w.tag(2, WireType.LengthDelimited).bytes(s.spanId);
  if (s.traceState) w.tag(3, WireType.LengthDelimited).string(s.traceState);
  if (s.parentSpanId) w.tag(4, WireType.LengthDelimited).bytes(s.parentSpanId);
  w.tag(5, WireType.LengthDelimited).string(s.name);
  if (s.kind !== undefined) w.tag(6, WireType.Varint).int32(s.kind);
  w.tag(7, WireType.Bit64).fixed64(s.start ?? 1_700_000_000_000_000_000n);
  w.tag(8, WireType.Bit64).fixed64(s.end ?? 1_700_000_000_001_000_000n);
  writeKeyValues(w, 9, s.attributes ?? []);
  for (const e of s.events ?? []) {
    w.tag(11, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Bit64).fixed64(e.time);
    w.tag(2, WireType.LengthDelimited).string(e.name);
    writeKeyValues(w, 3, e.attributes ?? []);
    w.join();
  }
  for (const l of s.links ?? []) {
    w.tag(13, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).bytes(l.traceId);
    w.tag(2, WireType.LengthDelimited).bytes(l.spanId);
    if (l.traceState) w.tag(3, WireType.LengthDelimited).string(l.traceState);
    w.join();
  }
  if (s.status) {
    w.tag(15, WireType.LengthDelimited).fork();
    if (s.status.message) w.tag(2, WireType.LengthDelimited).string(s.status.message);
    w.tag(3, WireType.Varint).int32(s.status.code);
    w.join();
  }
}

export interface TestRequestOptions {
  resource?: [string, TestAnyValue][];
  scopeName?: string;
  /** Write the resource after the spans (legal on the wire, unusual in practice). */
  resourceLast?: boolean;
}

export function buildRequest(spans: TestSpan[], options: TestRequestOptions = {}): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork();
  const writeResource = (): void => {
    w.tag(1, WireType.LengthDelimited).fork();
    writeKeyValues(w, 1, options.resource ?? [['service.name', { s: 'test-service' }]]);
    w.join();
  };
  if (!options.resourceLast) writeResource();
  w.tag(2, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string(options.scopeName ?? 'test-scope');
  w.join();
  for (const s of spans) {
    w.tag(2, WireType.LengthDelimited).fork();
    writeSpan(w, s);
    w.join();
  }
  w.join();
  if (options.resourceLast) writeResource();
  w.join();
  return w.finish();
}

let counter = 1;
/** Unique, non-zero ids for tests. */
export function newTraceId(): Uint8Array {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0xabc00000 + counter++, 12);
  b[0] = 0x5a;
  return new Uint8Array(b);
}

export function newSpanId(): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(counter++, 4);
  b[0] = 0x7e;
  return new Uint8Array(b);
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/**
 * Two decoded spans without events or links (`a`, `b`) and one with a link hold the decoders' one
 * shared, frozen empty list each, and the linked one a list of its own.
 */
export function assertSharedEmptyLists(a: Span, b: Span, linked: Span): void {
  assert.equal(a.events, NO_EVENTS);
  assert.equal(b.events, NO_EVENTS);
  assert.equal(a.links, NO_LINKS);
  assert.equal(b.links, NO_LINKS);
  assert.ok(Object.isFrozen(NO_EVENTS) && Object.isFrozen(NO_LINKS), 'a writer fails loudly instead of adding to every span');
  assert.equal(linked.links.length, 1);
  assert.notEqual(linked.links, NO_LINKS);
  assert.equal(linked.events, NO_EVENTS);
}
