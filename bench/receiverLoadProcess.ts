/*
 * Starts the receiver load generator (receiverLoadSender.ts) in its own process and speaks its IPC
 * protocol: it builds its spans, says it is ready, sends them on `go()` and reports when every
 * export was acknowledged. Used by the receiver benchmark and by the in-host load test.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export type LoadProtocol = 'http' | 'grpc';

export interface LoadReady {
  type: 'ready';
  batches: number;
  spans: number;
  bytes: number;
}

export interface LoadDone {
  type: 'done';
  spans: number;
  ms: number;
  failures: number;
  /** Exports the receiver deferred (503 Retry-After / UNAVAILABLE), sent again after the delay asked for. */
  deferred: number;
}

export interface LoadOptions {
  port: number;
  spans: number;
  batch?: number;
  concurrency?: number;
  protocol?: LoadProtocol;
  /** The repository: bench/ is under it (a bundled test's own directory is not). */
  repoRoot?: string;
  /** Building 300k SDK spans takes minutes on a busy machine. */
  timeoutMs?: number;
}

export class LoadSender {
  private readonly child: ChildProcess;
  private readonly timeoutMs: number;
  /** The generator has built its spans and waits for go(). */
  readonly ready: Promise<LoadReady>;

  constructor(options: LoadOptions) {
    const root = options.repoRoot ?? path.resolve(__dirname, '..');
    const args = [options.port, options.spans, options.batch ?? 512, options.concurrency ?? 4, options.protocol ?? 'http'].map(String);
    this.timeoutMs = options.timeoutMs ?? 600_000;
    this.child = fork(path.join(root, 'bench/receiverLoadSender.ts'), args, {
      cwd: root,
      execArgv: ['--import', 'tsx'],
      // stdout ignored: `npm run bench -- --json` prints JSON rows there.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.ready = this.next<LoadReady>('ready');
  }

  /** Sends the spans; resolves when every export was acknowledged. */
  go(): Promise<LoadDone> {
    const done = this.next<LoadDone>('done');
    this.child.send({ type: 'go' });
    return done;
  }

  kill(): void {
    this.child.kill();
  }

  private next<T extends { type: string }>(type: T['type']): Promise<T> {
    const child = this.child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`the load generator sent no '${type}' within ${this.timeoutMs} ms`)), this.timeoutMs);
      const onMessage = (m: T): void => {
        if (m.type === type) finish(undefined, m);
      };
      const onExit = (code: number | null): void => finish(new Error(`the load generator exited with ${code} before '${type}'`));
      const finish = (err: Error | undefined, m?: T): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(m as T);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }
}
