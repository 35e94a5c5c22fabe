/*
 * Precision and recall of every insight rule over the recorded corpus (test/insights-corpus/:
 * services on real SQLite, Redis and HTTP, instrumented with the OpenTelemetry Python SDK; see its
 * README). The unit is (rule, trace): an insight counts for every trace it names. The ground truth
 * is what each scenario does by construction, printed by the service itself while recording.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { detectInsights } from '../../../src/core/insights/insightDetector';
import { INSIGHT_RULE_IDS, type InsightRuleId } from '../../../src/core/insights/insightRules';
import type { Trace } from '../../../src/core/model/trace';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';

const CORPUS = path.resolve(__dirname, '../../insights-corpus');

interface Expected {
  traces: Array<{ traceId: string; scenario: string; expect: string[] }>;
}

function loadCorpus(): { traces: Trace[]; expected: Expected } {
  const dir = path.join(CORPUS, 'traces');
  const traces = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .flatMap((f) => loadTraceFile(readFileSync(path.join(dir, f)), { fileName: f }).traces);
  const expected = JSON.parse(readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as Expected;
  return { traces, expected };
}

interface RuleScore {
  ruleId: InsightRuleId;
  positives: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

function scoreCorpus(traces: readonly Trace[], expected: Expected): RuleScore[] {
  const truth = new Set(expected.traces.flatMap((t) => t.expect.map((r) => `${r} ${t.traceId}`)));
  const found = new Set(detectInsights(traces).flatMap((i) => i.traceIds.map((id) => `${i.ruleId} ${id}`)));
  return INSIGHT_RULE_IDS.map((ruleId) => {
    const mine = (s: Set<string>) => [...s].filter((k) => k.startsWith(`${ruleId} `));
    const t = mine(truth);
    const f = mine(found);
    const tp = f.filter((k) => truth.has(k)).length;
    return {
      ruleId, positives: t.length, truePositives: tp, falsePositives: f.length - tp, falseNegatives: t.length - tp,
      precision: f.length === 0 ? (t.length === 0 ? 1 : 0) : tp / f.length,
      recall: t.length === 0 ? 1 : tp / t.length,
    };
  });
}

describe('insights on the recorded corpus (precision and recall per rule)', () => {
  const { traces, expected } = loadCorpus();

  it('holds every recorded request trace, each with positives and twins for every rule', () => {
    assert.equal(traces.length, expected.traces.length);
    const ids = new Set(traces.map((t) => t.traceId));
    for (const e of expected.traces) assert.ok(ids.has(e.traceId), `${e.scenario} ${e.traceId} is in the trace files`);
    for (const rule of INSIGHT_RULE_IDS) {
      const scenarios = new Set(expected.traces.map((t) => t.scenario));
      const positive = [...scenarios].filter((s) => expected.traces.some((t) => t.scenario === s && t.expect.includes(rule)));
      assert.ok(positive.length >= 1, `${rule} has a scenario that does it`);
    }
  });

  it('reaches precision ≥ 0.9 and recall ≥ 0.85 for every rule', () => {
    const scores = scoreCorpus(traces, expected);
    const rows = scores.map((s) => `${s.ruleId}  ${String(s.positives).padStart(9)}  ${String(s.truePositives).padStart(3)}  ${String(s.falsePositives).padStart(3)}  ${String(s.falseNegatives).padStart(3)}  ${s.precision.toFixed(3)}  ${s.recall.toFixed(3)}`);
    console.log(`\n      corpus: ${traces.length} traces, ${traces.reduce((n, t) => n + t.spans.length, 0)} spans, ${new Set(expected.traces.map((t) => t.scenario)).size} scenarios\n`
      + `      rule   positives   TP   FP   FN  precision recall\n      ${rows.join('\n      ')}`);
    for (const s of scores) {
      assert.ok(s.positives >= 10, `${s.ruleId}: at least 10 positive traces`);
      assert.ok(s.precision >= 0.9, `${s.ruleId} precision ${s.precision}`);
      assert.ok(s.recall >= 0.85, `${s.ruleId} recall ${s.recall}`);
    }
  });

  it('names spans of the trace it cites, and the handler line that issues the N+1 queries', () => {
    const byId = new Map(traces.map((t) => [t.traceId, t]));
    const insights = detectInsights(traces);
    for (const i of insights) {
      const t = byId.get(i.traceId);
      assert.ok(t, `${i.ruleId} cites a trace of the corpus`);
      const spanIds = new Set(t.spans.map((s) => s.spanId));
      for (const id of i.spanIds) assert.ok(spanIds.has(id), `${i.ruleId} span ${id} is in trace ${i.traceId}`);
    }
    const source = readFileSync(path.join(CORPUS, 'services', 'shop.py'), 'utf8').split('\n');
    const n1 = insights.find((i) => i.ruleId === 'PI001');
    assert.equal(n1?.location?.filePath, 'test/insights-corpus/services/shop.py');
    assert.match(source[(n1?.location?.lineNumber ?? 0) - 1], /^def list_orders_n_plus_one\(/);
    assert.equal(n1?.evidence.statement, 'SELECT sku, qty FROM order_items WHERE order_id = ?');
    // The scoring can fail: a detector that reports every trace for every rule would not pass.
    const everything = scoreCorpus(traces, { traces: expected.traces.map((t) => ({ ...t, expect: t.expect.length ? [] : [...INSIGHT_RULE_IDS] })) });
    assert.ok(everything.every((s) => s.precision < 0.9));
  });
});
