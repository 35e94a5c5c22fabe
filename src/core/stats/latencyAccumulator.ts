import { DDSketch } from '@datadog/sketches-js';
import type { Resource, Span } from '../model/trace';

/** DDSketch relative accuracy: quantiles are within 1 % of a value actually seen. */
export const RELATIVE_ACCURACY = 0.01;
export const DEFAULT_EXEMPLARS = 3;

/** A trace worth opening from a hover: the slowest calls, the latest failure. */
export interface Exemplar {
  traceId: string;
  spanId: string;
  durationNs: number;
  startTimeMs: number;
  serviceName: string;
  error: boolean;
  /** The span's status message (span-derived text: escape before display). */
  statusMessage?: string;
}

/** Values are buffered and fed to the sketch per location in runs: 2–3× faster than interleaved accepts (cache locality). */
const BUFFER_MIN = 16;
const BUFFER_MAX = 64;

/**
 * A chunk of spans in columns (batch aggregation): row j is `spans[j]` with its
 * duration, error flag and resource id. Accumulators read their rows through an
 * index list, so per-span work runs location by location with hot caches.
 */
export interface SpanColumns {
  durationNs: Float64Array;
  error: Uint8Array;
  resourceId: Uint16Array;
  spans: Span[];
  resources: readonly Resource[];
}

/**
 * Latency and outcome counts of one location over one time slice: a DDSketch of
 * durations (nanoseconds), exact count / errors / min / max / sum, the few
 * slowest spans, the latest error, and the services seen.
 */
export class LatencyAccumulator {
  readonly sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  count = 0;
  errorCount = 0;
  minNs = Infinity;
  maxNs = -Infinity;
  sumNs = 0;
  readonly services = new Map<string, number>();
  private buf = new Float64Array(BUFFER_MIN);
  private n = 0;
  /** Slowest first; parallel arrays so the common "not slow enough" case allocates nothing. */
  private slowDur: number[] = [];
  private slowSpan: Span[] = [];
  private latestErrorSpan: Span | undefined;
  private latestErrorStart = -1n;
  /** Smallest duration still among the slowest, once full: the common "not slow enough" check is one compare. */
  private slowThreshold = -1;
  private lastResource: Resource | undefined;
  private lastService: string | undefined;
  private lastServiceCount = 0;

  /** Position in the batch aggregator's accumulator list; -1 when unused. */
  id = -1;

  constructor(private readonly exemplarCount: number = DEFAULT_EXEMPLARS) {}

  /**
   * Adds the rows `order[from..to)` of a column chunk: the batch counterpart of
   * add(), with the sketch fed in one run (same results, fewer cache misses).
   */
  addRun(cols: SpanColumns, order: Int32Array, from: number, to: number): void {
    const dur = cols.durationNs;
    const err = cols.error;
    const res = cols.resourceId;
    const n = to - from;
    if (runValues.length < n) runValues = new Float64Array(Math.max(n, runValues.length * 2));
    const values = runValues;
    let sum = 0;
    let min = this.minNs;
    let max = this.maxNs;
    let lastRes = -1;
    let runCount = 0;
    for (let k = from; k < to; k++) {
      const j = order[k];
      const d = dur[j];
      values[k - from] = d;
      sum += d;
      if (d < min) min = d;
      if (d > max) max = d;
      if (d > this.slowThreshold && this.exemplarCount > 0) this.insertSlow(d, cols.spans[j]);
      if (err[j] !== 0) {
        this.errorCount++;
        const span = cols.spans[j];
        if (span.startTimeUnixNano >= this.latestErrorStart) {
          this.latestErrorStart = span.startTimeUnixNano;
          this.latestErrorSpan = span;
        }
      }
      const r = res[j];
      if (r === lastRes) runCount++;
      else {
        if (runCount > 0) this.countService(cols.resources[lastRes].serviceName, runCount);
        lastRes = r;
        runCount = 1;
      }
    }
    if (runCount > 0) this.countService(cols.resources[lastRes].serviceName, runCount);
    this.count += n;
    this.sumNs += sum;
    this.minNs = min;
    this.maxNs = max;
    acceptRun(this.sketch, values, n);
  }

  private countService(name: string, n: number): void {
    this.services.set(name, (this.services.get(name) ?? 0) + n);
  }

  /** `startNs` is the span's start time, used to keep the latest error. */
  add(durationNs: number, startNs: bigint, isError: boolean, span: Span): void {
    if (this.n === this.buf.length) {
      if (this.buf.length < BUFFER_MAX) {
        const bigger = new Float64Array(this.buf.length * 4);
        bigger.set(this.buf);
        this.buf = bigger;
      } else this.flush();
    }
    this.buf[this.n++] = durationNs;
    this.count++;
    this.sumNs += durationNs;
    if (durationNs < this.minNs) this.minNs = durationNs;
    if (durationNs > this.maxNs) this.maxNs = durationNs;
    if (isError) {
      this.errorCount++;
      if (startNs >= this.latestErrorStart) {
        this.latestErrorStart = startNs;
        this.latestErrorSpan = span;
      }
    }
    if (durationNs > this.slowThreshold && this.exemplarCount > 0) this.insertSlow(durationNs, span);
    const resource = span.resource;
    if (resource === this.lastResource) this.lastServiceCount++;
    else {
      this.flushService();
      this.lastResource = resource;
      this.lastService = resource.serviceName;
      this.lastServiceCount = 1;
    }
  }

  private insertSlow(d: number, span: Span): void {
    // Insertion into a sorted array of at most `exemplarCount` (3): no splice, no garbage.
    const dur = this.slowDur;
    const spans = this.slowSpan;
    const k = this.exemplarCount;
    let i = dur.length < k ? dur.length : k - 1;
    if (dur.length < k) {
      dur.push(d);
      spans.push(span);
    }
    while (i > 0 && dur[i - 1] < d) {
      dur[i] = dur[i - 1];
      spans[i] = spans[i - 1];
      i--;
    }
    dur[i] = d;
    spans[i] = span;
    if (dur.length >= k) this.slowThreshold = dur[k - 1];
  }

  private flushService(): void {
    if (this.lastService !== undefined && this.lastServiceCount > 0) {
      this.services.set(this.lastService, (this.services.get(this.lastService) ?? 0) + this.lastServiceCount);
    }
    this.lastServiceCount = 0;
  }

  /** Feeds buffered values to the sketch; call before reading the sketch. */
  flush(): void {
    if (this.n > 0) {
      acceptRun(this.sketch, this.buf, this.n);
      this.n = 0;
    }
    this.flushService();
    this.lastService = undefined;
    this.lastResource = undefined;
  }

  /** Adds everything `other` holds into this accumulator. */
  mergeFrom(other: LatencyAccumulator): void {
    other.flush();
    this.flush();
    this.sketch.merge(other.sketch);
    this.count += other.count;
    this.errorCount += other.errorCount;
    this.sumNs += other.sumNs;
    if (other.minNs < this.minNs) this.minNs = other.minNs;
    if (other.maxNs > this.maxNs) this.maxNs = other.maxNs;
    for (const [s, n] of other.services) this.services.set(s, (this.services.get(s) ?? 0) + n);
    for (let i = 0; i < other.slowDur.length; i++) {
      if (this.slowDur.length < this.exemplarCount || other.slowDur[i] > this.slowDur[this.slowDur.length - 1]) this.insertSlow(other.slowDur[i], other.slowSpan[i]);
    }
    if (other.latestErrorSpan && other.latestErrorStart >= this.latestErrorStart) {
      this.latestErrorStart = other.latestErrorStart;
      this.latestErrorSpan = other.latestErrorSpan;
    }
  }

  slowest(): Exemplar[] {
    // Exact durations from the span's bigint times (the ranking may have used a value rounded by up to 256 ns).
    return this.slowSpan.map((s) => exemplarOf(s));
  }

  latestError(): Exemplar | undefined {
    return this.latestErrorSpan ? exemplarOf(this.latestErrorSpan) : undefined;
  }
}

/** addRun's rows in a contiguous run for acceptRun; reused, as runs are fed one at a time. */
let runValues = new Float64Array(BUFFER_MAX);

/**
 * Feeds `values[0..n)` to the sketch in one run: what DDSketch.accept does, minus the
 * per-value bookkeeping done once for the run (durations are never negative, so the
 * negative store stays empty). The range is reserved for [lo, hi] first, so every key
 * indexes the bins directly.
 */
function acceptRun(s: DDSketch, values: Float64Array, n: number): void {
  const m = s.mapping;
  const minPossible = m.minPossible;
  let lo = Infinity;
  let hi = 0;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v > minPossible) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    } else zeros++;
  }
  if (hi > 0) {
    reserveRange(s, lo, hi);
    const store = s.store;
    const bins = store.bins;
    const offset = store.offset;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v > minPossible) bins[m.key(v) - offset]++;
    }
    store.count += n - zeros;
  }
  s.zeroCount += zeros;
  s.count += n;
  s.sum += sum;
  const min = zeros > 0 ? 0 : lo;
  if (min < s.min) s.min = min;
  if (hi > s.max) s.max = hi;
}

/**
 * The library's DenseStore re-centres (copying its bins) every time a value falls
 * below its lowest or above its highest key: a dozen copies per sketch as a
 * distribution fills in, which dominated aggregation time (garbage). Extending
 * the range once per buffered run, with a ×2 margin either side, makes growth rare.
 */
function reserveRange(s: DDSketch, lo: number, hi: number): void {
  const m = s.mapping;
  const store = s.store;
  if (lo <= m.minPossible) lo = m.minPossible * 2;
  const loKey = m.key(lo);
  const hiKey = m.key(hi);
  if (store.count > 0 && loKey >= store.minKey && hiKey <= store.maxKey) return;
  const lowKey = m.key(Math.max(lo / 2, m.minPossible * 2));
  const highKey = m.key(Math.min(hi * 2, m.maxPossible / 2));
  store._extendRange(Math.min(lowKey, store.count > 0 ? store.minKey : lowKey), Math.max(highKey, store.count > 0 ? store.maxKey : highKey));
}

export function spanDurationNsOf(span: Span): number {
  const d = span.endTimeUnixNano - span.startTimeUnixNano;
  return d > 0n ? Number(d) : 0;
}

function exemplarOf(span: Span, durationNs: number = spanDurationNsOf(span)): Exemplar {
  const e: Exemplar = {
    traceId: span.traceId,
    spanId: span.spanId,
    durationNs,
    startTimeMs: Number(span.startTimeUnixNano) / 1e6,
    serviceName: span.resource.serviceName,
    error: span.status.code === 'error',
  };
  if (span.status.message !== undefined && span.status.message !== '') e.statusMessage = span.status.message.slice(0, 500);
  return e;
}
