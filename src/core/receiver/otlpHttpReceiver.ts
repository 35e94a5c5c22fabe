import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isLoopbackHostHeader, isLoopbackOrigin } from './loopbackOrigin';
import type { OtlpDecodeResult } from './otlpDecodeResult';
import { decodeOtlpJsonTextAsync } from './otlpJsonDecoder';
import { decodeOtlpProtobufAsync } from './otlpProtobufDecoder';
import { exportResponse, otlpEncodingOf, RpcCode, statusResponse } from './otlpResponses';
import type { EncodedBody, OtlpEncoding } from './otlpResponses';
import {
  MalformedOtlpError,
  PayloadTooLargeError,
  PortInUseError,
  ReceiverStartError,
  UnsupportedMediaTypeError,
} from './receiverErrors';
import { CorruptBodyError, readRequestBody } from './requestBody';
import { DEFERRED_MESSAGE, OtlpReceiverBase, RECEIVER_HOST } from './otlpReceiverBase';
import type { ReceiverControl, ReceiverLimits, SpanSink } from './otlpReceiverBase';
import { CONTROL_PREFIX } from './sharedReceiverProtocol';

export interface OtlpReceiverOptions extends ReceiverLimits {
  /** Default 4318 (the OTLP/HTTP port); 0 picks a free port. */
  port?: number;
  /** Cap on the body, compressed and decompressed. Default 32 MiB. */
  maxBodyBytes?: number;
  /**
   * Requests read and decoded at once; more get 503 + Retry-After, which SDKs retry.
   * Bounds memory to about this many bodies in flight. Default 8.
   */
  maxConcurrentRequests?: number;
  /** Serves /trace-lens/ requests (the shared receiver's channel); without it they get 404. */
  control?: ReceiverControl;
}

export const DEFAULT_OTLP_HTTP_PORT = 4318;
export const TRACES_PATH = '/v1/traces';
/** Accepted and discarded so SDKs that also export these (the Java agent does by default) do not log errors. */
const IGNORED_SIGNAL_PATHS = new Set(['/v1/metrics', '/v1/logs']);

const HTTP2_PREFACE = 'PRI * HTTP/2.0';

/** After refusing an oversized body, how long the rest may keep streaming in (discarded) before the socket is cut. */
const DRAIN_GRACE_MS = 5000;

/**
 * OTLP/HTTP trace receiver (JSON and protobuf, gzip/deflate/br) on 127.0.0.1.
 * Status codes and bodies follow the OTLP/HTTP spec: 200 + ExportTraceServiceResponse
 * (partial_success for rejected spans), 400 + google.rpc.Status for malformed bodies,
 * 413 over the size cap, 415 for unknown media types, 405 / 404 otherwise.
 */
export class OtlpHttpReceiver extends OtlpReceiverBase {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly control: ReceiverControl | undefined;

  constructor(sink: SpanSink, options: OtlpReceiverOptions = {}) {
    super(sink, options, DEFAULT_OTLP_HTTP_PORT, 'traceLens.local.port');
    this.control = options.control;
  }

  /** Throws PortInUseError when another process holds the port. */
  async start(): Promise<{ port: number }> {
    if (this.server) throw new ReceiverStartError('The Trace Lens OTLP receiver is already running.');
    const server = createServer((req, res) => void this.handle(req, res));
    // Bounds slow or stalled clients; SDK exports finish well within these.
    server.requestTimeout = 60_000;
    server.headersTimeout = 20_000;
    server.keepAliveTimeout = 10_000;
    server.maxHeadersCount = 100;
    server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => this.clientError(err, socket));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        if (err.code === 'EADDRINUSE') reject(new PortInUseError(this.requestedPort, RECEIVER_HOST, { cause: err }));
        else {
          reject(
            new ReceiverStartError(`The Trace Lens OTLP receiver could not listen on port ${this.requestedPort}.`, {
              cause: err,
              detail: `${err.code ?? ''} ${err.message}`.trim(),
            }),
          );
        }
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ port: this.requestedPort, host: RECEIVER_HOST, exclusive: true });
    });
    server.on('error', (err) => this.errorEmitter.fire({ status: 0, message: `Server error: ${err.message}`, error: err }));
    this.server = server;
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.requestedPort;
    return { port: this.boundPort };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.boundPort = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Exporters first, so no export arrives while the control channel's streams are flushed.
    for (const socket of this.sockets) if (!this.control?.ownsSocket(socket)) socket.destroy();
    await this.control?.drain();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  dispose(): void {
    void this.stop();
    this.disposeEmitters();
  }

  /** Bytes that are not HTTP/1.1; the common case is an SDK exporting OTLP/gRPC (HTTP/2) to this port instead of the gRPC one. */
  private clientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket): void {
    const raw = err.rawPacket;
    const http2 = raw !== undefined && raw.subarray(0, HTTP2_PREFACE.length).toString('latin1') === HTTP2_PREFACE;
    const message = http2
      ? 'Received OTLP/gRPC (HTTP/2) on the OTLP/HTTP port: send gRPC to the gRPC port (traceLens.local.grpcPort, default 4317) or set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf'
      : `Malformed HTTP request: ${err.code ?? err.message}`;
    this.counters.requestsRefused++;
    this.errorEmitter.fire({ status: 400, message, error: err });
    if (socket.writable && !http2) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.requests++;
    const encoding = otlpEncodingOf(req.headers['content-type']);
    const respondEncoding: OtlpEncoding = encoding ?? 'json';
    try {
      if (!isLoopbackHostHeader(req.headers.host)) {
        this.refuse(req, res, 403, respondEncoding, RpcCode.INVALID_ARGUMENT, 'Host must be a loopback name');
        return;
      }
      const path = pathOf(req.url);
      // Before any CORS header: the shared receiver's channel is never granted to a web page.
      if (this.control && path.startsWith(CONTROL_PREFIX)) {
        this.control.handle(req, res, path);
        return;
      }
      const origin = req.headers.origin;
      const corsAllowed = typeof origin === 'string' && isLoopbackOrigin(origin);
      if (corsAllowed) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
      }
      const isTraces = path === TRACES_PATH;
      if (!isTraces && !IGNORED_SIGNAL_PATHS.has(path)) {
        this.refuse(req, res, 404, respondEncoding, RpcCode.NOT_FOUND, `Not found: ${path}; traces go to ${TRACES_PATH}`);
        return;
      }
      if (req.method === 'OPTIONS') {
        this.preflight(req, res, corsAllowed);
        return;
      }
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST, OPTIONS');
        this.refuse(req, res, 405, respondEncoding, RpcCode.UNIMPLEMENTED, `Method ${req.method ?? ''} not allowed; use POST`);
        return;
      }
      if (!encoding) {
        throw new UnsupportedMediaTypeError(
          `Unsupported Content-Type ${req.headers['content-type'] ?? '(none)'}; use application/x-protobuf or application/json`,
        );
      }
      if (this.active >= this.maxConcurrentRequests) {
        res.setHeader('Retry-After', '1');
        this.refuse(req, res, 503, encoding, RpcCode.UNAVAILABLE, `Busy: ${this.active} requests in progress; retry shortly`);
        return;
      }
      if (isTraces && this.deferred()) {
        res.setHeader('Retry-After', '1');
        this.refuse(req, res, 503, encoding, RpcCode.UNAVAILABLE, DEFERRED_MESSAGE, undefined, false);
        return;
      }
      this.active++;
      try {
        await this.ingest(req, res, encoding, isTraces);
      } finally {
        this.active--;
      }
    } catch (err) {
      this.fail(req, res, respondEncoding, err);
    }
  }

  private async ingest(req: IncomingMessage, res: ServerResponse, encoding: OtlpEncoding, isTraces: boolean): Promise<void> {
    const contentEncoding = req.headers['content-encoding'];
    if (contentEncoding && contentEncoding.trim().toLowerCase() !== 'identity') this.counters.compressedRequests++;
    const body = await readRequestBody(req, this.maxBodyBytes);
    this.counters.bytesReceived += body.length;
    if (!isTraces) {
      send(res, 200, exportResponse(encoding, 0, ''));
      return;
    }
    const decoded: OtlpDecodeResult =
      encoding === 'protobuf' ? await decodeOtlpProtobufAsync(body) : await decodeOtlpJsonTextAsync(body.toString('utf8'));
    const message = this.accept(decoded, { encoding, body });
    send(res, 200, exportResponse(encoding, decoded.rejectedSpans, message));
  }

  private preflight(req: IncomingMessage, res: ServerResponse, corsAllowed: boolean): void {
    if (!corsAllowed) {
      this.refuse(req, res, 403, 'json', RpcCode.INVALID_ARGUMENT, 'CORS is allowed for localhost origins only');
      return;
    }
    const requested = req.headers['access-control-request-headers'];
    const headers = typeof requested === 'string' && /^[\w\s,-]*$/.test(requested) ? requested : 'Content-Type, Content-Encoding';
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', headers || 'Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    if (req.headers['access-control-request-private-network'] === 'true') {
      res.setHeader('Access-Control-Allow-Private-Network', 'true');
    }
    res.writeHead(204);
    res.end();
  }

  private fail(req: IncomingMessage, res: ServerResponse, encoding: OtlpEncoding, err: unknown): void {
    if (err instanceof PayloadTooLargeError) {
      this.refuse(req, res, 413, encoding, RpcCode.RESOURCE_EXHAUSTED, err.message, err);
    } else if (err instanceof UnsupportedMediaTypeError) {
      this.refuse(req, res, 415, encoding, RpcCode.INVALID_ARGUMENT, err.message, err);
    } else if (err instanceof MalformedOtlpError || err instanceof CorruptBodyError) {
      this.refuse(req, res, 400, encoding, RpcCode.INVALID_ARGUMENT, err.message, err);
    } else {
      const message = err instanceof Error ? err.message : String(err);
      this.refuse(req, res, 500, encoding, RpcCode.INTERNAL, `Internal error: ${message}`, err);
    }
  }

  private refuse(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    encoding: OtlpEncoding,
    code: number,
    message: string,
    error?: unknown,
    report = true,
  ): void {
    this.counters.requestsRefused++;
    // A deferral was reported by deferred(), once for each closing of the gate.
    if (report) this.errorEmitter.fire({ status, message, error });
    if (res.headersSent || res.destroyed) return;
    const body = statusResponse(encoding, code, message);
    if (req.complete) {
      send(res, status, body);
      return;
    }
    // The body was not (fully) read. Clients write the whole body before reading
    // the answer, and answering mid-upload makes them see EPIPE instead of the
    // status: discard the rest as it streams in, answer when it ends, and cut
    // the connection if it has not ended within a bounded time.
    let answered = false;
    const answer = (): void => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      if (!res.destroyed) send(res, status, body);
    };
    const timer = setTimeout(() => {
      res.setHeader('Connection', 'close');
      answer();
      res.once('finish', () => req.socket.destroy());
    }, DRAIN_GRACE_MS);
    timer.unref();
    req.once('end', answer);
    req.once('close', () => clearTimeout(timer));
    req.resume();
  }
}

function send(res: ServerResponse, status: number, body: EncodedBody): void {
  res.writeHead(status, { 'Content-Type': body.contentType, 'Content-Length': body.body.length });
  res.end(body.body);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
