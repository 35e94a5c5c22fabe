/*
 * The owner's side of the shared receiver (see sharedReceiverProtocol.ts): answers hello,
 * streams the store and every accepted export to the subscribed windows, and clears all of
 * them on request. Mounted on the OTLP/HTTP receiver's port through ReceiverControl.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AcceptedBatch, ReceiverControl } from './otlpReceiverBase';
import type { SpanStore } from './spanStore';
import {
  answeredChallenge,
  CLEAR_PATH,
  encodeFrame,
  FrameType,
  HELLO_PATH,
  MAX_SNAPSHOT_BYTES,
  ownerProof,
  PRODUCT,
  PROTOCOL_VERSION,
  SUBSCRIBE_PATH,
} from './sharedReceiverProtocol';
import type { HelloAnswer, OwnerInfo } from './sharedReceiverProtocol';

/**
 * A subscriber whose socket cannot take this much more is cut: it reconnects and gets a fresh
 * snapshot, so the owner's memory stays bounded and the subscriber loses nothing.
 */
const MAX_SUBSCRIBER_BACKLOG_BYTES = 64 * 1024 * 1024;
/** How long a stopping owner waits for its subscribers to receive the last frames. */
const DRAIN_TIMEOUT_MS = 2_000;
/** A challenge is answered right after hello; unanswered ones are forgotten after this or beyond MAX_CHALLENGES. */
const CHALLENGE_TTL_MS = 30_000;
const MAX_CHALLENGES = 64;

export interface ReceiverHubOptions {
  store: SpanStore;
  token: string;
  /** The owner's OTLP/gRPC port, told to subscribers so their status says where to send gRPC. */
  grpcPort(): number | undefined;
  /** Empties the owner's own store (and its saved file); the hub then tells every subscriber. */
  clear(): Promise<void>;
}

export class ReceiverHub implements ReceiverControl {
  private readonly subscribers = new Set<ServerResponse>();
  /** Challenges handed out by hello, with their expiry; each is good for one request. */
  private readonly challenges = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: ReceiverHubOptions) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  ownsSocket(socket: Socket): boolean {
    for (const res of this.subscribers) if (res.socket === socket) return true;
    return false;
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string): void {
    // Browsers send Origin on cross-origin requests: no web page has business on this channel.
    if (req.headers.origin !== undefined) return answer(res, 403, 'No cross-origin access');
    if (path === HELLO_PATH && req.method === 'GET') return this.hello(req, res);
    if (path !== SUBSCRIBE_PATH && path !== CLEAR_PATH) return answer(res, 404, `Not found: ${path}`);
    if (!this.authorized(req)) return answer(res, 401, 'Missing or wrong proof of the shared receiver token');
    if (path === SUBSCRIBE_PATH && req.method === 'GET') return this.subscribe(res);
    if (path === CLEAR_PATH && req.method === 'POST') {
      void this.options.clear().then(
        () => answer(res, 204),
        (err: unknown) => answer(res, 500, err instanceof Error ? err.message : String(err)),
      );
      return;
    }
    answer(res, 405, `Method ${req.method ?? ''} not allowed`);
  }

  /** Sends an accepted export to every subscriber; called before the exporter is answered. */
  broadcast(batch: AcceptedBatch): void {
    if (this.subscribers.size === 0) return;
    this.send(encodeFrame(batch.encoding === 'protobuf' ? FrameType.OtlpProtobuf : FrameType.OtlpJson, batch.body));
  }

  /** Tells every subscriber where the owner serves OTLP/gRPC now (it may bind after they subscribed). */
  announce(): void {
    if (this.subscribers.size > 0) this.send(this.ownerFrame());
  }

  /** Tells every subscriber that the received spans were cleared. */
  broadcastClear(): void {
    this.send(encodeFrame(FrameType.Clear, ''));
  }

  /** Ends every stream once written (bounded by DRAIN_TIMEOUT_MS): a stopping owner's last batches still reach the subscribers. */
  async drain(): Promise<void> {
    this.closed = true;
    const streams = [...this.subscribers];
    this.subscribers.clear();
    await Promise.all(
      streams.map(
        (res) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              res.destroy();
              resolve();
            }, DRAIN_TIMEOUT_MS);
            timer.unref();
            res.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            res.end();
          }),
      ),
    );
  }

  private hello(req: IncomingMessage, res: ServerResponse): void {
    const nonce = new URL(req.url ?? '/', 'http://localhost').searchParams.get('nonce') ?? '';
    const body: HelloAnswer = {
      product: PRODUCT,
      protocol: PROTOCOL_VERSION,
      // An empty nonce gets no proof: a proof for a guessable nonce could be replayed.
      proof: nonce.length >= 16 ? ownerProof(this.options.token, nonce) : '',
      challenge: this.issueChallenge(),
      grpcPort: this.options.grpcPort(),
      pid: process.pid,
    };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  private issueChallenge(): string {
    const now = Date.now();
    for (const [challenge, expiry] of this.challenges) {
      if (expiry > now && this.challenges.size < MAX_CHALLENGES) break;
      this.challenges.delete(challenge);
    }
    const challenge = randomBytes(24).toString('base64url');
    this.challenges.set(challenge, now + CHALLENGE_TTL_MS);
    return challenge;
  }

  /** The request answers a challenge this hub issued, unexpired and not used before, with the token's proof. */
  private authorized(req: IncomingMessage): boolean {
    const challenge = answeredChallenge(this.options.token, req.headers.authorization);
    const expiry = challenge === undefined ? undefined : this.challenges.get(challenge);
    if (challenge === undefined || expiry === undefined) return false;
    this.challenges.delete(challenge);
    return expiry > Date.now();
  }

  private subscribe(res: ServerResponse): void {
    if (this.closed) return answer(res, 503, 'This receiver is stopping');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' });
    // Snapshot and registration in one turn of the event loop: no export can fall between them.
    res.write(encodeFrame(FrameType.Snapshot, this.options.store.serialize(MAX_SNAPSHOT_BYTES)));
    res.write(this.ownerFrame());
    this.subscribers.add(res);
    res.socket?.setNoDelay(true);
    res.once('close', () => this.subscribers.delete(res));
  }

  private ownerFrame(): Buffer {
    const info: OwnerInfo = { grpcPort: this.options.grpcPort() };
    return encodeFrame(FrameType.Owner, JSON.stringify(info));
  }

  private send(frame: Buffer): void {
    for (const res of this.subscribers) {
      if (res.writableLength > MAX_SUBSCRIBER_BACKLOG_BYTES) {
        this.subscribers.delete(res);
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }
}

function answer(res: ServerResponse, status: number, message?: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(message);
}
