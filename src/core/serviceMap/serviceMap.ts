/**
 * Which services call which, from traces: a call is a span whose parent belongs to another
 * service (the parent's service calls the span's), or a client or producer span with no children
 * that names what it called (`peer.service`, a database or messaging system): an external node.
 * Each edge counts its calls and errors, keeps every duration (the callee's span) for an exact
 * p95, and the slowest calls as example traces. Pure: tested on recorded traces, run time-sliced
 * on the extension host over the receiver's spans, which are already in memory.
 */
import { spanDurationNs, type Span, type Trace } from '../model/trace';
import { attributeString } from '../source/codeLocation';
import { runSync, YIELD_MASK, type Steps } from '../timeSlicing';
import type { ExampleCall, ServiceEdge, ServiceMap, ServiceNode } from './serviceMapTypes';

export type { ExampleCall, ServiceEdge, ServiceMap, ServiceNode };

export const MAX_EXAMPLE_CALLS = 5;
/** Span data is hostile: service names are clipped before they cross to a webview. */
const MAX_NAME = 200;
const clip = (s: string) => (s.length > MAX_NAME ? `${s.slice(0, MAX_NAME)}…` : s);

interface EdgeAccumulator { from: string; to: string; durations: number[]; errors: number; examples: ExampleCall[] }

/** What a childless client or producer span called, when the span says. */
function externalTarget(span: Span): string | undefined {
  if (span.kind !== 'client' && span.kind !== 'producer') return undefined;
  const a = span.attributes;
  return attributeString(a['peer.service']) ?? attributeString(a['db.system.name']) ?? attributeString(a['db.system']) ?? attributeString(a['messaging.system']);
}

function keepExample(examples: ExampleCall[], call: ExampleCall): void {
  if (examples.length === MAX_EXAMPLE_CALLS && examples[examples.length - 1].durationNs >= call.durationNs) return;
  // A trace is an example once, with its slowest call.
  const same = examples.findIndex((e) => e.traceId === call.traceId);
  if (same >= 0) {
    if (examples[same].durationNs >= call.durationNs) return;
    examples.splice(same, 1);
  }
  let i = examples.length;
  while (i > 0 && examples[i - 1].durationNs < call.durationNs) i--;
  examples.splice(i, 0, call);
  if (examples.length > MAX_EXAMPLE_CALLS) examples.pop();
}

function p95(durations: number[]): number {
  if (durations.length === 0) return 0;
  const sorted = Float64Array.from(durations).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
}

/** buildServiceMap as resumable steps (see timeSlicing.ts): the receiver holds up to millions of spans. */
export function* serviceMapSteps(traces: Iterable<Trace>): Steps<ServiceMap> {
  const nodes = new Map<string, ServiceNode>();
  const edges = new Map<string, EdgeAccumulator>();
  let traceCount = 0;
  let spanCount = 0;
  const node = (name: string, external: boolean) => {
    let n = nodes.get(name);
    if (!n) { n = { name, spanCount: 0, errorCount: 0, external }; nodes.set(name, n); }
    return n;
  };
  const call = (from: string, to: string, span: Span) => {
    const key = `${from}\u0000${to}`;
    let e = edges.get(key);
    if (!e) { e = { from, to, durations: [], errors: 0, examples: [] }; edges.set(key, e); }
    const durationNs = spanDurationNs(span);
    const error = span.status.code === 'error';
    e.durations.push(durationNs);
    if (error) e.errors++;
    keepExample(e.examples, { traceId: span.traceId, spanId: span.spanId, durationNs, error });
  };

  for (const trace of traces) {
    traceCount++;
    const byId = new Map<string, Span>();
    const hasChildren = new Set<string>();
    for (const s of trace.spans) {
      byId.set(s.spanId, s);
      if (s.parentSpanId) hasChildren.add(s.parentSpanId);
    }
    for (const s of trace.spans) {
      if ((++spanCount & YIELD_MASK) === 0) yield;
      const service = clip(s.resource.serviceName);
      const n = node(service, false);
      n.external = false;
      n.spanCount++;
      if (s.status.code === 'error') n.errorCount++;
      const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
      if (parent && parent.resource.serviceName !== s.resource.serviceName) call(clip(parent.resource.serviceName), service, s);
      if (!hasChildren.has(s.spanId)) {
        const target = externalTarget(s);
        if (target !== undefined && target !== s.resource.serviceName) {
          node(clip(target), true);
          call(service, clip(target), s);
        }
      }
    }
  }

  const edgeList: ServiceEdge[] = [...edges.values()].map((e) => ({
    from: e.from, to: e.to, calls: e.durations.length, errors: e.errors, errorRate: e.errors / e.durations.length,
    p95Ns: p95(e.durations), examples: e.examples,
  }));
  edgeList.sort((a, b) => b.calls - a.calls || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const nodeList = [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { nodes: nodeList, edges: edgeList, traceCount, spanCount };
}

export function buildServiceMap(traces: Iterable<Trace>): ServiceMap {
  return runSync(serviceMapSteps(traces));
}
