/**
 * The traces a remote refresh of the latency statistics reads, fetched within SAMPLING_BUDGET: a
 * sample of recent traces per service, a spread sample over the lookback, one example trace per
 * server operation. Failures of single traces only thin the sample; they are reported to `skipped`.
 */
import type { TraceBackend } from '../backends/traceBackend';
import type { TimeRange } from '../model/timeRange';
import { CancelledError, isCancellation } from '../errors';
import type { Span, Trace } from '../model/trace';
import { formatLookback } from './lookback';
import { SAMPLING_BUDGET, tracesPerService } from './refreshPolicy';
import type { SampleCache } from './sampleCache';

export interface RemoteSample {
  spans: Span[];
  /** Traces fetched. */
  traces: number;
  /** Traces found but not fetched. */
  failed: number;
  /** Traces the searches found (at least). */
  found: number;
  /** Every slice of the window was searched to its end without a failure. */
  complete?: boolean;
}

/** Why a trace or an example was not fetched (debug detail for the log). */
export type SkipReporter = (message: string, err?: unknown) => void;

/** Runs `work` on each item, `concurrency` at a time; an error `work` throws (a cancellation) ends the run. */
async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
}

/** Traces found by summary searches and fetched one by one (what a backend without `searchTraces`, Tempo, allows). */
export interface FetchedTraces {
  traces: Trace[];
  /** Traces found but not fetched. */
  failed: number;
  /** Traces the searches found (at least). */
  found: number;
  /** Searches made (one per service searched). */
  searches: number;
  /** Searches that failed: their services' traces are missing from the sample. */
  failedSearches: number;
  /** Services left unsearched because the search budget was spent. */
  servicesNotSearched: number;
}

/**
 * Recent traces of each service, `maxTraces` in all: each service searched (`maxSearches` at most,
 * in the order given), then each trace fetched, FETCH_CONCURRENCY at a time. A failed search only
 * thins the sample; when every search fails, the first failure is thrown, so a wrong token or a
 * down server still says so.
 */
export async function fetchRecentTraces(
  backend: Pick<TraceBackend, 'search' | 'getTrace'>,
  services: readonly string[],
  range: TimeRange,
  maxTraces: number,
  signal: AbortSignal,
  skipped: SkipReporter,
  maxSearches = Number.POSITIVE_INFINITY,
): Promise<FetchedTraces> {
  const searched = services.slice(0, maxSearches);
  const perService = tracesPerService(maxTraces, searched.length);
  const ids = new Set<string>();
  const allFound = new Set<string>();
  let failedSearches = 0;
  let firstFailure: unknown;
  for (const service of searched) {
    let found: Awaited<ReturnType<TraceBackend['search']>>;
    try {
      found = await backend.search({ service, range, limit: perService }, signal);
    } catch (err) {
      if (isCancellation(err) || signal.aborted) throw err;
      failedSearches++;
      firstFailure ??= err;
      skipped(`Search of service ${service} failed`, err);
      continue;
    }
    if (signal.aborted) throw new CancelledError();
    for (const t of found) {
      if (ids.size < maxTraces) ids.add(t.traceId);
      allFound.add(t.traceId);
    }
  }
  if (searched.length > 0 && failedSearches === searched.length) throw firstFailure;
  const traces: Trace[] = [];
  let failed = 0;
  await forEachConcurrently([...ids], SAMPLING_BUDGET.fetchConcurrency, async (id) => {
    try {
      const trace = await backend.getTrace(id, { range, signal });
      if (signal.aborted) throw new CancelledError();
      traces.push(trace);
    } catch (err) {
      if (isCancellation(err) || signal.aborted) throw err;
      failed++;
      skipped(`Sampled trace ${id} not fetched`, err);
    }
  });
  return { traces, failed, found: allFound.size, searches: searched.length, failedSearches, servicesNotSearched: services.length - searched.length };
}

/** Recent traces of each service as spans for the statistics (fetchRecentTraces). */
export async function sampleRecentTraces(backend: TraceBackend, services: readonly string[], range: TimeRange, maxTraces: number, signal: AbortSignal, skipped: SkipReporter): Promise<RemoteSample> {
  const fetched = await fetchRecentTraces(backend, services, range, maxTraces, signal, skipped);
  const spans: Span[] = [];
  for (const t of fetched.traces) for (const s of t.spans) spans.push(s);
  return { spans, traces: fetched.traces.length, failed: fetched.failed, found: fetched.found };
}

/**
 * Without server figures, on backends whose search returns whole traces (Jaeger, Zipkin): a
 * sample spread over time slices of the lookback, grown until the p95 of the busiest operations
 * is tight or the request budget is spent, two requests in flight, stopping on 429/503. `cache`
 * keeps each origin's sample, so a refresh searches only the slice that is new since the last.
 */
export async function drawSpreadSample(backend: TraceBackend, origin: string, cache: SampleCache, services: readonly string[], range: TimeRange, signal: AbortSignal, debug: (message: string) => void): Promise<RemoteSample> {
  const searchTraces = backend.searchTraces?.bind(backend);
  if (!searchTraces) return { spans: [], traces: 0, failed: 0, found: 0, complete: false };
  const search = (service: string, r: TimeRange, limit: number, sig?: AbortSignal) => searchTraces({ service, range: r, limit }, sig);
  const drawn = await cache.draw(origin, search, services, range.endMs - range.startMs, { maxTraces: SAMPLING_BUDGET.maxSpreadSampleTraces }, signal);
  if (signal.aborted) throw new CancelledError();
  const spans: Span[] = [];
  for (const t of drawn.traces) for (const s of t.spans) spans.push(s);
  const slice = drawn.searchedFromMs > drawn.range.startMs ? ` (only the last ${formatLookback(drawn.range.endMs - drawn.searchedFromMs)} searched, the rest kept from the previous refresh)` : '';
  debug(`Sampled ${drawn.traces.length} trace(s) in ${drawn.requests} request(s)${slice}, stopped: ${drawn.stoppedBy}`);
  // Every slice searched to its end without a failure: the sample is the window, no percentile is a guess.
  return { spans, traces: drawn.traces.length, failed: drawn.failed, found: drawn.atLeast, complete: drawn.stoppedBy === 'exhausted' && drawn.failed === 0 };
}

/** One example trace per operation (search, then fetch), two requests in flight; failures only thin the mapping. */
export async function exampleSpans(backend: TraceBackend, operations: ReadonlyArray<{ service: string; operation: string }>, range: TimeRange, signal: AbortSignal, skipped: SkipReporter): Promise<Span[]> {
  const spans: Span[] = [];
  await forEachConcurrently(operations, SAMPLING_BUDGET.exampleConcurrency, async (op) => {
    try {
      const [found] = await backend.search({ service: op.service, operation: op.operation, range, limit: 1 }, signal);
      if (!found) return;
      const trace = await backend.getTrace(found.traceId, { range, signal });
      for (const s of trace.spans) spans.push(s);
    } catch (err) {
      if (isCancellation(err) || signal.aborted) throw err;
      skipped(`No example trace of ${op.service} / ${op.operation}`, err);
    }
  });
  return spans;
}
