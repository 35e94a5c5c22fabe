import type { LatencyQuantiles } from '../backends/traceBackend';
import { locationKeyString } from '../source/codeLocation';
import type { SpanLocation } from '../source/codeLocation';
import { LOW_CONFIDENCE_SAMPLES } from './latencyStats';
import type { LatencyStats, LocationStats } from './latencyStats';

function seconds(v: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v * 1e9 : undefined;
}

function nonNegative(v: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined;
}

/**
 * Statistics from server-computed quantiles (Tempo's TraceQL metrics): seconds
 * become nanoseconds, counts are validated, and figures carry `approximate` as the
 * server said (Tempo interpolates between power-of-two buckets). No histogram or
 * exemplars: those come from trace search, if at all.
 */
export function statsFromServerQuantiles(list: readonly LatencyQuantiles[], window: { startMs: number; endMs: number }): LocationStats[] {
  const out = new Map<string, LocationStats>();
  for (const q of list) {
    if (!q || typeof q !== 'object' || !q.location) continue;
    const location: SpanLocation = { ...q.location, source: q.location.filePath !== undefined || q.location.functionName !== undefined ? 'code' : 'span.name' };
    const keyString = locationKeyString(location);
    const count = nonNegative(q.count) ?? 0;
    const errorCount = Math.min(nonNegative(q.errorCount) ?? 0, count);
    const current: LatencyStats = { count, errorCount, errorRate: count > 0 ? errorCount / count : 0, approximate: q.approximate !== false };
    const p50 = seconds(q.p50);
    const p95 = seconds(q.p95);
    const p99 = seconds(q.p99);
    if (p50 !== undefined) current.p50Ns = p50;
    if (p95 !== undefined) current.p95Ns = p95;
    if (p99 !== undefined) current.p99Ns = p99;
    if (p50 === undefined && p95 === undefined && p99 === undefined && count === 0) continue;
    // Repeated keys (e.g. one row per service) keep the row with more calls.
    const prev = out.get(keyString);
    if (prev && prev.current.count >= count) continue;
    out.set(keyString, {
      keyString,
      location,
      source: 'server',
      window,
      current,
      slowest: [],
      services: [],
      lowConfidence: count < LOW_CONFIDENCE_SAMPLES,
    });
  }
  return [...out.values()];
}

/**
 * Combines local statistics (exact sketches, from the receiver or fetched traces)
 * with server quantiles for the same window. Per location, the side with more
 * calls supplies the figures; local exemplars, services and histogram are kept
 * when the figures come from the server, since the server sends none.
 */
export function mergeLocationStats(local: readonly LocationStats[], server: readonly LocationStats[]): LocationStats[] {
  const byKey = new Map<string, LocationStats>();
  for (const s of local) byKey.set(s.keyString, s);
  for (const s of server) {
    const l = byKey.get(s.keyString);
    if (!l) {
      byKey.set(s.keyString, s);
      continue;
    }
    if (l.current.count >= s.current.count) continue;
    const merged: LocationStats = {
      ...s,
      location: l.location.lineNumber !== undefined ? l.location : s.location,
      slowest: l.slowest,
      services: l.services,
    };
    if (l.latestError) merged.latestError = l.latestError;
    if (l.previous) merged.previous = l.previous;
    byKey.set(s.keyString, merged);
  }
  return [...byKey.values()].sort((a, b) => b.current.count - a.current.count || (a.keyString < b.keyString ? -1 : 1));
}
