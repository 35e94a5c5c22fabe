/**
 * Runs every insight rule over a stream of traces: `addTrace` for each trace as it is read (the
 * statistics pass, a trace file, the receiver), `finish` once for the rules that compare traces
 * (PI003, PI004, PI006). Each trace's span tree is built once and shared by all rules.
 */
import type { Span, Trace } from '../model/trace';
import { BottleneckAccumulator } from './bottleneck';
import { CacheMissAccumulator } from './cacheMiss';
import type { Insight } from './insight';
import { resolveInsightOptions, type InsightOptions, type InsightOptionsOverride, type InsightRuleId } from './insightRules';
import { detectNPlusOne } from './nPlusOne';
import { detectRepeatedCalls } from './repeatedCalls';
import { detectSerialCalls } from './serialCalls';
import { SlowStatementAccumulator } from './slowStatement';
import { traceFactsOf } from './traceFacts';

export class InsightDetector {
  readonly options: InsightOptions;
  private readonly perTrace: Insight[] = [];
  private readonly cacheMiss: CacheMissAccumulator;
  private readonly bottleneck: BottleneckAccumulator;
  private readonly slowStatement: SlowStatementAccumulator;

  constructor(override: InsightOptionsOverride = {}) {
    this.options = resolveInsightOptions(override);
    this.cacheMiss = new CacheMissAccumulator(this.options.cacheMiss);
    this.bottleneck = new BottleneckAccumulator(this.options.bottleneck);
    this.slowStatement = new SlowStatementAccumulator(this.options.slowStatement);
  }

  addTrace(trace: Trace): void {
    if (trace.spans.length === 0) return;
    const facts = traceFactsOf(trace);
    this.perTrace.push(
      ...detectNPlusOne(facts, this.options.nPlusOne),
      ...detectSerialCalls(facts, this.options.serialCalls),
      ...detectRepeatedCalls(facts, this.options.repeatedCalls),
    );
    this.cacheMiss.addTrace(facts);
    this.bottleneck.addTrace(facts);
    this.slowStatement.addTrace(facts);
  }

  /** Every insight found so far, ordered by rule, then service and message. */
  finish(): Insight[] {
    const all = [...this.perTrace, ...this.cacheMiss.finish(), ...this.bottleneck.finish(), ...this.slowStatement.finish()];
    return all.sort(compareInsights);
  }
}

const RULE_ORDER: Record<InsightRuleId, number> = { PI001: 1, PI002: 2, PI003: 3, PI004: 4, PI005: 5, PI006: 6 };

function compareInsights(a: Insight, b: Insight): number {
  return RULE_ORDER[a.ruleId] - RULE_ORDER[b.ruleId] || a.serviceName.localeCompare(b.serviceName) || a.traceId.localeCompare(b.traceId) || a.message.localeCompare(b.message);
}

/** All insights of a set of traces, with default or overridden thresholds. */
export function detectInsights(traces: Iterable<Trace>, override: InsightOptionsOverride = {}): Insight[] {
  const detector = new InsightDetector(override);
  for (const t of traces) detector.addTrace(t);
  return detector.finish();
}

/**
 * All insights of spans that arrive flat, as the statistics pass reads them (the receiver's store, a
 * backend's sampled spans): grouped into traces by trace id first.
 */
export function detectInsightsInSpans(spans: Iterable<Span>, override: InsightOptionsOverride = {}): Insight[] {
  const byTrace = new Map<string, Span[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const traces: Trace[] = [];
  for (const [traceId, list] of byTrace) traces.push({ traceId, spans: list, warnings: [] });
  return detectInsights(traces, override);
}
