/*
 * OTLP/gRPC trace receiver on 127.0.0.1 (default port 4317): the
 * `opentelemetry.proto.collector.trace.v1.TraceService/Export` method, served by
 * @grpc/grpc-js (pure JavaScript) with a hand-registered service definition, so
 * no .proto file is loaded at run time. Requests are decoded by the same
 * protobuf decoder as OTLP/HTTP and land in the same store under the same
 * limits; `grpc-encoding: gzip` (and deflate) is handled by grpc-js.
 */
import * as grpc from '@grpc/grpc-js';
import { DEFERRED_MESSAGE, OtlpReceiverBase, RECEIVER_HOST } from './otlpReceiverBase';
import type { ReceiverLimits, SpanSink } from './otlpReceiverBase';
import { decodeOtlpProtobufAsync } from './otlpProtobufDecoder';
import { exportResponse } from './otlpResponses';
import { MalformedOtlpError, PortInUseError, ReceiverStartError } from './receiverErrors';

export const DEFAULT_OTLP_GRPC_PORT = 4317;
export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
/** Accepted and discarded, like /v1/metrics and /v1/logs over HTTP: the Java agent exports them by default. */
const IGNORED_EXPORT_PATHS = {
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
} as const;

export interface OtlpGrpcReceiverOptions extends ReceiverLimits {
  /** Default 4317 (the OTLP/gRPC port); 0 picks a free port. */
  port?: number;
  /** Cap on one message, compressed and decompressed (grpc-js enforces both). Default 32 MiB. */
  maxBodyBytes?: number;
  /** Exports decoded at once; more get UNAVAILABLE, which SDKs retry. Default 8. */
  maxConcurrentRequests?: number;
}

/** What an Export answers: an ExportTraceServiceResponse, with partial_success when spans were rejected. */
interface ExportResult {
  rejectedSpans: number;
  errorMessage: string;
}

/** The request stays bytes until the handler decodes it, asynchronously and with typed errors (INVALID_ARGUMENT, not INTERNAL). */
function exportMethod(path: string): grpc.MethodDefinition<Buffer, ExportResult> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (bytes: Buffer) => bytes,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (r: ExportResult) => exportResponse('protobuf', r.rejectedSpans, r.errorMessage).body,
    responseDeserialize: () => ({ rejectedSpans: 0, errorMessage: '' }),
  };
}

const TRACE_SERVICE: grpc.ServiceDefinition = { Export: exportMethod(TRACE_EXPORT_PATH) };
const METRICS_SERVICE: grpc.ServiceDefinition = { Export: exportMethod(IGNORED_EXPORT_PATHS.metrics) };
const LOGS_SERVICE: grpc.ServiceDefinition = { Export: exportMethod(IGNORED_EXPORT_PATHS.logs) };

type ExportCall = grpc.ServerUnaryCall<Buffer, ExportResult>;
type ExportCallback = grpc.sendUnaryData<ExportResult>;

/** Its `stats.compressedRequests` stays 0: grpc-js decompresses before the handler and hides `grpc-encoding`. */
export class OtlpGrpcReceiver extends OtlpReceiverBase {
  private server: grpc.Server | undefined;

  constructor(sink: SpanSink, options: OtlpGrpcReceiverOptions = {}) {
    super(sink, options, DEFAULT_OTLP_GRPC_PORT, 'traceLens.local.grpcPort');
  }

  /** Throws PortInUseError when another process holds the port. */
  async start(): Promise<{ port: number }> {
    if (this.server) throw new ReceiverStartError('The Trace Lens OTLP/gRPC receiver is already running.');
    const server = new grpc.Server({
      'grpc.max_receive_message_length': this.maxBodyBytes,
      'grpc.max_send_message_length': 64 * 1024,
      // Idle SDK connections are closed after a while; exporters reconnect on the next export.
      'grpc.max_connection_idle_ms': 5 * 60_000,
    });
    server.addService(TRACE_SERVICE, { Export: (call: ExportCall, callback: ExportCallback) => void this.exportTraces(call, callback) });
    const discard = (call: ExportCall, callback: ExportCallback): void => {
      this.counters.requests++;
      this.counters.bytesReceived += call.request.length;
      callback(null, { rejectedSpans: 0, errorMessage: '' });
    };
    server.addService(METRICS_SERVICE, { Export: discard });
    server.addService(LOGS_SERVICE, { Export: discard });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${RECEIVER_HOST}:${this.requestedPort}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
        if (!err) {
          resolve(bound);
          return;
        }
        if (/EADDRINUSE/.test(err.message)) {
          reject(new PortInUseError(this.requestedPort, RECEIVER_HOST, { cause: err, setting: 'traceLens.local.grpcPort', protocol: 'OTLP/gRPC' }));
        } else {
          reject(new ReceiverStartError(`The Trace Lens OTLP/gRPC receiver could not listen on port ${this.requestedPort}.`, { cause: err, detail: err.message }));
        }
      });
    }).catch((err: unknown) => {
      server.forceShutdown();
      throw err;
    });
    this.server = server;
    this.boundPort = port;
    return { port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.boundPort = undefined;
    // In-flight exports are cut: the SDK retries them against whatever listens next.
    server.forceShutdown();
  }

  dispose(): void {
    void this.stop();
    this.disposeEmitters();
  }

  private async exportTraces(call: ExportCall, callback: ExportCallback): Promise<void> {
    this.counters.requests++;
    if (this.active >= this.maxConcurrentRequests) {
      this.refuse(callback, grpc.status.UNAVAILABLE, `Busy: ${this.active} exports in progress; retry shortly`);
      return;
    }
    if (this.deferred()) {
      this.refuse(callback, grpc.status.UNAVAILABLE, DEFERRED_MESSAGE, undefined, false);
      return;
    }
    this.active++;
    try {
      const bytes = call.request;
      this.counters.bytesReceived += bytes.length;
      const decoded = await decodeOtlpProtobufAsync(bytes);
      const errorMessage = this.accept(decoded, { encoding: 'protobuf', body: bytes });
      callback(null, { rejectedSpans: decoded.rejectedSpans, errorMessage });
    } catch (err) {
      if (err instanceof MalformedOtlpError) this.refuse(callback, grpc.status.INVALID_ARGUMENT, err.message, err);
      else this.refuse(callback, grpc.status.INTERNAL, `Internal error: ${err instanceof Error ? err.message : String(err)}`, err);
    } finally {
      this.active--;
    }
  }

  private refuse(callback: ExportCallback, code: grpc.status, message: string, error?: unknown, report = true): void {
    this.counters.requestsRefused++;
    // A deferral was reported by deferred(), once for each closing of the gate.
    if (report) this.errorEmitter.fire({ status: code, message, error });
    callback({ code, details: message });
  }
}
