/**
 * The extension-host side of the function flame graph's worker: one worker per run, fed the traces
 * and asked once for the merge. No `vscode` import, so it is tested in Node.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { TraceResponse } from '../../core/backends/traceResponse';
import { CancelledError } from '../../core/errors';
import type { Trace } from '../../core/model/trace';
import { postSpansInSlices } from '../waterfall/spanSlices';
import { transferable, WaterfallWorkerError } from '../waterfall/workerClient';
import type { FromFunctionFlameWorker, ToFunctionFlameWorker } from './functionFlameWorkerProtocol';

export type Merged = Extract<FromFunctionFlameWorker, { type: 'merged' }>;

export class FunctionFlameWorkerClient {
  private readonly worker: Worker;
  private pending: { resolve(v: Merged): void; reject(e: Error): void } | undefined;
  private exited = false;
  private disposed = false;

  /** `workerPath`: dist/functionFlameWorker.js in the extension; tests pass the .ts entry with tsx in execArgv. */
  constructor(workerPath: string, options: WorkerOptions = {}) {
    this.worker = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: 2048 }, ...options });
    this.worker.on('message', (msg: FromFunctionFlameWorker) => {
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      if (msg.type === 'failed') p.reject(new WaterfallWorkerError(msg.message, msg.errorName, msg.detail));
      else p.resolve(msg);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.disposed) this.fail(new Error(`The flame graph worker stopped (exit code ${code}).`));
    });
  }

  /** A trace already in memory (the receiver's), copied in slices. */
  async addTrace(trace: Trace): Promise<void> {
    if (trace.spans.length === 0) return;
    let sent = 0;
    await postSpansInSlices(trace.spans, (spans) => {
      sent += spans.length;
      this.worker.postMessage({ type: 'spans', traceId: trace.traceId, spans, last: sent >= trace.spans.length } satisfies ToFunctionFlameWorker);
    }, () => this.exited);
  }

  /** A backend's answer; its body is transferred when it can be. */
  addResponse(response: TraceResponse): void {
    this.worker.postMessage({ type: 'response', response } satisfies ToFunctionFlameWorker, transferable(response.body));
  }

  merge(locationKey: string, label: string): Promise<Merged> {
    if (this.exited) return Promise.reject(new Error('The flame graph worker has stopped.'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ type: 'merge', requestId: 1, locationKey, label } satisfies ToFunctionFlameWorker);
    });
  }

  private fail(err: Error): void {
    this.pending?.reject(err);
    this.pending = undefined;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.fail(new CancelledError());
    await this.worker.terminate();
  }
}
