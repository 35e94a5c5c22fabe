/**
 * Critical path: the chain of work that decided when a span finished. From the end of a span,
 * walk backwards choosing the last-finishing child that ends at or before the cursor, descend
 * into it, then continue from its start; the gaps between chosen children are the span's own
 * time on the path. Children overlapping an already chosen child are skipped, which is what
 * makes parallel and overlapping children come out right. Iterative: chains can be very deep.
 */
import type { SpanTree } from './spanTree';

export interface CriticalSegment {
  node: number;
  /** ns offsets from the trace origin. */
  startNs: number;
  endNs: number;
}

export interface CriticalPath {
  /** Nodes on the path, in order of the start of their first segment (the root first). */
  nodes: number[];
  /** Time slices in start order; consecutive slices tile the root's duration. */
  segments: CriticalSegment[];
}

interface Frame { node: number; cursor: number; children: number[]; next: number }

export function computeCriticalPath(tree: SpanTree, root: number): CriticalPath {
  const { startNs, endNs, childStart, childList } = tree;
  const segments: CriticalSegment[] = [];
  const onPath: number[] = [];
  if (root < 0) return { nodes: [], segments };

  const frame = (node: number, cursor: number): Frame => {
    const children = Array.from(childList.subarray(childStart[node], childStart[node + 1]));
    // Last-finishing first; on a tie the later start (the shorter child) goes first.
    children.sort((a, b) => endNs[b] - endNs[a] || startNs[b] - startNs[a]);
    onPath.push(node);
    return { node, cursor, children, next: 0 };
  };

  const stack: Frame[] = [frame(root, endNs[root])];
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    const s = startNs[f.node];
    let descended = false;
    while (f.next < f.children.length) {
      const c = f.children[f.next++];
      // A child overflowing its parent only counts up to the parent's end.
      const ce = Math.min(endNs[c], endNs[f.node]);
      if (ce > f.cursor || ce <= s) continue;
      if (ce < f.cursor) segments.push({ node: f.node, startNs: ce, endNs: f.cursor });
      const cs = Math.max(startNs[c], s);
      f.cursor = cs;
      stack.push(frame(c, ce));
      descended = true;
      break;
    }
    if (descended) continue;
    if (f.cursor > s) segments.push({ node: f.node, startNs: s, endNs: f.cursor });
    stack.pop();
  }

  segments.sort((a, b) => a.startNs - b.startNs || a.endNs - b.endNs);
  const firstStart = new Map<number, number>();
  for (const seg of segments) if (!firstStart.has(seg.node)) firstStart.set(seg.node, seg.startNs);
  const order = new Map<number, number>();
  onPath.forEach((node, i) => order.set(node, i));
  // Nodes whose time is fully covered by their children have no segment: order them by their start.
  const nodes = [...new Set(onPath)].sort((a, b) =>
    (firstStart.get(a) ?? startNs[a]) - (firstStart.get(b) ?? startNs[b]) || order.get(a)! - order.get(b)!);
  return { nodes, segments };
}

/** Span ids on the critical path of the trace's primary root (what `trace-lens inspect` prints). */
export function criticalPathSpanIds(tree: SpanTree): string[] {
  return computeCriticalPath(tree, tree.primaryRoot).nodes.map((n) => tree.spans[n].spanId);
}
