/*
 * What the OTLP/HTTP and OTLP/gRPC receivers share: where spans go, the counters and events
 * the controller reads, the bounds on bodies and concurrency, and the loopback port.
 */
import { Emitter } from './emitter';
import type { Event } from './emitter';
import type { Span } from '../model/trace';
import { ReceiverStartError } from './receiverErrors';

/** Where decoded spans go; SpanStore implements it. */
export interface SpanSink {
  addSpans(spans: Span[]): void;
  /** Rejected spans never reach addSpans; the sink may still want to count them. */
  noteRejectedSpans?(count: number): void;
}

export interface SpansReceivedEvent {
  /** Spans accepted from one request. */
  count: number;
  rejected: number;
  /** Distinct trace ids in the request, in first-seen order. */
  traceIds: string[];
}

/** A request the receiver refused, for the log; never thrown. */
export interface ReceiverRequestError {
  status: number;
  message: string;
  error?: unknown;
}

export interface ReceiverStats {
  requests: number;
  spansAccepted: number;
  spansRejected: number;
  requestsRefused: number;
  /** Decompressed body bytes of accepted requests. */
  bytesReceived: number;
  /** Requests that arrived with a Content-Encoding other than identity. */
  compressedRequests: number;
}

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Loopback only: the receivers must never be reachable from the network. */
export const RECEIVER_HOST = '127.0.0.1';

export interface ReceiverLimits {
  /** 0 picks a free port. */
  port?: number;
  /** Cap on one body or message, compressed and decompressed. Default 32 MiB. */
  maxBodyBytes?: number;
  /** Requests decoded at once; more are refused with a retryable status. Default 8. */
  maxConcurrentRequests?: number;
}

export abstract class OtlpReceiverBase {
  protected boundPort: number | undefined;
  protected active = 0;
  protected readonly requestedPort: number;
  protected readonly spansEmitter = new Emitter<SpansReceivedEvent>();
  protected readonly errorEmitter = new Emitter<ReceiverRequestError>();
  protected readonly counters: ReceiverStats = {
    requests: 0,
    spansAccepted: 0,
    spansRejected: 0,
    requestsRefused: 0,
    bytesReceived: 0,
    compressedRequests: 0,
  };
  readonly maxBodyBytes: number;
  readonly maxConcurrentRequests: number;

  /** Fires after each request whose spans reached the sink. */
  readonly onSpans: Event<SpansReceivedEvent> = this.spansEmitter.event;
  /** Fires for each refused request (malformed, too large, busy, ...), for logging. */
  readonly onRequestError: Event<ReceiverRequestError> = this.errorEmitter.event;

  /** `portSetting` names the setting in the error a bad port gets. */
  protected constructor(
    protected readonly sink: SpanSink,
    options: ReceiverLimits,
    defaultPort: number,
    portSetting: string,
  ) {
    this.requestedPort = options.port ?? defaultPort;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxConcurrentRequests = Math.max(1, options.maxConcurrentRequests ?? 8);
    if (!Number.isInteger(this.requestedPort) || this.requestedPort < 0 || this.requestedPort > 65535) {
      throw new ReceiverStartError(`"${portSetting}" must be a port number from 0 to 65535, not ${this.requestedPort}.`);
    }
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  /** The endpoint to give SDKs (`OTEL_EXPORTER_OTLP_ENDPOINT`), once started. */
  get endpoint(): string | undefined {
    return this.boundPort === undefined ? undefined : `http://localhost:${this.boundPort}`;
  }

  get stats(): Readonly<ReceiverStats> {
    return { ...this.counters };
  }
}
