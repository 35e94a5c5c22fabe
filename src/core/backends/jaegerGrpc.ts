/*
 * A trace by id from Jaeger's query gRPC API (api_v3, `jaeger.api_v3.QueryService/GetTrace`, port
 * 16685 by default): the trace as OTLP protobuf (TracesData), the most compact encoding Jaeger
 * offers. Its HTTP API answers JSON only; the protobuf answer is less than half the bytes (19 against
 * 43 MB at 50k spans), and the receiver's protobuf walker decodes it in a third to a half of the time
 * `JSON.parse` and the converters take over the JSON (docs/performance.md). The method is registered by hand, like the receiver's, so no .proto
 * file is loaded; the answer stays bytes until the waterfall's worker decodes it.
 */
import * as grpc from '@grpc/grpc-js';
import {
  BackendTimeoutError,
  BackendUnreachableError,
  CancelledError,
  ConfigurationError,
  ResponseTooLargeError,
  TlsError,
  TraceLensError,
  TraceNotFoundError,
  UnauthorizedError,
} from '../errors';
import { withNodeRoots } from '../http/systemCertificates';
import type { TimeRange } from '../model/timeRange';
import type { GetTraceOptions } from './traceBackend';
import { lengthDelimited, varintField } from '../receiver/protobufWire';

export const GET_TRACE_PATH = '/jaeger.api_v3.QueryService/GetTrace';

/** Jaeger's query gRPC port, beside its HTTP port 16686, unless configured otherwise. */
export const DEFAULT_JAEGER_GRPC_PORT = 16685;

/** Where Jaeger's query gRPC API is by default for the HTTP API at `httpUrl`: same scheme and host, port 16685. */
export function defaultJaegerGrpcUrl(httpUrl: string): string {
  const u = new URL(httpUrl);
  return `${u.protocol}//${u.hostname.includes(':') ? `[${u.hostname.replace(/^\[|\]$/g, '')}]` : u.hostname}:${DEFAULT_JAEGER_GRPC_PORT}`;
}

/** An id no trace has: asked for, Jaeger's query API answers "not found"; another gRPC server, UNIMPLEMENTED. */
const PROBE_TRACE_ID = '00000000000000000000000000000001';

/**
 * Whether `url` serves Jaeger's query gRPC API, for Configure Backend to offer it: true when a
 * trace nobody has is answered "not found"; false for any other answer or none within `timeoutMs`.
 */
export async function servesJaegerGrpc(options: Omit<JaegerGrpcOptions, 'maxResponseBytes'>, signal?: AbortSignal): Promise<boolean> {
  let client: JaegerGrpcTraces;
  try {
    client = new JaegerGrpcTraces({ ...options, maxResponseBytes: 1024 * 1024 });
  } catch {
    return false;
  }
  try {
    await client.fetch(PROBE_TRACE_ID, { signal });
    return false;
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    return err instanceof TraceNotFoundError;
  } finally {
    client.close();
  }
}

export interface JaegerGrpcOptions {
  /** `http://host:port` (plain) or `https://host:port` (TLS): Jaeger's query gRPC endpoint. */
  url: string;
  /** Whole-call budget, connection to last message. */
  timeoutMs: number;
  /** Bytes read at most per answer (`traceLens.backend.maxResponseMB`). */
  maxResponseBytes: number;
  /** Non-secret headers and the tenant, sent as metadata. */
  metadata?: Record<string, string>;
  /** PEM certificates trusted in addition to Node's roots (the OS's, `traceLens.backend.caCertificate`). */
  extraCertificates?: readonly string[];
}

/** As for fetchTrace; `sink` gets each message whole, and the result's body is then empty. */
export type GrpcTraceOptions = Pick<GetTraceOptions, 'range' | 'signal' | 'sink' | 'onAnswer'>;

/** `traceLens.backend.jaegerGrpcUrl` checked; a ConfigurationError says what is wrong with it. */
export function parseJaegerGrpcUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`"traceLens.backend.jaegerGrpcUrl" is not a URL: "${url.slice(0, 100)}". Use e.g. http://localhost:16685, or leave it empty to use HTTP only.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigurationError(`"traceLens.backend.jaegerGrpcUrl" must start with http:// or https:// (TLS), not ${parsed.protocol}//.`);
  }
  if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.username || parsed.password) {
    throw new ConfigurationError('"traceLens.backend.jaegerGrpcUrl" takes a scheme, host and port only (e.g. http://localhost:16685): gRPC has no path, and credentials do not belong in a URL.');
  }
  return parsed;
}

/** google.protobuf.Timestamp of a time in ms. */
function timestamp(ms: number): Buffer {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return Buffer.concat([varintField(1, seconds), nanos > 0 ? varintField(2, nanos) : Buffer.alloc(0)]);
}

/** A GetTraceRequest: trace_id = 1 (hex), start_time = 2, end_time = 3. */
export function getTraceRequest(traceId: string, range?: TimeRange): Buffer {
  const parts = [lengthDelimited(1, Buffer.from(traceId, 'utf8'))];
  if (range) parts.push(lengthDelimited(2, timestamp(range.startMs)), lengthDelimited(3, timestamp(range.endMs)));
  return Buffer.concat(parts);
}

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * How long a call waits for a connection before the endpoint counts as unreachable. A firewall
 * that drops packets would otherwise hold the call for the whole timeout, though HTTP could answer.
 */
const CONNECT_WAIT_MS = 5_000;

/** One channel to one Jaeger query gRPC endpoint; `close()` when the settings change. */
export class JaegerGrpcTraces {
  readonly url: string;
  private readonly client: grpc.Client;
  private readonly metadata: grpc.Metadata;

  constructor(private readonly options: JaegerGrpcOptions) {
    const parsed = parseJaegerGrpcUrl(options.url);
    const tls = parsed.protocol === 'https:';
    const target = `${parsed.hostname}:${parsed.port || (tls ? '443' : '80')}`;
    this.url = parsed.origin;
    const ca = withNodeRoots(options.extraCertificates ?? []);
    const credentials = tls ? grpc.credentials.createSsl(ca && Buffer.from(ca.join('\n'))) : grpc.credentials.createInsecure();
    this.client = new grpc.Client(target, credentials, {
      'grpc.max_receive_message_length': options.maxResponseBytes,
      // Trace Lens decides about proxies (createBackend): grpc-js would otherwise follow the
      // environment's on its own.
      'grpc.enable_http_proxy': 0,
      // A 100k-span trace is one message of ~40 MB: a 64 kB window would make it ~600 round trips.
      'grpc-node.flow_control_window': 16 * 1024 * 1024,
    });
    this.metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(options.metadata ?? {})) this.metadata.set(name.toLowerCase(), value);
  }

  /**
   * The trace's OTLP protobuf (TracesData; several messages concatenate into one). A
   * BackendUnreachableError (never a BackendTimeoutError) means no connection could be made, so
   * nothing reached `sink`.
   */
  async fetch(traceId: string, options: GrpcTraceOptions = {}): Promise<{ body: Uint8Array; bytes: number }> {
    const { signal, sink, range, onAnswer } = options;
    if (signal?.aborted) throw new CancelledError();
    await this.connected(signal);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else if (bytes === 0) reject(new TraceNotFoundError(traceId, range));
        else resolve({ body: sink ? new Uint8Array(0) : Buffer.concat(chunks), bytes });
      };
      const call = this.client.makeServerStreamRequest(GET_TRACE_PATH, identity, identity, getTraceRequest(traceId, range), this.metadata, {
        deadline: Date.now() + this.options.timeoutMs,
      });
      const onAbort = () => {
        call.cancel();
        finish(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (onAnswer) call.on('metadata', onAnswer);
      call.on('data', (message: Buffer) => {
        bytes += message.byteLength;
        if (bytes > this.options.maxResponseBytes) {
          call.cancel();
          finish(new ResponseTooLargeError(this.url, this.options.maxResponseBytes));
          return;
        }
        if (sink) sink(message);
        else chunks.push(message);
      });
      call.on('error', (err: grpc.ServiceError) => finish(this.describe(err, traceId, range)));
      call.on('end', () => finish());
    });
  }

  /**
   * Resolves once the channel has connected or failed to (the call then says why: refused, TLS);
   * rejects when it is still trying after CONNECT_WAIT_MS, as when a firewall drops the packets.
   */
  private connected(signal?: AbortSignal): Promise<void> {
    const wait = Math.min(CONNECT_WAIT_MS, this.options.timeoutMs);
    const deadline = Date.now() + wait;
    const channel = this.client.getChannel();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => done(new CancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const check = (): void => {
        if (signal?.aborted) return;
        const state = channel.getConnectivityState(true);
        if (state === grpc.connectivityState.READY || state === grpc.connectivityState.TRANSIENT_FAILURE) done();
        else if (state === grpc.connectivityState.SHUTDOWN) done(new CancelledError());
        else {
          channel.watchConnectivityState(state, deadline, (err) => {
            if (err) done(new BackendUnreachableError(this.url, { reason: `no gRPC connection within ${wait / 1000} s` }));
            else check();
          });
        }
      };
      check();
    });
  }

  /** A gRPC status as the typed error the HTTP path gives for the same trouble. */
  private describe(err: grpc.ServiceError, traceId: string, range?: TimeRange): Error {
    const detail = err.details || err.message;
    switch (err.code) {
      case grpc.status.NOT_FOUND:
        return new TraceNotFoundError(traceId, range, { detail });
      case grpc.status.UNAVAILABLE:
        return /certificate|ssl|tls|handshake/i.test(detail) ? new TlsError(this.url, detail) : new BackendUnreachableError(this.url, { reason: detail });
      case grpc.status.DEADLINE_EXCEEDED:
        return new BackendTimeoutError(this.url, this.options.timeoutMs);
      case grpc.status.UNAUTHENTICATED:
        return new UnauthorizedError(this.url, 401, { detail });
      case grpc.status.PERMISSION_DENIED:
        return new UnauthorizedError(this.url, 403, { detail });
      case grpc.status.RESOURCE_EXHAUSTED:
        return /larger than max|message length|max.*receive/i.test(detail) ? new ResponseTooLargeError(this.url, this.options.maxResponseBytes) : new TraceLensError(`Jaeger's gRPC API at ${this.url} refused the request: ${detail}.`);
      case grpc.status.CANCELLED:
        return new CancelledError({ detail });
      case grpc.status.UNIMPLEMENTED:
        return new ConfigurationError(
          `${this.url} does not serve Jaeger's query API over gRPC (api_v3). Set "traceLens.backend.jaegerGrpcUrl" to Jaeger's query gRPC port (16685 by default), or leave it empty to use HTTP only.`,
          { detail },
        );
      default:
        return new TraceLensError(`Jaeger's gRPC API at ${this.url} failed (${grpc.status[err.code] ?? err.code}): ${detail.slice(0, 300)}.`);
    }
  }

  close(): void {
    this.client.close();
  }
}
