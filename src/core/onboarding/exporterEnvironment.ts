/**
 * The environment that points an OpenTelemetry SDK at the built-in receiver: what the walkthrough, the
 * view's welcome text and the status menu let the user copy. OTLP/HTTP with protobuf, because every SDK
 * supports it and it is what the receiver's default port speaks.
 */
export function exporterEnvironment(httpPort: number): string {
  return `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${httpPort} OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`;
}
