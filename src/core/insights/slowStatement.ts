/**
 * PI006 slow statement. Durations of each normalized statement are collected per database (service
 * + database system, server and namespace); a statement seen at least `minSamples` times whose p95
 * is at least `minFactor` times the median p95 of the other statements against the same database
 * (at least `minSiblings` of them) and at least `minP95Ms` is reported. Comparing with the
 * siblings, not with a fixed limit, is what tells "this query is slow" from "this database is slow".
 */
import { LatencyAccumulator } from '../stats/latencyAccumulator';
import { formatDuration } from '../stats/statsFormat';
import { insightLocation, nsToMs, shortStatement, type Insight } from './insight';
import type { InsightOptions } from './insightRules';
import type { TraceFacts } from './traceFacts';
import { runSync, YIELD_MASK, type Steps } from '../timeSlicing';

interface StatementTally {
  statement: string;
  /** The statistics' own latency accumulator (DDSketch, 1 % relative error): bounded memory, the same p95 as the CodeLens. */
  latency: LatencyAccumulator;
  traceIds: Set<string>;
  slowest?: { ns: number; traceId: string; spanId: string; base: Pick<Insight, 'location' | 'parentSpanId'> };
}

export class SlowStatementAccumulator {
  /** database key → statement → tally */
  private readonly databases = new Map<string, { serviceName: string; statements: Map<string, StatementTally> }>();

  constructor(private readonly options: InsightOptions['slowStatement']) {}

  addTrace(facts: TraceFacts): void {
    runSync(this.addTraceSteps(facts));
  }

  /** The same, yielding every few thousand spans (the waterfall's worker answers requests between them). */
  *addTraceSteps(facts: TraceFacts): Steps<void> {
    const { tree, calls } = facts;
    for (let i = 0; i < tree.spans.length; i++) {
      if ((i & YIELD_MASK) === YIELD_MASK) yield;
      const call = calls[i];
      if (call?.kind !== 'db' || call.statement === undefined) continue;
      const span = tree.spans[i];
      const dbKey = `${span.resource.serviceName}\u0000${call.target}`;
      let db = this.databases.get(dbKey);
      if (!db) this.databases.set(dbKey, (db = { serviceName: span.resource.serviceName, statements: new Map() }));
      let tally = db.statements.get(call.statement);
      if (!tally) db.statements.set(call.statement, (tally = { statement: call.statement, latency: new LatencyAccumulator(0), traceIds: new Set() }));
      const ns = tree.endNs[i] - tree.startNs[i];
      tally.latency.add(ns, span.startTimeUnixNano, false, span);
      tally.traceIds.add(span.traceId);
      if (!tally.slowest || ns > tally.slowest.ns) {
        const parent = tree.parent[i] >= 0 ? tree.spans[tree.parent[i]] : undefined;
        const base: Pick<Insight, 'location' | 'parentSpanId'> = {};
        const location = insightLocation(parent, [span]);
        if (location) base.location = location;
        if (parent) base.parentSpanId = parent.spanId;
        tally.slowest = { ns, traceId: span.traceId, spanId: span.spanId, base };
      }
    }
  }

  finish(): Insight[] {
    const out: Insight[] = [];
    for (const db of this.databases.values()) {
      if (db.statements.size < this.options.minSiblings + 1) continue;
      const p95 = new Map<StatementTally, number>();
      for (const t of db.statements.values()) {
        t.latency.flush();
        p95.set(t, t.latency.sketch.getValueAtQuantile(0.95));
      }
      for (const t of db.statements.values()) {
        if (t.latency.count < this.options.minSamples || !t.slowest) continue;
        const own = p95.get(t)!;
        if (own < this.options.minP95Ms * 1e6) continue;
        const siblings = [...p95.entries()].filter(([s]) => s !== t).map(([, v]) => v).sort((a, b) => a - b);
        const median = siblings[Math.floor((siblings.length - 1) / 2)];
        if (own < this.options.minFactor * median) continue;
        const factor = median > 0 ? own / median : Infinity;
        out.push({
          ruleId: 'PI006',
          message: `Slow statement: p95 ${formatDuration(own)} for ${shortStatement(t.statement)}, ${Number.isFinite(factor) ? `${Math.round(factor)} ×` : 'far above'} the median p95 of the other ${siblings.length} statements (${formatDuration(median)}), ${t.latency.count} runs`,
          traceId: t.slowest.traceId,
          spanIds: [t.slowest.spanId],
          traceIds: [t.slowest.traceId, ...[...t.traceIds].filter((id) => id !== t.slowest!.traceId)],
          serviceName: db.serviceName,
          ...t.slowest.base,
          evidence: {
            count: t.latency.count,
            totalDurationMs: nsToMs(t.slowest.ns),
            durationsMs: [nsToMs(t.slowest.ns)],
            statement: t.statement,
            p95Ms: nsToMs(own),
            siblingP95Ms: nsToMs(median),
          },
        });
      }
    }
    return out;
  }
}
