/**
 * The location table of the statistics: which code location each span belongs to, and the
 * accumulators per location and time slice (spanAggregator.ts feeds it, batch and live).
 */
import type { Span } from '../model/trace';
import { attributeInt, exceptionLocationOf, extractCodeLocation, locationKeyString, withRevision } from '../source/codeLocation';
import type { ExtractOptions, SpanLocation } from '../source/codeLocation';
import { LatencyAccumulator } from './latencyAccumulator';
import type { LocationStats } from './latencyStats';

const MAX_RAW_KEYS_FACTOR = 4;
const MAX_RAW_PER_NAME = 16;
const MAX_STACK_CACHE = 2_000;

interface RawKey {
  file: string;
  namespace: string;
  /** null: these raw strings do not make a code location (blank values); the span falls back to its name. */
  entry: LocationEntry | null;
}

export interface LocationEntry {
  keyString: string;
  location: SpanLocation;
  /** Slice id → accumulator. Batch aggregation uses 1 (current) and 0 (previous). */
  slices: Map<number, LatencyAccumulator>;
  exceptionHint?: SpanLocation;
  /** The slice the previous span went to: consecutive spans mostly share it, saving a Map lookup. */
  lastSliceId: number;
  lastSlice: LatencyAccumulator | undefined;
  /** Changed since `cached` was built. */
  dirty: boolean;
  cached?: LocationStats;
  cachedWindowEnd?: number;
}

/**
 * Maps spans to location entries with as little per-span work as possible: raw
 * `code.*` strings are looked up by function name, then compared (no key string
 * is built per span); stack traces are parsed once per distinct text.
 */
export class LocationTable {
  readonly byKey = new Map<string, LocationEntry>();
  /** Raw function name → the raw (file, namespace) pairs seen with it: one hash per span, then cheap `===` checks. */
  private readonly byRawFunction = new Map<string, RawKey[]>();
  /** Spans with a file but no function name. */
  private readonly byRawFile = new Map<string, RawKey[]>();
  private rawCount = 0;
  private readonly byName = new Map<string, LocationEntry>();
  private readonly stackCache = new Map<string, SpanLocation | null>();
  locationsDropped = 0;
  private readonly droppedKeys = new Set<string>();

  constructor(
    private readonly maxLocations: number,
    private readonly extract: ExtractOptions,
  ) {}

  entryFor(span: Span): LocationEntry | undefined {
    const a = span.attributes;
    let file = a['code.file.path'];
    if (typeof file !== 'string') file = a['code.filepath'];
    let fn = a['code.function.name'];
    if (typeof fn !== 'string') fn = a['code.function'];
    if (typeof file === 'string' || typeof fn === 'string') {
      const ns = a['code.namespace'];
      const f = typeof file === 'string' ? file : '';
      const h = typeof ns === 'string' ? ns : '';
      const index = typeof fn === 'string' ? this.byRawFunction : this.byRawFile;
      const indexKey = typeof fn === 'string' ? fn : f;
      let list = index.get(indexKey);
      let entry: LocationEntry | null | undefined;
      if (list !== undefined) {
        for (let i = 0; i < list.length; i++) {
          const r = list[i];
          if (r.file === f && r.namespace === h) {
            entry = r.entry;
            break;
          }
        }
      }
      if (entry === undefined) {
        const loc = extractCodeLocation(span, this.extract);
        entry = loc.source === 'code' ? this.entryForLocation(loc) : null;
        if (entry === undefined) return undefined;
        if (this.rawCount >= this.maxLocations * MAX_RAW_KEYS_FACTOR) this.clearRaw();
        list = index.get(indexKey);
        if (list === undefined) index.set(indexKey, (list = []));
        // A hostile sender could vary file names under one function name forever; keep scans short.
        if (list.length >= MAX_RAW_PER_NAME) list.shift();
        list.push({ file: f, namespace: h, entry });
        this.rawCount++;
      }
      if (entry !== null) {
        const line = a['code.line.number'] ?? a['code.lineno'];
        if (line !== undefined && line !== entry.location.lineNumber) {
          const n = attributeInt(line);
          // The newest line wins, with the revision it belongs to.
          if (n !== undefined && n !== entry.location.lineNumber) {
            const next = { ...entry.location, lineNumber: n };
            delete next.revision;
            entry.location = withRevision(next, span);
          }
        }
        return entry;
      }
    } else {
      const stack = a['code.stacktrace'];
      if (typeof stack === 'string') {
        let loc = this.stackCache.get(stack);
        if (loc === undefined) {
          const extracted = extractCodeLocation(span, this.extract);
          loc = extracted.source === 'code.stacktrace' ? extracted : null;
          if (this.stackCache.size >= MAX_STACK_CACHE) this.stackCache.clear();
          this.stackCache.set(stack, loc);
        }
        if (loc !== null) return this.entryForLocation(loc);
      }
    }
    let entry = this.byName.get(span.name);
    if (entry === undefined) {
      const e = this.entryForLocation({ spanName: span.name.slice(0, 1024), source: 'span.name' });
      if (e === undefined) return undefined;
      if (this.byName.size < this.maxLocations) this.byName.set(span.name, e);
      entry = e;
    }
    if (span.status.code === 'error' && span.events.length > 0) {
      const hint = exceptionLocationOf(span, this.extract);
      if (hint) entry.exceptionHint = hint;
    }
    return entry;
  }

  private entryForLocation(loc: SpanLocation): LocationEntry | undefined {
    const key = locationKeyString(loc);
    let entry = this.byKey.get(key);
    if (entry) {
      if (loc.lineNumber !== undefined && entry.location.lineNumber === undefined) entry.location = loc;
      return entry;
    }
    if (this.byKey.size >= this.maxLocations) {
      if (!this.droppedKeys.has(key) && this.droppedKeys.size < Math.max(this.maxLocations, 10_000)) {
        this.droppedKeys.add(key);
        this.locationsDropped++;
      }
      return undefined;
    }
    entry = { keyString: key, location: loc, slices: new Map(), lastSliceId: NaN, lastSlice: undefined, dirty: true };
    this.byKey.set(key, entry);
    return entry;
  }

  delete(entry: LocationEntry): void {
    this.byKey.delete(entry.keyString);
    if (entry.location.source === 'span.name' && entry.location.spanName !== undefined) this.byName.delete(entry.location.spanName);
    // Raw-string shortcuts may point at the deleted entry: drop them all (rare: only when a location empties).
    this.clearRaw();
  }

  private clearRaw(): void {
    this.byRawFunction.clear();
    this.byRawFile.clear();
    this.rawCount = 0;
  }
}

export function sliceOf(entry: LocationEntry, id: number, exemplars: number, create?: () => LatencyAccumulator): LatencyAccumulator {
  if (id === entry.lastSliceId && entry.lastSlice !== undefined) return entry.lastSlice;
  let acc = entry.slices.get(id);
  if (!acc) entry.slices.set(id, (acc = create ? create() : new LatencyAccumulator(exemplars)));
  entry.lastSliceId = id;
  entry.lastSlice = acc;
  return acc;
}
