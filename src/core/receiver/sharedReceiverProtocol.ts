/*
 * The wire protocol between the VS Code window that owns the receiver's port and the other
 * windows of the same user, which subscribe to it instead of binding the port again. It runs
 * on the OTLP/HTTP port itself, under CONTROL_PREFIX, on 127.0.0.1 only:
 *
 *   GET  /trace-lens/v1/hello?nonce=N  → HelloAnswer: the owner proves it knows the per-user token
 *                                         (an HMAC of the caller's nonce) and hands out a challenge
 *   GET  /trace-lens/v1/subscribe      → a stream of frames
 *   POST /trace-lens/v1/clear          → empties the owner's store and every subscriber's
 *
 * The last two carry `Authorization: TraceLens <challenge>.<HMAC of the challenge>`: the token itself
 * never leaves the process, so whatever listens on the port when the request is sent (the owner may
 * have exited since hello) learns nothing it could use, and a challenge is good for one request only.
 *
 * A frame is a type byte, a 4-byte big-endian length and the payload. The first frame is the
 * owner's snapshot; every export the owner accepts afterwards follows as the OTLP body it came
 * in, forwarded before the exporter gets its 200, so an acknowledged span is never missing
 * from a subscriber that stays connected. Spans that arrive twice (snapshot and batch
 * overlapping) are dropped by the SpanStore's span-id dedupe.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CONTROL_PREFIX = '/trace-lens/';
export const HELLO_PATH = '/trace-lens/v1/hello';
export const SUBSCRIBE_PATH = '/trace-lens/v1/subscribe';
export const CLEAR_PATH = '/trace-lens/v1/clear';
export const PROTOCOL_VERSION = 1;
/** Answers of /hello carry this, proof or not: it tells "another Trace Lens" from a foreign program. */
export const PRODUCT = 'trace-lens';

export enum FrameType {
  /** SpanStore.serialize() text: what the owner held when the subscriber joined. */
  Snapshot = 1,
  /** An OTLP/protobuf ExportTraceServiceRequest (HTTP or gRPC export). */
  OtlpProtobuf = 2,
  /** An OTLP/JSON ExportTraceServiceRequest. */
  OtlpJson = 3,
  /** The user cleared the received spans in some window. */
  Clear = 4,
  /** OwnerInfo JSON: after the snapshot and whenever the owner's gRPC receiver starts or stops. */
  Owner = 5,
}

export interface OwnerInfo {
  grpcPort?: number;
}

export interface HelloAnswer {
  product: typeof PRODUCT;
  protocol: number;
  /** ownerProof(token, nonce) when the nonce was given. */
  proof: string;
  /** For one subscribe or clear request: see authorization(). */
  challenge: string;
  /** The owner's OTLP/gRPC port, when it serves one. */
  grpcPort?: number;
  pid: number;
}

const HEADER_BYTES = 5;
/** The snapshot is capped at this (SpanStore.serialize keeps the most recent whole traces); batches by the receiver's body cap. */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;
export const MAX_FRAME_BYTES = MAX_SNAPSHOT_BYTES + 1024 * 1024;

/** The owner's answer to a hello nonce; a distinct label so it can never serve as anything else. */
export function ownerProof(token: string, nonce: string): string {
  return createHmac('sha256', token).update(`trace-lens-owner-proof:${nonce}`).digest('hex');
}

/** The Authorization header of a subscribe or clear request answering `challenge`. */
export function authorization(token: string, challenge: string): string {
  return `TraceLens ${challenge}.${subscriberProof(token, challenge)}`;
}

/** The challenge an Authorization header answers, when its proof is right; undefined otherwise. */
export function answeredChallenge(token: string, header: string | undefined): string | undefined {
  const match = /^TraceLens ([A-Za-z0-9_-]{16,64})\.([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return undefined;
  return sameSecret(match[2], subscriberProof(token, match[1])) ? match[1] : undefined;
}

function subscriberProof(token: string, challenge: string): string {
  return createHmac('sha256', token).update(`trace-lens-subscriber-proof:${challenge}`).digest('hex');
}

/** Constant-time comparison of two proofs given as strings. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function encodeFrame(type: FrameType, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

export interface Frame {
  type: FrameType;
  payload: Buffer;
}

/** Splits a byte stream into frames, whatever the chunking; throws on an unknown type or an oversized frame. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    while (this.buffered >= HEADER_BYTES) {
      // Joined only once a whole frame is there: a large snapshot arrives in many chunks.
      const head = this.chunks[0].length >= HEADER_BYTES ? this.chunks[0] : this.flatten();
      const type = head.readUInt8(0);
      const length = head.readUInt32BE(1);
      if (!(type in FrameType)) throw new Error(`Unknown frame type ${type} from the shared receiver`);
      if (length > MAX_FRAME_BYTES) throw new Error(`A frame of ${length} bytes from the shared receiver exceeds ${MAX_FRAME_BYTES}`);
      if (this.buffered < HEADER_BYTES + length) break;
      const all = this.flatten();
      frames.push({ type: type as FrameType, payload: all.subarray(HEADER_BYTES, HEADER_BYTES + length) });
      const rest = all.subarray(HEADER_BYTES + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return frames;
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }
}
