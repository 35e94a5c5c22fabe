import type { Trace } from '../core/model/trace';

/** Where a shown trace came from, so a restored panel can fetch it again. */
export type TraceOrigin = { kind: 'backend'; traceId: string } | { kind: 'file'; uri: string; traceId: string };

/** Shows one trace to the user: the waterfall panel, or a summary where the waterfall is not available. */
export interface TraceViewer {
  show(trace: Trace, options: { origin: TraceOrigin; selectSpanId?: string }): Promise<void>;
}
