/*
 * Response bodies the OTLP/HTTP spec requires: an ExportTraceServiceResponse on
 * success (with partial_success when spans were rejected) and a google.rpc.Status
 * on failure, both in the encoding of the request. Encoded by hand: two tiny
 * messages do not justify a protobuf runtime on the response path.
 */
import { lengthDelimited, varintField } from './protobufWire';

export type OtlpEncoding = 'protobuf' | 'json';

export interface EncodedBody {
  contentType: string;
  body: Buffer;
}

/** gRPC status codes used in google.rpc.Status bodies. */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  NOT_FOUND: 5,
} as const;

const PROTOBUF_TYPE = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** The OTLP encoding a Content-Type names (`application/x-protobuf` or `application/protobuf`, `application/json`); undefined for any other. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  if (!contentType) return undefined;
  const media = contentType.split(';', 1)[0].trim().toLowerCase();
  if (media === PROTOBUF_TYPE || media === 'application/protobuf') return 'protobuf';
  if (media === JSON_TYPE) return 'json';
  return undefined;
}

export function exportResponse(encoding: OtlpEncoding, rejectedSpans: number, errorMessage: string): EncodedBody {
  if (encoding === 'json') {
    const body = rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {};
    return { contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(body)) };
  }
  if (rejectedSpans === 0 && !errorMessage) return { contentType: PROTOBUF_TYPE, body: Buffer.alloc(0) };
  const partial = Buffer.concat([
    rejectedSpans > 0 ? varintField(1, rejectedSpans) : Buffer.alloc(0),
    errorMessage ? lengthDelimited(2, Buffer.from(errorMessage, 'utf8')) : Buffer.alloc(0),
  ]);
  return { contentType: PROTOBUF_TYPE, body: lengthDelimited(1, partial) };
}

export function statusResponse(encoding: OtlpEncoding, code: number, message: string): EncodedBody {
  if (encoding === 'json') {
    return { contentType: JSON_TYPE, body: Buffer.from(JSON.stringify({ code, message })) };
  }
  return {
    contentType: PROTOBUF_TYPE,
    body: Buffer.concat([varintField(1, code), lengthDelimited(2, Buffer.from(message, 'utf8'))]),
  };
}
