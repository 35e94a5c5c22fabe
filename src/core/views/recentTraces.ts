/**
 * The traces a user opened in the waterfall (by id, from a file, from a link) or picked from a search,
 * newest first, bounded, kept per workspace: the Trace Lens view lists them beside the received ones so
 * a trace looked at an hour ago is one click away. Plain data; the editor side stores it in the
 * workspace state and reads it back through `fromStored`, which keeps only well-formed entries.
 */
import type { TraceSummary } from '../backends/traceBackend';
import { FILE_SOURCE_PREFIX } from '../traceFiles/openedTraceFiles';

export type RecentOrigin = 'opened' | 'searched';

export interface RecentTrace {
  traceId: string;
  /** Where the waterfall read it: `backend:<type>` or `file:<uri>` (the panel state's `source`). */
  source: string;
  origin: RecentOrigin;
  /** The search that found it, for `searched`. */
  query?: string;
  rootName: string;
  rootService: string;
  /** Trace start, ms since the epoch. */
  startMs: number;
  durationNs: number;
  spanCount: number;
  errorCount: number;
  atMs: number;
}

export const MAX_RECENT_TRACES = 30;
/** How long a search's pick waits for its waterfall to load before it counts as opened, not searched. */
const SEARCH_MARK_MS = 10 * 60_000;
const TRACE_ID = /^[0-9a-f]{32}$/;
const MAX_TEXT = 512;

export class RecentTraceList {
  private list: RecentTrace[];
  /** Trace ids picked from a search whose waterfall has not loaded yet, with the query and when. */
  private readonly searched = new Map<string, { query: string; atMs: number }>();

  constructor(entries: readonly RecentTrace[] = [], private readonly max = MAX_RECENT_TRACES) {
    this.list = entries.slice(0, max);
  }

  /** Entries read back from storage: anything malformed (an older shape, a hand edit) is dropped. */
  static fromStored(value: unknown, max = MAX_RECENT_TRACES): RecentTraceList {
    const entries = Array.isArray(value) ? value.filter(isRecentTrace) : [];
    return new RecentTraceList(entries, max);
  }

  get entries(): readonly RecentTrace[] {
    return this.list;
  }

  /** The next load of `traceId` was asked for from a search. */
  markSearched(traceId: string, query: string, nowMs: number): void {
    this.searched.set(traceId, { query: query.slice(0, MAX_TEXT), atMs: nowMs });
  }

  /** A waterfall finished loading: the trace moves to the top (one entry per trace and source). */
  record(loaded: Omit<RecentTrace, 'origin' | 'query' | 'atMs'>, nowMs: number): void {
    const mark = this.searched.get(loaded.traceId);
    this.searched.delete(loaded.traceId);
    const fromSearch = mark !== undefined && nowMs - mark.atMs <= SEARCH_MARK_MS;
    const previous = this.list.find((e) => e.traceId === loaded.traceId && e.source === loaded.source);
    const entry: RecentTrace = {
      ...loaded,
      rootName: loaded.rootName.slice(0, MAX_TEXT),
      rootService: loaded.rootService.slice(0, MAX_TEXT),
      // Opening again what a search found keeps saying how it was found.
      origin: fromSearch ? 'searched' : previous?.origin ?? 'opened',
      ...(fromSearch ? { query: mark.query } : previous?.query !== undefined ? { query: previous.query } : {}),
      atMs: nowMs,
    };
    this.list = [entry, ...this.list.filter((e) => e !== previous)].slice(0, this.max);
  }

  clear(): void {
    this.list = [];
    this.searched.clear();
  }
}

/** As a search result reads, so the view words both lists alike (traceSummaryText). */
export function recentTraceSummary(entry: RecentTrace): TraceSummary {
  return {
    traceId: entry.traceId,
    rootServiceName: entry.rootService,
    rootName: entry.rootName,
    startTimeUnixNano: BigInt(Math.round(entry.startMs)) * 1_000_000n,
    durationMs: entry.durationNs / 1e6,
    spanCount: entry.spanCount,
    errorCount: entry.errorCount,
  };
}

/** The file a recent trace came from, or undefined for a backend's. */
export function recentTraceFile(entry: RecentTrace): string | undefined {
  return entry.source.startsWith(FILE_SOURCE_PREFIX) ? entry.source.slice(FILE_SOURCE_PREFIX.length) : undefined;
}

function isRecentTrace(v: unknown): v is RecentTrace {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const text = (x: unknown) => typeof x === 'string' && x.length <= MAX_TEXT;
  const count = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  return typeof e.traceId === 'string' && TRACE_ID.test(e.traceId)
    && typeof e.source === 'string' && e.source.length <= 2000 && (e.source.startsWith('backend:') || e.source.startsWith(FILE_SOURCE_PREFIX))
    && (e.origin === 'opened' || e.origin === 'searched')
    && (e.query === undefined || text(e.query))
    && text(e.rootName) && text(e.rootService)
    && count(e.startMs) && count(e.durationNs) && count(e.spanCount) && count(e.errorCount) && count(e.atMs);
}
