/**
 * The shapes of a service map and of its layout, apart from the code that builds them, so the
 * webview bundle can name them without compiling the builders.
 */

export interface ServiceNode {
  name: string;
  /** Spans of this service (0 for an external system, seen only as the target of calls). */
  spanCount: number;
  errorCount: number;
  /** A database, queue or peer named by a client span, not a service that sent spans. */
  external: boolean;
}

export interface ExampleCall { traceId: string; spanId: string; durationNs: number; error: boolean }

export interface ServiceEdge {
  from: string;
  to: string;
  calls: number;
  errors: number;
  /** errors / calls. */
  errorRate: number;
  /** Exact 95th percentile of the calls' durations (nearest rank). */
  p95Ns: number;
  /** The slowest calls, slowest first. */
  examples: ExampleCall[];
}

export interface ServiceMap {
  nodes: ServiceNode[];
  edges: ServiceEdge[];
  traceCount: number;
  spanCount: number;
}

export interface PlacedNode extends ServiceNode { x: number; y: number; width: number; height: number }
export interface PlacedEdge extends ServiceEdge { points: Array<{ x: number; y: number }> }
export interface ServiceMapLayout { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number; traceCount: number; spanCount: number }


/** Names longer than this are cut in a node's box (its tooltip has them whole); boxes are sized for it. */
export const MAX_LABEL_CHARS = 32;
