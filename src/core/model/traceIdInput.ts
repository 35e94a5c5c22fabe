import { normalizeSpanId, normalizeTraceId } from './ids';

/** What the user pasted into "Open Trace by ID", once understood. */
export interface TraceReference {
  traceId: string;
  /** Set when the input named a span too (a W3C traceparent), so the waterfall can select it. */
  spanId?: string;
}

export type TraceIdParse = { ok: true; reference: TraceReference } | { ok: false; message: string };

const TRACEPARENT = /\b[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}\b/i;
// A labelled id in a log line, JSON or query string: trace_id=…, "traceId":"…", trace-id: …, traceID=…
const LABELLED = /\btrace[_-]?id["']?\s*[=:]\s*["']?([0-9a-f]{16,32})\b/i;
// An id as a path segment of a URL: …/trace/<id>, …/traces/<id>
const URL_SEGMENT = /\/traces?\/([0-9a-f]{16,32})(?:[/?#]|$)/i;
const BARE_128 = /(?<![0-9a-z])([0-9a-f]{32})(?![0-9a-z])/i;
const BARE_64 = /(?<![0-9a-z])([0-9a-f]{16})(?![0-9a-z])/i;

/**
 * Accepts a 32- or 16-hex trace id, a W3C `traceparent`, or a URL or log line that contains one.
 * The message of a failure says what would be accepted.
 */
export function parseTraceIdInput(input: string): TraceIdParse {
  const text = input.trim();
  if (!text) return { ok: false, message: 'Paste a trace id (32 or 16 hex characters), a traceparent, or a URL or log line containing one.' };

  const parent = TRACEPARENT.exec(text);
  if (parent) {
    const traceId = normalizeTraceId(parent[1]);
    if (traceId) return { ok: true, reference: { traceId, spanId: normalizeSpanId(parent[2]) } };
  }
  for (const pattern of [LABELLED, URL_SEGMENT, BARE_128, BARE_64]) {
    const match = pattern.exec(text);
    if (!match) continue;
    const id = match[1];
    if (id.length !== 32 && id.length !== 16) continue;
    const traceId = normalizeTraceId(id);
    if (traceId) return { ok: true, reference: { traceId } };
  }
  if (/^[0-9a-f]+$/i.test(text)) {
    return /^0+$/.test(text)
      ? { ok: false, message: 'An all-zero trace id is invalid.' }
      : { ok: false, message: `A trace id has 32 or 16 hex characters; this has ${text.length}.` };
  }
  return { ok: false, message: 'No trace id found: expected 32 or 16 hex characters, a traceparent (00-<trace id>-<span id>-01), or a URL or log line containing one.' };
}

export interface TraceIdMatch {
  /** Offsets into the scanned text of the id itself. */
  start: number;
  end: number;
  reference: TraceReference;
}

const LINK_PATTERNS: RegExp[] = [
  /\btraceparent["']?\s*[=:]\s*["']?[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}/gi,
  /\btrace[_-]?id["']?\s*[=:]\s*["']?([0-9a-f]{32}|[0-9a-f]{16})(?![0-9a-z])/gi,
];

/** Trace ids in log text that a DocumentLinkProvider makes clickable: `trace_id=…`, `traceId`, `traceparent`. */
export function findTraceIdsInText(text: string, maxMatches = 1000): TraceIdMatch[] {
  const matches: TraceIdMatch[] = [];
  const seen = new Set<number>();
  for (const pattern of LINK_PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m && matches.length < maxMatches; m = pattern.exec(text)) {
      const id = m[1];
      const start = m.index + m[0].lastIndexOf(id, m[0].length - (m[2] ? m[2].length + 1 : 0));
      if (seen.has(start)) continue;
      const traceId = normalizeTraceId(id);
      if (!traceId) continue;
      seen.add(start);
      matches.push({ start, end: start + id.length, reference: { traceId, spanId: m[2] ? normalizeSpanId(m[2]) : undefined } });
    }
  }
  return matches.sort((a, b) => a.start - b.start);
}
