/**
 * The traces a service map of a remote backend is drawn from, a bounded sample of the lookback that
 * searches every service so a quiet service still shows up beside a busy one. Where a search answers
 * whole traces (Jaeger, Zipkin) the statistics' sampler (traceSampler.ts) searches a few time
 * slices, within a few dozen requests; where it answers summaries (Tempo) each service is searched
 * once and a bounded number of the traces found is fetched, as the statistics' recent sample does
 * (remoteSample.ts). The map is a sample and says so.
 */
import type { Trace } from '../model/trace';
import type { TimeRange } from '../model/timeRange';
import type { TraceBackend } from '../backends/traceBackend';
import { formatLookback } from '../stats/lookback';
import { fetchRecentTraces, type SkipReporter } from '../stats/remoteSample';
import { drawSample, type SamplerOptions } from '../stats/traceSampler';
import { countOf } from '../text/plural';

/** Enough traces to see every call path of a few dozen services; small enough to search in seconds. */
export const SERVICE_MAP_SAMPLE: SamplerOptions = { slices: 2, initialLimit: 20, maxLimit: 100, maxRequests: 40, maxTraces: 500, maxSpans: 100_000 };
/** Traces fetched one by one where a search answers summaries: each is a request, so fewer than the searches above return. */
export const SERVICE_MAP_FETCHED_TRACES = 100;
/** Services searched at most where a search answers summaries: one request each, as many as the sampler above may make. */
export const SERVICE_MAP_SEARCHED_SERVICES = SERVICE_MAP_SAMPLE.maxRequests ?? 40;

export interface ServiceMapSample {
  traces: Trace[];
  /** Services the backend lists (each one searched). */
  services: number;
  requests: number;
  /** Distinct traces the searches returned: a lower bound of the traces in the window. */
  atLeast: number;
  /** Searches that failed (the sample just holds less). */
  failed: number;
  /** Traces found but not fetched (searches answering summaries only; the sample just holds less). */
  notFetched: number;
  /** Services not searched: the search budget was spent (searches answering summaries only). */
  servicesNotSearched: number;
}

export type ServiceMapSource = Pick<TraceBackend, 'services' | 'search' | 'getTrace' | 'searchTraces'>;

export interface ServiceMapSampleOptions {
  sampler?: SamplerOptions;
  /** Traces fetched at most where a search answers summaries. */
  fetchedTraces?: number;
  /** Services searched at most where a search answers summaries. */
  searchedServices?: number;
  /** Why a trace was not fetched (debug detail for the log). */
  skipped?: SkipReporter;
}

/** Searches every service over `range` (see the module comment). Cancellation propagates. */
export async function sampleServiceMapTraces(backend: ServiceMapSource, range: TimeRange, signal?: AbortSignal, options: ServiceMapSampleOptions = {}): Promise<ServiceMapSample> {
  const services = await backend.services(signal);
  if (services.length === 0) return { traces: [], services: 0, requests: 1, atLeast: 0, failed: 0, notFetched: 0, servicesNotSearched: 0 };
  const searchTraces = backend.searchTraces?.bind(backend);
  if (!searchTraces) {
    const fetched = await fetchRecentTraces(
      backend,
      services,
      range,
      options.fetchedTraces ?? SERVICE_MAP_FETCHED_TRACES,
      signal ?? new AbortController().signal,
      options.skipped ?? (() => undefined),
      options.searchedServices ?? SERVICE_MAP_SEARCHED_SERVICES,
    );
    const requests = 1 + fetched.searches + fetched.traces.length + fetched.failed;
    return {
      traces: fetched.traces,
      services: services.length,
      requests,
      atLeast: fetched.found,
      failed: fetched.failedSearches,
      notFetched: fetched.failed,
      servicesNotSearched: fetched.servicesNotSearched,
    };
  }
  const search = (service: string, r: TimeRange, limit: number, sig?: AbortSignal) => searchTraces({ service, range: r, limit }, sig);
  // Never "tight": a map wants every service's calls, not a p95 known to ±5 %.
  const drawn = await drawSample(search, services, range, { ...(options.sampler ?? SERVICE_MAP_SAMPLE), targetRelativeHalfWidth: 0 }, signal);
  return { traces: drawn.traces, services: services.length, requests: drawn.requests + 1, atLeast: drawn.atLeast, failed: drawn.failed, notFetched: 0, servicesNotSearched: 0 };
}

/**
 * How the map says where its traces came from (the header reads "from N traces (M spans) of …"),
 * e.g. "Jaeger at http://…, a sample: 120 traces searched over the last 1h (of at least 340 found)".
 */
export function serviceMapSampleSource(sample: ServiceMapSample, backend: string, range: TimeRange): string {
  const n = sample.traces.length;
  const more = sample.atLeast > n ? ` (of at least ${sample.atLeast.toLocaleString('en-US')} found)` : '';
  const failed = sample.failed > 0 ? `; ${countOf(sample.failed, 'search', 'searches')} failed` : '';
  const notFetched = sample.notFetched > 0 ? `; ${countOf(sample.notFetched, 'trace')} not fetched` : '';
  const unsearched = sample.servicesNotSearched;
  const notSearched = unsearched > 0 ? `; ${unsearched} of ${sample.services} services not searched (request budget)` : '';
  return `${backend}, a sample: ${countOf(n, 'trace')} searched over the last ${formatLookback(range.endMs - range.startMs)}${more}${failed}${notFetched}${notSearched}`;
}
