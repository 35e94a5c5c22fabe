/*
 * The subscriber's side of the shared receiver (see sharedReceiverProtocol.ts): finds out what
 * listens on the port, and keeps a local SpanStore in step with the owner's.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Emitter } from './emitter';
import type { Event } from './emitter';
import { decodeOtlpJsonTextAsync } from './otlpJsonDecoder';
import { decodeOtlpProtobufAsync } from './otlpProtobufDecoder';
import { RECEIVER_HOST } from './otlpReceiverBase';
import type { SpanStore } from './spanStore';
import {
  authorization,
  CLEAR_PATH,
  FrameReader,
  FrameType,
  HELLO_PATH,
  ownerProof,
  PRODUCT,
  PROTOCOL_VERSION,
  sameSecret,
  SUBSCRIBE_PATH,
} from './sharedReceiverProtocol';
import type { Frame, HelloAnswer, OwnerInfo } from './sharedReceiverProtocol';

const PROBE_TIMEOUT_MS = 3_000;

export type ProbeResult =
  /** This user's Trace Lens: it proved it knows the token. `challenge` serves one subscribe or clear. */
  | { kind: 'ours'; pid: number; grpcPort?: number; challenge: string }
  /** A Trace Lens that does not know our token (another user's) or speaks another version of the channel. */
  | { kind: 'other-trace-lens' }
  /** Anything else (a Collector, Jaeger, an unrelated server) or nothing answering in time. */
  | { kind: 'foreign' };

/** Asks the listener on 127.0.0.1:port who it is; sends it nothing derived from the token. */
export async function probeReceiver(port: number, token: string): Promise<ProbeResult> {
  const nonce = randomBytes(24).toString('base64url');
  let text: string;
  try {
    const res = await request(port, 'GET', `${HELLO_PATH}?nonce=${nonce}`);
    if (res.status !== 200) {
      res.body.resume();
      return { kind: 'foreign' };
    }
    text = await readAll(res.body, 64 * 1024);
  } catch {
    return { kind: 'foreign' };
  }
  let hello: Partial<HelloAnswer>;
  try {
    hello = JSON.parse(text) as Partial<HelloAnswer>;
  } catch {
    return { kind: 'foreign' };
  }
  if (hello.product !== PRODUCT) return { kind: 'foreign' };
  // A Trace Lens speaking another version of the channel cannot be subscribed to either.
  if (hello.protocol !== PROTOCOL_VERSION) return { kind: 'other-trace-lens' };
  if (typeof hello.proof !== 'string' || !sameSecret(hello.proof, ownerProof(token, nonce))) return { kind: 'other-trace-lens' };
  return {
    kind: 'ours',
    pid: typeof hello.pid === 'number' ? hello.pid : 0,
    grpcPort: typeof hello.grpcPort === 'number' ? hello.grpcPort : undefined,
    challenge: typeof hello.challenge === 'string' ? hello.challenge : '',
  };
}

/** Asks the owner to clear its store and every subscriber's. */
export async function requestClear(port: number, token: string): Promise<void> {
  const owner = await probeReceiver(port, token);
  if (owner.kind !== 'ours') throw new Error(`No Trace Lens of this user answers on port ${port} any more`);
  const res = await request(port, 'POST', CLEAR_PATH, authorization(token, owner.challenge));
  const text = await readAll(res.body, 64 * 1024);
  if (res.status !== 204) throw new Error(`The shared receiver refused to clear: ${res.status} ${text}`);
}

export interface SubscriptionEnd {
  /** Why the stream ended; undefined when close() ended it. */
  error?: string;
}

/**
 * A live subscription: the snapshot and then every export the owner accepts land in `store`,
 * in the order the owner sent them. `onDidEnd` fires once, when the owner goes away, cuts the
 * stream or sends something unreadable; the caller then takes over the port or subscribes again.
 */
export class ReceiverSubscription {
  private readonly endEmitter = new Emitter<SubscriptionEnd>();
  private readonly clearEmitter = new Emitter<void>();
  private readonly appliedEmitter = new Emitter<number>();
  private readonly ownerEmitter = new Emitter<OwnerInfo>();
  private req: http.ClientRequest | undefined;
  private ended = false;
  /** Frames are decoded one after another, so batches reach the store in the owner's order. */
  private queue: Promise<void> = Promise.resolve();
  private framesApplied = 0;

  readonly onDidEnd: Event<SubscriptionEnd> = this.endEmitter.event;
  /** The owner's spans were cleared (by the user, in any window); the store was emptied already. */
  readonly onDidClear: Event<void> = this.clearEmitter.event;
  /** Where the owner serves OTLP/gRPC, sent after the snapshot and whenever that changes. */
  readonly onDidChangeOwner: Event<OwnerInfo> = this.ownerEmitter.event;
  /** Fires with the count of frames applied so far, after each one. */
  readonly onDidApply: Event<number> = this.appliedEmitter.event;

  private constructor(private readonly store: SpanStore) {}

  /** Resolves once the owner accepted the subscription (the snapshot follows on the stream); `challenge` from probeReceiver. */
  static async open(port: number, token: string, challenge: string, store: SpanStore): Promise<ReceiverSubscription> {
    const subscription = new ReceiverSubscription(store);
    const { req, res, status, body } = await request(port, 'GET', SUBSCRIBE_PATH, authorization(token, challenge), true);
    if (status !== 200) {
      const text = await readAll(body, 64 * 1024).catch(() => '');
      req.destroy();
      throw new Error(`The shared receiver refused the subscription: ${status} ${text}`);
    }
    subscription.attach(req, res);
    return subscription;
  }

  get applied(): number {
    return this.framesApplied;
  }

  close(): void {
    this.finish(undefined);
    this.req?.destroy();
  }

  private attach(req: http.ClientRequest, res: http.IncomingMessage): void {
    this.req = req;
    const reader = new FrameReader();
    res.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        this.fail(err);
        return;
      }
      for (const frame of frames) this.queue = this.queue.then(() => this.apply(frame)).catch((err: unknown) => this.fail(err));
    });
    // Ends only after the frames already received are in the store: the owner's last batches count.
    const ended = (why: string): void => void this.queue.then(() => this.finish({ error: why }));
    res.once('end', () => ended('the owner closed the stream'));
    res.on('error', (err) => ended(err.message));
    req.once('close', () => ended('the connection to the owner closed'));
  }

  private async apply(frame: Frame): Promise<void> {
    if (this.ended) return;
    switch (frame.type) {
      case FrameType.Snapshot:
        this.store.restore(frame.payload.toString('utf8'));
        break;
      case FrameType.OtlpProtobuf:
      case FrameType.OtlpJson: {
        const decoded =
          frame.type === FrameType.OtlpProtobuf ? await decodeOtlpProtobufAsync(frame.payload) : await decodeOtlpJsonTextAsync(frame.payload.toString('utf8'));
        if (this.ended) return;
        if (decoded.spans.length > 0) this.store.addSpans(decoded.spans);
        if (decoded.rejectedSpans > 0) this.store.noteRejectedSpans(decoded.rejectedSpans);
        break;
      }
      case FrameType.Clear:
        this.store.clear();
        this.clearEmitter.fire();
        break;
      case FrameType.Owner: {
        const info = JSON.parse(frame.payload.toString('utf8')) as OwnerInfo;
        this.ownerEmitter.fire({ grpcPort: typeof info.grpcPort === 'number' ? info.grpcPort : undefined });
        break;
      }
    }
    this.framesApplied++;
    this.appliedEmitter.fire(this.framesApplied);
  }

  private fail(err: unknown): void {
    this.finish({ error: err instanceof Error ? err.message : String(err) });
    this.req?.destroy();
  }

  private finish(end: SubscriptionEnd | undefined): void {
    if (this.ended) return;
    this.ended = true;
    if (end) this.endEmitter.fire(end);
    this.endEmitter.dispose();
    this.clearEmitter.dispose();
    this.appliedEmitter.dispose();
    this.ownerEmitter.dispose();
  }
}

interface Answer {
  req: http.ClientRequest;
  res: http.IncomingMessage;
  status: number;
  body: http.IncomingMessage;
}

/** One request to 127.0.0.1:port; `stream` keeps the socket open without a timeout once answered. */
function request(port: number, method: string, path: string, authorizationHeader?: string, stream = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: RECEIVER_HOST,
      port,
      method,
      path,
      // Its own connection, never a pooled one another request could reuse.
      agent: false,
      headers: authorizationHeader ? { Authorization: authorizationHeader } : {},
      timeout: PROBE_TIMEOUT_MS,
    });
    req.once('timeout', () => req.destroy(new Error(`No answer from 127.0.0.1:${port} within ${PROBE_TIMEOUT_MS} ms`)));
    // `on`, not `once`: a stream's connection may fail long after the answer; that ends the subscription instead.
    req.on('error', reject);
    req.once('response', (res) => {
      if (stream) req.setTimeout(0);
      resolve({ req, res, status: res.statusCode ?? 0, body: res });
    });
    req.end();
  });
}

function readAll(body: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        body.destroy(new Error(`Answer over ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    body.once('error', reject);
  });
}
