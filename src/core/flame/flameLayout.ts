/**
 * Where each frame of a flame graph (icicle: roots on top) sits, as a share of the whole width.
 * Frames come in depth-first pre-order, as the waterfall's columns do, so a subtree is the row
 * range `[i, i + subtreeSize[i])`. A frame's width is its value's share of its parent's width;
 * children are packed from the parent's left edge in row order. Children whose values add up to
 * more than their parent's (spans running in parallel) are scaled down together so they stay
 * under it: the graph shows where the parent's time went, not when. Shared by the flame graph of
 * one trace and the aggregated graph of a function; no DOM, so it is tested in Node.
 */

/** The tree a flame graph draws: pre-order rows with their parent and subtree size. */
export interface FlameTree {
  count: number;
  /** Row of the parent, -1 for a root. */
  parent: Int32Array;
  subtreeSize: Int32Array;
  depth: Int32Array;
  /** Total (inclusive) value of each frame, e.g. a duration in ns. */
  value: Float64Array;
}

export interface FlameLayout {
  /** Left edge of each frame, 0..1 of the full width. */
  x: Float64Array;
  /** Width of each frame, 0..1 of the full width. */
  width: Float64Array;
  /** Deepest depth present (0 for roots only, -1 for no frames). */
  maxDepth: number;
}

export function layoutFlame(tree: FlameTree): FlameLayout {
  const { count: n, parent, value, depth } = tree;
  const x = new Float64Array(n);
  const width = new Float64Array(n);
  // Sum of the children's values per frame (index n: the roots, under an implicit top).
  const childSum = new Float64Array(n + 1);
  let maxDepth = -1;
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    childSum[p >= 0 ? p : n] += Math.max(0, value[i]);
    if (depth[i] > maxDepth) maxDepth = depth[i];
  }
  // The next free left edge inside each frame (index n: the top).
  const cursor = new Float64Array(n + 1);
  const topScale = childSum[n] > 0 ? 1 / childSum[n] : 0;
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    const v = Math.max(0, value[i]);
    let w: number;
    let left: number;
    if (p < 0) {
      w = v * topScale;
      left = cursor[n];
      cursor[n] += w;
    } else {
      const room = Math.max(value[p], childSum[p]);
      w = room > 0 ? (v / room) * width[p] : 0;
      left = cursor[p];
      cursor[p] += w;
    }
    x[i] = left;
    width[i] = w;
    cursor[i] = left;
  }
  return { x, width, maxDepth };
}
