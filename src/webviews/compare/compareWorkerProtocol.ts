/**
 * Messages between the extension host and the compare worker (worker_threads). Both traces of a
 * comparison are parsed and matched in the worker of its panel, as the waterfall's are in its own:
 * the host hands over bytes (a file, a backend's answer) or spans already in memory (the
 * receiver's), and receives the comparison, bounded in size.
 */
import type { TraceResponse } from '../../core/backends/traceResponse';
import type { CompareOptions, TraceComparison } from '../../core/compare/traceComparison';
import type { Span } from '../../core/model/trace';
import type { TraceChoice } from '../waterfall/workerProtocol';
import type { CompareSide } from '../../core/protocol/compareProtocol';

export type { CompareSide };

/** Where one side's trace comes from, as the worker receives it. */
export type CompareSource =
  /** A document as read (any format loadTraceFile detects); `traceId` picks one of several. */
  | { kind: 'document'; bytes: Uint8Array; fileName: string; traceId?: string }
  /** A backend's answer, interpreted as the backend client would. Not streamed. */
  | { kind: 'response'; response: TraceResponse }
  /** The spans sent by `addSpans` for this side since its last load. */
  | { kind: 'spans'; traceId: string; warnings: string[]; partial?: boolean };

export type ToCompareWorker =
  | { type: 'addSpans'; side: CompareSide; spans: Span[] }
  | { type: 'load'; requestId: number; side: CompareSide; source: CompareSource }
  /** Chooses one trace of the document a side's `load` answered `choose` for. */
  | { type: 'pick'; requestId: number; side: CompareSide; traceId: string }
  | { type: 'compare'; requestId: number; options?: CompareOptions };

export type FromCompareWorker =
  | { type: 'loaded'; requestId: number; trace: TraceChoice; parseMs: number }
  | { type: 'choose'; requestId: number; choices: TraceChoice[] }
  | { type: 'compared'; requestId: number; comparison: TraceComparison; compareMs: number }
  | { type: 'failed'; requestId: number; message: string; detail?: string; errorName: string };
