/**
 * Where time goes under one function: every call of it found in a set of traces, with the spans
 * under each call merged by what they are (service + code location, or span name when a span has
 * no `code.*`), into one tree of frames with total time, self time, call and error counts, and a
 * source location per frame where a span said one. A call nested under another call of the same
 * function is counted inside the outer one, so no time is counted twice.
 */
import type { Span, Trace } from '../model/trace';
import { extractCodeLocation, locationKeyString, locationLabel } from '../source/codeLocation';
import { computeSelfTimes } from '../waterfall/selfTime';
import { spanTreeSteps } from '../waterfall/spanTree';
import { YIELD_MASK, type Steps } from '../timeSlicing';
import { sourceLocationOf, type SourceLocation } from '../waterfall/spanDetail';
import type { FunctionFlame } from './functionFlameTypes';

/** Distinct frames kept at most; spans of further frames count into their parent's self time. */
export const MAX_FUNCTION_FRAMES = 20_000;
const MAX_LABEL = 300;

interface Node {
  label: string;
  service: string;
  totalNs: number;
  selfNs: number;
  calls: number;
  errors: number;
  location: SourceLocation | undefined;
  children: Map<string, Node>;
}

function newNode(label: string, service: string): Node {
  return { label, service, totalNs: 0, selfNs: 0, calls: 0, errors: 0, location: undefined, children: new Map() };
}

function clip(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
}

/** What a span is, for merging: its service and code location (or name). */
function frameOf(span: Span): { key: string; label: string } {
  const loc = extractCodeLocation(span);
  const label = loc.source === 'span.name' ? span.name : `${locationLabel(loc)}`;
  return { key: `${span.resource.serviceName}\u0000${locationKeyString(loc)}`, label: clip(label) };
}

/** The flame of the function whose statistics key is `locationKey`, as resumable steps (timeSlicing.ts). */
export function* functionFlameSteps(traces: Iterable<Trace>, locationKey: string, functionLabel: string): Steps<FunctionFlame> {
  const root = newNode(clip(functionLabel), '');
  let frames = 1;
  let framesDropped = 0;
  let tracesRead = 0;
  let tracesWithCalls = 0;
  let steps = 0;
  const services = new Set<string>();
  for (const trace of traces) {
    tracesRead++;
    // Built in steps too: one trace of 100k spans must not hold the extension host in one slice.
    const tree = yield* spanTreeSteps(trace);
    const self = computeSelfTimes(tree);
    const { spans, childStart, childList, roots, startNs, endNs } = tree;
    let found = false;
    // Depth-first from the roots, looking for calls; a call's subtree is merged and not searched again.
    const stack: number[] = Array.from(roots).reverse();
    while (stack.length > 0) {
      const i = stack.pop()!;
      if ((++steps & YIELD_MASK) === 0) yield;
      if (locationKeyString(extractCodeLocation(spans[i])) !== locationKey) {
        for (let k = childStart[i + 1] - 1; k >= childStart[i]; k--) stack.push(childList[k]);
        continue;
      }
      found = true;
      // Merge the call's subtree: pairs of (span, node it adds to).
      const work: Array<[number, Node]> = [[i, root]];
      while (work.length > 0) {
        const [s, node] = work.pop()!;
        if ((++steps & YIELD_MASK) === 0) yield;
        const span = spans[s];
        node.totalNs += endNs[s] - startNs[s];
        node.selfNs += self[s];
        node.calls++;
        if (span.status.code === 'error') node.errors++;
        if (node.location === undefined) node.location = sourceLocationOf(span.attributes);
        if (node.service === '') node.service = span.resource.serviceName;
        services.add(span.resource.serviceName);
        for (let k = childStart[s]; k < childStart[s + 1]; k++) {
          // A span with thousands of children is many steps, not one.
          if ((++steps & YIELD_MASK) === 0) yield;
          const c = childList[k];
          const { key, label } = frameOf(spans[c]);
          let child = node.children.get(key);
          if (!child) {
            if (frames >= MAX_FUNCTION_FRAMES) {
              // No room for another frame: its time stays in this frame's self time.
              node.selfNs += endNs[c] - startNs[c];
              framesDropped++;
              continue;
            }
            child = newNode(label, spans[c].resource.serviceName);
            node.children.set(key, child);
            frames++;
          }
          work.push([c, child]);
        }
      }
    }
    if (found) tracesWithCalls++;
  }
  return flatten(root, [...services].sort(), { tracesRead, tracesWithCalls, framesDropped });
}

function flatten(root: Node, services: string[], counts: Pick<FunctionFlame, 'tracesRead' | 'tracesWithCalls' | 'framesDropped'>): FunctionFlame {
  const serviceIndex = new Map(services.map((s, i) => [s, i]));
  const out: FunctionFlame = {
    labels: [], service: [], services, parent: [], depth: [], subtreeSize: [], totalNs: [], selfNs: [], calls: [], errors: [], locations: [], ...counts,
  };
  // Pre-order with an explicit stack; subtree sizes are filled in when a frame's last descendant is out.
  const stack: Array<{ node: Node; parent: number; depth: number }> = [{ node: root, parent: -1, depth: 0 }];
  while (stack.length > 0) {
    const { node, parent, depth } = stack.pop()!;
    const i = out.labels.length;
    out.labels.push(node.label);
    out.service.push(serviceIndex.get(node.service) ?? 0);
    out.parent.push(parent);
    out.depth.push(depth);
    out.subtreeSize.push(1);
    out.totalNs.push(node.totalNs);
    out.selfNs.push(node.selfNs);
    out.calls.push(node.calls);
    out.errors.push(node.errors);
    out.locations.push(node.location ?? null);
    const kids = [...node.children.values()].sort((a, b) => b.totalNs - a.totalNs);
    for (let k = kids.length - 1; k >= 0; k--) stack.push({ node: kids[k], parent: i, depth: depth + 1 });
  }
  for (let i = out.labels.length - 1; i > 0; i--) out.subtreeSize[out.parent[i]] += out.subtreeSize[i];
  return out;
}

/** The traces holding at least one span of the function: what is worth handing to a worker. */
export function* tracesWithCallsSteps(traces: Iterable<Trace>, locationKey: string): Steps<Trace[]> {
  const out: Trace[] = [];
  let steps = 0;
  for (const trace of traces) {
    for (const span of trace.spans) {
      if ((++steps & YIELD_MASK) === 0) yield;
      if (locationKeyString(extractCodeLocation(span)) === locationKey) { out.push(trace); break; }
    }
  }
  return out;
}
