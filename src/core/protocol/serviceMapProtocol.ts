/**
 * The service map webview's message protocol, declared once for both sides (no `vscode`). Every
 * message crossing the boundary is checked: service names are span data, hostile.
 */
import type { ServiceMap } from '../serviceMap/serviceMapTypes';
import { isRecord } from './messageGuards';

// Webview → host
export interface ServiceMapReadyMessage { type: 'ready' }
/** A node was clicked: search that service's traces. */
export interface SearchServiceCommand { type: 'searchService'; service: string }
/** An edge was clicked: its example traces. */
export interface EdgeTracesCommand { type: 'edgeTraces'; from: string; to: string }
export type ServiceMapWebviewMessage = ServiceMapReadyMessage | SearchServiceCommand | EdgeTracesCommand;

// Host → webview
export interface ServiceMapMessage {
  type: 'serviceMap';
  /** The webview lays it out (dagre): hundreds of ms for a big map, never on the extension host. */
  map: ServiceMap;
  /** Where the traces came from, e.g. "the built-in OTLP receiver". */
  source: string;
}
export interface ServiceMapStatusMessage { type: 'loading' | 'error'; message: string }
export type ServiceMapHostMessage = ServiceMapMessage | ServiceMapStatusMessage;

/** Longer than any name the map sends (serviceMap.ts clips at 200). */
const MAX_NAME = 1000;

const isName = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_NAME;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function isServiceMapWebviewMessage(v: unknown): v is ServiceMapWebviewMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready': return true;
    case 'searchService': return isName(v.service);
    case 'edgeTraces': return isName(v.from) && isName(v.to);
    default: return false;
  }
}

function isNode(v: unknown): boolean {
  return isRecord(v) && isName(v.name) && isNumber(v.spanCount) && isNumber(v.errorCount) && typeof v.external === 'boolean';
}

function isEdge(v: unknown): boolean {
  return isRecord(v) && isName(v.from) && isName(v.to) && isNumber(v.calls) && isNumber(v.errors) && isNumber(v.errorRate) && isNumber(v.p95Ns);
}

export function isServiceMapHostMessage(v: unknown): v is ServiceMapHostMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'loading':
    case 'error': return typeof v.message === 'string';
    case 'serviceMap': {
      const m = v.map;
      if (!(typeof v.source === 'string' && isRecord(m) && isNumber(m.traceCount) && isNumber(m.spanCount)
        && Array.isArray(m.nodes) && m.nodes.every(isNode) && Array.isArray(m.edges) && m.edges.every(isEdge))) return false;
      // Every edge between drawn nodes: the layout would fail on one that is not.
      const names = new Set((m.nodes as Array<{ name: string }>).map((n) => n.name));
      return (m.edges as Array<{ from: string; to: string }>).every((e) => names.has(e.from) && names.has(e.to));
    }
    default: return false;
  }
}
