/**
 * Typed errors of the local OTLP receiver. The HTTP layer maps the request
 * errors to status codes; the extension shows PortInUseError and
 * ReceiverStartError (their userMessage says what to do). A trace missing from
 * the store is the shared TraceNotFoundError of src/core/errors.ts.
 */
import { TraceLensError } from '../errors';
import type { TraceLensErrorOptions } from '../errors';

/** The request body is not valid OTLP (truncated protobuf, invalid JSON, wrong structure): HTTP 400. */
export class MalformedOtlpError extends TraceLensError {}

/** The body (compressed or decompressed) exceeds the configured cap: HTTP 413. */
export class PayloadTooLargeError extends TraceLensError {
  constructor(readonly limitBytes: number) {
    super(`Request body exceeds the limit of ${limitBytes} bytes`);
  }
}

/** Content-Type or Content-Encoding the receiver does not speak: HTTP 415. */
export class UnsupportedMediaTypeError extends TraceLensError {}

/** Another process already listens on the port: the user can pick another port or backend. */
export class PortInUseError extends TraceLensError {
  /** The setting that chooses the port: `traceLens.local.port` (OTLP/HTTP) or `traceLens.local.grpcPort`. */
  readonly setting: string;
  constructor(
    readonly port: number,
    readonly host: string,
    options: TraceLensErrorOptions & { setting?: string; protocol?: string } = {},
  ) {
    const { setting = 'traceLens.local.port', protocol = 'OTLP', ...rest } = options;
    super(
      `Port ${port} is already in use, so the Trace Lens ${protocol} receiver could not start. If an OpenTelemetry Collector, ` +
        `Jaeger or Tempo already listens there, point Trace Lens at it ("Trace Lens: Configure Backend"); otherwise choose ` +
        `another port in "${setting}" and set OTEL_EXPORTER_OTLP_ENDPOINT to match.`,
      { detail: `EADDRINUSE on ${host}:${port}`, ...rest },
    );
    this.setting = setting;
  }
}

/** Anything else that stops the server from listening (permissions, invalid port). */
export class ReceiverStartError extends TraceLensError {}
