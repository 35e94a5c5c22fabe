import type { Resource, Span } from '../model/trace';
import type { ExtractOptions } from '../source/codeLocation';
import { LocationTable, sliceOf, type LocationEntry } from './locationTable';
import { DEFAULT_EXEMPLARS, LatencyAccumulator } from './latencyAccumulator';
import type { SpanColumns } from './latencyAccumulator';
import { LOW_CONFIDENCE_SAMPLES, histogramOf, servicesByCount, summarizeAccumulator } from './latencyStats';
import type { LocationStats, StatsSnapshot } from './latencyStats';
import { EXACT_DDSKETCH } from './statsBasis';
import { InvalidLookbackError } from './statsErrors';
import { runSync, YIELD_MASK, type Steps } from '../timeSlicing';

export interface AggregationOptions {
  lookbackMs: number;
  /** Only spans of these services (`traceLens.serviceNames`); empty or absent = all. */
  services?: readonly string[];
  /** Distinct locations held at most; spans of further locations are counted as ignored. Default 10,000. */
  maxLocations?: number;
  /** Slowest spans kept per location. Default 3. */
  exemplars?: number;
  extract?: ExtractOptions;
}

export const DEFAULT_MAX_LOCATIONS = 10_000;
function checkLookback(ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidLookbackError(String(ms), 'not a positive duration');
}

const CHUNK_ROWS = 262_144;
const MAX_RESOURCE_IDS = 65_535;

/**
 * Spans of the batch path in columns, drained every CHUNK_ROWS rows: a counting
 * sort by accumulator turns per-span random updates of ~thousands of
 * accumulators into one sequential run per accumulator (about 2× faster on 1M
 * spans), with memory bounded by the chunk, not the input.
 */
class ColumnChunk {
  private readonly cols: SpanColumns = {
    durationNs: new Float64Array(CHUNK_ROWS),
    error: new Uint8Array(CHUNK_ROWS),
    resourceId: new Uint16Array(CHUNK_ROWS),
    spans: new Array<Span>(CHUNK_ROWS),
    resources: [],
  };
  private readonly accOf = new Int32Array(CHUNK_ROWS);
  private readonly order = new Int32Array(CHUNK_ROWS);
  private counts = new Int32Array(1024);
  private readonly resourceIds = new Map<Resource, number>();
  private readonly resourceList: Resource[] = [];
  private lastResource: Resource | undefined;
  private lastResourceId = 0;
  private n = 0;

  constructor() {
    this.cols.resources = this.resourceList;
  }

  /** Returns true when the chunk is full and must be drained. */
  push(span: Span, accId: number): boolean {
    const j = this.n++;
    const c = this.cols;
    const d = span.endTimeUnixNano - span.startTimeUnixNano;
    c.durationNs[j] = d > 0n ? Number(d) : 0;
    c.error[j] = span.status.code === 'error' ? 1 : 0;
    c.resourceId[j] = this.resourceIdOf(span.resource);
    c.spans[j] = span;
    this.accOf[j] = accId;
    return this.n === CHUNK_ROWS;
  }

  private resourceIdOf(r: Resource): number {
    if (r === this.lastResource) return this.lastResourceId;
    let id = this.resourceIds.get(r);
    if (id === undefined) {
      // Resources are interned per batch by decoders: thousands at most. Past the
      // id space, spans share the last id (their service counts merge; nothing else).
      id = Math.min(this.resourceList.length, MAX_RESOURCE_IDS);
      if (id === this.resourceList.length) {
        this.resourceList.push(r);
        this.resourceIds.set(r, id);
      }
    }
    this.lastResource = r;
    this.lastResourceId = id;
    return id;
  }

  /** Yields between accumulators every few thousand rows: draining a full chunk takes tens of ms. */
  *drainSteps(accs: readonly LatencyAccumulator[]): Steps<void> {
    const n = this.n;
    if (n === 0) return;
    const k = accs.length;
    if (this.counts.length < k + 1) this.counts = new Int32Array(Math.max(k + 1, this.counts.length * 2));
    const counts = this.counts;
    counts.fill(0, 0, k + 1);
    const accOf = this.accOf;
    for (let j = 0; j < n; j++) counts[accOf[j] + 1]++;
    for (let a = 0; a < k; a++) counts[a + 1] += counts[a];
    // counts[a] is now the first row of accumulator a; advance a copy while placing.
    const next = counts.slice(0, k);
    const order = this.order;
    for (let j = 0; j < n; j++) order[next[accOf[j]]++] = j;
    let rows = 0;
    for (let a = 0; a < k; a++) {
      const from = counts[a];
      const to = counts[a + 1];
      if (to === from) continue;
      accs[a].addRun(this.cols, order, from, to);
      rows += to - from;
      if (rows > YIELD_MASK) {
        rows = 0;
        yield;
      }
    }
    // Drop span references so a finished chunk does not keep spans alive.
    this.cols.spans.fill(undefined as unknown as Span, 0, n);
    this.n = 0;
  }
}

function serviceFilter(services: readonly string[] | undefined): ((r: Resource) => boolean) | undefined {
  if (!services || services.length === 0) return undefined;
  const set = new Set(services);
  let last: Resource | undefined;
  let lastOk = false;
  return (r) => {
    if (r !== last) {
      last = r;
      lastOk = set.has(r.serviceName);
    }
    return lastOk;
  };
}

function buildStats(entry: LocationEntry, current: LatencyAccumulator[], previous: LatencyAccumulator[], window: { startMs: number; endMs: number }, exemplars: number): LocationStats | undefined {
  const cur = mergeAll(current, exemplars);
  if (!cur || cur.count === 0) return undefined;
  const prev = mergeAll(previous, exemplars);
  const stats: LocationStats = {
    keyString: entry.keyString,
    location: entry.location,
    source: entry.location.source,
    basis: EXACT_DDSKETCH,
    window,
    current: summarizeAccumulator(cur),
    slowest: cur.slowest(),
    services: servicesByCount(cur.services),
    lowConfidence: cur.count < LOW_CONFIDENCE_SAMPLES,
  };
  if (prev && prev.count > 0) stats.previous = summarizeAccumulator(prev);
  const histogram = histogramOf(cur);
  if (histogram) stats.histogram = histogram;
  const latestError = cur.latestError();
  if (latestError) stats.latestError = latestError;
  if (entry.exceptionHint) stats.exceptionHint = entry.exceptionHint;
  return stats;
}

/** One accumulator as is; several merged into a fresh one (slices stay untouched). */
function mergeAll(accs: LatencyAccumulator[], exemplars: number): LatencyAccumulator | undefined {
  if (accs.length === 0) return undefined;
  if (accs.length === 1) return accs[0];
  const out = new LatencyAccumulator(exemplars);
  for (const a of accs) out.mergeFrom(a);
  return out;
}

function sortLocations(list: LocationStats[]): LocationStats[] {
  return list.sort((a, b) => b.current.count - a.current.count || (a.keyString < b.keyString ? -1 : 1));
}

/**
 * Aggregates spans into per-location statistics over `[now - lookback, now]`,
 * with the window of the same length before it for comparison. Spans are placed
 * by start time (as backends search); spans starting after `now` (clock skew)
 * count in the current window.
 */
export function aggregateSpans(spans: Iterable<Span>, options: AggregationOptions & { nowMs: number }): StatsSnapshot {
  return runSync(aggregateSpansSteps(spans, options));
}

/** aggregateSpans as resumable steps (see timeSlicing.ts): the extension host runs a pass over a big store in slices. */
export function* aggregateSpansSteps(spans: Iterable<Span>, options: AggregationOptions & { nowMs: number }): Steps<StatsSnapshot> {
  const L = options.lookbackMs;
  const now = options.nowMs;
  checkLookback(L);
  const curStart = now - L;
  const prevStart = now - 2 * L;
  // Compared as bigint: cheaper per span than converting every start time to a number.
  const curStartNs = BigInt(Math.floor(curStart)) * 1_000_000n;
  const prevStartNs = BigInt(Math.floor(prevStart)) * 1_000_000n;
  const exemplars = options.exemplars ?? DEFAULT_EXEMPLARS;
  const table = new LocationTable(options.maxLocations ?? DEFAULT_MAX_LOCATIONS, options.extract ?? {});
  const accept = serviceFilter(options.services);
  const chunk = new ColumnChunk();
  const accs: LatencyAccumulator[] = [];
  const create = (): LatencyAccumulator => {
    const acc = new LatencyAccumulator(exemplars);
    acc.id = accs.length;
    accs.push(acc);
    return acc;
  };
  let seen = 0;
  let ignored = 0;
  for (const span of spans) {
    if ((++seen & YIELD_MASK) === 0) yield;
    if (accept && !accept(span.resource)) {
      ignored++;
      continue;
    }
    const startNs = span.startTimeUnixNano;
    const slice = startNs >= curStartNs ? 1 : startNs >= prevStartNs ? 0 : -1;
    if (slice < 0) {
      ignored++;
      continue;
    }
    const entry = table.entryFor(span);
    if (!entry) {
      ignored++;
      continue;
    }
    const acc = slice === entry.lastSliceId && entry.lastSlice !== undefined ? entry.lastSlice : sliceOf(entry, slice, exemplars, create);
    if (chunk.push(span, acc.id)) yield* chunk.drainSteps(accs);
  }
  yield* chunk.drainSteps(accs);
  const window = { startMs: curStart, endMs: now };
  const locations: LocationStats[] = [];
  for (const entry of table.byKey.values()) {
    const cur = entry.slices.get(1);
    const prev = entry.slices.get(0);
    const s = buildStats(entry, cur ? [cur] : [], prev ? [prev] : [], window, exemplars);
    if (s) locations.push(s);
  }
  return {
    generatedAtMs: now,
    lookbackMs: L,
    window,
    locations: sortLocations(locations),
    spansSeen: seen,
    spansIgnored: ignored,
    locationsDropped: table.locationsDropped,
  };
}

export interface LiveAggregatorOptions extends AggregationOptions {
  /** Time slices per window: the window edge moves in steps of lookback / slicesPerWindow. Default 12. */
  slicesPerWindow?: number;
  /** The clock (ms since the epoch); spans dated after its next slice count in its current slice. Default Date.now. */
  clock?: () => number;
}

/**
 * Incremental statistics for the local receiver: feed spans as they arrive,
 * `evict(now)` drops what fell out of both windows. Sketches cannot forget values,
 * so each location keeps one accumulator per time slice (lookback / 12 by default)
 * and a snapshot merges the slices of each window; the window edges are therefore
 * exact to one slice. Snapshots reuse per-location results that did not change.
 */
export class LiveStatsAggregator {
  readonly lookbackMs: number;
  private readonly sliceMs: number;
  private readonly k: number;
  private readonly exemplars: number;
  private readonly table: LocationTable;
  private readonly accept: ((r: Resource) => boolean) | undefined;
  private spansSeen = 0;
  private spansIgnored = 0;
  private nowSlice = -Infinity;
  private generationValue = 0;

  private readonly clock: () => number;

  constructor(options: LiveAggregatorOptions) {
    checkLookback(options.lookbackMs);
    this.clock = options.clock ?? Date.now;
    this.lookbackMs = options.lookbackMs;
    this.k = Math.max(1, Math.floor(options.slicesPerWindow ?? 12));
    this.sliceMs = Math.max(1, this.lookbackMs / this.k);
    this.exemplars = options.exemplars ?? DEFAULT_EXEMPLARS;
    this.table = new LocationTable(options.maxLocations ?? DEFAULT_MAX_LOCATIONS, options.extract ?? {});
    this.accept = serviceFilter(options.services);
  }

  /** Changes whenever a snapshot could differ: cache lens text per generation. */
  get generation(): number {
    return this.generationValue;
  }

  get locationCount(): number {
    return this.table.byKey.size;
  }

  add(span: Span): void {
    this.spansSeen++;
    if (this.accept && !this.accept(span.resource)) {
      this.spansIgnored++;
      return;
    }
    const startMs = Number(span.startTimeUnixNano) / 1e6;
    // Far-future start times (clock skew, hostile senders) would each open a slice
    // that is never evicted: they count in the slice after the clock's.
    const nowSlice = Math.max(this.nowSlice, Math.floor(this.clock() / this.sliceMs));
    let slice = Math.floor(startMs / this.sliceMs);
    if (!(slice <= nowSlice + 1)) slice = nowSlice + 1;
    if (slice <= nowSlice - 2 * this.k) {
      this.spansIgnored++;
      return;
    }
    const entry = this.table.entryFor(span);
    if (!entry) {
      this.spansIgnored++;
      return;
    }
    const d = span.endTimeUnixNano - span.startTimeUnixNano;
    sliceOf(entry, slice, this.exemplars).add(d > 0n ? Number(d) : 0, span.startTimeUnixNano, span.status.code === 'error', span);
    entry.dirty = true;
    this.generationValue++;
  }

  addAll(spans: Iterable<Span>): void {
    for (const s of spans) this.add(s);
  }

  /** Drops slices older than both windows at `nowMs`, and locations left empty. */
  evict(nowMs: number): void {
    const nowSlice = Math.floor(nowMs / this.sliceMs);
    if (nowSlice !== this.nowSlice) this.generationValue++;
    this.nowSlice = Math.max(this.nowSlice, nowSlice);
    const oldest = this.nowSlice - 2 * this.k;
    for (const entry of [...this.table.byKey.values()]) {
      for (const id of entry.slices.keys()) {
        if (id <= oldest) {
          entry.slices.delete(id);
          entry.dirty = true;
          if (id === entry.lastSliceId) entry.lastSlice = undefined;
        }
      }
      if (entry.slices.size === 0) this.table.delete(entry);
    }
  }

  clear(): void {
    for (const entry of [...this.table.byKey.values()]) this.table.delete(entry);
    this.generationValue++;
  }

  /** Statistics at `nowMs` (evicts first). Window: the current slice and the k−1 before it. */
  snapshot(nowMs: number): StatsSnapshot {
    this.evict(nowMs);
    const nowSlice = this.nowSlice;
    const window = { startMs: (nowSlice - this.k + 1) * this.sliceMs, endMs: nowMs };
    const locations: LocationStats[] = [];
    for (const entry of this.table.byKey.values()) {
      if (!entry.dirty && entry.cachedWindowEnd === nowSlice) {
        if (entry.cached) locations.push({ ...entry.cached, window });
        continue;
      }
      const current: LatencyAccumulator[] = [];
      const previous: LatencyAccumulator[] = [];
      for (const [id, acc] of entry.slices) {
        if (id > nowSlice - this.k) current.push(acc);
        else if (id > nowSlice - 2 * this.k) previous.push(acc);
      }
      const s = buildStats(entry, current, previous, window, this.exemplars);
      entry.cached = s;
      entry.cachedWindowEnd = nowSlice;
      entry.dirty = false;
      if (s) locations.push(s);
    }
    return {
      generatedAtMs: nowMs,
      lookbackMs: this.lookbackMs,
      window,
      locations: sortLocations(locations),
      spansSeen: this.spansSeen,
      spansIgnored: this.spansIgnored,
      locationsDropped: this.table.locationsDropped,
    };
  }
}
