import type {
  ConnectionInfo,
  GetTraceOptions,
  TraceBackend,
  TraceQuery,
  TraceSummary,
} from '../backends/traceBackend';
import { normalizeTraceId } from '../model/ids';
import type { InstrumentationScope, Resource, Span, Trace } from '../model/trace';
import { spanDurationNs } from '../model/trace';
import { estimateSpanBytes } from './spanSize';
import { Emitter } from './emitter';
import type { Event } from './emitter';
import { decodeOtlpJson } from './otlpJsonDecoder';
import { encodeAttributes, encodeOtlpJsonRequestParts, encodeSpan } from './otlpJsonEncoder';
import { ReceiverTraceNotFoundError } from '../errors';
import { MalformedOtlpError } from './receiverErrors';
import { runSliced, runSync, SLICE_MS, type SliceClock, type Steps } from '../timeSlicing';
import { countOf } from '../text/plural';

export interface SpanStoreOptions {
  /** Spans held at most; whole traces are evicted, least recently received first. Default 100,000. */
  maxSpans?: number;
  /**
   * Estimated heap the held spans may use (see spanSize.ts); whole traces are evicted
   * beyond it too, so a few huge spans cannot exhaust memory. Default 256 MiB.
   */
  maxBytes?: number;
  /** How long change notifications are coalesced. Default 250 ms. */
  changeDebounceMs?: number;
}

export interface SpanStoreChange {
  spansAdded: number;
  tracesEvicted: number;
  /** Traces that received spans since the last notification (at most 1,000; `truncated` says when more). */
  traceIds: string[];
  truncated: boolean;
}

export interface SpanStoreCounters {
  /** Spans accepted into the store since it was created (duplicates excluded). */
  spansReceived: number;
  /** Spans the decoders rejected (invalid ids, bad field types). */
  spansRejected: number;
  /** Spans whose span id was already held in their trace. */
  spansDuplicate: number;
  /** Spans dropped because one trace alone exceeded maxSpans or maxBytes. */
  spansDropped: number;
  spansEvicted: number;
  tracesEvicted: number;
  spansHeld: number;
  tracesHeld: number;
  /** Estimated heap bytes of the held spans. */
  bytesHeld: number;
}

interface TraceEntry {
  traceId: string;
  /** By span id: dedupes spans that arrive twice (SDK retries, overlapping batches). */
  spans: Map<string, Span>;
  startNs: bigint;
  endNs: bigint;
  errorCount: number;
  /** Estimated bytes of the trace's spans. */
  bytes: number;
  /** Spans refused because the trace alone exceeded maxSpans or maxBytes. */
  dropped: number;
}

/** Saved form: OTLP/JSON plus the order traces were received in, so eviction order survives a reload. */
interface StoreSnapshot {
  traceLensSpanStore: 1;
  savedAtMs: number;
  traceOrder: string[];
  request: unknown;
}

export const DEFAULT_MAX_SPANS = 100_000;
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_SNAPSHOT_MAX_BYTES = 16 * 1024 * 1024;
const MAX_CHANGE_TRACE_IDS = 1000;
const MAX_INTERNED = 1000;

/**
 * The local receiver's bounded, indexed span store; the `local` TraceBackend.
 * Holds at most maxSpans spans and about maxBytes of them, evicting whole traces
 * by last-received time, so memory is bounded whatever a sender does (each
 * request is bounded by the receiver's body cap).
 */
export class SpanStore implements TraceBackend {
  readonly type = 'local' as const;
  private maxSpansValue: number;
  readonly maxBytes: number;
  private readonly debounceMs: number;
  /** Insertion order = least recently received first: touched traces are re-inserted at the end. */
  private readonly traces = new Map<string, TraceEntry>();
  private readonly byService = new Map<string, Map<string, number>>();
  private readonly operationsByService = new Map<string, Map<string, number>>();
  private readonly resources = new Map<string, Resource>();
  private readonly scopes = new Map<string, InstrumentationScope>();
  /** Decoders share one Resource/scope object per batch: intern each object once, not once per span. */
  private readonly internedResource = new WeakMap<Resource, Resource>();
  private readonly internedScope = new WeakMap<InstrumentationScope, InstrumentationScope>();
  /** serialize()'s text of each span (or of its redacted copy), kept as long as the span is. */
  private readonly encodedSpans = new WeakMap<Span, string>();
  private spansHeld = 0;
  private bytesHeld = 0;
  private readonly counters = {
    spansReceived: 0,
    spansRejected: 0,
    spansDuplicate: 0,
    spansDropped: 0,
    spansEvicted: 0,
    tracesEvicted: 0,
  };
  private readonly changeEmitter = new Emitter<SpanStoreChange>();
  private pending: { spansAdded: number; tracesEvicted: number; traceIds: Set<string>; truncated: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Debounced: fires at most once per changeDebounceMs while spans keep arriving. */
  readonly onDidChange: Event<SpanStoreChange> = this.changeEmitter.event;

  constructor(options: SpanStoreOptions = {}) {
    this.maxSpansValue = Math.max(1, Math.floor(options.maxSpans ?? DEFAULT_MAX_SPANS));
    this.maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.debounceMs = options.changeDebounceMs ?? 250;
  }

  get maxSpans(): number {
    return this.maxSpansValue;
  }

  /** Applies a changed `traceLens.local.maxSpans` without dropping the store: evicts oldest traces down to the new bound. */
  setMaxSpans(maxSpans: number): void {
    this.maxSpansValue = Math.max(1, Math.floor(maxSpans));
    let evicted = 0;
    while (this.spansHeld > this.maxSpansValue) {
      const oldest = this.traces.values().next().value as TraceEntry | undefined;
      if (!oldest) break;
      this.evict(oldest);
      evicted++;
    }
    if (evicted > 0) this.noteChange(0, evicted, new Set());
  }

  get counts(): Readonly<SpanStoreCounters> {
    return { ...this.counters, spansHeld: this.spansHeld, tracesHeld: this.traces.size, bytesHeld: this.bytesHeld };
  }

  noteRejectedSpans(count: number): void {
    this.counters.spansRejected += count;
  }

  /** Adds decoded spans; spans of a trace already held join it. */
  addSpans(spans: readonly Span[]): void {
    let added = 0;
    let evicted = 0;
    const touched = new Set<string>();
    const tracesOfService = new IndexUpdate(this.byService, 1);
    const operations = new IndexUpdate(this.operationsByService, 1);
    for (const span of spans) {
      let entry = this.traces.get(span.traceId);
      if (entry && entry.spans.has(span.spanId)) {
        this.counters.spansDuplicate++;
        continue;
      }
      if (!touched.has(span.traceId)) {
        touched.add(span.traceId);
        if (entry) {
          this.traces.delete(span.traceId);
          this.traces.set(span.traceId, entry);
        }
      }
      const bytes = estimateSpanBytes(span);
      while (this.spansHeld >= this.maxSpansValue || this.bytesHeld + bytes > this.maxBytes) {
        const oldest = this.traces.values().next().value as TraceEntry | undefined;
        if (!oldest || oldest === entry) break;
        // The counts of spans added so far are applied before an eviction takes counts off.
        tracesOfService.flush();
        operations.flush();
        this.evict(oldest);
        evicted++;
      }
      if (this.spansHeld >= this.maxSpansValue || this.bytesHeld + bytes > this.maxBytes) {
        // Only this trace is left and it alone fills the store: keep what it has.
        if (entry) entry.dropped++;
        this.counters.spansDropped++;
        continue;
      }
      if (!entry) {
        entry = { traceId: span.traceId, spans: new Map(), startNs: span.startTimeUnixNano, endNs: span.endTimeUnixNano, errorCount: 0, bytes: 0, dropped: 0 };
        this.traces.set(span.traceId, entry);
      }
      this.insert(entry, span);
      const service = span.resource.serviceName;
      tracesOfService.add(service, entry.traceId);
      operations.add(service, span.name);
      entry.bytes += bytes;
      this.bytesHeld += bytes;
      added++;
    }
    tracesOfService.flush();
    operations.flush();
    this.counters.spansReceived += added;
    if (added > 0 || evicted > 0) this.noteChange(added, evicted, touched);
  }

  private insert(entry: TraceEntry, span: Span): void {
    span.resource = this.internResource(span.resource);
    span.scope = this.internScope(span.scope);
    entry.spans.set(span.spanId, span);
    if (span.startTimeUnixNano < entry.startNs) entry.startNs = span.startTimeUnixNano;
    if (span.endTimeUnixNano > entry.endNs) entry.endNs = span.endTimeUnixNano;
    if (span.status.code === 'error') entry.errorCount++;
    this.spansHeld++;
  }

  private evict(entry: TraceEntry): void {
    this.traces.delete(entry.traceId);
    const tracesOfService = new IndexUpdate(this.byService, -1);
    const operations = new IndexUpdate(this.operationsByService, -1);
    for (const span of entry.spans.values()) {
      const service = span.resource.serviceName;
      tracesOfService.add(service, entry.traceId);
      operations.add(service, span.name);
    }
    tracesOfService.flush();
    operations.flush();
    this.spansHeld -= entry.spans.size;
    this.bytesHeld -= entry.bytes;
    this.counters.spansEvicted += entry.spans.size;
    this.counters.tracesEvicted++;
  }

  /** Batches with the same resource share one object across the whole store, not just per batch. */
  private internResource(resource: Resource): Resource {
    const seen = this.internedResource.get(resource);
    if (seen) return seen;
    const interned = this.internResourceByContent(resource);
    this.internedResource.set(resource, interned);
    return interned;
  }

  private internScope(scope: InstrumentationScope): InstrumentationScope {
    const seen = this.internedScope.get(scope);
    if (seen) return seen;
    const interned = this.internScopeByContent(scope);
    this.internedScope.set(scope, interned);
    return interned;
  }

  private internResourceByContent(resource: Resource): Resource {
    const key = JSON.stringify(encodeAttributes(resource.attributes));
    const known = this.resources.get(key);
    if (known) return known;
    if (this.resources.size >= MAX_INTERNED) this.resources.clear();
    this.resources.set(key, resource);
    return resource;
  }

  private internScopeByContent(scope: InstrumentationScope): InstrumentationScope {
    const key = JSON.stringify([scope.name, scope.version ?? '', scope.attributes ? encodeAttributes(scope.attributes) : null]);
    const known = this.scopes.get(key);
    if (known) return known;
    if (this.scopes.size >= MAX_INTERNED) this.scopes.clear();
    this.scopes.set(key, scope);
    return scope;
  }

  private noteChange(added: number, evicted: number, traceIds: Set<string>): void {
    const p = (this.pending ??= { spansAdded: 0, tracesEvicted: 0, traceIds: new Set(), truncated: false });
    p.spansAdded += added;
    p.tracesEvicted += evicted;
    for (const id of traceIds) {
      if (p.traceIds.size >= MAX_CHANGE_TRACE_IDS) {
        p.truncated = true;
        break;
      }
      p.traceIds.add(id);
    }
    if (this.timer) return;
    this.timer = setTimeout(() => this.flushChange(), this.debounceMs);
    // Pending notifications must not keep a test process or the extension host alive.
    this.timer.unref();
  }

  private flushChange(): void {
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    this.changeEmitter.fire({ spansAdded: p.spansAdded, tracesEvicted: p.tracesEvicted, traceIds: [...p.traceIds], truncated: p.truncated });
  }

  /** Every held trace id, least recently received first. */
  traceIds(): string[] {
    return [...this.traces.keys()];
  }

  /** Synchronous lookup for in-process consumers (stats, waterfall); undefined when not held. */
  peekTrace(traceId: string): Trace | undefined {
    const id = normalizeTraceId(traceId);
    const entry = id === undefined ? undefined : this.traces.get(id);
    if (!entry) return undefined;
    const trace: Trace = { traceId: entry.traceId, spans: [...entry.spans.values()], warnings: [] };
    if (entry.dropped > 0) {
      trace.partial = true;
      trace.warnings.push(
        `${entry.dropped} span(s) of this trace were dropped: it alone exceeds the local store's bounds (traceLens.local.maxSpans ${this.maxSpans}, ${Math.round(this.maxBytes / 1048576)} MiB).`,
      );
    }
    return trace;
  }

  async getTrace(traceId: string, _options?: GetTraceOptions): Promise<Trace> {
    const trace = this.peekTrace(traceId);
    if (!trace) {
      throw new ReceiverTraceNotFoundError(normalizeTraceId(traceId) ?? traceId, this.maxSpans);
    }
    return trace;
  }

  /** All held spans, oldest trace first: the input of the statistics aggregation. */
  *allSpans(): IterableIterator<Span> {
    for (const entry of this.traces.values()) yield* entry.spans.values();
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    signal?.throwIfAborted();
    const candidates: Iterable<string> = query.service !== undefined ? (this.byService.get(query.service)?.keys() ?? []) : this.traces.keys();
    const rangeStart = BigInt(Math.floor(query.range.startMs)) * 1_000_000n;
    const rangeEnd = BigInt(Math.ceil(query.range.endMs)) * 1_000_000n;
    const minNs = query.minDurationMs !== undefined ? query.minDurationMs * 1e6 : undefined;
    const maxNs = query.maxDurationMs !== undefined ? query.maxDurationMs * 1e6 : undefined;
    const tags = query.tags ? Object.entries(query.tags) : [];
    const spanFilter = query.service !== undefined || query.operation !== undefined || tags.length > 0 || minNs !== undefined || maxNs !== undefined;
    const matches: TraceEntry[] = [];
    for (const traceId of candidates) {
      const entry = this.traces.get(traceId);
      if (!entry) continue;
      if (entry.startNs > rangeEnd || entry.endNs < rangeStart) continue;
      if (query.errorsOnly && entry.errorCount === 0) continue;
      // Like Jaeger: one span must satisfy service, operation, tags and duration together.
      if (spanFilter) {
        let found = false;
        for (const span of entry.spans.values()) {
          if (query.service !== undefined && span.resource.serviceName !== query.service) continue;
          if (query.operation !== undefined && span.name !== query.operation) continue;
          const d = spanDurationNs(span);
          if (minNs !== undefined && d < minNs) continue;
          if (maxNs !== undefined && d > maxNs) continue;
          if (!tags.every(([k, v]) => tagMatches(span, k, v))) continue;
          found = true;
          break;
        }
        if (!found) continue;
      }
      matches.push(entry);
    }
    matches.sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0));
    return matches.slice(0, Math.max(0, query.limit)).map(summarize);
  }

  async services(): Promise<string[]> {
    return [...this.byService.keys()].sort();
  }

  async operations(service: string): Promise<string[]> {
    return [...(this.operationsByService.get(service)?.keys() ?? [])].sort();
  }

  async testConnection(): Promise<ConnectionInfo> {
    return { serverDescription: `Trace Lens local receiver (${countOf(this.spansHeld, 'span')} in ${countOf(this.traces.size, 'trace')})` };
  }

  clear(): void {
    for (const entry of [...this.traces.values()]) this.evict(entry);
    this.resources.clear();
    this.scopes.clear();
  }

  /**
   * A compact saved form (OTLP/JSON text, bigints as decimal strings) of the most
   * recently received traces that fit in maxBytes (default 16 MiB; whole traces only,
   * about 20k spans at typical sizes). Store it in a file under the extension's
   * storage folder; restore() reads it back. `transform` (e.g. SnapshotRedactor.redactSpan) maps
   * each span before it is encoded; the held spans are not changed.
   */
  serialize(maxBytes: number = DEFAULT_SNAPSHOT_MAX_BYTES, transform?: (span: Span) => Span): string {
    const parts: string[] = [];
    runSync(this.serializeSteps(maxBytes, transform, parts));
    return parts.join('');
  }

  /**
   * serialize() in slices (of `slicing` ms, or of a clock's, which then tells what the save cost),
   * the event loop turning between them (the extension host saves while spans keep arriving), as
   * pieces of text to write one after the other. Traces
   * that arrive or are evicted meanwhile may or may not be in it: a snapshot is a recent picture,
   * not an exact one.
   */
  async serializeSliced(maxBytes: number = DEFAULT_SNAPSHOT_MAX_BYTES, transform?: (span: Span) => Span, slicing: number | SliceClock = SLICE_MS): Promise<string[]> {
    const parts: string[] = [];
    await runSliced(this.serializeSteps(maxBytes, transform, parts), slicing);
    return parts;
  }

  /** Appends the snapshot's text to `parts`, piece by piece (joined, they are serialize()'s text). */
  private *serializeSteps(maxBytes: number, transform: ((span: Span) => Span) | undefined, parts: string[]): Steps<void> {
    const entries = [...this.traces.values()].reverse();
    const chosen: TraceEntry[] = [];
    const spans: Span[] = [];
    const encoded: string[] = [];
    let size = 200;
    for (const entry of entries) {
      yield;
      const traceSpans = transform ? [...entry.spans.values()].map(transform) : [...entry.spans.values()];
      const traceEncoded = traceSpans.map((s) => this.encodedSpan(s));
      const traceSize = traceEncoded.reduce((n, s) => n + s.length + 1, 0) + entry.traceId.length + 3;
      if (size + traceSize > maxBytes) break;
      size += traceSize;
      chosen.push(entry);
      spans.push(...traceSpans);
      encoded.push(...traceEncoded);
    }
    yield;
    // Resources and scopes are repeated once per group, not per span; the budget keeps a margin for them.
    const order = chosen.reverse().map((e) => e.traceId);
    parts.push(`{"traceLensSpanStore":1,"savedAtMs":${Date.now()},"traceOrder":${JSON.stringify(order)},"request":`);
    yield* encodeOtlpJsonRequestParts(spans, encoded, parts);
    parts.push('}');
  }

  /** A span's OTLP/JSON text, encoded once: spans never change, and a snapshot is saved again and again while spans arrive. */
  private encodedSpan(span: Span): string {
    let text = this.encodedSpans.get(span);
    if (text === undefined) {
      text = JSON.stringify(encodeSpan(span));
      this.encodedSpans.set(span, text);
    }
    return text;
  }

  /** Loads a serialize() snapshot; malformed snapshots throw MalformedOtlpError and leave the store as it was. */
  restore(snapshot: string): { spans: number; traces: number } {
    let parsed: StoreSnapshot;
    try {
      parsed = JSON.parse(snapshot) as StoreSnapshot;
    } catch (err) {
      throw new MalformedOtlpError(`Invalid span store snapshot: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || parsed.traceLensSpanStore !== 1 || !Array.isArray(parsed.traceOrder)) {
      throw new MalformedOtlpError('Not a Trace Lens span store snapshot (version 1)');
    }
    const decoded = decodeOtlpJson(parsed.request);
    const byTrace = new Map<string, Span[]>();
    for (const id of parsed.traceOrder) if (typeof id === 'string') byTrace.set(id, []);
    for (const span of decoded.spans) {
      let list = byTrace.get(span.traceId);
      if (!list) byTrace.set(span.traceId, (list = []));
      list.push(span);
    }
    const before = this.counters.spansReceived;
    const ordered: Span[] = [];
    for (const list of byTrace.values()) ordered.push(...list);
    this.addSpans(ordered);
    // Restored spans were counted when first received, in an earlier session.
    const restored = this.counters.spansReceived - before;
    this.counters.spansReceived = before;
    return { spans: restored, traces: [...byTrace.values()].filter((l) => l.length > 0).length };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.changeEmitter.dispose();
  }
}

/**
 * Counts spans into a two-level index (service → trace id or span name → spans), one map update
 * per run of equal pairs: a request's spans mostly come a trace and a service at a time.
 */
class IndexUpdate {
  private outer = '';
  private inner = '';
  private count = 0;
  constructor(
    private readonly index: Map<string, Map<string, number>>,
    private readonly sign: 1 | -1,
  ) {}

  add(outer: string, inner: string): void {
    if (this.count > 0 && outer === this.outer && inner === this.inner) {
      this.count++;
      return;
    }
    this.flush();
    this.outer = outer;
    this.inner = inner;
    this.count = 1;
  }

  flush(): void {
    if (this.count > 0) bump(this.index, this.outer, this.inner, this.sign * this.count);
    this.count = 0;
  }
}

function bump(index: Map<string, Map<string, number>>, outer: string, inner: string, delta: number): void {
  let m = index.get(outer);
  if (!m) {
    if (delta < 0) return;
    index.set(outer, (m = new Map()));
  }
  const n = (m.get(inner) ?? 0) + delta;
  if (n > 0) m.set(inner, n);
  else {
    m.delete(inner);
    if (m.size === 0) index.delete(outer);
  }
}

function tagMatches(span: Span, key: string, expected: string): boolean {
  const v = span.attributes[key] ?? span.resource.attributes[key];
  if (v === undefined || v === null) return false;
  if (typeof v === 'object') return false;
  return String(v) === expected;
}

function rootOf(entry: TraceEntry): Span | undefined {
  let root: Span | undefined;
  let orphan: Span | undefined;
  for (const span of entry.spans.values()) {
    if (!span.parentSpanId) {
      if (!root || span.startTimeUnixNano < root.startTimeUnixNano) root = span;
    } else if (!entry.spans.has(span.parentSpanId)) {
      if (!orphan || span.startTimeUnixNano < orphan.startTimeUnixNano) orphan = span;
    }
  }
  return root ?? orphan;
}

function summarize(entry: TraceEntry): TraceSummary {
  const root = rootOf(entry);
  const d = entry.endNs - entry.startNs;
  return {
    traceId: entry.traceId,
    rootServiceName: root?.resource.serviceName ?? '',
    rootName: root?.name ?? '',
    startTimeUnixNano: entry.startNs,
    durationMs: d > 0n ? Number(d) / 1e6 : 0,
    spanCount: entry.spans.size,
    errorCount: entry.errorCount,
  };
}
