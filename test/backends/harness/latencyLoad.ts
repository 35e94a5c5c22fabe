// Latency load for the tests that compare what Trace Lens shows with what was sent: deterministic
// skewed durations, the exact quantiles of them, and waits on the servers' state (Prometheus has
// scraped every call, a search returns every trace) instead of fixed sleeps. Shared by the SPM
// contract test and the extension-host test of the lenses against real servers.
import { gaussian, prng } from '../../unit/stats/makeSpan';
import type { RunningJaegerSpm, RunningServer } from './servers';

/** Milliseconds with µs resolution, as the servers keep them. */
function toUs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * `n` deterministic skewed durations around `baseMs` (ms, µs resolution): most calls take 1–2× the
 * base, a tail 2–5×, a slow tail of 5 % takes 5–25×. The p95 sits where the slow tail starts, so only
 * nearly every value pins it: a sample of it must be nearly the whole window.
 */
export function skewedDurations(baseMs: number, n: number, seed: number): number[] {
  const rnd = prng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const f = r < 0.85 ? 1 + rnd() : r < 0.95 ? 2 + 3 * rnd() : 5 + 20 * rnd();
    out.push(toUs(baseMs * f));
  }
  return out;
}

/**
 * `n` deterministic durations around `baseMs`: log-normal (σ = 0.25, so p95 ≈ 1.5 × p50) with a slow
 * tail of 1 % at 5–20×. Its p95 lies where values are dense, so a few hundred of them pin it within
 * 5 %: the load for a sample that stops before the window is exhausted.
 */
export function lognormalDurations(baseMs: number, n: number, seed: number): number[] {
  const rnd = prng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = gaussian(rnd);
    const f = rnd() < 0.01 ? 5 + 15 * rnd() : Math.exp(0.25 * z);
    out.push(toUs(baseMs * f));
  }
  return out;
}

/** Nearest rank: the value at rank ceil(q·n), as histogram_quantile's rank q·n lands in its bucket. */
export function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** Polls until `probe` returns a value (not undefined), or fails naming what it waited for and the last error seen. */
export async function waitForState<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function prometheusQuery(prometheusUrl: string, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const url = new URL('/api/v1/query', prometheusUrl);
  url.searchParams.set('query', query);
  const doc = (await (await fetch(url)).json()) as { data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return doc.data?.result ?? [];
}

/** Calls per span name of `service` that Prometheus holds: the connector flushed and Prometheus scraped. */
export async function scrapedCalls(prometheusUrl: string, service: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of await prometheusQuery(prometheusUrl, `sum by (span_name) (traces_span_metrics_calls_total{service_name="${service}"})`)) {
    if (r.metric.span_name) out.set(r.metric.span_name, Number(r.value[1]));
  }
  return out;
}

/**
 * Waits until Prometheus holds `calls` calls of each of `operations` and every series of `service`
 * has 30 scrapes. Calls over a window come from rate() × window, and Prometheus extrapolates a rate
 * to the window's end (up to one scrape interval): on a series T seconds old that is up to 1/T too
 * many. In production the series are older than the window; here 30 samples (≈ 30 s) keep it ≤ 1/30.
 */
export async function waitForSpmCalls(spm: RunningJaegerSpm, service: string, calls: ReadonlyMap<string, number>): Promise<void> {
  await waitForState(`Prometheus to scrape every call of ${service}`, async () => {
    const got = await scrapedCalls(spm.prometheus.queryUrl, service);
    return [...calls].every(([op, n]) => got.get(op) === n) ? true : undefined;
  });
  await waitForState('30 scrapes of every series', async () => {
    const [r] = await prometheusQuery(spm.prometheus.queryUrl, `min(count_over_time(traces_span_metrics_calls_total{service_name="${service}"}[10m]))`);
    const n = Number(r?.value[1] ?? 0);
    return n >= 30 ? n : undefined;
  });
}

/**
 * Traces of `service` the server's own search returns over `range` (Jaeger's v1 API, Zipkin's v2),
 * asking for more than `expected` so a short answer means they are not all stored yet.
 */
export async function searchableTraces(server: RunningServer, service: string, range: { startMs: number; endMs: number }, expected: number): Promise<number> {
  const url =
    server.name === 'jaeger'
      ? `${server.queryUrl}/api/traces?service=${encodeURIComponent(service)}&start=${range.startMs * 1000}&end=${range.endMs * 1000}&limit=${expected + 100}`
      : `${server.queryUrl}/api/v2/traces?serviceName=${encodeURIComponent(service)}&endTs=${range.endMs}&lookback=${range.endMs - range.startMs}&limit=${expected + 100}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const doc = (await res.json()) as unknown;
  const list = server.name === 'jaeger' ? (doc as { data?: unknown[] }).data : doc;
  return Array.isArray(list) ? list.length : 0;
}
