import type { CodeLocationKey } from '../model/codeLocationKey';
import type { LatencyQuantiles } from '../model/latencyQuantiles';
import type { Span } from '../model/trace';
import { extractCodeLocation, locationKeyString } from '../source/codeLocation';
import type { ExtractOptions, SpanLocation } from '../source/codeLocation';
import { LOW_CONFIDENCE_SAMPLES } from './latencyStats';
import type { LatencyStats, LocationStats } from './latencyStats';
import type { StatsBasis } from './statsBasis';

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
    const basis: StatsBasis = { kind: 'exact', method: q.method ?? 'tempo-buckets' };
    if (q.bucketRelativeWidth !== undefined && Number.isFinite(q.bucketRelativeWidth) && q.bucketRelativeWidth > 0) basis.bucketRelativeWidth = q.bucketRelativeWidth;
    if (nonNegative(q.count) === undefined) basis.countUnknown = true;
    else if (q.countApproximate === true) basis.countApproximate = true;
    out.set(keyString, {
      keyString,
      location,
      source: 'server',
      basis,
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
 * with server quantiles for the same window. Per location, the server supplies
 * the figures when the local side is a sample, else the side with more calls does; local exemplars, services and histogram are kept
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
    // A sample never outranks a server aggregate of the same window; exact local figures win with more calls.
    if (l.basis.kind !== 'sample' && l.current.count >= s.current.count) continue;
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

/**
 * Server rows keyed by span name and service (Jaeger SPM's operations) moved onto the
 * code location their spans carry: for each (service, span name) of the sampled spans
 * with `code.*`, the location most spans name. Rows without such a span keep their
 * span name (they still match a call that starts a span with that literal name).
 */
export function locateOperations(list: readonly LatencyQuantiles[], spans: Iterable<Span>, extract: ExtractOptions = {}): LatencyQuantiles[] {
  const wanted = new Set<string>();
  for (const q of list) if (q.location.spanName !== undefined && q.service !== undefined) wanted.add(operationKey(q.service, q.location.spanName));
  if (wanted.size === 0) return [...list];
  const votes = new Map<string, Map<string, { location: CodeLocationKey; n: number }>>();
  for (const span of spans) {
    const k = operationKey(span.resource.serviceName, span.name);
    if (!wanted.has(k)) continue;
    const loc = extractCodeLocation(span, extract);
    if (loc.source !== 'code') continue;
    const key = locationKeyString(loc);
    let byLoc = votes.get(k);
    if (!byLoc) votes.set(k, (byLoc = new Map()));
    const v = byLoc.get(key);
    if (v) v.n++;
    else byLoc.set(key, { location: codeKeyOf(loc), n: 1 });
  }
  return list.map((q) => {
    if (q.location.spanName === undefined || q.service === undefined) return q;
    const byLoc = votes.get(operationKey(q.service, q.location.spanName));
    if (!byLoc) return q;
    let best: { location: CodeLocationKey; n: number } | undefined;
    for (const v of byLoc.values()) if (!best || v.n > best.n) best = v;
    return best ? { ...q, location: best.location } : q;
  });
}

/** Operations (service, span name) of server rows that no sampled span placed on code yet. */
export function unlocatedOperations(list: readonly LatencyQuantiles[]): Array<{ service: string; operation: string; count: number }> {
  const out: Array<{ service: string; operation: string; count: number }> = [];
  for (const q of list) {
    const l = q.location;
    if (q.service !== undefined && l.spanName !== undefined && l.filePath === undefined && l.functionName === undefined) out.push({ service: q.service, operation: l.spanName, count: q.count ?? 0 });
  }
  return out.sort((a, b) => b.count - a.count);
}

function operationKey(service: string, name: string): string {
  return `${service}\u0000${name}`;
}

function codeKeyOf(loc: SpanLocation): CodeLocationKey {
  const out: CodeLocationKey = {};
  if (loc.filePath !== undefined) out.filePath = loc.filePath;
  if (loc.functionName !== undefined) out.functionName = loc.functionName;
  if (loc.namespace !== undefined) out.namespace = loc.namespace;
  return out;
}
