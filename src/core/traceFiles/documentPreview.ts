/**
 * The spans complete in the first bytes of a trace document, so the waterfall can show rows
 * while the rest is still arriving or being parsed. A byte-level scan of the prefix finds each
 * span object that closes within it (tracking strings, escapes and nesting, and the keys of the
 * shallow levels), and the span objects are given to the same converters as whole documents, in
 * a document of the same format. What cannot be known from a prefix stays unknown: a Jaeger
 * answer lists its processes (the services) after its spans. OTLP protobuf arrives in whole
 * messages from Jaeger's gRPC API, and over HTTP (Tempo) in chunks that end anywhere: its first
 * spans are decoded from the whole spans the first bytes hold.
 */
import { ConversionContext } from '../backends/conversionContext';
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, Q as QUOTE } from '../backends/jsonByteScanner';
import { assembleTraces } from '../backends/traceAssembly';
import type { Trace } from '../model/trace';
import { decodeOtlpProtobufFirst } from '../receiver/otlpProtobufDecoder';
import { lengthDelimited, WIRE_LEN, WireReader } from '../receiver/protobufWire';
import { tracesFromDocument } from './loadTraceFile';
import { detectDocumentFormat } from './traceFileFormat';

/**
 * Enough bytes for more than a screenful of spans (100-150 of ~1 kB each), few enough that
 * scanning, converting and laying them out stays well under the worker's own start-up (~75 ms).
 */
export const PREVIEW_PREFIX_BYTES = 128 * 1024;

/** Keys are read only this deep: spans sit at depth ≤ 6 in every format (OTLP: resourceSpans[].scopeSpans[].spans[]). */
const KEY_DEPTH = 8;

interface Level {
  isArray: boolean;
  /** The key this container has in its parent object; '[]' for an array element; '' at the top. */
  key: string;
  start: number;
  /** Index of the resourceSpans element this level is inside, -1 outside one. */
  group: number;
}

interface Found {
  spans: { start: number; end: number; group: number }[];
  /** Resource objects of resourceSpans elements, by group. */
  resources: Map<number, { start: number; end: number }>;
  /** Spans under resourceSpans/batches (OTLP, Tempo). */
  otlp: boolean;
  /** Spans in a "spans" list outside resourceSpans (Jaeger's traces). */
  jaeger: boolean;
  /** The document is a list (Zipkin's spans, or Jaeger's bare list of traces). */
  topArray: boolean;
}

const decoder = new TextDecoder();

function scan(bytes: Uint8Array): Found {
  const found: Found = { spans: [], resources: new Map(), otlp: false, jaeger: false, topArray: false };
  const stack: Level[] = [];
  let inString = false;
  let stringStart = 0;
  let lastString = '';
  let expectKey = false;
  let pendingKey = '';
  let groups = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) {
        inString = false;
        // Only keys of shallow levels are ever looked at; decoding every value would cost the scan.
        if (expectKey && stack.length <= KEY_DEPTH) lastString = decoder.decode(bytes.subarray(stringStart, i));
      }
      continue;
    }
    switch (b) {
      case QUOTE:
        inString = true;
        stringStart = i + 1;
        break;
      case COLON:
        pendingKey = lastString;
        expectKey = false;
        break;
      case COMMA: {
        const top = stack[stack.length - 1];
        expectKey = top !== undefined && !top.isArray;
        break;
      }
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        const parent = stack[stack.length - 1];
        const key = parent === undefined ? '' : parent.isArray ? '[]' : pendingKey;
        let group = parent?.group ?? -1;
        // An element of resourceSpans (or Tempo's batches) starts a group: its resource and spans belong together.
        if (parent?.isArray && (parent.key === 'resourceSpans' || parent.key === 'batches') && b === OPEN_OBJECT) {
          group = groups++;
          found.otlp = true;
        }
        if (stack.length === 0 && b === OPEN_ARRAY) found.topArray = true;
        stack.push({ isArray: b === OPEN_ARRAY, key, start: i, group });
        expectKey = b === OPEN_OBJECT;
        pendingKey = '';
        break;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY: {
        const level = stack.pop();
        if (!level || level.isArray) break;
        const parent = stack[stack.length - 1];
        if (parent?.isArray && parent.key === 'spans') {
          found.spans.push({ start: level.start, end: i + 1, group: level.group });
          if (level.group < 0) found.jaeger = true;
        }
        else if (level.key === 'resource' && level.group >= 0) found.resources.set(level.group, { start: level.start, end: i + 1 });
        else if (found.topArray && parent?.isArray && stack.length <= 2) found.spans.push({ start: level.start, end: i + 1, group: -1 });
        break;
      }
    }
  }
  return found;
}

const parse = (bytes: Uint8Array, r: { start: number; end: number }): unknown => JSON.parse(decoder.decode(bytes.subarray(r.start, r.end)));

/**
 * The traces formed by the spans complete in `prefix` (the start of a document in any format
 * loadTraceFile reads), or undefined when none is complete yet or the prefix is no known layout.
 * Never throws: a preview that cannot be made is simply not shown.
 */
export function previewTraces(prefix: Uint8Array, source: string): Trace[] | undefined {
  try {
    const found = scan(prefix);
    if (found.spans.length === 0) return undefined;
    let doc: unknown;
    if (found.otlp) {
      const groups = new Map<number, unknown[]>();
      for (const s of found.spans) {
        let list = groups.get(s.group);
        if (!list) groups.set(s.group, (list = []));
        list.push(parse(prefix, s));
      }
      doc = {
        resourceSpans: [...groups].map(([group, spans]) => {
          const resource = found.resources.get(group);
          return { resource: resource ? parse(prefix, resource) : {}, scopeSpans: [{ spans }] };
        }),
      };
    } else if (found.jaeger) {
      const spans = found.spans.map((s) => parse(prefix, s));
      doc = { data: [{ spans, processes: {} }] };
    } else {
      doc = found.spans.map((s) => parse(prefix, s));
    }
    const format = detectDocumentFormat(doc);
    if (!format) return undefined;
    const traces = tracesFromDocument(format, doc, source);
    // Jaeger names its processes (the services) after the spans: none is known yet, say nothing rather than "unknown".
    if (format === 'jaeger') for (const t of traces) for (const s of t.spans) s.resource = { ...s.resource, serviceName: '' };
    return traces.length > 0 ? traces : undefined;
  } catch {
    return undefined;
  }
}

/** A screenful of spans and more, as many as the JSON preview's prefix holds. */
const PROTOBUF_PREVIEW_SPANS = 200;

/** The first byte of OTLP protobuf trace data: field 1 (resource_spans), length-delimited. JSON never starts so but with a newline. */
export const OTLP_PROTOBUF_FIRST_BYTE = 0x0a;

/**
 * The traces of the first spans of OTLP protobuf trace data, whole messages or the first bytes
 * of one, or undefined when `bytes` are no such data. Never throws, like previewTraces.
 */
export function previewOtlpProtobuf(bytes: Uint8Array): Trace[] | undefined {
  if (bytes[0] !== OTLP_PROTOBUF_FIRST_BYTE) return undefined;
  // A big message (Jaeger's gRPC answer holds the whole trace in one) is cut to its first bytes:
  // finding its first spans in all of it walked every span's header, 45-70 ms at 100k spans.
  const head = bytes.byteLength > PREVIEW_PREFIX_BYTES ? bytes.subarray(0, PREVIEW_PREFIX_BYTES) : undefined;
  // Whole messages decode as they are; bytes that end inside one, as the whole spans they hold.
  const candidates = head ? [() => wholeSpansOf(head), () => bytes] : [() => bytes, () => wholeSpansOf(bytes)];
  for (const candidate of candidates) {
    try {
      const whole = candidate();
      if (!whole) continue;
      const { spans } = decodeOtlpProtobufFirst(whole, PROTOBUF_PREVIEW_SPANS);
      if (spans.length > 0) return assembleTraces(spans, new ConversionContext());
    } catch {
      // Not whole messages, or no protobuf: the next candidate.
    }
  }
  return undefined;
}

/** A field's tag, length and payload, when the bytes hold all of them. */
interface Field {
  number: number;
  /** Where the tag starts and the payload starts and ends; `end` may lie past the bytes. */
  at: number;
  payload: number;
  end: number;
}

/** The length-delimited field at the reader, undefined for another kind or when its tag or length is cut. */
function fieldAt(r: WireReader, limit: number): Field | undefined {
  const at = r.pos;
  let tag: number;
  let length: number;
  try {
    tag = r.varint32(limit);
    if ((tag & 7) !== WIRE_LEN) return undefined;
    length = r.varint32(limit);
  } catch {
    return undefined;
  }
  const field = { number: tag >>> 3, at, payload: r.pos, end: r.pos + length };
  r.pos = Math.min(field.end, limit);
  return field;
}

/**
 * The first bytes of OTLP protobuf trace data cut down to the spans they hold whole, as a valid
 * message: the message and list that the bytes end inside get the lengths of what is left of them.
 * Resources and scopes are kept when whole; anything else the cut leaves is dropped.
 */
function wholeSpansOf(bytes: Uint8Array): Uint8Array | undefined {
  const r = new WireReader(bytes);
  const n = bytes.length;
  const parts: Buffer[] = [];
  const copy = (f: Field) => Buffer.from(bytes.subarray(f.at, f.end));
  while (r.pos < n) {
    const resourceSpans = fieldAt(r, n);
    if (!resourceSpans || resourceSpans.number !== 1) break;
    if (resourceSpans.end <= n) { parts.push(copy(resourceSpans)); continue; }
    // The resource spans the bytes end inside: its whole fields, and the whole spans of its last scope spans.
    const inner: Buffer[] = [];
    r.pos = resourceSpans.payload;
    while (r.pos < n) {
      const f = fieldAt(r, n);
      if (!f) break;
      if (f.end <= n) { inner.push(copy(f)); continue; }
      if (f.number !== 2) break;
      const spans: Buffer[] = [];
      r.pos = f.payload;
      while (r.pos < n) {
        const g = fieldAt(r, n);
        if (!g || g.end > n) break;
        spans.push(copy(g));
      }
      if (spans.length > 0) inner.push(lengthDelimited(2, Buffer.concat(spans)));
      break;
    }
    if (inner.length > 0) parts.push(lengthDelimited(1, Buffer.concat(inner)));
    break;
  }
  return parts.length > 0 ? Buffer.concat(parts) : undefined;
}
