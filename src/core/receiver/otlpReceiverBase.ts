/*
 * What the OTLP/HTTP and OTLP/gRPC receivers share: where spans go, the counters and events
 * the controller reads, the bounds on bodies and concurrency, and the loopback port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Emitter } from './emitter';
import type { Event } from './emitter';
import type { Span } from '../model/trace';
import type { OtlpDecodeResult } from './otlpDecodeResult';
import type { OtlpEncoding } from './otlpResponses';
import type { IntakeGate } from './intakeGate';
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

/** The body of an export whose spans reached the sink, as it arrived (decompressed). */
export interface AcceptedBatch {
  encoding: OtlpEncoding;
  body: Uint8Array;
}

/**
 * Requests under /trace-lens/ on the OTLP/HTTP port: the channel other windows use to share this
 * receiver (sharedReceiverHub.ts). They get no CORS grant and do not count against the export limits.
 */
export interface ReceiverControl {
  handle(req: IncomingMessage, res: ServerResponse, path: string): void;
  /** Its long-lived streams are spared when the receiver cuts the exporters' sockets on stop... */
  ownsSocket(socket: Socket): boolean;
  /** ...and ended here, after exports stopped arriving, so the last ones still reach the subscribers. */
  drain(): Promise<void>;
}

/** A request the receiver refused, for the log; never thrown. */
export interface ReceiverRequestError {
  status: number;
  message: string;
  error?: unknown;
  /** Refused because the gate was closed (reported once each time it closes); the exporter retries. */
  deferred?: boolean;
}

/** Spans accepted within the last one to two seconds from which a closed gate defers exports. */
export const DEFER_MIN_RECENT_SPANS = 5_000;

/** Said to the exporter and in the log when the gate defers exports. */
export const DEFERRED_MESSAGE = 'The editor is busy (its event loop is running late): exports are deferred until it catches up; the exporter retries them';

export interface ReceiverStats {
  requests: number;
  spansAccepted: number;
  spansRejected: number;
  requestsRefused: number;
  /** Decompressed body bytes of accepted requests. */
  bytesReceived: number;
  /** Requests refused (retryably) while the gate was closed; also counted in requestsRefused. */
  requestsDeferred: number;
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
  /** Refuses new exports (retryably) while it is busy: see intakeGate.ts. None by default. */
  gate?: IntakeGate;
}

export abstract class OtlpReceiverBase {
  protected boundPort: number | undefined;
  protected active = 0;
  protected readonly requestedPort: number;
  protected readonly spansEmitter = new Emitter<SpansReceivedEvent>();
  protected readonly errorEmitter = new Emitter<ReceiverRequestError>();
  protected readonly batchEmitter = new Emitter<AcceptedBatch>();
  protected readonly counters: ReceiverStats = {
    requests: 0,
    spansAccepted: 0,
    spansRejected: 0,
    requestsRefused: 0,
    bytesReceived: 0,
    requestsDeferred: 0,
    compressedRequests: 0,
  };
  readonly maxBodyBytes: number;
  readonly maxConcurrentRequests: number;
  private readonly gate: IntakeGate | undefined;
  private reportedEpisode = 0;
  /** Spans accepted in the current second and the one before (see deferred()). */
  private intakeSecond = 0;
  private intakeThisSecond = 0;
  private intakeLastSecond = 0;

  /** Fires after each request whose spans reached the sink. */
  readonly onSpans: Event<SpansReceivedEvent> = this.spansEmitter.event;
  /** Fires for each refused request (malformed, too large, busy, ...), for logging. */
  readonly onRequestError: Event<ReceiverRequestError> = this.errorEmitter.event;
  /**
   * Fires synchronously after an export's spans reached the sink and before the exporter is answered,
   * so a listener that forwards it (the shared receiver's hub) does so before the spans are acknowledged.
   */
  readonly onAcceptedBatch: Event<AcceptedBatch> = this.batchEmitter.event;

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
    this.gate = options.gate;
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

  /**
   * Whether a new export must wait because the gate is closed: counts it, and reports the first
   * of each closing (as `deferred`), so the log says it once, not for every retried export.
   */
  protected deferred(): boolean {
    this.gate?.noteExport();
    // Only under a load: a few spans now and then are not what holds the host up, and deferring them would not help.
    if (!this.gate?.busy || this.recentIntake(0) < DEFER_MIN_RECENT_SPANS) return false;
    this.counters.requestsDeferred++;
    if (this.gate.episode !== this.reportedEpisode) {
      this.reportedEpisode = this.gate.episode;
      this.errorEmitter.fire({ status: 503, message: DEFERRED_MESSAGE, deferred: true });
    }
    return true;
  }

  /** Spans accepted in this second and the one before, after adding `added`. */
  private recentIntake(added: number): number {
    const second = Math.floor(performance.now() / 1000);
    if (second !== this.intakeSecond) {
      this.intakeLastSecond = second === this.intakeSecond + 1 ? this.intakeThisSecond : 0;
      this.intakeThisSecond = 0;
      this.intakeSecond = second;
    }
    this.intakeThisSecond += added;
    return this.intakeThisSecond + this.intakeLastSecond;
  }

  /** Hands a decoded export to the sink and the listeners; returns the partial-success message ('' when none was rejected). */
  protected accept(decoded: OtlpDecodeResult, raw: AcceptedBatch): string {
    this.recentIntake(decoded.spans.length);
    if (decoded.spans.length > 0) this.sink.addSpans(decoded.spans);
    if (decoded.rejectedSpans > 0) this.sink.noteRejectedSpans?.(decoded.rejectedSpans);
    this.counters.spansAccepted += decoded.spans.length;
    this.counters.spansRejected += decoded.rejectedSpans;
    if (decoded.spans.length === 0 && decoded.rejectedSpans === 0) return '';
    if (decoded.spans.length > 0) this.batchEmitter.fire(raw);
    const traceIds = new Set<string>();
    for (const span of decoded.spans) traceIds.add(span.traceId);
    this.spansEmitter.fire({ count: decoded.spans.length, rejected: decoded.rejectedSpans, traceIds: [...traceIds] });
    return decoded.rejectedSpans > 0 ? `Rejected ${decoded.rejectedSpans} span(s): ${decoded.rejectionReasons.join('; ')}` : '';
  }

  protected disposeEmitters(): void {
    this.spansEmitter.dispose();
    this.errorEmitter.dispose();
    this.batchEmitter.dispose();
  }
}
