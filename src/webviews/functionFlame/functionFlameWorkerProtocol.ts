/** Messages between the extension host and the function flame graph's worker (functionFlameWorker.ts). */
import type { TraceResponse } from '../../core/backends/traceResponse';
import type { FunctionFlame } from '../../core/flame/functionFlameTypes';
import type { Span } from '../../core/model/trace';
import type { WorkerFailure } from '../waterfall/workerFailure';

export type ToFunctionFlameWorker =
  /** The spans of an in-memory trace, in slices; `last` closes the trace. */
  | { type: 'spans'; traceId: string; spans: Span[]; last: boolean }
  /** A backend's answer for one trace, parsed in the worker. */
  | { type: 'response'; response: TraceResponse }
  | { type: 'merge'; requestId: number; locationKey: string; label: string };

export type FromFunctionFlameWorker =
  | { type: 'merged'; requestId: number; flame: FunctionFlame; mergeMs: number }
  | ({ type: 'failed'; requestId: number } & WorkerFailure);
