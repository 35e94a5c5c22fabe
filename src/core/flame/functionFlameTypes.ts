/**
 * What the function flame graph sends to its webview, and its conversion to the tree the layout
 * takes. Types and one small function only, so the webview bundle can import it (no Node).
 */
import type { SourceLocation } from '../waterfall/spanDetail';
import type { FlameTree } from './flameLayout';

/** The merged tree in pre-order, children by total time (largest first): what the webview draws. */
export interface FunctionFlame {
  /** Frame 0 is the function itself. */
  labels: string[];
  /** Index into `services`. */
  service: number[];
  services: string[];
  parent: number[];
  depth: number[];
  subtreeSize: number[];
  totalNs: number[];
  selfNs: number[];
  calls: number[];
  errors: number[];
  /** The first `code.*` location a span of the frame carried. */
  locations: (SourceLocation | null)[];
  /** Traces read, and those holding at least one call. */
  tracesRead: number;
  tracesWithCalls: number;
  /** Frames merged into their parent because MAX_FUNCTION_FRAMES was reached. */
  framesDropped: number;
}

/** The flame as the tree the layout and the drawing take. */
export function functionFlameTree(f: FunctionFlame): FlameTree {
  return {
    count: f.labels.length,
    parent: Int32Array.from(f.parent),
    subtreeSize: Int32Array.from(f.subtreeSize),
    depth: Int32Array.from(f.depth),
    value: Float64Array.from(f.totalNs),
  };
}
