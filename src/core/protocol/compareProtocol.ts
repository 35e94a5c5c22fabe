/**
 * The compare webview's message protocol, declared once for both sides (no `vscode`: the webview
 * bundle compiles it for the browser). The webview says `ready` before the host posts anything;
 * every message crossing the boundary is checked, because either side may be handed something
 * malformed and span data is hostile.
 */
import type { ComparedSide, ComparedSpan, TraceComparison } from '../compare/traceComparison';
import type { SourceLocation } from '../waterfall/spanDetail';
import { isRecord, isSourceLocation } from './messageGuards';

/** The baseline (left) or the candidate (right). */
export type CompareSide = 'left' | 'right';

// Webview → host
export interface CompareReadyMessage { type: 'ready' }
/** Opens one side's trace in the waterfall, at `spanId` when given. */
export interface CompareOpenTraceCommand { type: 'openTrace'; side: CompareSide; spanId?: string }
export interface CompareOpenSourceCommand { type: 'openSource'; location: SourceLocation }
export type CompareWebviewMessage = CompareReadyMessage | CompareOpenTraceCommand | CompareOpenSourceCommand;

// Host → webview
export interface ComparisonMessage {
  type: 'comparison';
  comparison: TraceComparison;
  /** Where each side came from, e.g. "trace 4bf92f35… (Jaeger)" or a file name. */
  leftLabel: string;
  rightLabel: string;
}
export interface CompareStatusMessage { type: 'loading' | 'error'; message: string }
export type CompareHostMessage = ComparisonMessage | CompareStatusMessage;

const SPAN_ID = /^[0-9a-f]{16}$/;
const STATUSES = new Set(['added', 'missing', 'changed', 'unchanged']);

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function isCompareWebviewMessage(v: unknown): v is CompareWebviewMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready': return true;
    case 'openTrace': return (v.side === 'left' || v.side === 'right') && (v.spanId === undefined || (typeof v.spanId === 'string' && SPAN_ID.test(v.spanId)));
    case 'openSource': return isSourceLocation(v.location);
    default: return false;
  }
}

function isSide(v: unknown): v is ComparedSide | undefined {
  return v === undefined || (isRecord(v) && typeof v.spanId === 'string' && isFiniteNumber(v.durationNs) && typeof v.error === 'boolean'
    && (v.location === undefined || isSourceLocation(v.location)));
}

function isComparedSpan(v: unknown): v is ComparedSpan {
  return isRecord(v) && typeof v.status === 'string' && STATUSES.has(v.status) && typeof v.service === 'string' && typeof v.name === 'string'
    && Number.isSafeInteger(v.depth) && Array.isArray(v.ancestors) && v.ancestors.every((a) => typeof a === 'string')
    && isSide(v.left) && isSide(v.right) && isFiniteNumber(v.deltaNs) && (v.relative === null || isFiniteNumber(v.relative));
}

function isComparedTrace(v: unknown): boolean {
  return isRecord(v) && typeof v.traceId === 'string' && isFiniteNumber(v.spanCount) && typeof v.rootService === 'string'
    && typeof v.rootName === 'string' && isFiniteNumber(v.durationNs) && Array.isArray(v.warnings) && v.warnings.every((w) => typeof w === 'string');
}

export function isCompareHostMessage(v: unknown): v is CompareHostMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'loading':
    case 'error': return typeof v.message === 'string';
    case 'comparison': {
      const c = v.comparison;
      return typeof v.leftLabel === 'string' && typeof v.rightLabel === 'string' && isRecord(c)
        && isComparedTrace(c.left) && isComparedTrace(c.right) && isRecord(c.counts) && isFiniteNumber(c.omitted)
        && Array.isArray(c.spans) && c.spans.every(isComparedSpan);
    }
    default: return false;
  }
}
