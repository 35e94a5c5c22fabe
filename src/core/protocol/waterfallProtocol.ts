/**
 * The waterfall webview's message protocol, declared once for both sides. Imports nothing
 * from `vscode` (the webview bundle compiles it for the browser). The webview sends `ready`
 * before the host posts anything; every message crossing the boundary is checked with the
 * guards below because either side may be handed something malformed.
 */
import type { WaterfallColumns, WaterfallStrings, WaterfallSummary } from '../waterfall/columnLayout';
import type { SourceLocation, SpanDetail } from '../waterfall/spanDetail';
import { isInsightsMessage, type InsightsMessage } from './insightProtocol';
import { isRecord, isSourceLocation } from './messageGuards';
import { requestType } from './webviewRequests';

// Webview → host
export interface ReadyMessage { type: 'ready' }
export interface DetailRequest { type: 'detail'; requestId: number; row: number }
export interface SearchRequest { type: 'search'; requestId: number; query: string }
export interface OpenSourceCommand { type: 'openSource'; location: SourceLocation }
export interface OpenTraceCommand { type: 'openTrace'; traceId: string; spanId?: string }
export interface CopyCommand { type: 'copy'; text: string }
/** The toolbar's Compare: compare this trace with another (handled by the panel, not the worker). */
export interface CompareCommand { type: 'compare' }
export type WebviewMessage = ReadyMessage | DetailRequest | SearchRequest | OpenSourceCommand | OpenTraceCommand | CopyCommand | CompareCommand;
/** What the webview says without waiting for an answer: the host acts on these. */
export type WaterfallCommand = Exclude<WebviewMessage, DetailRequest | SearchRequest>;

// Host → webview
export interface TraceMessage {
  type: 'trace';
  summary: WaterfallSummary;
  strings: WaterfallStrings;
  /** Typed arrays: VS Code posts them as binary, not as JSON. */
  columns: WaterfallColumns;
  /** Row to select and reveal first (the span of a traceparent); the root otherwise. */
  selectRow?: number;
  /** A line for the user about this trace, e.g. that the span a traceparent names is not in it. */
  notice?: string;
}
export interface LoadingMessage { type: 'loading'; message: string }
/** Sent first after `ready`: what the webview must keep in its state so the panel can be restored. */
export interface PanelStateMessage { type: 'panelState'; state: WaterfallPanelState }
export interface ErrorMessage { type: 'error'; message: string }
export interface DetailResponse { type: 'detail'; requestId: number; row: number; detail: SpanDetail | null }
export interface SearchResponse { type: 'searchResult'; requestId: number; query: string; rows: Int32Array; truncated: boolean }
export type HostMessage = TraceMessage | PanelStateMessage | LoadingMessage | ErrorMessage | DetailResponse | SearchResponse | InsightsMessage;

/** A span's detail, asked for when it is selected. */
export const detailRequest = requestType<DetailRequest, DetailResponse>('detail', 'detail');
/** The rows that match a query, asked for as the user types. */
export const searchRequest = requestType<SearchRequest, SearchResponse>('search', 'searchResult');

/**
 * What the webview persists (setState) and the serializer receives after a reload: enough to
 * refetch (trace id + source), plus the view's own UI state.
 */
export interface WaterfallPanelState { traceId: string; source: string; view?: unknown }

export const MAX_QUERY_LENGTH = 1000;
export const MAX_COPY_LENGTH = 10_000;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;


function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
export function isWebviewMessage(v: unknown): v is WebviewMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'compare': return true;
    case 'detail': return isIndex(v.requestId) && isIndex(v.row);
    case 'search': return isIndex(v.requestId) && typeof v.query === 'string' && v.query.length <= MAX_QUERY_LENGTH;
    case 'openSource': return isSourceLocation(v.location);
    case 'openTrace': return typeof v.traceId === 'string' && TRACE_ID.test(v.traceId)
      && (v.spanId === undefined || (typeof v.spanId === 'string' && SPAN_ID.test(v.spanId)));
    case 'copy': return typeof v.text === 'string' && v.text.length > 0 && v.text.length <= MAX_COPY_LENGTH;
    default: return false;
  }
}

const COLUMN_TYPES: Record<Exclude<keyof WaterfallColumns, 'rowCount'>, { ctor: abstract new (...args: never[]) => unknown; perRow: boolean }> = {
  startNs: { ctor: Float64Array, perRow: true },
  durationNs: { ctor: Float64Array, perRow: true },
  selfNs: { ctor: Float64Array, perRow: true },
  depth: { ctor: Int32Array, perRow: true },
  parent: { ctor: Int32Array, perRow: true },
  subtreeSize: { ctor: Int32Array, perRow: true },
  service: { ctor: Int32Array, perRow: true },
  name: { ctor: Int32Array, perRow: true },
  kind: { ctor: Uint8Array, perRow: true },
  flags: { ctor: Uint16Array, perRow: true },
  eventStart: { ctor: Int32Array, perRow: false },
  eventTimeNs: { ctor: Float64Array, perRow: false },
  eventIsError: { ctor: Uint8Array, perRow: false },
};

/** Checks shapes and lengths (not every value) so drawing code can index without bounds checks. */
export function isWaterfallColumns(v: unknown): v is WaterfallColumns {
  if (!isRecord(v) || !isIndex(v.rowCount)) return false;
  const n = v.rowCount;
  for (const [key, { ctor, perRow }] of Object.entries(COLUMN_TYPES)) {
    const col = v[key];
    if (!(col instanceof ctor)) return false;
    if (perRow && (col as ArrayLike<number>).length !== n) return false;
  }
  const eventStart = v.eventStart as Int32Array;
  const events = (v.eventTimeNs as Float64Array).length;
  return eventStart.length === n + 1 && (v.eventIsError as Uint8Array).length === events
    && (n === 0 || eventStart[n] === events);
}

export function isHostMessage(v: unknown): v is HostMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'trace':
      return isRecord(v.summary) && isRecord(v.strings) && Array.isArray(v.strings.names) && Array.isArray(v.strings.services)
        && isWaterfallColumns(v.columns) && (v.selectRow === undefined || isIndex(v.selectRow))
        && (v.notice === undefined || typeof v.notice === 'string');
    case 'panelState': return isRecord(v.state) && typeof v.state.traceId === 'string' && typeof v.state.source === 'string';
    case 'loading':
    case 'error': return typeof v.message === 'string';
    case 'detail': return isIndex(v.requestId) && isIndex(v.row) && (v.detail === null || isRecord(v.detail));
    case 'searchResult': return isIndex(v.requestId) && typeof v.query === 'string' && v.rows instanceof Int32Array;
    case 'insights': return isInsightsMessage(v);
    default: return false;
  }
}
