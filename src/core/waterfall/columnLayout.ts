/**
 * The compact form of a laid-out trace that the webview draws from: one typed array per
 * column, indexed by row (depth-first pre-order), plus small string tables. Shared by the
 * host and the webview, so this module holds only types and constants (no Node, no DOM).
 */

/** Bits of `flags`. */
export const SpanFlag = {
  error: 1,
  hasEvents: 2,
  critical: 4,
  /** The parent span id is set but no span of the trace has it. */
  orphan: 8,
  /** Started before or ended after its parent (after the clock-skew adjustment, if any). */
  clockSkew: 16,
  /** Shifted by the clock-skew adjuster (its subtree moved with it). */
  skewAdjusted: 32,
  /** Another span of the trace has the same span id. */
  duplicateId: 64,
  /** Its parent chain looped back to itself; the loop was broken here. */
  cycleBroken: 128,
  hasLinks: 256,
  hasException: 512,
} as const;

export type SpanKindCode = 0 | 1 | 2 | 3 | 4 | 5;
/** Index = SpanKindCode. */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

export interface WaterfallColumns {
  rowCount: number;
  /** Offset of the span start from the trace start, in ns (exact below 2^53 ns, about 104 days). */
  startNs: Float64Array;
  durationNs: Float64Array;
  /** Duration not covered by any child. */
  selfNs: Float64Array;
  depth: Int32Array;
  /** Row of the parent, -1 for a root. */
  parent: Int32Array;
  /** Rows in the subtree including the row itself: the next sibling is `row + subtreeSize[row]`. */
  subtreeSize: Int32Array;
  /** Index into `WaterfallStrings.services`. */
  service: Int32Array;
  /** Index into `WaterfallStrings.names`. */
  name: Int32Array;
  kind: Uint8Array;
  flags: Uint16Array;
  /** Events of row r are `eventTimeNs[eventStart[r] .. eventStart[r + 1])`; length rowCount + 1. */
  eventStart: Int32Array;
  /** Offset from the trace start, ns. */
  eventTimeNs: Float64Array;
  /** 1 when the event is an exception. */
  eventIsError: Uint8Array;
}

export interface WaterfallStrings {
  /** Distinct span names, shortened to DISPLAY_NAME_LIMIT characters (the full value is in the detail). */
  names: string[];
  services: string[];
}

/** Summary shown in the header. */
export interface WaterfallSummary {
  traceId: string;
  rootName: string;
  rootService: string;
  /** Trace start, ns since the epoch, as a decimal string (bigint does not cross postMessage everywhere). */
  startUnixNs: string;
  durationNs: number;
  spanCount: number;
  /** Spans of the trace before windowing. */
  totalSpanCount: number;
  errorCount: number;
  serviceCount: number;
  /** Set when only part of the trace is shown. */
  windowed?: string;
  partial: boolean;
  warnings: string[];
  /** Critical path of the primary root, in rows. */
  criticalRows: number[];
}

export const DISPLAY_NAME_LIMIT = 512;
