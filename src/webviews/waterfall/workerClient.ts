/**
 * The extension-host side of the waterfall worker: starts it, hands it the bytes, relays
 * webview messages to it and its answers back. No `vscode` import, so it is tested in Node.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { HostMessage } from './protocol';
import type { FromWorker, WorkerCommand, WorkerLoaded, WorkerLoad } from './workerProtocol';

export interface WorkerClientCallbacks {
  /** A message for the webview. */
  post(message: HostMessage): void;
  command(command: WorkerCommand): void;
  /** The worker died outside a load (crash, out of memory). */
  crashed(message: string): void;
}

export class WaterfallWorkerClient {
  private readonly worker: Worker;
  private pending: { resolve(v: WorkerLoaded): void; reject(e: Error): void } | undefined;
  private exited = false;

  /** `workerPath`: dist/waterfallWorker.js in the extension; tests pass the .ts entry with tsx in execArgv. */
  constructor(workerPath: string, private readonly callbacks: WorkerClientCallbacks, options: WorkerOptions = {}) {
    // A 250k-span document parses into ~400 MB of objects: give the worker room, not the host.
    this.worker = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: 2048 }, ...options });
    this.worker.on('message', (msg: FromWorker) => this.onMessage(msg));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => { this.exited = true; if (code !== 0) this.fail(new Error(`The waterfall worker stopped (exit code ${code}).`)); });
  }

  /** Parses and lays out the document in the worker. Transfers `bytes` (the caller's copy becomes unusable). */
  load(bytes: Uint8Array, fileName: string, options: Pick<WorkerLoad, 'traceId' | 'spanLimit'> = {}): Promise<WorkerLoaded> {
    if (this.exited) return Promise.reject(new Error('The waterfall worker has stopped.'));
    if (this.pending) return Promise.reject(new Error('A trace is already loading in this worker.'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      const msg: WorkerLoad = { type: 'load', bytes, fileName, ...options };
      // Zero-copy when the view covers its whole buffer; otherwise copied by the clone.
      const transfer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
      this.worker.postMessage(msg, transfer);
    });
  }

  /** A message from the webview, validated in the worker by WaterfallSession. */
  fromWebview(message: unknown): void {
    if (!this.exited) this.worker.postMessage({ type: 'webview', message });
  }

  /** Has the worker post the columns to the webview (after `ready`). */
  requestTrace(): void {
    if (!this.exited) this.worker.postMessage({ type: 'postTrace' });
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'loaded': this.pending?.resolve(msg); this.pending = undefined; break;
      case 'failed': {
        const err = new Error(msg.message);
        err.name = msg.errorName;
        this.pending?.reject(err);
        this.pending = undefined;
        break;
      }
      case 'post': this.callbacks.post(msg.message); break;
      default: this.callbacks.command(msg);
    }
  }

  private fail(err: Error): void {
    if (this.pending) { this.pending.reject(err); this.pending = undefined; } else this.callbacks.crashed(err.message);
  }

  async dispose(): Promise<void> {
    this.exited = true;
    await this.worker.terminate();
  }
}
