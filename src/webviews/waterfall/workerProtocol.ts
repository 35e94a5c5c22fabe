/**
 * Messages between the extension host and the waterfall worker (worker_threads). Every trace
 * the waterfall shows is parsed, converted and laid out in the worker of its panel, which keeps
 * it and answers the webview's requests: neither the JSON.parse of a big answer (0.3-1 s at
 * 50k-100k spans) nor the conversion and layout run on the extension host's thread, and the
 * parsed trace never lives in the host's heap.
 */
import type { TraceResponse } from '../../core/backends/traceResponse';
import type { Span } from '../../core/model/trace';
import type { WaterfallSummary } from '../../core/waterfall/columnLayout';
import type { CompareCommand, HostMessage, WaterfallCommand } from '../../core/protocol/waterfallProtocol';

/** What every load may say about the view. */
export interface LoadViewOptions {
  spanLimit?: number;
  /** The span to select once the trace is shown. */
  selectSpanId?: string;
}

/** A document as read (any format loadTraceFile detects: OTLP JSON or lines, Jaeger, Tempo, Zipkin). */
export interface WorkerLoadDocument extends LoadViewOptions {
  type: 'loadDocument';
  bytes: Uint8Array;
  fileName: string;
  /**
   * Which trace to show when the document holds several. Without it a document of several
   * traces answers `choose` and waits for `show`.
   */
  traceId?: string;
}
/** The first bytes of a document still being read: shown as rows at once, before `loadDocument`. */
export interface WorkerPreviewDocument { type: 'previewDocument'; bytes: Uint8Array; fileName: string; traceId?: string }
/**
 * A backend's answer for one trace, interpreted exactly as the backend client would. When
 * `response.streamed`, its body is the `responseChunk`s received since the last `first` one.
 */
export interface WorkerLoadResponse extends LoadViewOptions {
  type: 'loadResponse';
  response: TraceResponse;
}
/** Part of a body as it arrives from the network; `first` starts a new body of the trace `traceId`. */
export interface WorkerResponseChunk { type: 'responseChunk'; bytes: Uint8Array; first: boolean; traceId?: string }
/** Part of a trace already in memory (the built-in receiver); sent in slices so no clone blocks the host long. */
export interface WorkerAddSpans { type: 'addSpans'; spans: Span[]; traceId: string; total: number }
/** The last message of an in-memory trace: lays out the spans added so far. */
export interface WorkerLoadSpans extends LoadViewOptions {
  type: 'loadSpans';
  traceId: string;
  warnings: string[];
  partial?: boolean;
}
/** Lays out one of the traces of a document that answered `choose`. */
export interface WorkerShow extends LoadViewOptions { type: 'show'; traceId: string }
export interface WorkerWebviewMessage { type: 'webview'; message: unknown }
/** Asks the worker to post the columns (again), e.g. after the webview reloaded. */
export interface WorkerPostTrace { type: 'postTrace' }
export type WorkerLoad = WorkerLoadDocument | WorkerLoadResponse | WorkerLoadSpans | WorkerShow;
export type ToWorker = WorkerLoad | WorkerAddSpans | WorkerResponseChunk | WorkerPreviewDocument | WorkerWebviewMessage | WorkerPostTrace;

export interface WorkerLoaded {
  type: 'loaded';
  summary: WaterfallSummary;
  /** Other trace ids found in the document. */
  otherTraceIds: string[];
  parseMs: number;
  layoutMs: number;
  /** The worker's V8 heap after the load, bytes (what the trace costs, outside the host's heap). */
  workerHeapBytes: number;
}
/** One trace of a document that holds several, described for a pick list. */
export interface TraceChoice {
  traceId: string;
  rootService: string;
  rootName: string;
  spanCount: number;
  durationNs: number;
  errorCount: number;
}
export interface WorkerChoose { type: 'choose'; choices: TraceChoice[] }
export interface WorkerFailed {
  type: 'failed';
  /** The sentence for the user (a core error's user message). */
  message: string;
  /** More for the log, when there is more. */
  detail?: string;
  errorName: string;
}
/** A message for the webview (the columns, a detail, search results). */
export interface WorkerPost { type: 'post'; message: HostMessage }
/** A webview command the worker validated, for the panel to act on (the panel takes Compare itself). */
export type WorkerCommand = Exclude<WaterfallCommand, CompareCommand>;
export type WorkerLoadResult = WorkerLoaded | WorkerChoose;
export type FromWorker = WorkerLoaded | WorkerChoose | WorkerFailed | WorkerPost | WorkerCommand;
