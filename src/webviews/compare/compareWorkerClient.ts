/**
 * The extension-host side of a compare worker: hands it each side's bytes or spans, asks for the
 * comparison. No `vscode` import, so it is tested in Node.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { TraceResponse } from '../../core/backends/traceResponse';
import type { CompareOptions } from '../../core/compare/traceComparison';
import { CancelledError } from '../../core/errors';
import type { Trace } from '../../core/model/trace';
import { postSpansInSlices } from '../waterfall/spanSlices';
import { transferable, WaterfallWorkerError } from '../waterfall/workerClient';
import type { CompareSide, CompareSource, FromCompareWorker, ToCompareWorker } from './compareWorkerProtocol';

type Answer = Exclude<FromCompareWorker, { type: 'failed' }>;
export type SideLoaded = Extract<FromCompareWorker, { type: 'loaded' }>;
export type SideAnswer = SideLoaded | Extract<FromCompareWorker, { type: 'choose' }>;
export type Compared = Extract<FromCompareWorker, { type: 'compared' }>;

export class CompareWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(v: Answer): void; reject(e: Error): void }>();
  private nextId = 1;
  private exited = false;
  private disposed = false;

  /** `workerPath`: dist/compareWorker.js in the extension; tests pass the .ts entry with tsx in execArgv. */
  constructor(workerPath: string, options: WorkerOptions = {}) {
    // Two 100k-span traces parse into several hundred MB of objects: room in the worker, not the host.
    this.worker = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: 2048 }, ...options });
    this.worker.on('message', (msg: FromCompareWorker) => {
      const p = this.pending.get(msg.requestId);
      if (!p) return;
      this.pending.delete(msg.requestId);
      if (msg.type === 'failed') p.reject(new WaterfallWorkerError(msg.message, msg.errorName, msg.detail));
      else p.resolve(msg);
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.disposed) this.failAll(new Error(`The compare worker stopped (exit code ${code}).`));
    });
  }

  /** A document (file) as read; transfers `bytes` when it can. May answer `choose`: then call `pick`. */
  loadDocument(side: CompareSide, bytes: Uint8Array, fileName: string, traceId?: string): Promise<SideAnswer> {
    return this.request({ type: 'load', requestId: 0, side, source: { kind: 'document', bytes, fileName, traceId } }, transferable(bytes)) as Promise<SideAnswer>;
  }

  /** A backend's (non-streamed) answer; its body is transferred when it can be. */
  loadResponse(side: CompareSide, response: TraceResponse): Promise<SideLoaded> {
    return this.request({ type: 'load', requestId: 0, side, source: { kind: 'response', response } }, transferable(response.body)) as Promise<SideLoaded>;
  }

  /** A trace already in memory (the receiver's), copied in slices. */
  async loadTrace(side: CompareSide, trace: Trace): Promise<SideLoaded> {
    await postSpansInSlices(trace.spans, (spans) => this.worker.postMessage({ type: 'addSpans', side, spans } satisfies ToCompareWorker), () => this.exited);
    const source: CompareSource = { kind: 'spans', traceId: trace.traceId, warnings: trace.warnings, partial: trace.partial };
    return this.request({ type: 'load', requestId: 0, side, source }) as Promise<SideLoaded>;
  }

  /** One trace of the document a side's load answered `choose` for. */
  pick(side: CompareSide, traceId: string): Promise<SideLoaded> {
    return this.request({ type: 'pick', requestId: 0, side, traceId }) as Promise<SideLoaded>;
  }

  compare(options?: CompareOptions): Promise<Compared> {
    return this.request({ type: 'compare', requestId: 0, options }) as Promise<Compared>;
  }

  private request(msg: ToCompareWorker & { requestId: number }, transfer: ArrayBuffer[] = []): Promise<Answer> {
    if (this.exited) return Promise.reject(new Error('The compare worker has stopped.'));
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.worker.postMessage({ ...msg, requestId }, transfer);
    });
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // Closing the panel mid-load cancels the load: not an error to show.
    this.failAll(new CancelledError());
    await this.worker.terminate();
  }
}
