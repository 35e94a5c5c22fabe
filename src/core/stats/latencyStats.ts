import type { DDSketch } from '@datadog/sketches-js';
import type { SpanLocation } from '../source/codeLocation';
import type { Exemplar, LatencyAccumulator } from './latencyAccumulator';
import type { StatsBasis } from './statsBasis';

/** Below this many samples a function's figures are shown as low-confidence. */
export const LOW_CONFIDENCE_SAMPLES = 100;
export const HISTOGRAM_BUCKETS = 12;

/** Latency and outcome figures of one location over one window. Durations in nanoseconds. */
export interface LatencyStats {
  count: number;
  errorCount: number;
  /** 0..1; 0 when count is 0. */
  errorRate: number;
  p50Ns?: number;
  p95Ns?: number;
  p99Ns?: number;
  minNs?: number;
  maxNs?: number;
  meanNs?: number;
  /** True for server-computed quantiles (Tempo's power-of-two buckets). */
  approximate: boolean;
  /**
   * Were these values a random sample of more calls: the 95 % interval of each percentile by order
   * statistics, as a relative half-width (0.04 = ±4 %; Infinity when its upper rank lies beyond the
   * values). Read only for an incomplete sample (see StatsBasis.complete).
   */
  spread?: { p50: number; p95: number; p99: number };
}

/** Log-scale buckets between the window's min and max: `counts[i]` values fall in `[boundsNs[i], boundsNs[i+1])`. */
export interface LatencyHistogram {
  boundsNs: number[];
  counts: number[];
}

export type StatsSource = SpanLocation['source'] | 'server';

export interface LocationStats {
  /** locationKeyString(location): the join key with the lens index and the receiver. */
  keyString: string;
  /** The location, with the latest reported line. */
  location: SpanLocation;
  source: StatsSource;
  /** What the figures are computed from (every call or a sample) and how the quantiles are defined. */
  basis: StatsBasis;
  window: { startMs: number; endMs: number };
  current: LatencyStats;
  /** The window of the same length just before; undefined when it held no spans. */
  previous?: LatencyStats;
  histogram?: LatencyHistogram;
  slowest: Exemplar[];
  latestError?: Exemplar;
  /** Most calls first. */
  services: string[];
  lowConfidence: boolean;
  /** Span-name locations only: where exception stack traces of its failures point. */
  exceptionHint?: SpanLocation;
}

export interface StatsSnapshot {
  generatedAtMs: number;
  lookbackMs: number;
  window: { startMs: number; endMs: number };
  /** Locations with spans in the current window, most calls first. */
  locations: LocationStats[];
  spansSeen: number;
  /** Spans outside both windows, of other services, or beyond maxLocations. */
  spansIgnored: number;
  /** Locations refused because maxLocations was reached. */
  locationsDropped: number;
}

export function emptyLatencyStats(approximate = false): LatencyStats {
  return { count: 0, errorCount: 0, errorRate: 0, approximate };
}

/** Figures of a (flushed) accumulator; quantiles are clamped to the exact min/max the sketch cannot know. */
export function summarizeAccumulator(acc: LatencyAccumulator): LatencyStats {
  acc.flush();
  const count = acc.count;
  if (count === 0) return emptyLatencyStats();
  const q = (p: number): number => clamp(acc.sketch.getValueAtQuantile(p), acc.minNs, acc.maxNs);
  return {
    count,
    errorCount: acc.errorCount,
    errorRate: acc.errorCount / count,
    p50Ns: q(0.5),
    p95Ns: q(0.95),
    p99Ns: q(0.99),
    minNs: acc.minNs,
    maxNs: acc.maxNs,
    meanNs: acc.sumNs / count,
    approximate: false,
    spread: { p50: spreadOf(acc, 0.5), p95: spreadOf(acc, 0.95), p99: spreadOf(acc, 0.99) },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  if (Number.isNaN(v)) return lo;
  return v < lo ? lo : v > hi ? hi : v;
}

/** The 95 % interval of the `p` quantile of the accumulated values by order statistics (ranks n·p ± 1.96·√(n·p·(1−p))), relative to it. */
function spreadOf(acc: LatencyAccumulator, p: number): number {
  const n = acc.count;
  const spread = 1.96 * Math.sqrt(n * p * (1 - p));
  // An interval rank beyond the values seen: nothing bounds the percentile on that side.
  if (n * p + spread > n || n * p - spread < 1) return Infinity;
  const at = (rank: number): number => clamp(acc.sketch.getValueAtQuantile(Math.min(1, Math.max(0, (rank - 1) / Math.max(1, n - 1)))), acc.minNs, acc.maxNs);
  const centre = at(Math.ceil(n * p));
  if (!(centre > 0)) return 0;
  return Math.max(centre - at(Math.floor(n * p - spread)), at(Math.ceil(n * p + spread)) - centre) / centre;
}

/**
 * A small log-scale histogram (for the hover sparkline) read from the sketch's
 * bins: no per-span work. Zero durations and bins below min land in the first bucket.
 */
export function histogramOf(acc: LatencyAccumulator, buckets: number = HISTOGRAM_BUCKETS): LatencyHistogram | undefined {
  acc.flush();
  if (acc.count === 0 || buckets < 1) return undefined;
  const lo = Math.max(acc.minNs, 1);
  const hi = Math.max(acc.maxNs, lo);
  const boundsNs: number[] = [];
  const ratio = hi / lo;
  for (let i = 0; i <= buckets; i++) boundsNs.push(lo * Math.pow(ratio, i / buckets));
  const counts = new Array<number>(buckets).fill(0);
  const sketch: DDSketch = acc.sketch;
  counts[0] += sketch.zeroCount;
  const store = sketch.store;
  // Bucket edges as sketch keys, so bins are assigned by integer comparison (no pow/log per bin).
  const edgeKeys: number[] = [];
  for (let i = 1; i < buckets; i++) edgeKeys.push(sketch.mapping.key(boundsNs[i]));
  let b = 0;
  for (let i = 0; i < store.bins.length; i++) {
    const c = store.bins[i];
    if (!c) continue;
    const key = i + store.offset;
    while (b < buckets - 1 && key >= edgeKeys[b]) b++;
    counts[b] += c;
  }
  return { boundsNs, counts };
}

/** Services by calls, most first. */
export function servicesByCount(services: ReadonlyMap<string, number>): string[] {
  return [...services.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s]) => s);
}
