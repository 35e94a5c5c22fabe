/**
 * Messages between the extension host and the waterfall worker (worker_threads). The worker
 * parses the trace bytes, lays the trace out, keeps it, and answers the webview's requests,
 * so neither the 0.7-1.1 s JSON.parse of a 100k-span trace nor the layout runs on the
 * extension host's thread, and the parsed Trace never has to be copied between threads.
 */
import type { SourceLocation } from '../../core/waterfall/spanDetail';
import type { WaterfallSummary } from '../../core/waterfall/columnLayout';
import type { HostMessage } from './protocol';

export interface WorkerLoad {
  type: 'load';
  /** The document as fetched or read (any format loadTraceFile detects). */
  bytes: Uint8Array;
  fileName: string;
  /** Which trace to show when the document holds several; the first otherwise. */
  traceId?: string;
  spanLimit?: number;
}
export interface WorkerWebviewMessage { type: 'webview'; message: unknown }
/** Asks the worker to post the columns (again), e.g. after the webview reloaded. */
export interface WorkerPostTrace { type: 'postTrace' }
export type ToWorker = WorkerLoad | WorkerWebviewMessage | WorkerPostTrace;

export interface WorkerLoaded {
  type: 'loaded';
  summary: WaterfallSummary;
  /** Other trace ids found in the document. */
  otherTraceIds: string[];
  parseMs: number;
  layoutMs: number;
}
export interface WorkerFailed { type: 'failed'; message: string; errorName: string }
/** A message for the webview (the columns, a detail, search results). */
export interface WorkerPost { type: 'post'; message: HostMessage }
export type WorkerCommand =
  | { type: 'ready' }
  | { type: 'openSource'; location: SourceLocation }
  | { type: 'openTrace'; traceId: string; spanId?: string }
  | { type: 'copy'; text: string };
export type FromWorker = WorkerLoaded | WorkerFailed | WorkerPost | WorkerCommand;
