/**
 * Jaeger's Service Performance Monitoring (the monitor API, `/api/metrics/*`): RED
 * figures per service and operation, computed by the spanmetrics connector into
 * Prometheus and answered by jaeger_query. Parameter names and answers checked
 * against Jaeger 2.12.0 (fixtures in test/fixtures/backends/jaeger-2.12.0-spm/):
 * - `service` (repeatable), `groupByOperation=true`, `endTs`, `lookback`, `step`,
 *   `ratePer` (all ms), `spanKind` (repeatable; the server's default is `server` only),
 *   `quantile` (latencies);
 * - answer `{"name","type":"GAUGE","help","metrics":[{"labels":[{"name","value"}],
 *   "metricPoints":[{"gaugeValue":{"doubleValue":n|"NaN"},"timestamp"}]}]}`;
 *   latencies in ms, calls in calls/second over `ratePer`, errors as a fraction of calls;
 * - without a metric backend: HTTP 501 `{"errors":[{"code":501,"msg":"metrics querying is currently disabled"}]}`.
 */
import type { QueryParams } from '../http/url';
import type { LatencyQuantiles } from '../model/latencyQuantiles';
import { asArray, isRecord } from './wireValues';

/** Every span kind: Jaeger's API counts only `server` spans unless told otherwise. */
export const SPM_SPAN_KINDS: readonly string[] = Object.freeze(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']);

export type SpmMetric = 'latencies' | 'calls' | 'errors';

/** One value per service and operation: the last finite point of each series. */
export type SpmSeries = Map<string, { service: string; operation: string; value: number }>;

export function spmKey(service: string, operation: string): string {
  return `${service}\u0000${operation}`;
}

/**
 * Query parameters for one figure over the whole window: one step as long as the
 * window and a rate over the whole window, so each series has one point that
 * covers every call in `[endMs - lookbackMs, endMs]`.
 */
export function spmQuery(services: readonly string[], endMs: number, lookbackMs: number, quantile?: number): QueryParams {
  const lookback = Math.max(60_000, Math.round(lookbackMs));
  const q: QueryParams = {
    service: [...services],
    groupByOperation: 'true',
    endTs: Math.round(endMs),
    lookback,
    step: lookback,
    ratePer: lookback,
    spanKind: SPM_SPAN_KINDS,
  };
  if (quantile !== undefined) q.quantile = quantile;
  return q;
}

function labelValue(labels: unknown, name: string): string | undefined {
  for (const l of asArray(labels)) {
    if (isRecord(l) && l.name === name && typeof l.value === 'string') return l.value;
  }
  return undefined;
}

function pointValue(p: unknown): { value: number; timeMs: number } | undefined {
  if (!isRecord(p) || !isRecord(p.gaugeValue)) return undefined;
  const raw = p.gaugeValue.doubleValue;
  // Prometheus's NaN (no calls in the window) arrives as the string "NaN".
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(value)) return undefined;
  const timeMs = typeof p.timestamp === 'string' ? Date.parse(p.timestamp) : NaN;
  return { value, timeMs: Number.isFinite(timeMs) ? timeMs : 0 };
}

/** Reads one `/api/metrics/*` answer; hostile or partial documents yield fewer entries, never a throw. */
export function parseSpmSeries(doc: unknown): SpmSeries {
  const out: SpmSeries = new Map();
  if (!isRecord(doc)) return out;
  for (const m of asArray(doc.metrics)) {
    if (!isRecord(m)) continue;
    const service = labelValue(m.labels, 'service_name');
    const operation = labelValue(m.labels, 'operation');
    if (service === undefined || operation === undefined) continue;
    let last: { value: number; timeMs: number } | undefined;
    for (const p of asArray(m.metricPoints)) {
      const v = pointValue(p);
      if (v && (!last || v.timeMs >= last.timeMs)) last = v;
    }
    if (last && last.value >= 0) out.set(spmKey(service, operation), { service, operation, value: last.value });
  }
  return out;
}

export interface SpmAnswers {
  p50: SpmSeries;
  p95: SpmSeries;
  p99: SpmSeries;
  calls: SpmSeries;
  errors: SpmSeries;
}

/**
 * Per operation: quantiles (ms → seconds), the call count (rate × window, so
 * approximate: Prometheus extrapolates `rate` to the window's edges) and the
 * error count (error fraction × calls). Locations are span names with their
 * service; the caller maps them to code through sampled spans.
 */
export function spmToQuantiles(a: SpmAnswers, lookbackMs: number): LatencyQuantiles[] {
  const keys = new Set<string>([...a.p50.keys(), ...a.p95.keys(), ...a.p99.keys(), ...a.calls.keys()]);
  const out: LatencyQuantiles[] = [];
  const windowS = lookbackMs / 1000;
  for (const k of keys) {
    const any = a.calls.get(k) ?? a.p50.get(k) ?? a.p95.get(k) ?? a.p99.get(k);
    if (!any) continue;
    const q: LatencyQuantiles = { location: { spanName: any.operation }, service: any.service, approximate: true, method: 'prometheus-histogram', countApproximate: true };
    const rate = a.calls.get(k)?.value;
    if (rate !== undefined) {
      q.count = Math.round(rate * windowS);
      const errFraction = a.errors.get(k)?.value;
      q.errorCount = errFraction !== undefined ? Math.min(q.count, Math.round(Math.min(1, errFraction) * q.count)) : 0;
    }
    const p50 = a.p50.get(k)?.value;
    const p95 = a.p95.get(k)?.value;
    const p99 = a.p99.get(k)?.value;
    if (p50 !== undefined) q.p50 = p50 / 1000;
    if (p95 !== undefined) q.p95 = p95 / 1000;
    if (p99 !== undefined) q.p99 = p99 / 1000;
    if (q.count === 0 && q.p50 === undefined) continue;
    out.push(q);
  }
  return out;
}

/** `/api/metrics/minstep`'s `{"data": <ms>}` when SPM is on; undefined otherwise. */
export function parseMinStep(doc: unknown): number | undefined {
  if (!isRecord(doc)) return undefined;
  const d = doc.data;
  return typeof d === 'number' && Number.isFinite(d) && d > 0 ? d : undefined;
}
