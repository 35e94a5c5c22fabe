/**
 * The function outlines of source texts for the lenses (src/core/source/functionDeclarations.ts),
 * parsed in a worker thread (dist/outlineWorker.js). If the worker cannot start, stops, or does not
 * answer, outlines are parsed on the calling thread from then on (the lenses matter more than the
 * thread). No `vscode` import, so it is tested in Node.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { LanguageId } from '../core/lint/languages';
import type { TreeCache } from '../core/lint/treeCache';
import { outlineSource } from '../core/source/functionDeclarations';
import type { SymbolNode } from '../core/source/symbolMatching';
import type { FromOutlineWorker, ToOutlineWorker } from './outlineWorkerProtocol';

export interface OutlineParser {
  /** The outline of `text`; `key` (a document URI) makes the next version's parse incremental. */
  outline(text: string, language: LanguageId, key?: string): Promise<SymbolNode[]>;
  /** Drops the tree kept for a closed document. */
  forget(key: string): void;
  dispose(): void;
}

/** A parse that fails in the worker (a grammar that cannot load): the caller shows why. */
export class OutlineFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutlineFailedError';
  }
}

/**
 * How long the worker may take to answer one outline before it is given up for the host thread. A
 * first parse takes well under a second even on a loaded machine; a worker that has not answered
 * in this long is stuck, and the lenses of that document would otherwise never come.
 */
export const OUTLINE_ANSWER_TIMEOUT_MS = 20_000;

export class WorkerOutlineParser implements OutlineParser {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(symbols: SymbolNode[]): void; reject(err: Error): void }>();
  private nextId = 1;
  /** Set once the worker failed: every later outline is parsed on this thread. */
  private hostFallback: string | undefined;
  private disposed = false;

  /**
   * `workerPath`: dist/outlineWorker.js in the extension (tests pass the .ts entry with tsx in
   * `options.execArgv`); `hostTrees` parses on this thread when the worker is not there.
   */
  constructor(
    private readonly workerPath: string,
    private readonly hostTrees: () => TreeCache,
    private readonly onFallback: (reason: string) => void = () => undefined,
    private readonly options: WorkerOptions = {},
    private readonly answerTimeoutMs = OUTLINE_ANSWER_TIMEOUT_MS,
  ) {}

  /** Why outlines are parsed on the host thread, when they are. */
  get fallbackReason(): string | undefined {
    return this.hostFallback;
  }

  async outline(text: string, language: LanguageId, key?: string): Promise<SymbolNode[]> {
    const worker = this.hostFallback === undefined ? this.start() : undefined;
    if (!worker) return (await outlineSource(this.hostTrees(), text, language, key)).symbols;
    const requestId = this.nextId++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    return new Promise<SymbolNode[]>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      const msg: ToOutlineWorker = key !== undefined ? { type: 'outline', requestId, text, language, key } : { type: 'outline', requestId, text, language };
      worker.postMessage(msg);
      timer = setTimeout(() => this.fail(`the outline worker did not answer within ${this.answerTimeoutMs / 1000} s`), this.answerTimeoutMs);
    }).finally(() => clearTimeout(timer)).catch(async (err: unknown) => {
      // The worker stopped under this request: parse it here (a failed parse is the caller's to report).
      if (err instanceof OutlineFailedError || this.hostFallback === undefined) throw err;
      return (await outlineSource(this.hostTrees(), text, language, key)).symbols;
    });
  }

  forget(key: string): void {
    if (this.worker) this.worker.postMessage({ type: 'forget', key } satisfies ToOutlineWorker);
    else if (this.hostFallback !== undefined) this.hostTrees().forget(key);
  }

  dispose(): void {
    this.disposed = true;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker | undefined {
    if (this.worker || this.disposed) return this.worker;
    try {
      const worker = new Worker(this.workerPath, this.options);
      // The host keeps running without it: an idle outline worker must not keep the process alive.
      worker.unref();
      worker.on('message', (msg: FromOutlineWorker) => {
        const p = this.pending.get(msg.requestId);
        if (!p) return;
        this.pending.delete(msg.requestId);
        if (msg.type === 'failed') p.reject(new OutlineFailedError(msg.message));
        else p.resolve(msg.symbols);
      });
      worker.on('error', (err) => this.fail(`the outline worker failed: ${err.message}`));
      worker.on('exit', (code) => {
        if (!this.disposed) this.fail(`the outline worker stopped (exit code ${code})`);
      });
      this.worker = worker;
      return worker;
    } catch (err) {
      this.fail(`the outline worker could not start: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private fail(reason: string): void {
    if (this.hostFallback !== undefined) return;
    this.hostFallback = reason;
    // A stuck worker is stopped; one that already stopped is not there to stop.
    void this.worker?.terminate();
    this.worker = undefined;
    this.onFallback(reason);
    const err = new Error(reason);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
