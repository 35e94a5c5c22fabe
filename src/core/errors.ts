/**
 * Typed errors of the core. Each carries a `userMessage` that says what happened
 * and what to do, so the UI can show it as is; `message` may carry more detail
 * for the log.
 */
import { formatByteSize } from './files/byteSize';

export interface TraceLensErrorOptions {
  cause?: unknown;
  /** Extra detail for the log (status codes, server text); never shown as the headline. */
  detail?: string;
}

export class TraceLensError extends Error {
  readonly userMessage: string;
  readonly detail?: string;

  constructor(userMessage: string, options: TraceLensErrorOptions = {}) {
    super(options.detail ? `${userMessage} (${options.detail})` : userMessage, { cause: options.cause });
    this.name = new.target.name;
    this.userMessage = userMessage;
    this.detail = options.detail;
  }
}

/** The backend URL or another setting cannot be used as given. */
export class ConfigurationError extends TraceLensError {}

export class BackendUnreachableError extends TraceLensError {
  readonly url: string;
  constructor(url: string, options: TraceLensErrorOptions & { reason?: string } = {}) {
    super(
      `Could not reach the trace backend at ${url}${options.reason ? ` (${options.reason})` : ''}. ` +
        'Check that the server is running, the URL in "traceLens.backend.url" is right, and any proxy settings.',
      options,
    );
    this.url = url;
  }
}

/** The server accepted the connection but did not answer in time. */
export class BackendTimeoutError extends BackendUnreachableError {
  readonly timeoutMs: number;
  constructor(url: string, timeoutMs: number, options: TraceLensErrorOptions = {}) {
    super(url, { ...options, reason: `no complete answer within ${timeoutMs} ms; raise "traceLens.backend.timeoutMs" if the server is slow` });
    this.timeoutMs = timeoutMs;
  }
}

export class TlsError extends TraceLensError {
  readonly url: string;
  constructor(url: string, reason: string, options: TraceLensErrorOptions = {}) {
    super(
      `The TLS connection to ${url} failed: ${reason}. If the server uses a private certificate authority, ` +
        'put its PEM certificate in "traceLens.backend.caCertificate".',
      options,
    );
    this.url = url;
  }
}

export class UnauthorizedError extends TraceLensError {
  readonly url: string;
  readonly status: number;
  constructor(url: string, status: number, options: TraceLensErrorOptions = {}) {
    super(
      status === 403
        ? `The trace backend at ${url} refused access (HTTP 403). Check the credentials' permissions and the tenant, or run "Trace Lens: Set Credentials".`
        : `The trace backend at ${url} asked for credentials (HTTP 401). Run "Trace Lens: Set Credentials" to store a token or user name and password.`,
      options,
    );
    this.url = url;
    this.status = status;
  }
}

/** Thrown before sending: credentials were stored for another origin than the request's. */
export class CredentialOriginError extends TraceLensError {
  constructor(storedOrigin: string, requestOrigin: string) {
    super(
      `Credentials stored for ${storedOrigin} are not sent to ${requestOrigin}. ` +
        'Run "Trace Lens: Set Credentials" for the backend you configured.',
    );
  }
}

function describeRange(range?: { startMs: number; endMs: number }): string {
  if (!range) return 'in the time range the server searches by default';
  return `between ${new Date(range.startMs).toISOString()} and ${new Date(range.endMs).toISOString()}`;
}

export class TraceNotFoundError extends TraceLensError {
  readonly traceId: string;
  /** `userMessage` replaces the backend's explanation (retention, tenant) for a source that has other reasons. */
  constructor(traceId: string, range?: { startMs: number; endMs: number }, options: TraceLensErrorOptions & { userMessage?: string } = {}) {
    super(
      options.userMessage ??
        `Trace ${traceId} was not found ${describeRange(range)}. It may be older than the backend's retention, ` +
          'not yet ingested, or stored in another tenant; widen the time range or check "traceLens.backend.tenant".',
      options,
    );
    this.traceId = traceId;
  }
}

/**
 * The built-in receiver does not hold the trace. It has no retention, time range or tenant: it holds
 * what was sent to it since it started (or was restored), up to its span budget.
 */
export class ReceiverTraceNotFoundError extends TraceNotFoundError {
  constructor(traceId: string, maxSpans: number, options: TraceLensErrorOptions = {}) {
    super(traceId, undefined, {
      ...options,
      userMessage:
        `Trace ${traceId} is not in the built-in receiver. It has not been received yet (is the service exporting to the receiver?), ` +
        `the received spans were cleared ("Trace Lens: Clear Received Spans and Recent Traces"), or it was evicted: the receiver keeps the most recent ` +
        `${maxSpans.toLocaleString('en-US')} spans ("traceLens.local.maxSpans").`,
    });
  }
}

export class TraceTooLargeError extends TraceLensError {
  constructor(what: string, options: TraceLensErrorOptions & { advice?: string } = {}) {
    super(`${what} ${options.advice ?? "Open a smaller time range, or raise the server's limit if you operate it."}`, options);
  }
}

/** The HTTP layer stopped reading a body past its size cap (`traceLens.backend.maxResponseMB`). */
export class ResponseTooLargeError extends TraceTooLargeError {
  readonly limitBytes: number;
  constructor(url: string, limitBytes: number) {
    super(`The answer from ${url} is larger than ${formatByteSize(limitBytes)}, so Trace Lens stopped reading it.`, {
      advice: 'Raise "traceLens.backend.maxResponseMB" if the trace really is that large, or open a smaller time range.',
    });
    this.limitBytes = limitBytes;
  }
}

export class MalformedResponseError extends TraceLensError {
  constructor(source: string, expected: string, options: TraceLensErrorOptions = {}) {
    super(
      `${source} did not contain ${expected}. Check that "traceLens.backend.type" matches the server ` +
        '(Tempo, Jaeger or Zipkin) and that the URL points at its query API.',
      options,
    );
  }
}

/** Any other unsuccessful HTTP status. */
export class HttpStatusError extends TraceLensError {
  readonly status: number;
  readonly url: string;
  readonly body: string;
  constructor(url: string, status: number, body: string) {
    const excerpt = body.trim().slice(0, 300);
    super(
      `The trace backend at ${url} answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}. ` +
        (status >= 500 ? 'The server has a problem; try again later or check its logs.' : 'Check the query and the backend settings.'),
    );
    this.status = status;
    this.url = url;
    this.body = body;
  }
}

export class InvalidTraceIdError extends TraceLensError {
  constructor(input: string) {
    super(
      `"${input.slice(0, 80)}" is not a trace id. Paste 32 or 16 hexadecimal characters, a W3C traceparent, or a URL containing the id.`,
    );
  }
}

export class UnknownTraceFileFormatError extends TraceLensError {
  constructor(fileName: string, reason: string) {
    super(
      `${fileName} is not a trace file Trace Lens can read (${reason}). Supported: Jaeger UI "Download JSON", ` +
        'OTLP JSON (also the Collector file exporter, one object per line), Tempo JSON, and Zipkin v2 JSON.',
    );
  }
}

/** Cancellation is expected, never shown as an error; the UI checks for this class. */
export class CancelledError extends TraceLensError {
  constructor(options: TraceLensErrorOptions = {}) {
    super('The request was cancelled.', options);
  }
}

export function isCancellation(err: unknown): boolean {
  return err instanceof CancelledError;
}
