/**
 * How a statistics sample is drawn from a backend without server-side figures (Jaeger
 * without SPM, Zipkin): the lookback is cut into time slices so the sample is spread over
 * the window instead of piling up in its last minutes; a slice whose page came back full
 * is split into halves for the next round (page sizes doubling), until the p95 of the
 * busiest operations is tight, every slice is exhausted, or a request budget is spent. At most `concurrency` requests are in flight; a 429 or 503 stops the growth and
 * keeps what was sampled. Pure policy: the search is injected, the clock is not needed.
 */
import { HttpStatusError, isCancellation } from '../errors';
import type { Trace } from '../model/trace';
import type { TimeRange } from '../model/timeRange';

export interface SamplerOptions {
  /** Time slices the lookback is cut into. Default 6. */
  slices?: number;
  /** Traces asked per slice and request in the first round; doubles each round. Default 5. */
  initialLimit?: number;
  /** Largest page. Default 100. */
  maxLimit?: number;
  /**
   * Requests in all. Default 96: a p95 known within ±5 % needs about a thousand values of a skewed
   * operation, and the slices' halving reaches a thousand traces in four rounds (6 + 12 + 24 + 48).
   */
  maxRequests?: number;
  /** Traces kept in all (memory bound). Default 2,000. */
  maxTraces?: number;
  /** Spans kept in all (memory bound for big traces). Default 200,000. */
  maxSpans?: number;
  /** Requests in flight. Default 2. */
  concurrency?: number;
  /** Stop when the 95 % interval of p95 is within ± this of it for the busiest operations. Default 0.05 (issue 14: ±5 % at 95 % confidence). */
  targetRelativeHalfWidth?: number;
  /** Operations (service, span name) whose p95 must be tight. Default 5. */
  busiestOperations?: number;
  /**
   * Traces already held for the rest of the window (an incremental refresh, see sampleCache.ts):
   * they count towards "tight" but are neither searched for nor returned.
   */
  prior?: readonly Trace[];
}

export type SampleSearch = (service: string, range: TimeRange, limit: number, signal?: AbortSignal) => Promise<Trace[]>;

export interface DrawnSample {
  traces: Trace[];
  requests: number;
  /** Distinct traces the searches returned (kept or not): a lower bound of the traces in the window. */
  atLeast: number;
  stoppedBy: 'tight' | 'exhausted' | 'budget' | 'throttled';
  /** Per-request failures other than throttling (the sample just holds less). */
  failed: number;
}

interface Slice {
  service: string;
  startMs: number;
  /** Next page ends here (the oldest start seen so far, exclusive). */
  endMs: number;
  exhausted: boolean;
  /** This slice's last page was full: more traces lie before its end. */
  moreBeyond: boolean;
}

const Z95 = 1.96;
const MIN_VALUES_P95 = 20;
/**
 * Values an operation needs before its p95 may be called tight: 20 above the p95. The interval is
 * estimated from the sample itself, and with fewer values in the tail that estimate is itself too
 * noisy: a sample of ~90 checked after every round sometimes looked tight while 8 % off.
 */
const MIN_VALUES_TIGHT = 400;

/**
 * The 95 % interval of the p95 of `sorted` values by order statistics (ranks n·p ± z·√(n·p·(1−p)))
 * relative to the p95 itself: `0.08` means the p95 is known within ±8 %. Infinity while the interval's
 * upper rank lies beyond the sample (below about 75 values).
 */
export function p95RelativeHalfWidth(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n < MIN_VALUES_P95) return Infinity;
  const p = 0.95;
  const centre = sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  if (!(centre > 0)) return 0;
  const spread = Z95 * Math.sqrt(n * p * (1 - p));
  const hiRank = Math.ceil(n * p + spread);
  // The upper bound's rank lies beyond the sample (fewer than ~75 values): the sample cannot bound the
  // p95 from above, however close its largest values happen to be.
  if (hiRank > n) return Infinity;
  const lo = sorted[Math.max(0, Math.floor(n * p - spread) - 1)];
  const hi = sorted[hiRank - 1];
  return Math.max(centre - lo, hi - centre) / centre;
}

/** True when the busiest operations of the sample all have a tight p95. */
export function sampleIsTight(traces: readonly Trace[], target: number, busiest: number): boolean {
  const byOp = new Map<string, number[]>();
  for (const t of traces) {
    for (const s of t.spans) {
      const k = `${s.resource.serviceName}\u0000${s.name}`;
      let list = byOp.get(k);
      if (!list) byOp.set(k, (list = []));
      const d = s.endTimeUnixNano - s.startTimeUnixNano;
      list.push(d > 0n ? Number(d) : 0);
    }
  }
  if (byOp.size === 0) return false;
  const top = [...byOp.values()].sort((a, b) => b.length - a.length).slice(0, busiest);
  return top.every((values) => values.length >= MIN_VALUES_TIGHT && p95RelativeHalfWidth(values.sort((a, b) => a - b)) <= target);
}

function isThrottled(err: unknown): boolean {
  return err instanceof HttpStatusError && (err.status === 429 || err.status === 503);
}

/** Draws a sample of `services` over `range` (see the module comment). Cancellation propagates. */
export async function drawSample(search: SampleSearch, services: readonly string[], range: TimeRange, options: SamplerOptions = {}, signal?: AbortSignal): Promise<DrawnSample> {
  const k = Math.max(1, Math.floor(options.slices ?? 6));
  const maxRequests = options.maxRequests ?? 96;
  const maxTraces = options.maxTraces ?? 2_000;
  const maxLimit = options.maxLimit ?? 100;
  const maxSpans = options.maxSpans ?? 200_000;
  let spanCount = 0;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, 2));
  const target = options.targetRelativeHalfWidth ?? 0.05;
  const busiest = options.busiestOperations ?? 5;
  const width = (range.endMs - range.startMs) / k;
  const slices: Slice[] = [];
  for (const service of services) {
    for (let i = k - 1; i >= 0; i--) slices.push({ service, startMs: range.startMs + i * width, endMs: range.startMs + (i + 1) * width, exhausted: false, moreBeyond: false });
  }
  const byId = new Map<string, Trace>();
  const seen = new Set<string>();
  let requests = 0;
  let failed = 0;
  let throttled = false;
  let limit = Math.max(1, Math.floor(options.initialLimit ?? 5));
  let stoppedBy: DrawnSample['stoppedBy'] = 'exhausted';

  /** One search of a slice; a full page splits the slice in two halves for the next round. */
  const page = async (slice: Slice, pageLimit: number): Promise<Slice[]> => {
    requests++;
    let got: Trace[];
    try {
      got = await search(slice.service, { startMs: slice.startMs, endMs: slice.endMs }, pageLimit, signal);
    } catch (err) {
      if (isCancellation(err) || signal?.aborted) throw err;
      if (isThrottled(err)) throttled = true;
      else failed++;
      return [];
    }
    for (const t of got) {
      seen.add(t.traceId);
      if (byId.size < maxTraces && spanCount < maxSpans && !byId.has(t.traceId)) {
        byId.set(t.traceId, t);
        spanCount += t.spans.length;
      }
    }
    slice.moreBeyond = got.length >= pageLimit;
    // A short page: the slice is fully seen. A full one: more lie in it, and a search does not say
    // which it returned (Jaeger's are not the newest), so the halves are searched next round.
    slice.exhausted = true;
    const mid = (slice.startMs + slice.endMs) / 2;
    if (!slice.moreBeyond || slice.endMs - slice.startMs < 2) return [];
    return [
      { service: slice.service, startMs: mid, endMs: slice.endMs, exhausted: false, moreBeyond: false },
      { service: slice.service, startMs: slice.startMs, endMs: mid, exhausted: false, moreBeyond: false },
    ];
  };

  let open = slices;
  for (;;) {
    if (throttled) {
      stoppedBy = 'throttled';
      break;
    }
    if (open.length === 0) {
      stoppedBy = 'exhausted';
      break;
    }
    if (requests >= maxRequests || byId.size >= maxTraces || spanCount >= maxSpans) {
      stoppedBy = 'budget';
      break;
    }
    const round = open.slice(0, maxRequests - requests);
    const next: Slice[] = [...open.slice(round.length)];
    let i = 0;
    const worker = async (): Promise<void> => {
      for (let j = i++; j < round.length && !throttled; j = i++) next.push(...(await page(round[j], limit)));
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, round.length) }, worker));
    // Newest halves first, so a budget that runs out has spread the sample over the recent window.
    open = next.sort((a, b) => b.endMs - a.endMs);
    if (sampleIsTight([...(options.prior ?? []), ...byId.values()], target, busiest)) {
      stoppedBy = 'tight';
      break;
    }
    limit = Math.min(maxLimit, limit * 2);
  }
  const traces = [...byId.values()];
  // What the searches showed: every trace seen, kept or not (a full page proves no more than itself).
  const atLeast = Math.max(traces.length, seen.size);
  return { traces, requests, atLeast, stoppedBy, failed };
}
