import { spanDurationNs, type Trace } from '../../core/model/trace';
import type { TraceChoice } from './workerProtocol';

/** One trace of a document that holds several, as a worker describes it for the pick list. */
export function describeTraceChoice(trace: Trace): TraceChoice {
  const root = trace.spans.find((s) => !s.parentSpanId) ?? trace.spans[0];
  return {
    traceId: trace.traceId,
    rootService: root?.resource.serviceName ?? '',
    rootName: root?.name ?? '(no spans)',
    spanCount: trace.spans.length,
    durationNs: root ? spanDurationNs(root) : 0,
    errorCount: trace.spans.reduce((n, s) => n + (s.status.code === 'error' ? 1 : 0), 0),
  };
}
