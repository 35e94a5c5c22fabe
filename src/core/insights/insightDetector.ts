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
import { nPlusOneSteps } from './nPlusOne';
import { detectRepeatedCalls } from './repeatedCalls';
import { serialCallsSteps } from './serialCalls';
import { SlowStatementAccumulator } from './slowStatement';
import type { SpanTree } from '../waterfall/spanTree';
import { runSync, type Steps } from '../timeSlicing';
import { factsSteps, traceFactsOf, type TraceFacts } from './traceFacts';

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
    this.addFacts(traceFactsOf(trace));
  }

  /**
   * A trace whose span tree is already built (the waterfall worker's layout), as steps: one rule at a
   * time, and the calls read a few thousand spans at a time, so a worker can answer between them.
   */
  *addTreeSteps(tree: SpanTree): Steps<void> {
    if (tree.spans.length === 0) return;
    const facts = yield* factsSteps(tree);
    yield* this.factsSteps(facts);
  }

  private addFacts(facts: TraceFacts): void {
    runSync(this.factsSteps(facts));
  }

  private *factsSteps(facts: TraceFacts): Steps<void> {
    this.perTrace.push(...(yield* nPlusOneSteps(facts, this.options.nPlusOne)));
    this.perTrace.push(...(yield* serialCallsSteps(facts, this.options.serialCalls)));
    this.perTrace.push(...detectRepeatedCalls(facts, this.options.repeatedCalls));
    yield;
    this.cacheMiss.addTrace(facts);
    yield;
    this.bottleneck.addTrace(facts);
    yield;
    yield* this.slowStatement.addTraceSteps(facts);
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
  const pass = new InsightPass(override);
  for (const span of pass.spans(spans)) void span;
  return pass.finish();
}

/**
 * Insights found in the same iteration as the statistics: `spans()` hands every span on unchanged
 * (to `aggregateSpans`) and keeps a reference per trace; `finish()` runs the detectors over the
 * traces seen. Traces whose spans all start before `minStartNs` (outside the statistics window) are skipped.
 */
export class InsightPass {
  private readonly byTrace = new Map<string, Span[]>();

  constructor(
    private readonly override: InsightOptionsOverride = {},
    private readonly minStartNs?: bigint,
  ) {}

  *spans(spans: Iterable<Span>): Generator<Span> {
    const byTrace = this.byTrace;
    let lastId = '';
    let last: Span[] | undefined;
    for (const span of spans) {
      // Spans of one trace mostly come one after another (the store and a fetched trace hold them so).
      if (span.traceId !== lastId || !last) {
        lastId = span.traceId;
        last = byTrace.get(lastId);
        if (!last) byTrace.set(lastId, (last = []));
      }
      last.push(span);
      yield span;
    }
  }

  finish(): Insight[] {
    return runSync(this.finishSteps());
  }

  /**
   * The detectors as steps of one trace each: `runSliced` on the extension host, where 10k traces
   * (~0.7 s) must not hold the thread in one block; `finish()` straight through elsewhere.
   */
  *finishSteps(): Steps<Insight[]> {
    const detector = new InsightDetector(this.override);
    const min = this.minStartNs;
    const traces = [...this.byTrace];
    this.byTrace.clear();
    for (const [traceId, spans] of traces) {
      if (min !== undefined && !spans.some((s) => s.startTimeUnixNano >= min)) continue;
      detector.addTrace({ traceId, spans, warnings: [] });
      yield;
    }
    return detector.finish();
  }
}
