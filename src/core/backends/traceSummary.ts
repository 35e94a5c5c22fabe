import type { Trace } from '../model/trace';
import type { TraceSummary } from './traceBackend';

/**
 * A search-result line from a whole trace, for servers whose search returns full traces
 * (Jaeger, Zipkin). The root is the span without a parent in the trace, else the earliest.
 */
export function summarizeTrace(trace: Trace): TraceSummary {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  let root = trace.spans[0];
  let start: bigint | undefined;
  let end: bigint | undefined;
  let errors = 0;
  for (const s of trace.spans) {
    if (start === undefined || s.startTimeUnixNano < start) start = s.startTimeUnixNano;
    if (end === undefined || s.endTimeUnixNano > end) end = s.endTimeUnixNano;
    if (s.status.code === 'error') errors++;
    const isRoot = s.parentSpanId === undefined || !ids.has(s.parentSpanId);
    const rootIsRoot = root.parentSpanId === undefined || !ids.has(root.parentSpanId);
    if ((isRoot && !rootIsRoot) || (isRoot === rootIsRoot && s.startTimeUnixNano < root.startTimeUnixNano)) root = s;
  }
  return {
    traceId: trace.traceId,
    rootServiceName: root?.resource.serviceName ?? '',
    rootName: root?.name ?? '',
    startTimeUnixNano: start ?? 0n,
    durationMs: start !== undefined && end !== undefined ? Number(end - start) / 1e6 : 0,
    spanCount: trace.spans.length,
    errorCount: errors,
  };
}

/** Newest first, as every search UI lists them. */
export function sortSummaries(list: TraceSummary[]): TraceSummary[] {
  return list.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? 1 : a.startTimeUnixNano > b.startTimeUnixNano ? -1 : 0));
}

/** Traces by their earliest span start, newest first (the order a search lists them). */
export function newestFirst(traces: Trace[]): Trace[] {
  const start = new Map<Trace, bigint>();
  for (const t of traces) {
    let s: bigint | undefined;
    for (const span of t.spans) if (s === undefined || span.startTimeUnixNano < s) s = span.startTimeUnixNano;
    start.set(t, s ?? 0n);
  }
  return traces.sort((a, b) => {
    const x = start.get(a)!;
    const y = start.get(b)!;
    return x < y ? 1 : x > y ? -1 : 0;
  });
}
