/**
 * Compares two traces of (usually) the same request: a baseline (left) and a candidate (right).
 * Spans are matched by their path from the root, each step being service + span name; spans that
 * share a step under the same parent (a loop of queries) are paired by what they called, then in
 * start order, so the third `SELECT` of the baseline meets the third of the candidate and the
 * surplus is added or missing.
 * A span whose parent is unmatched cannot be matched either: its whole subtree is added or missing.
 *
 * Pure and synchronous: it runs in the compare worker (src/webviews/compare/compareWorker.ts),
 * in the bench and in unit tests. The tree (duplicates, orphans, cycles, children in start order)
 * comes from buildSpanTree, the one place a trace's structure is judged.
 */
import { spanDurationNs, type Span, type Trace } from '../model/trace';
import { revisionOf } from '../source/revision';
import { sourceLocationOf, type SourceLocation } from '../waterfall/spanDetail';
import { buildSpanTree, type SpanTree } from '../waterfall/spanTree';

export type ComparisonStatus = 'added' | 'missing' | 'changed' | 'unchanged';

/** One side of a matched (or unmatched) span. */
export interface ComparedSide {
  spanId: string;
  durationNs: number;
  error: boolean;
  location?: SourceLocation;
}

export interface ComparedSpan {
  status: ComparisonStatus;
  service: string;
  name: string;
  /** Depth from the root (0 = a root). */
  depth: number;
  /** The steps above this span, root first, as `service: name`; long paths keep their last steps. */
  ancestors: string[];
  /** Present unless `added`. */
  left?: ComparedSide;
  /** Present unless `missing`. */
  right?: ComparedSide;
  /** right − left, ns; an added span counts its whole duration, a missing one minus its duration. */
  deltaNs: number;
  /** deltaNs / left duration; null when there is no left duration to compare to (added, or 0 ns). */
  relative: number | null;
}

export interface ComparedTrace {
  traceId: string;
  spanCount: number;
  rootService: string;
  rootName: string;
  /** Duration of the primary root span. */
  durationNs: number;
  warnings: string[];
}

export interface TraceComparison {
  left: ComparedTrace;
  right: ComparedTrace;
  counts: Record<ComparisonStatus, number>;
  /** Spans added, missing or changed, largest |deltaNs| first; `unchanged` ones are only counted. */
  spans: ComparedSpan[];
  /** How many differing spans were left out past `maxSpans`. */
  omitted: number;
}

export interface CompareOptions {
  /** A matched span counts as changed when |delta| reaches this… (default 100 µs) */
  minChangeNs?: number;
  /** …and this fraction of its baseline duration (default 5 %). Clock noise is neither. */
  minChangeRelative?: number;
  /** Differing spans kept, by impact (default 2,000): what a person reads, and a bounded message. */
  maxSpans?: number;
}

export const DEFAULT_MIN_CHANGE_NS = 100_000;
export const DEFAULT_MIN_CHANGE_RELATIVE = 0.05;
export const DEFAULT_MAX_COMPARED_SPANS = 2_000;
/** Span data is hostile: names and services are clipped before they cross to a webview. */
const MAX_LABEL = 500;
const MAX_ANCESTORS = 8;

const clip = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL)}…` : s);
const stepKey = (s: Span) => `${s.resource.serviceName}\u0000${s.name}`;
const stepLabel = (s: Span) => `${clip(s.resource.serviceName)}: ${clip(s.name)}`;

function describeTrace(trace: Trace, tree: SpanTree): ComparedTrace {
  const root = tree.primaryRoot >= 0 ? tree.spans[tree.primaryRoot] : undefined;
  return {
    traceId: trace.traceId,
    spanCount: tree.spans.length,
    rootService: clip(root?.resource.serviceName ?? ''),
    rootName: clip(root?.name ?? '(no spans)'),
    durationNs: root ? spanDurationNs(root) : 0,
    warnings: [...trace.warnings, ...tree.warnings].slice(0, 20),
  };
}

function side(span: Span): ComparedSide {
  const location = sourceLocationOf(span.attributes);
  const revision = location && revisionOf(span.attributes, span.resource.attributes);
  if (location && revision) location.revision = revision.commit;
  return { spanId: span.spanId, durationNs: spanDurationNs(span), error: span.status.code === 'error', location };
}

function childrenOf(tree: SpanTree, node: number): ArrayLike<number> {
  return node < 0 ? tree.roots : tree.childList.subarray(tree.childStart[node], tree.childStart[node + 1]);
}

/** Nodes by key, each group in the list's order. */
function groupBy(nodes: ArrayLike<number>, key: (node: number) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < nodes.length; i++) {
    const k = key(nodes[i]);
    const g = groups.get(k);
    if (g) g.push(nodes[i]);
    else groups.set(k, [nodes[i]]);
  }
  return groups;
}

/** The steps of a node's children, sorted: tells apart same-step siblings that did different work. */
function childSignature(tree: SpanTree, node: number): string {
  const keys: string[] = [];
  const kids = childrenOf(tree, node);
  for (let i = 0; i < kids.length; i++) keys.push(stepKey(tree.spans[kids[i]]));
  return keys.sort().join('\u0001');
}

/**
 * Pairs two sibling lists by step. Siblings that share a step (a loop, a parallel fan-out) pair
 * first with a counterpart whose children have the same steps, then in start order: start order
 * alone crosses pairs whenever two starts tie (µs backends, parallel calls) and the crossed
 * subtrees would all read as added and missing. Returns [leftNode, rightNode] pairs with -1 for
 * the side that has no counterpart, in the left's order then the right's surplus.
 */
function pairSiblings(lt: SpanTree, ls: ArrayLike<number>, rt: SpanTree, rs: ArrayLike<number>): Array<[number, number]> {
  const groups = groupBy(rs, (r) => stepKey(rt.spans[r]));
  const partner = new Map<number, number>();
  const used = new Set<number>();
  for (const [key, lg] of groupBy(ls, (l) => stepKey(lt.spans[l]))) {
    const rg = groups.get(key);
    if (!rg) continue;
    if (lg.length > 1 && rg.length > 1) {
      const bySignature = groupBy(rg, (r) => childSignature(rt, r));
      for (const l of lg) {
        const q = bySignature.get(childSignature(lt, l));
        const r = q?.shift();
        if (r !== undefined) { partner.set(l, r); used.add(r); }
      }
    }
    // The rest in start order.
    let k = 0;
    for (const l of lg) {
      if (partner.has(l)) continue;
      while (k < rg.length && used.has(rg[k])) k++;
      if (k >= rg.length) break;
      partner.set(l, rg[k]);
      used.add(rg[k]);
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < ls.length; i++) pairs.push([ls[i], partner.get(ls[i]) ?? -1]);
  for (let i = 0; i < rs.length; i++) if (!used.has(rs[i])) pairs.push([-1, rs[i]]);
  return pairs;
}

/** Compares `left` (the baseline) with `right`. */
export function compareTraces(left: Trace, right: Trace, options: CompareOptions = {}): TraceComparison {
  const minNs = options.minChangeNs ?? DEFAULT_MIN_CHANGE_NS;
  const minRel = options.minChangeRelative ?? DEFAULT_MIN_CHANGE_RELATIVE;
  const maxSpans = options.maxSpans ?? DEFAULT_MAX_COMPARED_SPANS;
  const lt = buildSpanTree(left);
  const rt = buildSpanTree(right);
  const counts: Record<ComparisonStatus, number> = { added: 0, missing: 0, changed: 0, unchanged: 0 };
  const differing: ComparedSpan[] = [];

  // Iterative walk: span trees can be 100k levels deep. `ancestors` is shared by siblings (read-only).
  const stack: Array<{ l: number; r: number; depth: number; ancestors: string[] }> = [];
  const pushChildren = (l: number, r: number, depth: number, ancestors: string[]) => {
    const ls = l < 0 && r >= 0 ? [] : childrenOf(lt, l);
    const rs = r < 0 && l >= 0 ? [] : childrenOf(rt, r);
    const pairs = pairSiblings(lt, ls, rt, rs);
    for (let i = pairs.length - 1; i >= 0; i--) stack.push({ l: pairs[i][0], r: pairs[i][1], depth, ancestors });
  };
  pushChildren(-1, -1, 0, []);
  while (stack.length > 0) {
    const { l, r, depth, ancestors } = stack.pop()!;
    const span = l >= 0 ? lt.spans[l] : rt.spans[r];
    const entry: ComparedSpan = {
      status: 'unchanged', service: clip(span.resource.serviceName), name: clip(span.name), depth, ancestors,
      deltaNs: 0, relative: null,
    };
    if (l >= 0) entry.left = side(lt.spans[l]);
    if (r >= 0) entry.right = side(rt.spans[r]);
    if (entry.left && entry.right) {
      entry.deltaNs = entry.right.durationNs - entry.left.durationNs;
      entry.relative = entry.left.durationNs > 0 ? entry.deltaNs / entry.left.durationNs : null;
      const big = Math.abs(entry.deltaNs) >= minNs && (entry.relative === null || Math.abs(entry.relative) >= minRel);
      // An error that appears or goes away is a change whatever the durations say.
      entry.status = big || entry.left.error !== entry.right.error ? 'changed' : 'unchanged';
    } else if (entry.right) {
      entry.status = 'added';
      entry.deltaNs = entry.right.durationNs;
    } else {
      entry.status = 'missing';
      entry.deltaNs = -entry.left!.durationNs;
      entry.relative = entry.left!.durationNs > 0 ? -1 : null;
    }
    counts[entry.status]++;
    if (entry.status !== 'unchanged') differing.push(entry);
    const below = [...ancestors, stepLabel(span)];
    pushChildren(l, r, depth + 1, below.length > MAX_ANCESTORS ? below.slice(-MAX_ANCESTORS) : below);
  }

  // Impact first; a stable sort keeps tree order among equals (a parent before its children).
  differing.sort((a, b) => Math.abs(b.deltaNs) - Math.abs(a.deltaNs));
  return {
    left: describeTrace(left, lt),
    right: describeTrace(right, rt),
    counts,
    spans: differing.slice(0, maxSpans),
    omitted: Math.max(0, differing.length - maxSpans),
  };
}
