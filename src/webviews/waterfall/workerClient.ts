/**
 * The extension-host side of a waterfall worker: starts it, hands it the bytes or the spans,
 * relays webview messages to it and its answers back. No `vscode` import, so it is tested in Node.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { TraceResponse } from '../../core/backends/traceResponse';
import { CancelledError, TraceLensError } from '../../core/errors';
import type { Trace } from '../../core/model/trace';
import { PREVIEW_PREFIX_BYTES } from '../../core/traceFiles/documentPreview';
import type { HostMessage } from '../../core/protocol/waterfallProtocol';
import { postSpansInSlices } from './spanSlices';
import type { FromWorker, LoadViewOptions, ToWorker, WorkerCommand, WorkerLoaded, WorkerLoadResult } from './workerProtocol';

export interface WorkerClientCallbacks {
  /** A message for the webview. */
  post(message: HostMessage): void;
  command(command: WorkerCommand): void;
  /** The worker died outside a load (crash, out of memory); never called after dispose. */
  crashed(message: string): void;
}

/** A failure inside the worker, rebuilt on this side with the user message the worker gave. */
export class WaterfallWorkerError extends TraceLensError {
  constructor(message: string, errorName: string, detail?: string) {
    super(message, { detail });
    this.name = errorName;
  }
}

/** A streamed body crosses to the worker in batches of this size: few messages, little held here. */
export const BODY_BATCH_BYTES = 1024 * 1024;

/** Bytes of its buffer a view may leave out and still be transferred with it (a frame header). */
const OWNED_SLACK_BYTES = 64;

/**
 * The buffer to transfer instead of copy, when the view is (nearly) all of it: a gRPC message is
 * a view of grpc-js's buffer past the 5 bytes of its frame header. A view of a bigger buffer (a
 * pooled Buffer, a slice of a read) must be copied: transferring would take the rest from its owner.
 */
export function transferable(bytes: Uint8Array): ArrayBuffer[] {
  return bytes.buffer instanceof ArrayBuffer && bytes.buffer.byteLength - bytes.byteLength <= OWNED_SLACK_BYTES ? [bytes.buffer] : [];
}

export class WaterfallWorkerClient {
  private readonly worker: Worker;
  private pending: { resolve(v: WorkerLoadResult): void; reject(e: Error): void } | undefined;
  private exited = false;
  private disposed = false;
  private batch: Uint8Array | undefined;
  private batchUsed = 0;
  private streamStarted = false;
  private streamTraceId: string | undefined;

  /** `workerPath`: dist/waterfallWorker.js in the extension; tests pass the .ts entry with tsx in execArgv. */
  constructor(workerPath: string, private readonly callbacks: WorkerClientCallbacks, options: WorkerOptions = {}) {
    // A 250k-span document parses into ~400 MB of objects: give the worker room, not the host.
    this.worker = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: 2048 }, ...options });
    this.worker.on('message', (msg: FromWorker) => this.onMessage(msg));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      this.exited = true;
      // terminate() ends the thread with code 1: closing the panel is not a crash.
      if (code !== 0 && !this.disposed) this.fail(new Error(`The waterfall worker stopped (exit code ${code}).`));
    });
  }

  /**
   * Parses a document and lays out its trace (or `traceId`'s). A document of several traces
   * without `traceId` answers `choose`; then call `show`. Transfers `bytes` when it can (the
   * caller's copy becomes unusable).
   */
  loadDocument(bytes: Uint8Array, fileName: string, options: LoadViewOptions & { traceId?: string } = {}): Promise<WorkerLoadResult> {
    return this.request({ type: 'loadDocument', bytes, fileName, ...options }, transferable(bytes));
  }

  /**
   * Starts a body that arrives from the network: pass the returned function as fetchTrace's
   * `sink`, then the `streamed` answer to `loadResponse`. The bytes cross in ~1 MB batches as
   * they come, so the host never holds the whole answer. A chunk handed to the function is the
   * worker's: one of 1 MB or more that owns its buffer is transferred, and unusable after.
   */
  beginResponse(traceId?: string): (chunk: Uint8Array) => void {
    this.batch = undefined;
    this.batchUsed = 0;
    this.streamStarted = false;
    this.streamTraceId = traceId;
    return (chunk) => this.writeChunk(chunk);
  }

  private writeChunk(chunk: Uint8Array): void {
    if (this.exited) return;
    if (this.batch && this.batchUsed + chunk.byteLength > this.batch.byteLength) this.flushBatch();
    if (chunk.byteLength >= BODY_BATCH_BYTES) {
      // Copied unless it can cross whole (a Buffer's slice() would be a view, not a copy).
      this.postChunk(transferable(chunk).length > 0 ? chunk : new Uint8Array(chunk));
      return;
    }
    this.batch ??= new Uint8Array(BODY_BATCH_BYTES);
    this.batch.set(chunk, this.batchUsed);
    this.batchUsed += chunk.byteLength;
    // The first bytes go early: the worker shows the spans in them while the rest arrives.
    if (!this.streamStarted && this.batchUsed >= PREVIEW_PREFIX_BYTES) this.flushBatch();
  }

  private flushBatch(): void {
    if (!this.batch || this.batchUsed === 0) return;
    const bytes = this.batchUsed === this.batch.byteLength ? this.batch : this.batch.slice(0, this.batchUsed);
    this.batch = undefined;
    this.batchUsed = 0;
    this.postChunk(bytes);
  }

  /** `bytes`'s buffer is transferred. */
  private postChunk(bytes: Uint8Array): void {
    this.worker.postMessage({ type: 'responseChunk', bytes, first: !this.streamStarted, traceId: this.streamTraceId } satisfies ToWorker, [bytes.buffer as ArrayBuffer]);
    this.streamStarted = true;
  }

  /** The first bytes of a document still being read: the worker shows their spans at once. Transfers `bytes`. */
  previewDocument(bytes: Uint8Array, fileName: string, traceId?: string): void {
    if (!this.exited) this.worker.postMessage({ type: 'previewDocument', bytes, fileName, traceId } satisfies ToWorker, transferable(bytes));
  }

  /** Interprets a backend's answer in the worker, as the backend client would. */
  async loadResponse(response: TraceResponse, options: LoadViewOptions = {}): Promise<WorkerLoaded> {
    if (response.streamed) {
      this.flushBatch();
      // An empty body still has to reset what an earlier stream left.
      if (!this.streamStarted) this.postChunk(new Uint8Array(0));
    }
    return this.expectLoaded(await this.request({ type: 'loadResponse', response, ...options }, transferable(response.body)));
  }

  /** Lays out one of the traces of the document that answered `choose`. */
  async show(traceId: string, options: LoadViewOptions = {}): Promise<WorkerLoaded> {
    return this.expectLoaded(await this.request({ type: 'show', traceId, ...options }));
  }

  /**
   * A trace already in memory (the receiver's): its spans cross in slices, none of which blocks
   * the host long (spanSlices.ts).
   */
  async loadTrace(trace: Trace, options: LoadViewOptions = {}): Promise<WorkerLoaded> {
    await postSpansInSlices(trace.spans, (spans) => {
      this.worker.postMessage({ type: 'addSpans', spans, traceId: trace.traceId, total: trace.spans.length } satisfies ToWorker);
    }, () => this.exited);
    return this.expectLoaded(await this.request({ type: 'loadSpans', traceId: trace.traceId, warnings: trace.warnings, partial: trace.partial, ...options }));
  }

  /** A message from the webview, validated in the worker by WaterfallSession. */
  fromWebview(message: unknown): void {
    if (!this.exited) this.worker.postMessage({ type: 'webview', message } satisfies ToWorker);
  }

  /** Has the worker post the columns to the webview (after `ready`). */
  requestTrace(): void {
    if (!this.exited) this.worker.postMessage({ type: 'postTrace' } satisfies ToWorker);
  }

  private request(msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<WorkerLoadResult> {
    if (this.exited) return Promise.reject(new Error('The waterfall worker has stopped.'));
    if (this.pending) return Promise.reject(new Error('A trace is already loading in this worker.'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg, transfer);
    });
  }

  private expectLoaded(result: WorkerLoadResult): WorkerLoaded {
    if (result.type !== 'loaded') throw new Error('The waterfall worker asked which trace to show for a single trace.');
    return result;
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'loaded':
      case 'choose':
        this.pending?.resolve(msg);
        this.pending = undefined;
        break;
      case 'failed':
        this.pending?.reject(new WaterfallWorkerError(msg.message, msg.errorName, msg.detail));
        this.pending = undefined;
        break;
      case 'post': this.callbacks.post(msg.message); break;
      default: this.callbacks.command(msg);
    }
  }

  private fail(err: Error): void {
    if (this.pending) { this.pending.reject(err); this.pending = undefined; } else if (!this.disposed) this.callbacks.crashed(err.message);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // Closing the panel mid-load cancels the load: not an error to show.
    this.pending?.reject(new CancelledError());
    this.pending = undefined;
    await this.worker.terminate();
  }
}
