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
import type { Resource, Span } from '../model/trace';
import type { SkimmedTraces } from '../waterfall/layout';
import { ConversionContext, type ConversionLimits } from './conversionContext';
import { convertProcess, convertSpan } from './jaegerJson';
import { byBytes, containsLowerCase, indexOfLowerCase, isPlain, plainTagsMatch, tagStartBefore } from './jaegerSkimSearch';
import { JaegerTagScanner } from './jaegerSkimTags';
import { bytesOf, CLOSE_ARRAY, CLOSE_OBJECT, COLON, GIVE_UP, giveUp, OPEN_ARRAY, OPEN_OBJECT } from './jsonByteScanner';
import { assembleTraces } from './traceAssembly';
import { asArray, isRecord } from './wireValues';

const TOP_KEYS = ['data', 'total', 'limit', 'offset', 'errors'].map(bytesOf);
const TRACE_KEYS = ['traceID', 'spans', 'processes', 'warnings'].map(bytesOf);
/** The span fields convertSpan reads, besides tags and logs. */
const SPAN_FIELDS = ['traceID', 'spanID', 'operationName', 'references', 'startTime', 'duration', 'processID', 'parentSpanID', 'process', 'warnings'];
const SPAN_KEYS = [...SPAN_FIELDS, 'tags', 'logs'].map(bytesOf);
const TAGS = SPAN_FIELDS.length;
const LOGS = TAGS + 1;
const SPAN_ID = 1;
const REFERENCES = 3;
/** Attributes a span with no decoded attributes shares (they come from `spans.full`). */
const NOT_DECODED = Object.freeze({}) as Span['attributes'];
const RUN_EVERY_BYTES = 16 * 1024;
/**
 * Zeroed bytes kept after the bytes received, more than the scanner looks ahead (an escape, a
 * literal, a key): past the end it reads a zero, which no JSON token takes, rather than past the
 * end of the array. In V8 a typed-array read out of bounds deoptimizes the code that made it, and
 * a skim that met one at every chunk's end took ~1.65× as long as the same skim of the whole answer.
 */
const ZEROED_ROOM = 64;
/** Numbers in `ranges` per span: the span's bytes, then its tags array's (-1 without one). */
const RANGE_FIELDS = 4;

/** The document, trace by trace and span by span, over the scanners of jsonByteScanner.ts and jaegerSkimTags.ts. */
class Skim extends JaegerTagScanner {
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

  /** The bytes received so far and zeros after them (ZEROED_ROOM), for another scan that follows them as they arrive. */
  paddedBytes(): Buffer {
    return this.buf.subarray(0, this.length + ZEROED_ROOM);
  }

  /** Appends `chunk` to the bytes and reads what they now complete. */
  add(chunk: Uint8Array): void {
    if (this.length + chunk.byteLength + ZEROED_ROOM > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.length + chunk.byteLength + 64 * 1024));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    this.buf.set(chunk, this.length);
    this.length += chunk.byteLength;
    this.buf.fill(0, this.length, this.length + ZEROED_ROOM);
    // A span cut by the end of the bytes is read again from its start: not after every tiny chunk.
    if (this.length - this.readTo < RUN_EVERY_BYTES) return;
    this.readTo = this.length;
    this.run(this.buf, false, this.length);
  }

  /** The last byte is in (or `whole` is the document): the traces, or undefined when it gave up. */
  finish(whole?: Uint8Array): SkimmedTraces | undefined {
    if (whole) {
      this.buf = Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength);
      this.length = whole.byteLength;
    }
    this.run(this.buf, true, this.length);
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

  /** The scan reads `bytes` up to `n`; after it (the zeroed room) it finds no JSON and gives up. */
  private run(bytes: Buffer, final: boolean, n: number): void {
    if (this.failed || this.done) return;
    this.skim.setBytes(bytes, final, n);
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
