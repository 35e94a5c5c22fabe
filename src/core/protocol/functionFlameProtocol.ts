/**
 * The function flame graph webview's message protocol, declared once for both sides (no `vscode`).
 * Labels, services and paths are span data: every message is checked before use.
 */
import type { FunctionFlame } from '../flame/functionFlameTypes';
import type { SourceLocation } from '../waterfall/spanDetail';
import { isRecord, isSourceLocation } from './messageGuards';

// Webview → host
export interface FunctionFlameReadyMessage { type: 'ready' }
export interface FunctionFlameOpenSource { type: 'openSource'; location: SourceLocation }
export type FunctionFlameWebviewMessage = FunctionFlameReadyMessage | FunctionFlameOpenSource;

// Host → webview
export interface FunctionFlameMessage {
  type: 'functionFlame';
  /** The function, as the lens names it. */
  title: string;
  /** Which traces these are: all the receiver holds, or a sample from a backend (said so). */
  basis: string;
  sample: boolean;
  flame: FunctionFlame;
}
export interface FunctionFlameStatusMessage { type: 'loading' | 'error'; message: string }
export type FunctionFlameHostMessage = FunctionFlameMessage | FunctionFlameStatusMessage;

export function isFunctionFlameWebviewMessage(v: unknown): v is FunctionFlameWebviewMessage {
  if (!isRecord(v)) return false;
  return v.type === 'ready' || (v.type === 'openSource' && isSourceLocation(v.location));
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isNumbers = (v: unknown, n: number): boolean => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Shapes and lengths, and that the tree is a pre-order tree, so drawing can index without checks. */
function isFlame(v: unknown): v is FunctionFlame {
  if (!isRecord(v) || !Array.isArray(v.labels) || !v.labels.every((l) => typeof l === 'string')) return false;
  const n = v.labels.length;
  if (n === 0 || !Array.isArray(v.services) || !v.services.every((s) => typeof s === 'string')) return false;
  for (const key of ['service', 'parent', 'depth', 'subtreeSize', 'totalNs', 'selfNs', 'calls', 'errors'] as const) if (!isNumbers(v[key], n)) return false;
  if (!Array.isArray(v.locations) || v.locations.length !== n || !v.locations.every((l) => l === null || isSourceLocation(l))) return false;
  const parent = v.parent as number[], size = v.subtreeSize as number[], depth = v.depth as number[];
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    if (!Number.isInteger(p) || p >= i || (i === 0) !== (p === -1) || (p >= 0 && depth[i] !== depth[p] + 1)) return false;
    if (!Number.isInteger(size[i]) || size[i] < 1 || i + size[i] > n) return false;
  }
  return depth[0] === 0 && isCount(v.tracesRead) && isCount(v.tracesWithCalls) && isCount(v.framesDropped);
}

export function isFunctionFlameHostMessage(v: unknown): v is FunctionFlameHostMessage {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'loading':
    case 'error': return typeof v.message === 'string';
    case 'functionFlame': return typeof v.title === 'string' && typeof v.basis === 'string' && typeof v.sample === 'boolean' && isFlame(v.flame);
    default: return false;
  }
}
