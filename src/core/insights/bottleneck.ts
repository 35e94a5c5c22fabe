/**
 * PI004 bottleneck on the critical path. For each trace, the critical path of its primary root
 * (the waterfall's own computation) is split into time slices; each slice is charged to the
 * function that owns it: the span itself when it carries a code location, else its nearest
 * ancestor that does (a database call inside `render_report` is `render_report`'s time). Across the
 * traces of one endpoint (service + root span name), a function other than the endpoint's root
 * whose slices add up to `minShare` of the endpoints' summed duration is reported, with that share.
 * The root is not a candidate: "the handler is the bottleneck of itself" says nothing.
 */
import type { Span } from '../model/trace';
import { extractCodeLocation, locationKeyString, locationLabel, type SpanLocation } from '../source/codeLocation';
import { computeCriticalPath } from '../waterfall/criticalPath';
import { nsToMs, type Insight } from './insight';
import type { InsightOptions } from './insightRules';
import type { TraceFacts } from './traceFacts';

interface FunctionTally {
  location: SpanLocation;
  pathNs: number;
  /** The trace where this function took the largest share, and its spans there. */
  example?: { traceId: string; spanIds: string[]; share: number; pathNs: number; durationsNs: number[] };
  traceIds: Set<string>;
}

interface Endpoint {
  serviceName: string;
  rootName: string;
  traces: string[];
  totalNs: number;
  functions: Map<string, FunctionTally>;
}

const CODE_KEYS = ['code.file.path', 'code.filepath', 'code.function.name', 'code.function', 'code.stacktrace'];

/** A cheap test before extractCodeLocation: does the span carry any attribute a code location comes from? */
function hasCodeAttributes(span: Span): boolean {
  for (const k of CODE_KEYS) if (span.attributes[k] !== undefined) return true;
  return false;
}

export class BottleneckAccumulator {
  private readonly endpoints = new Map<string, Endpoint>();
  /** Raw (path, namespace, function) → locationKeyString, which normalizes the path: the same few functions recur in every trace. */
  private readonly keys = new Map<string, string>();

  private keyOf(location: SpanLocation): string {
    const raw = `${location.filePath ?? ''}\u0000${location.namespace ?? ''}\u0000${location.functionName ?? ''}`;
    let key = this.keys.get(raw);
    if (key === undefined) {
      if (this.keys.size >= 10_000) this.keys.clear();
      this.keys.set(raw, (key = locationKeyString(location)));
    }
    return key;
  }

  constructor(private readonly options: InsightOptions['bottleneck']) {}

  addTrace(facts: TraceFacts): void {
    const { tree } = facts;
    const root = tree.primaryRoot;
    if (root < 0) return;
    const rootNs = tree.endNs[root] - tree.startNs[root];
    if (rootNs <= 0) return;
    const rootSpan = tree.spans[root];
    const endpointKey = `${rootSpan.resource.serviceName}\u0000${rootSpan.name}`;
    let endpoint = this.endpoints.get(endpointKey);
    if (!endpoint) {
      this.endpoints.set(endpointKey, (endpoint = { serviceName: rootSpan.resource.serviceName, rootName: rootSpan.name, traces: [], totalNs: 0, functions: new Map() }));
    }
    endpoint.traces.push(rootSpan.traceId);
    endpoint.totalNs += rootNs;

    // Traces where no span but the root says where it is in the code have nothing to charge: skip their critical path.
    let located = false;
    for (let v = 0; v < tree.spans.length && !located; v++) located = v !== root && hasCodeAttributes(tree.spans[v]);
    if (!located) return;

    // ownerOf(v): the node whose function v's time is charged to (-1: the root's). Iterative: parent chains can be 100k long.
    const owner = new Map<number, number>();
    const locations = new Map<number, SpanLocation>();
    const chain: number[] = [];
    const ownerOf = (start: number): number => {
      let v = start;
      let result: number | undefined;
      while (result === undefined) {
        const known = owner.get(v);
        if (known !== undefined) result = known;
        else if (v === root || v < 0) result = -1;
        else {
          const loc = extractCodeLocation(tree.spans[v]);
          if (loc.source !== 'span.name') {
            locations.set(v, loc);
            result = v;
          } else {
            chain.push(v);
            v = tree.parent[v];
          }
        }
      }
      for (const c of chain) owner.set(c, result);
      chain.length = 0;
      owner.set(start, result);
      return result;
    };
    const nsByOwner = new Map<number, number>();
    for (const seg of computeCriticalPath(tree, root).segments) {
      const o = ownerOf(seg.node);
      if (o >= 0) nsByOwner.set(o, (nsByOwner.get(o) ?? 0) + seg.endNs - seg.startNs);
    }
    // Several spans of one function (a function called twice) are one function.
    const perFunction = new Map<string, { ns: number; nodes: number[]; location: SpanLocation }>();
    for (const [o, ns] of nsByOwner) {
      const location = locations.get(o)!;
      const key = this.keyOf(location);
      const f = perFunction.get(key);
      if (f) {
        f.ns += ns;
        f.nodes.push(o);
      } else perFunction.set(key, { ns, nodes: [o], location });
    }
    for (const [key, f] of perFunction) {
      let tally = endpoint.functions.get(key);
      if (!tally) endpoint.functions.set(key, (tally = { location: f.location, pathNs: 0, traceIds: new Set() }));
      tally.pathNs += f.ns;
      tally.traceIds.add(rootSpan.traceId);
      const share = f.ns / rootNs;
      if (!tally.example || share > tally.example.share) {
        const spans: Span[] = f.nodes.sort((a, b) => tree.startNs[a] - tree.startNs[b]).map((v) => tree.spans[v]);
        tally.example = { traceId: rootSpan.traceId, spanIds: spans.map((s) => s.spanId), share, pathNs: f.ns, durationsNs: f.nodes.map((v) => tree.endNs[v] - tree.startNs[v]) };
      }
    }
  }

  finish(): Insight[] {
    const out: Insight[] = [];
    for (const endpoint of this.endpoints.values()) {
      if (endpoint.traces.length < this.options.minTraces || endpoint.totalNs <= 0) continue;
      for (const tally of endpoint.functions.values()) {
        const share = tally.pathNs / endpoint.totalNs;
        if (share < this.options.minShare || !tally.example) continue;
        const label = locationLabel(tally.location);
        const ex = tally.example;
        out.push({
          ruleId: 'PI004',
          message: `${label} takes ${Math.round(share * 100)} % of the critical path of "${endpoint.rootName}" across ${endpoint.traces.length} traces`,
          traceId: ex.traceId,
          spanIds: ex.spanIds,
          traceIds: [ex.traceId, ...endpoint.traces.filter((t) => t !== ex.traceId && tally.traceIds.has(t))],
          serviceName: endpoint.serviceName,
          location: tally.location,
          evidence: {
            count: endpoint.traces.length,
            totalDurationMs: nsToMs(ex.pathNs),
            durationsMs: ex.durationsNs.map(nsToMs),
            share: Math.round(share * 1000) / 1000,
          },
        });
      }
    }
    return out;
  }
}
