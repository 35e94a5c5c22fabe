/**
 * PI005 repeated identical calls: the same outgoing request (method + host + URL template, or RPC
 * service/method) made `minCount` times or more in one trace, wherever in the trace it is made
 * (a helper called from several places repeats the request just as well as a loop does).
 * Concurrent repeats count too: they cost the callee the same.
 */
import { spanDurationNs } from '../model/trace';
import { formatDuration } from '../stats/statsFormat';
import { insightLocation, nsToMs, shortStatement, type Insight } from './insight';
import type { InsightOptions } from './insightRules';
import type { TraceFacts } from './traceFacts';

export function detectRepeatedCalls(facts: TraceFacts, options: InsightOptions['repeatedCalls']): Insight[] {
  const { tree, calls } = facts;
  const bySignature = new Map<string, number[]>();
  for (let i = 0; i < tree.spans.length; i++) {
    const call = calls[i];
    if (!call || (call.kind !== 'http' && call.kind !== 'rpc')) continue;
    const list = bySignature.get(call.signature);
    if (list) list.push(i);
    else bySignature.set(call.signature, [i]);
  }
  const out: Insight[] = [];
  for (const [signature, nodes] of bySignature) {
    if (nodes.length < options.minCount) continue;
    nodes.sort((a, b) => tree.startNs[a] - tree.startNs[b]);
    const spans = nodes.map((v) => tree.spans[v]);
    const durations = spans.map(spanDurationNs);
    const total = durations.reduce((a, b) => a + b, 0);
    const parentNode = tree.parent[nodes[0]];
    const parent = parentNode >= 0 ? tree.spans[parentNode] : undefined;
    const insight: Insight = {
      ruleId: 'PI005',
      message: `${nodes.length} × the same request ${shortStatement(signature)} in one trace, ${formatDuration(total)} in total`,
      traceId: spans[0].traceId,
      spanIds: spans.map((s) => s.spanId),
      traceIds: [spans[0].traceId],
      serviceName: spans[0].resource.serviceName,
      evidence: { count: nodes.length, totalDurationMs: nsToMs(total), durationsMs: durations.map(nsToMs), statement: signature },
    };
    if (parent) insight.parentSpanId = parent.spanId;
    const location = insightLocation(parent, spans);
    if (location) insight.location = location;
    out.push(insight);
  }
  return out;
}
