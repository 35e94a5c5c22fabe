/*
 * Measures OTLP decoding candidates on one 100k-span ExportTraceServiceRequest:
 *   - the receiver's hand-written wire walker (src/core/receiver/otlpProtobufDecoder.ts),
 *   - a walker over @bufbuild/protobuf's BinaryReader straight into the model,
 *   - protobufjs (reflection, decode to message objects) with and without mapping to the model,
 *   - JSON.parse + the receiver's OTLP/JSON decoder on the same spans as OTLP/JSON.
 * Run: npx tsx bench/receiverLoadDecoders.ts [spanCount]   (each candidate in a fresh child process;
 * besides time, the heap one decoded body keeps per span)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import protobuf from 'protobufjs';
import { UNKNOWN_SERVICE } from '../src/core/model/trace';
import type { AttributeValue, Attributes, InstrumentationScope, Resource, Span, SpanEvent, SpanLink, SpanStatus } from '../src/core/model/trace';
import { serviceNameOf, spanKindFromOtlp, statusCodeFromOtlp } from '../src/core/receiver/otlpDecodeResult';
import { decodeOtlpJsonText } from '../src/core/receiver/otlpJsonDecoder';
import { decodeOtlpProtobuf } from '../src/core/receiver/otlpProtobufDecoder';
import { generateSdkSpans, toOtlpJson, toOtlpProtobuf } from './receiverLoadSpans';

export interface DecoderFigure {
  name: string;
  /** Median of the runs. */
  ms: number;
  spansPerSecond: number;
}

// ---- candidate: @bufbuild/protobuf BinaryReader walker ------------------------------------------

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function bufKeyValue(r: BinaryReader, end: number, into: Attributes): void {
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const [f, wt] = r.tag();
    if (f === 1) key = r.string();
    else if (f === 2) {
      const e = r.uint32() + r.pos;
      value = bufAnyValue(r, e);
    } else r.skip(wt);
  }
  into[key] = value;
}

function bufAnyValue(r: BinaryReader, end: number): AttributeValue {
  let v: AttributeValue = null;
  while (r.pos < end) {
    const [f, wt] = r.tag();
    switch (f) {
      case 1: v = r.string(); break;
      case 2: v = r.bool(); break;
      case 3: {
        const big = r.int64() as bigint;
        v = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
        break;
      }
      case 4: v = r.double(); break;
      case 5: {
        const e = r.uint32() + r.pos;
        const arr: AttributeValue[] = [];
        while (r.pos < e) {
          const [ff, w] = r.tag();
          if (ff === 1) arr.push(bufAnyValue(r, r.uint32() + r.pos));
          else r.skip(w);
        }
        v = arr;
        break;
      }
      case 6: {
        const e = r.uint32() + r.pos;
        const kv: Attributes = {};
        while (r.pos < e) {
          const [ff, w] = r.tag();
          if (ff === 1) bufKeyValue(r, r.uint32() + r.pos, kv);
          else r.skip(w);
        }
        v = kv;
        break;
      }
      case 7: v = r.bytes().slice(); break;
      default: r.skip(wt);
    }
  }
  return v;
}

function bufSpan(r: BinaryReader, end: number, resource: Resource, scope: InstrumentationScope): Span {
  let traceId = '', spanId = '', parent = '', name = '', kind = 0;
  let start = 0n, finish = 0n;
  const attributes: Attributes = {};
  const events: SpanEvent[] = [];
  const links: SpanLink[] = [];
  let status: SpanStatus = { code: 'unset' };
  while (r.pos < end) {
    const [f, wt] = r.tag();
    switch (f) {
      case 1: traceId = hex(r.bytes()); break;
      case 2: spanId = hex(r.bytes()); break;
      case 4: parent = hex(r.bytes()); break;
      case 5: name = r.string(); break;
      case 6: kind = r.int32(); break;
      case 7: start = BigInt(r.fixed64()); break;
      case 8: finish = BigInt(r.fixed64()); break;
      case 9: bufKeyValue(r, r.uint32() + r.pos, attributes); break;
      case 11: {
        const e = r.uint32() + r.pos;
        const ev: SpanEvent = { timeUnixNano: 0n, name: '', attributes: {} };
        while (r.pos < e) {
          const [ff, w] = r.tag();
          if (ff === 1) ev.timeUnixNano = BigInt(r.fixed64());
          else if (ff === 2) ev.name = r.string();
          else if (ff === 3) bufKeyValue(r, r.uint32() + r.pos, ev.attributes);
          else r.skip(w);
        }
        events.push(ev);
        break;
      }
      case 15: {
        const e = r.uint32() + r.pos;
        let code = 0, message = '';
        while (r.pos < e) {
          const [ff, w] = r.tag();
          if (ff === 2) message = r.string();
          else if (ff === 3) code = r.int32();
          else r.skip(w);
        }
        status = message ? { code: statusCodeFromOtlp(code), message } : { code: statusCodeFromOtlp(code) };
        break;
      }
      default: r.skip(wt);
    }
  }
  const span: Span = { traceId, spanId, name, kind: spanKindFromOtlp(kind), startTimeUnixNano: start, endTimeUnixNano: finish, attributes, events, links, status, resource, scope };
  if (parent) span.parentSpanId = parent;
  return span;
}

export function decodeWithBufbuildReader(bytes: Uint8Array): Span[] {
  const r = new BinaryReader(bytes);
  const out: Span[] = [];
  while (r.pos < r.len) {
    const [f, wt] = r.tag();
    if (f !== 1 || wt !== WireType.LengthDelimited) { r.skip(wt); continue; }
    const rsEnd = r.uint32() + r.pos;
    const resource: Resource = { serviceName: UNKNOWN_SERVICE, attributes: {} };
    while (r.pos < rsEnd) {
      const [f2, w2] = r.tag();
      if (f2 === 1) {
        const e = r.uint32() + r.pos;
        while (r.pos < e) {
          const [f3, w3] = r.tag();
          if (f3 === 1) bufKeyValue(r, r.uint32() + r.pos, resource.attributes);
          else r.skip(w3);
        }
        resource.serviceName = serviceNameOf(resource.attributes);
      } else if (f2 === 2) {
        const ssEnd = r.uint32() + r.pos;
        const scope: InstrumentationScope = { name: '' };
        while (r.pos < ssEnd) {
          const [f3, w3] = r.tag();
          if (f3 === 1) {
            const e = r.uint32() + r.pos;
            while (r.pos < e) {
              const [f4, w4] = r.tag();
              if (f4 === 1) scope.name = r.string();
              else if (f4 === 2) scope.version = r.string();
              else r.skip(w4);
            }
          } else if (f3 === 2) out.push(bufSpan(r, r.uint32() + r.pos, resource, scope));
          else r.skip(w3);
        }
      } else r.skip(w2);
    }
  }
  return out;
}

// ---- candidate: protobufjs (reflection) --------------------------------------------------------

const OTLP_DESCRIPTOR = {
  nested: {
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
    AnyValue: {
      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
        arrayValue: { type: 'ArrayValue', id: 5 },
        kvlistValue: { type: 'KeyValueList', id: 6 },
        bytesValue: { type: 'bytes', id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 }, droppedAttributesCount: { type: 'uint32', id: 2 } } },
    InstrumentationScope: { fields: { name: { type: 'string', id: 1 }, version: { type: 'string', id: 2 }, attributes: { rule: 'repeated', type: 'KeyValue', id: 3 } } },
    Event: { fields: { timeUnixNano: { type: 'fixed64', id: 1 }, name: { type: 'string', id: 2 }, attributes: { rule: 'repeated', type: 'KeyValue', id: 3 } } },
    Link: { fields: { traceId: { type: 'bytes', id: 1 }, spanId: { type: 'bytes', id: 2 }, traceState: { type: 'string', id: 3 }, attributes: { rule: 'repeated', type: 'KeyValue', id: 4 } } },
    Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
    Span: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        spanId: { type: 'bytes', id: 2 },
        traceState: { type: 'string', id: 3 },
        parentSpanId: { type: 'bytes', id: 4 },
        flags: { type: 'fixed32', id: 16 },
        name: { type: 'string', id: 5 },
        kind: { type: 'int32', id: 6 },
        startTimeUnixNano: { type: 'fixed64', id: 7 },
        endTimeUnixNano: { type: 'fixed64', id: 8 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 9 },
        droppedAttributesCount: { type: 'uint32', id: 10 },
        events: { rule: 'repeated', type: 'Event', id: 11 },
        droppedEventsCount: { type: 'uint32', id: 12 },
        links: { rule: 'repeated', type: 'Link', id: 13 },
        droppedLinksCount: { type: 'uint32', id: 14 },
        status: { type: 'Status', id: 15 },
      },
    },
    ScopeSpans: { fields: { scope: { type: 'InstrumentationScope', id: 1 }, spans: { rule: 'repeated', type: 'Span', id: 2 }, schemaUrl: { type: 'string', id: 3 } } },
    ResourceSpans: { fields: { resource: { type: 'Resource', id: 1 }, scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 }, schemaUrl: { type: 'string', id: 3 } } },
    ExportTraceServiceRequest: { fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } } },
  },
};

const pbRoot = protobuf.Root.fromJSON(OTLP_DESCRIPTOR);
const PbRequest = pbRoot.lookupType('ExportTraceServiceRequest');

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */
function pbLong(v: any): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (v && typeof v.low === 'number') return (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return 0n;
}

function pbValue(v: any): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined && v.stringValue !== null && v.value === 'stringValue') return v.stringValue;
  switch (v.value) {
    case 'boolValue': return v.boolValue;
    case 'intValue': return Number(pbLong(v.intValue));
    case 'doubleValue': return v.doubleValue;
    case 'arrayValue': return (v.arrayValue.values ?? []).map(pbValue);
    case 'kvlistValue': return pbAttrs(v.kvlistValue.values);
    case 'bytesValue': return v.bytesValue;
    default: return null;
  }
}

function pbAttrs(list: any[] | undefined): Attributes {
  const out: Attributes = {};
  if (list) for (const kv of list) out[kv.key] = pbValue(kv.value);
  return out;
}

export function decodeWithProtobufjs(bytes: Uint8Array, mapToModel: boolean): Span[] | unknown {
  const msg: any = PbRequest.decode(bytes);
  if (!mapToModel) return msg;
  const out: Span[] = [];
  for (const rs of msg.resourceSpans ?? []) {
    const attributes = pbAttrs(rs.resource?.attributes);
    const resource: Resource = { serviceName: serviceNameOf(attributes), attributes };
    for (const ss of rs.scopeSpans ?? []) {
      const scope: InstrumentationScope = { name: ss.scope?.name ?? '', version: ss.scope?.version };
      for (const s of ss.spans ?? []) {
        const span: Span = {
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          name: s.name,
          kind: spanKindFromOtlp(s.kind),
          startTimeUnixNano: pbLong(s.startTimeUnixNano),
          endTimeUnixNano: pbLong(s.endTimeUnixNano),
          attributes: pbAttrs(s.attributes),
          events: (s.events ?? []).map((e: any) => ({ timeUnixNano: pbLong(e.timeUnixNano), name: e.name, attributes: pbAttrs(e.attributes) })),
          links: [],
          status: { code: statusCodeFromOtlp(s.status?.code ?? 0) },
          resource,
          scope,
        };
        if (s.parentSpanId?.length) span.parentSpanId = hex(s.parentSpanId);
        out.push(span);
      }
    }
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---- measurement ----------------------------------------------------------------------------------
// Each candidate runs in its own fresh process (no heap left over from another
// candidate), with a warm-up run; wall and CPU time are both reported because the
// bench machine is shared and wall time swings with its load.

export interface DecoderFigureCpu extends DecoderFigure {
  /** Median process CPU time (user + system, all threads, GC included). */
  cpuMs: number;
  /** Heap the decoded spans keep, per span, after a GC (the input's bytes and text excluded). */
  heapPerSpanBytes: number;
}

type CandidateName = 'walker' | 'bufbuild' | 'protobufjs' | 'protobufjs-map' | 'json-decoder' | 'json-parse';

const CANDIDATES: Record<CandidateName, string> = {
  walker: 'hand-written wire walker (receiver)',
  bufbuild: '@bufbuild/protobuf BinaryReader walker → model',
  protobufjs: 'protobufjs decode (message objects only)',
  'protobufjs-map': 'protobufjs decode + map to model',
  'json-decoder': 'JSON.parse + OTLP/JSON decoder (same spans as JSON)',
  'json-parse': 'JSON.parse only (same spans as JSON)',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function candidateFn(name: CandidateName, pb: Buffer, jsonText: string): () => unknown {
  switch (name) {
    case 'walker':
      return () => decodeOtlpProtobuf(pb);
    case 'bufbuild':
      return () => decodeWithBufbuildReader(pb);
    case 'protobufjs':
      return () => decodeWithProtobufjs(pb, false);
    case 'protobufjs-map':
      return () => decodeWithProtobufjs(pb, true);
    case 'json-decoder':
      return () => decodeOtlpJsonText(jsonText);
    case 'json-parse':
      return () => JSON.parse(jsonText);
  }
}

/** Child side: times one candidate on the saved bodies and prints {wallMs, cpuMs} medians and the heap its result keeps. */
function timeCandidate(name: CandidateName, dir: string, runs: number, spanCount: number): void {
  const pb = readFileSync(path.join(dir, 'body.pb'));
  const jsonText = name.startsWith('json') ? readFileSync(path.join(dir, 'body.json'), 'utf8') : '';
  const fn = candidateFn(name, pb, jsonText);
  let keep: unknown = fn(); // warm-up: JIT and inline caches
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    keep = undefined; // let the previous result go before timing the next
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    keep = fn();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  // Started with --expose-gc: what one result holds once everything else is collected.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  keep = undefined;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  keep = fn();
  gc();
  gc();
  const heapPerSpanBytes = (process.memoryUsage().heapUsed - before) / spanCount;
  void keep;
  console.log(JSON.stringify({ wallMs: median(wall), cpuMs: median(cpu), heapPerSpanBytes }));
}

/** The candidates must agree before their speed means anything. */
function verifyAgreement(pbBuf: Buffer, jsonText: string, spanCount: number): void {
  const ours = decodeOtlpProtobuf(pbBuf).spans;
  const viaBuf = decodeWithBufbuildReader(pbBuf);
  const viaJson = decodeOtlpJsonText(jsonText).spans;
  if (ours.length !== spanCount || viaBuf.length !== spanCount || viaJson.length !== spanCount) throw new Error('decoders disagree on span count');
  if (ours[spanCount - 1].spanId !== viaBuf[spanCount - 1].spanId || ours[7].attributes['url.full'] !== viaJson[7].attributes['url.full']) {
    throw new Error('decoders disagree on content');
  }
}

export async function measureDecoders(spanCount = 100_000, runs = 5): Promise<{ protobufBytes: number; jsonBytes: number; figures: DecoderFigureCpu[] }> {
  let sdkSpans = await generateSdkSpans(spanCount);
  const pb = Buffer.from(toOtlpProtobuf(sdkSpans));
  const jsonText = Buffer.from(toOtlpJson(sdkSpans)).toString('utf8');
  sdkSpans = [];
  verifyAgreement(pb, jsonText, spanCount);
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-lens-decoders-'));
  try {
    writeFileSync(path.join(dir, 'body.pb'), pb);
    writeFileSync(path.join(dir, 'body.json'), jsonText);
    const figures: DecoderFigureCpu[] = [];
    for (const name of Object.keys(CANDIDATES) as CandidateName[]) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--candidate', name, dir, String(runs), String(spanCount)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const { wallMs, cpuMs, heapPerSpanBytes } = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { wallMs: number; cpuMs: number; heapPerSpanBytes: number };
      figures.push({ name: CANDIDATES[name], ms: wallMs, cpuMs, heapPerSpanBytes, spansPerSecond: Math.round(spanCount / (wallMs / 1000)) });
    }
    return { protobufBytes: pb.byteLength, jsonBytes: jsonText.length, figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  if (process.argv[2] === '--candidate') {
    timeCandidate(process.argv[3] as CandidateName, process.argv[4], Number(process.argv[5] ?? 5), Number(process.argv[6] ?? 100_000));
  } else {
    const count = Number(process.argv[2] ?? 100_000);
    void measureDecoders(count).then(({ protobufBytes, jsonBytes, figures }) => {
      console.log(`${count} spans: OTLP protobuf ${(protobufBytes / 1e6).toFixed(1)} MB (${Math.round(protobufBytes / count)} B/span), OTLP JSON ${(jsonBytes / 1e6).toFixed(1)} MB; 1-min load ${loadavg()[0].toFixed(1)}`);
      console.log(`${'candidate'.padEnd(55)} ${'wall ms'.padStart(8)} ${'CPU ms'.padStart(8)} ${'spans/s (wall)'.padStart(15)} ${'spans/s (CPU)'.padStart(14)} ${'heap B/span'.padStart(12)}`);
      for (const f of figures) {
        const perCpu = Math.round(count / (f.cpuMs / 1000));
        console.log(`${f.name.padEnd(55)} ${f.ms.toFixed(0).padStart(8)} ${f.cpuMs.toFixed(0).padStart(8)} ${f.spansPerSecond.toLocaleString('en-US').padStart(15)} ${perCpu.toLocaleString('en-US').padStart(14)} ${f.heapPerSpanBytes.toFixed(0).padStart(12)}`);
      }
    });
  }
}
