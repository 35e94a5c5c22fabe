/**
 * The last spread sample per backend origin, so a refresh searches only the time slice that is new
 * since the previous one instead of re-sampling the whole lookback (issue 14: incremental refresh,
 * cached per origin). Traces that left the window are dropped; the new slice is searched at the
 * density of the previous sample, so the window stays evenly sampled, and grows further only when
 * the previous sample was complete or tight (then "tight" is judged on the whole window). The slice
 * starts a little before the previous end: traces still being written then are fetched again.
 * Pure policy: the search and the clock are injected.
 */
import type { TimeRange } from '../model/timeRange';
import type { Trace } from '../model/trace';
import { drawSample, type DrawnSample, type SampleSearch, type SamplerOptions } from './traceSampler';

/** Re-searched before the previous end: spans of a trace can reach the server a while after it started. */
export const REFRESH_OVERLAP_MS = 60_000;

export interface CachedSample extends DrawnSample {
  range: TimeRange;
  /** Where the search started: `range.startMs` for a full sample, later for an incremental one. */
  searchedFromMs: number;
}

interface Entry {
  key: string;
  range: TimeRange;
  traces: Trace[];
  stoppedBy: DrawnSample['stoppedBy'];
}

function traceStartMs(t: Trace): number {
  let min: bigint | undefined;
  for (const s of t.spans) if (min === undefined || s.startTimeUnixNano < min) min = s.startTimeUnixNano;
  return min === undefined ? -Infinity : Number(min / 1_000_000n);
}

export class SampleCache {
  private readonly entries = new Map<string, Entry>();

  /** `maxOrigins`: origins remembered, least recently used dropped first (memory bound). */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxOrigins = 4,
  ) {}

  /** A sample of `services` over the last `lookbackMs` at `origin`: incremental when the previous one still overlaps the window. */
  async draw(origin: string, search: SampleSearch, services: readonly string[], lookbackMs: number, options: SamplerOptions = {}, signal?: AbortSignal): Promise<CachedSample> {
    const endMs = this.now();
    const range: TimeRange = { startMs: endMs - lookbackMs, endMs };
    // Another window length or service set is another sample.
    const key = JSON.stringify([lookbackMs, [...services].sort()]);
    const prev = this.entries.get(origin);
    this.entries.delete(origin);
    let result: CachedSample;
    if (prev && prev.key === key && prev.range.endMs > range.startMs && prev.range.endMs <= endMs) {
      result = await this.incremental(prev, search, services, range, options, signal);
    } else {
      const drawn = await drawSample(search, services, range, options, signal);
      result = { ...drawn, range, searchedFromMs: range.startMs };
    }
    this.entries.set(origin, { key, range, traces: result.traces, stoppedBy: result.stoppedBy });
    while (this.entries.size > this.maxOrigins) this.entries.delete(this.entries.keys().next().value as string);
    return result;
  }

  /** Forgets an origin's sample (e.g. its server was replaced), or every one. */
  clear(origin?: string): void {
    if (origin === undefined) this.entries.clear();
    else this.entries.delete(origin);
  }

  private async incremental(prev: Entry, search: SampleSearch, services: readonly string[], range: TimeRange, options: SamplerOptions, signal?: AbortSignal): Promise<CachedSample> {
    const fromMs = Math.max(range.startMs, prev.range.endMs - REFRESH_OVERLAP_MS);
    const kept = prev.traces.filter((t) => {
      const start = traceStartMs(t);
      return start >= range.startMs && start < fromMs;
    });
    const prevSpan = Math.max(1, prev.range.endMs - prev.range.startMs);
    // The previous sample's traces per ms, with room to spare so a complete sample stays complete in one page.
    const atDensity = Math.max(1, Math.ceil(((prev.traces.length / prevSpan) * (range.endMs - fromMs) * 3) / 2));
    const maxTraces = Math.max(1, (options.maxTraces ?? 2_000) - kept.length);
    // A sample cut short by its budget is thinner than the traffic: the new slice gets the same thinness, not more.
    const grow = prev.stoppedBy === 'tight' || prev.stoppedBy === 'exhausted';
    const drawn = await drawSample(
      search,
      services,
      { startMs: fromMs, endMs: range.endMs },
      { ...options, slices: 1, initialLimit: atDensity, maxTraces: grow ? maxTraces : Math.min(maxTraces, atDensity), prior: kept },
      signal,
    );
    const byId = new Map<string, Trace>();
    for (const t of kept) byId.set(t.traceId, t);
    // Re-fetched traces of the overlap replace what was held: they may have more spans by now.
    for (const t of drawn.traces) byId.set(t.traceId, t);
    const traces = [...byId.values()];
    // An exhausted slice makes the window complete only if the rest was complete too.
    const stoppedBy = drawn.stoppedBy === 'exhausted' && prev.stoppedBy !== 'exhausted' ? prev.stoppedBy : drawn.stoppedBy;
    return { ...drawn, traces, stoppedBy, atLeast: Math.max(traces.length, kept.length + drawn.atLeast), range, searchedFromMs: fromMs };
  }
}
