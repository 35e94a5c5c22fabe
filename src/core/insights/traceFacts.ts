/**
 * One trace prepared for the per-trace detectors: the span tree of the waterfall (parents, children
 * in start order, clock skew between services corrected, so "one after another" is judged on
 * adjusted times) and each span's outgoing call, classified once.
 */
import type { Trace } from '../model/trace';
import { buildSpanTree, type SpanTree } from '../waterfall/spanTree';
import { runSync, type Steps } from '../timeSlicing';

/** Reading a span's call can cost ~10 µs (a statement seen for the first time is normalized): yield every 1,024. */
const FACTS_YIELD_MASK = 1023;
import { spanCall, type SpanCall } from './spanCalls';

export interface TraceFacts {
  tree: SpanTree;
  /** calls[i] is node i's outgoing call, undefined for other spans. */
  calls: (SpanCall | undefined)[];
}

export function traceFactsOf(trace: Trace): TraceFacts {
  return factsOfTree(buildSpanTree(trace));
}

/** Facts of a tree already built (the waterfall's layout): the same tree, not a second one. */
export function factsOfTree(tree: SpanTree): TraceFacts {
  return runSync(factsSteps(tree));
}

/** The same, yielding every few thousand spans: reading the calls of a 100k-span trace takes a second or more. */
export function* factsSteps(tree: SpanTree): Steps<TraceFacts> {
  const calls: (SpanCall | undefined)[] = new Array(tree.spans.length);
  for (let i = 0; i < tree.spans.length; i++) {
    calls[i] = spanCall(tree.spans[i]);
    if ((i & FACTS_YIELD_MASK) === FACTS_YIELD_MASK) yield;
  }
  return { tree, calls };
}

/** Node i's children, in start order. */
export function childrenOf(tree: SpanTree, node: number): Int32Array {
  return tree.childList.subarray(tree.childStart[node], tree.childStart[node + 1]);
}

/** How many children node i has, without allocating a view (the detectors ask for every span). */
export function childCount(tree: SpanTree, node: number): number {
  return tree.childStart[node + 1] - tree.childStart[node];
}

/**
 * The longest chain of spans that run one after another: each starts at or after the previous
 * one's end. Greedy by end time, which is optimal for picking the most non-overlapping intervals;
 * concurrent spans (a batch through Promise.all or a thread pool) therefore contribute one each.
 */
export function sequentialChain(tree: SpanTree, nodes: readonly number[]): number[] {
  const byEnd = [...nodes].sort((a, b) => tree.endNs[a] - tree.endNs[b] || tree.startNs[a] - tree.startNs[b]);
  const chain: number[] = [];
  let cursor = -Infinity;
  for (const v of byEnd) {
    if (tree.startNs[v] >= cursor) {
      chain.push(v);
      cursor = tree.endNs[v];
    }
  }
  return chain;
}
