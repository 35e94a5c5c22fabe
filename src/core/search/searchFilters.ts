import { parseDurationMs } from '../model/durations';

/** The optional filter line of `Trace Lens: Search Traces` for Jaeger, Zipkin and the receiver. */
export interface SearchFilters {
  minDurationMs?: number;
  maxDurationMs?: number;
  errorsOnly?: boolean;
  tags: Record<string, string>;
}

export type SearchFiltersParse = { ok: true; filters: SearchFilters } | { ok: false; message: string };

// key=value or key="quoted value"; keys as OpenTelemetry writes them (dots, dashes, slashes).
const TOKEN = /\s*([\w.\-/:]+)\s*(=|>=|<=|>|<)\s*("(?:[^"\\]|\\.)*"|\S+)/y;

/**
 * Parses `minDuration=250ms maxDuration=2s error=true http.response.status_code=500 user.tier="gold plan"`.
 * `duration>250ms` and `duration<2s` are accepted too.
 */
export function parseSearchFilters(text: string): SearchFiltersParse {
  const filters: SearchFilters = { tags: {} };
  const s = text.trim();
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < s.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(s);
    if (!m) return { ok: false, message: `Cannot read "${s.slice(at).trim().slice(0, 40)}": write filters as key=value, e.g. minDuration=250ms error=true http.route=/api/orders` };
    at = TOKEN.lastIndex;
    const [, key, op, raw] = m;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    const lower = key.toLowerCase();
    if (lower === 'minduration' || (lower === 'duration' && (op === '>' || op === '>='))) {
      const ms = parseDurationMs(value);
      if (ms === undefined) return { ok: false, message: `"${value}" is not a duration; use e.g. 250ms, 1.5s, 2m.` };
      filters.minDurationMs = ms;
    } else if (lower === 'maxduration' || (lower === 'duration' && (op === '<' || op === '<='))) {
      const ms = parseDurationMs(value);
      if (ms === undefined) return { ok: false, message: `"${value}" is not a duration; use e.g. 250ms, 1.5s, 2m.` };
      filters.maxDurationMs = ms;
    } else if ((lower === 'error' || lower === 'errors') && op === '=') {
      if (value !== 'true' && value !== 'false') return { ok: false, message: 'error takes true or false.' };
      filters.errorsOnly = value === 'true';
    } else if (op === '=') {
      filters.tags[key] = value;
    } else {
      return { ok: false, message: `Only duration can be compared with ${op}; attributes take key=value.` };
    }
  }
  if (filters.minDurationMs !== undefined && filters.maxDurationMs !== undefined && filters.minDurationMs > filters.maxDurationMs) {
    return { ok: false, message: 'The minimum duration is above the maximum.' };
  }
  return { ok: true, filters };
}
