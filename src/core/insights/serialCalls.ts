/**
 * PI002 serial calls that could run in parallel. Among one parent's children, a run of client
 * calls (HTTP, RPC, database) where each starts after the previous one ended, with no other span
 * and no more than `maxGapMs` between them (either would be the caller working on the previous
 * answer: a data dependency the trace cannot otherwise show). Calls to the same database, or the
 * same request repeated, stay serial even when parallelised, so the saving counted is the run's
 * sum minus its largest same-target share; the run is reported when it goes to at least
 * `minCalls` different targets, its sum is at least `minShareOfParent` of the parent and the
 * saving is at least `minTotalDurationMs`. Cache commands are left out: a cache read and the
 * database read it guards are dependent by design (PI003).
 */
import { spanDurationNs } from '../model/trace';
import { formatDuration } from '../stats/statsFormat';
import { insightLocation, nsToMs, type Insight } from './insight';
import type { InsightOptions } from './insightRules';
import type { SpanCall } from './spanCalls';
import { childCount, childrenOf, type TraceFacts } from './traceFacts';
import { runSync, YIELD_MASK, type Steps } from '../timeSlicing';

/** What may run concurrently: different requests, or statements against different databases. */
function parallelKey(call: SpanCall): string {
  return call.kind === 'db' ? call.target : call.signature;
}

export function detectSerialCalls(facts: TraceFacts, options: InsightOptions['serialCalls']): Insight[] {
  return runSync(serialCallsSteps(facts, options));
}

/** The same, yielding every few thousand spans (the waterfall's worker answers requests between them). */
export function* serialCallsSteps(facts: TraceFacts, options: InsightOptions['serialCalls']): Steps<Insight[]> {
  const { tree, calls } = facts;
  const out: Insight[] = [];
  const maxGapNs = options.maxGapMs * 1e6;
  for (let p = 0; p < tree.spans.length; p++) {
    if ((p & YIELD_MASK) === YIELD_MASK) yield;
    if (childCount(tree, p) < options.minCalls) continue;
    const children = childrenOf(tree, p);
    const parentNs = tree.endNs[p] - tree.startNs[p];
    if (parentNs <= 0) continue;
    let run: number[] = [];
    const flush = (): void => {
      if (run.length >= options.minCalls) {
        const insight = judgeRun(facts, p, run, parentNs, options);
        if (insight) out.push(insight);
      }
      run = [];
    };
    for (const c of children) {
      const call = calls[c];
      const isCandidate = call !== undefined && call.kind !== 'cache' && tree.spans[c].kind === 'client';
      if (!isCandidate) {
        // Other work between two calls may be the caller using the first answer.
        flush();
        continue;
      }
      if (run.length > 0) {
        const prev = run[run.length - 1];
        const gap = tree.startNs[c] - tree.endNs[prev];
        // Overlapping calls already run concurrently; a long gap is visible work in between.
        if (gap < 0 || gap > maxGapNs) flush();
      }
      run.push(c);
    }
    flush();
  }
  return out;
}

function judgeRun(facts: TraceFacts, p: number, run: number[], parentNs: number, options: InsightOptions['serialCalls']): Insight | undefined {
  const { tree, calls } = facts;
  const byKey = new Map<string, number>();
  let sum = 0;
  for (const c of run) {
    const d = tree.endNs[c] - tree.startNs[c];
    sum += d;
    const key = parallelKey(calls[c]!);
    byKey.set(key, (byKey.get(key) ?? 0) + d);
  }
  if (byKey.size < options.minCalls) return undefined;
  const saving = sum - Math.max(...byKey.values());
  const share = sum / parentNs;
  if (share < options.minShareOfParent || saving < options.minTotalDurationMs * 1e6) return undefined;
  const parent = tree.spans[p];
  const spans = run.map((c) => tree.spans[c]);
  const insight: Insight = {
    ruleId: 'PI002',
    message: `${run.length} calls to ${byKey.size} targets run one after another in "${parent.name}": ${formatDuration(sum)}, ${Math.round(share * 100)} % of it; in parallel about ${formatDuration(saving)} less`,
    traceId: parent.traceId,
    spanIds: spans.map((s) => s.spanId),
    parentSpanId: parent.spanId,
    traceIds: [parent.traceId],
    serviceName: parent.resource.serviceName,
    evidence: {
      count: run.length,
      totalDurationMs: nsToMs(sum),
      durationsMs: spans.map((s) => nsToMs(spanDurationNs(s))),
      parentDurationMs: nsToMs(parentNs),
      share: Math.round(share * 1000) / 1000,
    },
  };
  const location = insightLocation(parent, spans);
  if (location) insight.location = location;
  return insight;
}
