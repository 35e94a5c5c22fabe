import type { Trace } from '../model/trace';
import { criticalPathSpanIds } from './criticalPath';
import { buildSpanTree } from './spanTree';

/** What `trace-lens inspect --json` prints (the README's *Command line*): one trace summarised for scripts. */
export interface TraceInspection {
  traceId: string;
  spanCount: number;
  services: string[];
  rootName: string;
  durationMs: number;
  errorCount: number;
  /** Span ids from the root down the path that determines the trace's duration. */
  criticalPath: string[];
}

export function inspectTrace(trace: Trace): TraceInspection {
  const tree = buildSpanTree(trace);
  const root = tree.primaryRoot >= 0 ? tree.spans[tree.primaryRoot] : undefined;
  let start: bigint | undefined;
  let end: bigint | undefined;
  const services = new Set<string>();
  let errorCount = 0;
  for (const span of trace.spans) {
    if (start === undefined || span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (end === undefined || span.endTimeUnixNano > end) end = span.endTimeUnixNano;
    services.add(span.resource.serviceName);
    if (span.status.code === 'error') errorCount++;
  }
  return {
    traceId: trace.traceId,
    spanCount: trace.spans.length,
    services: [...services].sort(),
    rootName: root?.name ?? '',
    durationMs: start !== undefined && end !== undefined ? Number(end - start) / 1e6 : 0,
    errorCount,
    criticalPath: tree.spans.length ? criticalPathSpanIds(tree) : [],
  };
}
