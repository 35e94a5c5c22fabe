/**
 * PI001 N+1 queries. Starts from Sentry's published N+1 DB detector criteria
 * (docs.sentry.io, "N+1 Queries"): sequential, non-overlapping database spans with the same
 * parameterised description, more than a count threshold (usually 5), more than 50 ms in total,
 * full (not truncated) statements, and a preceding "source" database span. Differences:
 * - total duration: 5 ms by default, not 50 ms (see InsightOptions.nPlusOne.minTotalDurationMs);
 * - the source span is not required: the list the loop walks often comes from an HTTP call, a
 *   cache or the request itself. Sentry needs it to fingerprint the issue; here the parent's code
 *   location and the statement are the identity. When there is one, it is kept as evidence;
 * - the repeating spans need not be adjacent: a loop running two statements per item
 *   (`SELECT customer…`, `SELECT items…`) is two N+1s, one per statement, where Sentry's run would
 *   be broken by the alternation;
 * - cache commands (Redis, Memcached) are not database spans here either (Sentry skips db.redis).
 */
import { spanDurationNs } from '../model/trace';
import { formatDuration } from '../stats/statsFormat';
import { runSync, YIELD_MASK, type Steps } from '../timeSlicing';
import { insightLocation, nsToMs, shortStatement, type Insight } from './insight';
import type { InsightOptions } from './insightRules';
import { childCount, childrenOf, sequentialChain, type TraceFacts } from './traceFacts';

export function detectNPlusOne(facts: TraceFacts, options: InsightOptions['nPlusOne']): Insight[] {
  return runSync(nPlusOneSteps(facts, options));
}

/** The same, yielding every few thousand spans (the waterfall's worker answers requests between them). */
export function* nPlusOneSteps(facts: TraceFacts, options: InsightOptions['nPlusOne']): Steps<Insight[]> {
  const { tree, calls } = facts;
  const out: Insight[] = [];
  const n = tree.spans.length;
  for (let p = 0; p < n; p++) {
    if ((p & YIELD_MASK) === YIELD_MASK) yield;
    if (childCount(tree, p) < options.minCount) continue;
    const children = childrenOf(tree, p);
    const byStatement = new Map<string, number[]>();
    for (const c of children) {
      const call = calls[c];
      if (call?.kind !== 'db' || call.statement === undefined) continue;
      // A database call's signature is its target and statement: the grouping key, already built.
      const key = call.signature;
      const list = byStatement.get(key);
      if (list) list.push(c);
      else byStatement.set(key, [c]);
    }
    for (const group of byStatement.values()) {
      if (group.length < options.minCount) continue;
      const chain = sequentialChain(tree, group).sort((a, b) => tree.startNs[a] - tree.startNs[b]);
      if (chain.length < options.minCount) continue;
      const durations = chain.map((c) => spanDurationNs(tree.spans[c]));
      const total = durations.reduce((a, b) => a + b, 0);
      const extent = tree.endNs[chain[chain.length - 1]] - tree.startNs[chain[0]];
      if (extent < options.minTotalDurationMs * 1e6) continue;
      const statement = calls[chain[0]]!.statement!;
      const parent = tree.spans[p];
      const callSpans = chain.map((c) => tree.spans[c]);
      // Sentry's "source" span: the last database span of the parent that starts before the loop with another statement.
      let source: number | undefined;
      for (const c of children) {
        if (tree.startNs[c] >= tree.startNs[chain[0]]) break;
        if (calls[c]?.kind === 'db' && calls[c]!.statement !== statement) source = c;
      }
      const insight: Insight = {
        ruleId: 'PI001',
        message: `N+1: ${chain.length} × ${shortStatement(statement)} in one call of "${parent.name}": the loop takes ${formatDuration(extent)}, the statements ${formatDuration(total)}`,
        traceId: parent.traceId,
        spanIds: callSpans.map((s) => s.spanId),
        parentSpanId: parent.spanId,
        traceIds: [parent.traceId],
        serviceName: callSpans[0].resource.serviceName,
        evidence: {
          count: chain.length,
          totalDurationMs: nsToMs(total),
          durationsMs: durations.map(nsToMs),
          parentDurationMs: nsToMs(spanDurationNs(parent)),
          loopDurationMs: nsToMs(extent),
          statement,
        },
      };
      if (source !== undefined) insight.evidence.sourceSpanId = tree.spans[source].spanId;
      const location = insightLocation(parent, callSpans);
      if (location) insight.location = location;
      out.push(insight);
    }
  }
  return out;
}
