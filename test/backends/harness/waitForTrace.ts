// Waits until a backend answers a trace by id with all of its spans: ingestion
// is asynchronous, so tests poll instead of sleeping a fixed time.
import type { RunningServer } from './servers';

export interface FetchedTrace {
  url: string;
  status: number;
  body: string;
  spanCount: number;
}

/** The by-id URL each backend is polled on (raw HTTP, no client code under test). */
export function traceByIdUrl(server: RunningServer, traceId: string): string {
  switch (server.name) {
    case 'jaeger':
      return `${server.queryUrl}/api/v3/traces/${traceId}`;
    case 'zipkin':
      return `${server.queryUrl}/api/v2/trace/${traceId}`;
  }
}

/** Counts spans in a by-id answer of any of the three wire formats. */
export function countSpans(server: RunningServer, body: string): number {
  const json: unknown = JSON.parse(body);
  if (server.name === 'zipkin') return Array.isArray(json) ? json.length : 0;
  const otlp = (json as { result?: OtlpTrace }).result;
  let count = 0;
  for (const rs of otlp?.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) count += ss.spans?.length ?? 0;
  }
  return count;
}

interface OtlpTrace {
  resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
}

export async function waitForTrace(
  server: RunningServer,
  traceId: string,
  options: { spanCount: number; timeoutMs?: number; headers?: Record<string, string> },
): Promise<FetchedTrace> {
  const url = traceByIdUrl(server, traceId);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last = 'no answer yet';
  for (;;) {
    try {
      const res = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(5_000) });
      const body = await res.text();
      if (res.ok) {
        const spanCount = countSpans(server, body);
        if (spanCount >= options.spanCount) return { url, status: res.status, body, spanCount };
        last = `${spanCount} of ${options.spanCount} spans`;
      } else {
        last = `${res.status} ${body.slice(0, 200)}`;
      }
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(`${server.name}: trace ${traceId} not queryable at ${url} after ${options.timeoutMs ?? 60_000} ms: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
