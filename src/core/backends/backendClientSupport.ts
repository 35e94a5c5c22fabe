/** Small pieces the three clients share. */
import { InvalidTraceIdError, MalformedResponseError } from '../errors';
import { normalizeTraceId } from '../model/ids';
import type { Trace } from '../model/trace';
import type { TimeRange } from '../model/timeRange';
import { isRecord } from './wireValues';

export function requireTraceId(input: string): string {
  const id = normalizeTraceId(input);
  if (!id) throw new InvalidTraceIdError(input);
  return id;
}

/** The trace with `traceId` out of a converted answer; servers may add neighbours (Jaeger merges). */
export function pickTrace(traces: Trace[], traceId: string): Trace | undefined {
  return traces.find((t) => t.traceId === traceId && t.spans.length > 0);
}

export function rangeSeconds(range: TimeRange): { start: number; end: number } {
  return { start: Math.floor(range.startMs / 1000), end: Math.max(Math.ceil(range.endMs / 1000), Math.floor(range.startMs / 1000) + 1) };
}

export function defaultRange(lookbackMs: number, now = Date.now()): TimeRange {
  return { startMs: now - lookbackMs, endMs: now };
}

/** A list of strings from `doc[key]`, e.g. `{"data":["a","b"]}`; other entries are skipped. */
export function stringList(doc: unknown, key: string, source: string): string[] {
  const list = isRecord(doc) ? doc[key] : undefined;
  // protobuf-JSON omits empty lists: Jaeger's v3 answers `{}` when it knows no services.
  if (list === null || (isRecord(doc) && list === undefined)) return [];
  if (!Array.isArray(list)) throw new MalformedResponseError(source, `a "${key}" list`);
  return list.filter((v): v is string => typeof v === 'string');
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b));
}

/** Go-style duration for Jaeger's `minDuration`, e.g. 1500 → "1.5s", 2 → "2ms". */
export function goDuration(ms: number): string {
  if (ms >= 1000) return `${+(ms / 1000).toFixed(6)}s`;
  if (Number.isInteger(ms)) return `${ms}ms`;
  return `${Math.round(ms * 1000)}us`;
}
