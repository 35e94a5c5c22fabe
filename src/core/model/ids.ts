/** Trace and span id helpers: every id in the model is lowercase hex. */

const HEX = /^[0-9a-f]+$/;
const ZERO = /^0+$/;

export function isHex(s: string): boolean {
  return HEX.test(s);
}

/**
 * Normalizes a trace id to 32 lowercase hex characters. Accepts 16-hex (64-bit
 * Zipkin/Jaeger ids) and ids with leading zeros stripped (Tempo search results).
 * Returns undefined for anything that is not a valid, non-zero id.
 */
export function normalizeTraceId(id: string): string | undefined {
  const s = id.trim().toLowerCase();
  if (s.length === 0 || s.length > 32 || !HEX.test(s) || ZERO.test(s)) return undefined;
  return s.padStart(32, '0');
}

/** Normalizes a span id to 16 lowercase hex characters; undefined when invalid or zero. */
export function normalizeSpanId(id: string): string | undefined {
  const s = id.trim().toLowerCase();
  if (s.length === 0 || s.length > 16 || !HEX.test(s) || ZERO.test(s)) return undefined;
  return s.padStart(16, '0');
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, '0');
  return out;
}

export function base64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

/** The short form shown in titles: the first 7 characters of the 32-hex id without padding. */
export function shortTraceId(traceId: string): string {
  return traceId.replace(/^0{16}/, '').slice(0, 7);
}
