/*
 * One receiver for all the VS Code windows of a user on a machine. Each window runs one
 * SharedReceiver over its own SpanStore:
 *
 * - the first to bind the OTLP/HTTP port owns it: it serves OTLP/HTTP and OTLP/gRPC and mounts
 *   the ReceiverHub on the HTTP port;
 * - a window that finds the port taken asks the listener who it is (probeReceiver). If it proves
 *   it knows this user's token, the window subscribes: the owner's snapshot and then every
 *   export it accepts land in the window's own store, so stats, lint and waterfall read a local
 *   store everywhere and never wait on another window;
 * - when the owner's stream ends (window closed or reloaded), each subscriber tries to bind the
 *   port: one wins and keeps serving with the spans it already holds, the others subscribe to it.
 *
 * Anything else on the port (a Collector, Jaeger, another user's Trace Lens) is a real conflict
 * and reported as `failed` with `portInUse`, as before.
 */
import { Emitter } from './emitter';
import type { IntakeGate } from './intakeGate';
import type { Event } from './emitter';
import { OtlpGrpcReceiver } from './otlpGrpcReceiver';
import { OtlpHttpReceiver } from './otlpHttpReceiver';
import type { ReceiverRequestError } from './otlpReceiverBase';
import { PortInUseError } from './receiverErrors';
import { probeReceiver, ReceiverSubscription, requestClear } from './sharedReceiverClient';
import { ReceiverHub } from './sharedReceiverHub';
import { loadOrCreateToken } from './sharedReceiverToken';
import type { SpanStore } from './spanStore';

export type ReceiverState =
  | { kind: 'stopped' }
  | { kind: 'starting'; port: number }
  /** This window owns the port. */
  | { kind: 'listening'; port: number; endpoint: string }
  /** Another window of this user owns the port; its spans are copied into this window's store. */
  | { kind: 'attached'; port: number; endpoint: string; ownerPid: number }
  | { kind: 'failed'; port: number; message: string; portInUse: boolean };

/** The OTLP/gRPC receiver beside the HTTP one; `off` when its port is 0 or the receiver is stopped. */
export type GrpcReceiverState =
  | { kind: 'off' }
  | { kind: 'starting'; port: number }
  /** `shared`: served by the window that owns the ports, not this one. */
  | { kind: 'listening'; port: number; endpoint: string; shared?: boolean }
  | { kind: 'failed'; port: number; message: string; portInUse: boolean };

export interface ReceiverPorts {
  port: number;
  /** 0 turns OTLP/gRPC off. */
  grpcPort: number;
}

export interface SharedReceiverLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export interface SharedReceiverOptions {
  store: SpanStore;
  /** Where the per-user token lives (userTokenDir()); undefined never shares the port. */
  tokenDir: string | undefined;
  log: SharedReceiverLog;
  /** Refuses new exports (retryably) while it is busy (intakeGate.ts); none by default. */
  gate?: IntakeGate;
  /** Describes a start error for the user; defaults to its message. */
  describeError?: (err: unknown) => string;
}

/** After a failed attempt to subscribe or take over, the next waits this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5_000;
/** 200 ms + 400 + 800 + 1.6 s + 3.2 s: far longer than an exiting process takes to close its sockets. */
const TAKEOVER_ATTEMPTS = 5;

export class SharedReceiver {
  private readonly store: SpanStore;
  private http: OtlpHttpReceiver | undefined;
  private hub: ReceiverHub | undefined;
  private grpc: OtlpGrpcReceiver | undefined;
  private subscription: ReceiverSubscription | undefined;
  private stateValue: ReceiverState = { kind: 'stopped' };
  private grpcStateValue: GrpcReceiverState = { kind: 'off' };
  /** What start() was last asked for; undefined once stopped. Takeovers and retries aim at it. */
  private wanted: ReceiverPorts | undefined;
  private token: Promise<string | undefined> | undefined;
  /** start/stop/takeover run one after another: each sees the state the previous one left. */
  private ops: Promise<unknown> = Promise.resolve();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = RETRY_FIRST_MS;
  /** Left after the owner went away: a port that seems held by a foreign program is retried this many times first. */
  private takeoverAttempts = 0;
  private readonly stateEmitter = new Emitter<ReceiverState>();
  private readonly grpcStateEmitter = new Emitter<GrpcReceiverState>();
  private readonly clearEmitter = new Emitter<void>();
  private readonly requestErrorEmitter = new Emitter<ReceiverRequestError & { protocol: 'http' | 'grpc' }>();

  readonly onDidChangeState: Event<ReceiverState> = this.stateEmitter.event;
  readonly onDidChangeGrpcState: Event<GrpcReceiverState> = this.grpcStateEmitter.event;
  /** The received spans were cleared, in this window or another: the store is empty now. */
  readonly onDidClear: Event<void> = this.clearEmitter.event;
  /** An export this window's receivers refused, for the log. */
  readonly onRequestError = this.requestErrorEmitter.event;

  constructor(private readonly options: SharedReceiverOptions) {
    this.store = options.store;
  }

  get state(): ReceiverState {
    return this.stateValue;
  }

  get grpcState(): GrpcReceiverState {
    return this.grpcStateValue;
  }

  /** Windows subscribed to this one (0 unless it owns the port). */
  get subscriberCount(): number {
    return this.hub?.subscriberCount ?? 0;
  }

  /** Owns, attaches to or re-binds the receiver for these ports; resolves with the state it reached. */
  start(ports: ReceiverPorts): Promise<ReceiverState> {
    this.wanted = { ...ports };
    return this.serialized(() => this.reach(ports));
  }

  stop(): Promise<void> {
    this.wanted = undefined;
    this.cancelRetry();
    return this.serialized(async () => {
      await this.release();
      this.setGrpcState({ kind: 'off' });
      this.setState({ kind: 'stopped' });
    });
  }

  /** Empties the store of every window sharing the receiver (the owner tells the others). */
  clear(): Promise<void> {
    return this.serialized(async () => {
      const subscription = this.subscription;
      const token = await this.loadToken();
      if (subscription && token && this.stateValue.kind === 'attached') {
        // Done when our own stream has carried the owner's Clear frame: batches after it are kept.
        const cleared = new Promise<void>((resolve) => {
          subscription.onDidClear(resolve);
          subscription.onDidEnd(() => resolve());
        });
        try {
          await requestClear(this.stateValue.port, token);
          await cleared;
          return;
        } catch (err) {
          // The owner is going away: this window's copy at least is cleared; the window that takes over may still hold its own.
          this.options.log.warn(`The shared receiver could not be cleared: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      this.clearHere();
    });
  }

  dispose(): void {
    void this.stop().finally(() => {
      this.stateEmitter.dispose();
      this.grpcStateEmitter.dispose();
      this.clearEmitter.dispose();
      this.requestErrorEmitter.dispose();
    });
  }

  private clearHere(): void {
    this.store.clear();
    this.hub?.broadcastClear();
    this.clearEmitter.fire();
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.ops.then(operation, operation);
    this.ops = next.catch(() => undefined);
    return next;
  }

  private loadToken(): Promise<string | undefined> {
    const dir = this.options.tokenDir;
    this.token ??=
      dir === undefined
        ? Promise.resolve(undefined)
        : loadOrCreateToken(dir).catch((err: unknown) => {
            this.options.log.warn(`Other windows cannot share this receiver: ${err instanceof Error ? err.message : String(err)}`);
            return undefined;
          });
    return this.token;
  }

  private async reach(ports: ReceiverPorts): Promise<ReceiverState> {
    this.cancelRetry();
    const current = this.stateValue;
    if (this.http && current.kind === 'listening' && current.port === ports.port) {
      await this.startGrpc(ports.grpcPort);
      return this.stateValue;
    }
    // The owner decides the gRPC port and tells its subscribers when it moves (FrameType.Owner).
    if (this.subscription && current.kind === 'attached' && current.port === ports.port) return this.stateValue;
    await this.release();
    this.setState({ kind: 'starting', port: ports.port });
    const token = await this.loadToken();
    const hub = token
      ? new ReceiverHub({ store: this.store, token, grpcPort: () => this.grpc?.port, clear: () => this.serialized(async () => this.clearHere()) })
      : undefined;
    const http = new OtlpHttpReceiver(this.store, { port: ports.port, control: hub, gate: this.options.gate });
    http.onRequestError((e) => this.requestErrorEmitter.fire({ ...e, protocol: 'http' }));
    if (hub) http.onAcceptedBatch((batch) => hub.broadcast(batch));
    try {
      const { port } = await http.start();
      this.http = http;
      this.hub = hub;
      this.retryDelay = RETRY_FIRST_MS;
      this.takeoverAttempts = 0;
      this.options.log.info(`OTLP receiver listening on http://127.0.0.1:${port}/v1/traces (set OTEL_EXPORTER_OTLP_ENDPOINT=${http.endpoint ?? ''})`);
      this.setState({ kind: 'listening', port, endpoint: http.endpoint ?? `http://localhost:${port}` });
      await this.startGrpc(ports.grpcPort);
      return this.stateValue;
    } catch (err) {
      http.dispose();
      if (err instanceof PortInUseError && token) {
        const outcome = await this.attach(ports.port, token);
        if (outcome !== 'foreign') return this.stateValue;
        if (this.takeoverAttempts > 0) {
          // A crashed owner's process may close our stream before its listening socket: the port
          // looks taken by nobody who answers for a moment. Try again before calling it a conflict.
          this.takeoverAttempts--;
          this.scheduleRetry();
          return this.stateValue;
        }
      }
      const message = this.options.describeError?.(err) ?? (err instanceof Error ? err.message : String(err));
      this.options.log.error(err instanceof Error ? err.message : message);
      this.setState({ kind: 'failed', port: ports.port, message, portInUse: err instanceof PortInUseError });
      return this.stateValue;
    }
  }

  /**
   * `attached`; `retry` when a retry is scheduled (the owner was going away); `conflict` (state `failed`)
   * for a Trace Lens this window cannot share with; `foreign` for anything else on the port (state untouched).
   */
  private async attach(port: number, token: string): Promise<'attached' | 'retry' | 'conflict' | 'foreign'> {
    const probe = await probeReceiver(port, token);
    if (probe.kind === 'other-trace-lens') {
      const message =
        `Port ${port} is used by the Trace Lens receiver of another user, or of a Trace Lens version this window cannot share it with. ` +
        'Choose another port in "traceLens.local.port" and set OTEL_EXPORTER_OTLP_ENDPOINT to match.';
      this.options.log.error(message);
      this.setState({ kind: 'failed', port, message, portInUse: true });
      return 'conflict';
    }
    if (probe.kind === 'foreign') return 'foreign';
    let subscription: ReceiverSubscription;
    try {
      subscription = await ReceiverSubscription.open(port, token, probe.challenge, this.store);
    } catch (err) {
      // Typically the owner is stopping: bind or subscribe again shortly.
      this.options.log.debug(`Could not subscribe to the shared receiver on port ${port}: ${err instanceof Error ? err.message : String(err)}`);
      this.scheduleRetry();
      return 'retry';
    }
    this.subscription = subscription;
    subscription.onDidClear(() => this.clearEmitter.fire());
    subscription.onDidChangeOwner((info) => {
      if (this.subscription === subscription) this.setSharedGrpcState(info.grpcPort);
    });
    subscription.onDidEnd((end) => {
      if (this.subscription !== subscription) return;
      this.subscription = undefined;
      this.options.log.info(`The window that owned the receiver went away (${end.error ?? 'closed'}); taking over or subscribing again`);
      this.takeoverAttempts = TAKEOVER_ATTEMPTS;
      if (this.wanted) void this.serialized(() => this.reach(this.wanted ?? { port, grpcPort: 0 }));
    });
    this.retryDelay = RETRY_FIRST_MS;
    this.takeoverAttempts = 0;
    const endpoint = `http://localhost:${port}`;
    this.options.log.info(`OTLP receiver on port ${port} is shared with another VS Code window (pid ${probe.pid}); its spans are copied here`);
    this.setState({ kind: 'attached', port, endpoint, ownerPid: probe.pid });
    this.setSharedGrpcState(probe.grpcPort);
    return 'attached';
  }

  private setSharedGrpcState(port: number | undefined): void {
    const current = this.grpcStateValue;
    if (current.kind === 'listening' && current.shared && current.port === port) return;
    this.setGrpcState(port ? { kind: 'listening', port, endpoint: `http://localhost:${port}`, shared: true } : { kind: 'off' });
  }

  private scheduleRetry(): void {
    this.cancelRetry();
    const delay = this.retryDelay;
    this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const wanted = this.wanted;
      if (wanted) void this.serialized(() => this.reach(wanted));
    }, delay);
    // A pending retry must not keep a test process alive.
    this.retryTimer.unref();
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Stops serving (gRPC first, then HTTP, whose stop flushes the subscribers) or unsubscribes. */
  private async release(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    subscription?.close();
    await this.stopGrpc();
    const http = this.http;
    this.http = undefined;
    this.hub = undefined;
    if (http) {
      await http.stop();
      http.dispose();
    }
  }

  /** Same store and limits as OTLP/HTTP; a failure here (port taken) leaves the HTTP receiver running. */
  private async startGrpc(port: number): Promise<void> {
    const current = this.grpcStateValue;
    if (port === 0) {
      await this.stopGrpc();
      return;
    }
    if (this.grpc && current.kind === 'listening' && current.port === port) return;
    // Retried on every start, but a port still taken is said (and prompted about) once.
    const failedHereBefore = current.kind === 'failed' && current.port === port;
    if (!failedHereBefore) {
      await this.stopGrpc();
      this.setGrpcState({ kind: 'starting', port });
    }
    const receiver = new OtlpGrpcReceiver(this.store, { port, gate: this.options.gate });
    receiver.onRequestError((e) => this.requestErrorEmitter.fire({ ...e, protocol: 'grpc' }));
    const hub = this.hub;
    if (hub) receiver.onAcceptedBatch((batch) => hub.broadcast(batch));
    try {
      const bound = await receiver.start();
      this.grpc = receiver;
      const endpoint = receiver.endpoint ?? `http://localhost:${bound.port}`;
      this.options.log.info(`OTLP/gRPC receiver listening on 127.0.0.1:${bound.port} (set OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint})`);
      this.setGrpcState({ kind: 'listening', port: bound.port, endpoint });
    } catch (err) {
      receiver.dispose();
      const message = this.options.describeError?.(err) ?? (err instanceof Error ? err.message : String(err));
      const failed: GrpcReceiverState = { kind: 'failed', port, message, portInUse: err instanceof PortInUseError };
      if (failedHereBefore) {
        this.grpcStateValue = failed;
        this.options.log.debug(`OTLP/gRPC receiver: port ${port} is still unavailable`);
        return;
      }
      this.options.log.error(err instanceof Error ? err.message : message);
      this.setGrpcState(failed);
    }
  }

  private async stopGrpc(): Promise<void> {
    const receiver = this.grpc;
    this.grpc = undefined;
    if (receiver) {
      await receiver.stop();
      receiver.dispose();
    }
    if (this.grpcStateValue.kind !== 'off') this.setGrpcState({ kind: 'off' });
  }

  private setState(state: ReceiverState): void {
    this.stateValue = state;
    this.stateEmitter.fire(state);
  }

  private setGrpcState(state: GrpcReceiverState): void {
    this.grpcStateValue = state;
    this.grpcStateEmitter.fire(state);
    // As owner: the subscribed windows show where gRPC is served too.
    this.hub?.announce();
  }
}
