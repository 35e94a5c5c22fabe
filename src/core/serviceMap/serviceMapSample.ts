/**
 * The traces a service map of a remote backend is drawn from: a bounded search of the lookback on
 * backends whose search answers whole traces (Jaeger, Zipkin). Every service is searched, over a few
 * time slices (the statistics' sampler, traceSampler.ts), so a quiet service still shows up beside a
 * busy one; the budget keeps the map to a few dozen requests. The map is a sample and says so.
 */
import type { Trace } from '../model/trace';
import type { TimeRange } from '../model/timeRange';
import type { TraceBackend } from '../backends/traceBackend';
import { formatLookback } from '../stats/lookback';
import { drawSample, type SamplerOptions } from '../stats/traceSampler';

/** Enough traces to see every call path of a few dozen services; small enough to search in seconds. */
export const SERVICE_MAP_SAMPLE: SamplerOptions = { slices: 2, initialLimit: 20, maxLimit: 100, maxRequests: 40, maxTraces: 500, maxSpans: 100_000 };

export interface ServiceMapSample {
  traces: Trace[];
  /** Services the backend lists (each one searched). */
  services: number;
  requests: number;
  /** Distinct traces the searches returned: a lower bound of the traces in the window. */
  atLeast: number;
  /** Searches that failed (the sample just holds less). */
  failed: number;
}

export type ServiceMapSource = Pick<TraceBackend, 'services'> & Required<Pick<TraceBackend, 'searchTraces'>>;

/** Whether a backend's search answers whole traces, so a map can be drawn from it. */
export function canSampleServiceMap(backend: Pick<TraceBackend, 'services' | 'searchTraces'>): backend is ServiceMapSource {
  return typeof backend.searchTraces === 'function';
}

/** Searches every service over `range` (see the module comment). Cancellation propagates. */
export async function sampleServiceMapTraces(backend: ServiceMapSource, range: TimeRange, signal?: AbortSignal, options: SamplerOptions = SERVICE_MAP_SAMPLE): Promise<ServiceMapSample> {
  const services = await backend.services(signal);
  if (services.length === 0) return { traces: [], services: 0, requests: 1, atLeast: 0, failed: 0 };
  const search = (service: string, r: TimeRange, limit: number, sig?: AbortSignal) => backend.searchTraces({ service, range: r, limit }, sig);
  // Never "tight": a map wants every service's calls, not a p95 known to ±5 %.
  const drawn = await drawSample(search, services, range, { ...options, targetRelativeHalfWidth: 0 }, signal);
  return { traces: drawn.traces, services: services.length, requests: drawn.requests + 1, atLeast: drawn.atLeast, failed: drawn.failed };
}

/**
 * How the map says where its traces came from (the header reads "from N traces (M spans) of …"),
 * e.g. "Jaeger at http://…, a sample: 120 traces searched over the last 1h (of at least 340 found)".
 */
export function serviceMapSampleSource(sample: ServiceMapSample, backend: string, range: TimeRange): string {
  const n = sample.traces.length;
  const more = sample.atLeast > n ? ` (of at least ${sample.atLeast.toLocaleString('en-US')} found)` : '';
  const failed = sample.failed > 0 ? `; ${sample.failed} search${sample.failed === 1 ? '' : 'es'} failed` : '';
  return `${backend}, a sample: ${n.toLocaleString('en-US')} trace${n === 1 ? '' : 's'} searched over the last ${formatLookback(range.endMs - range.startMs)}${more}${failed}`;
}
