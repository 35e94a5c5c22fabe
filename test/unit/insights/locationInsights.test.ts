// Insights at the code: grouping per location and pattern, the lens suffix, the hover section and the
// diagnostic message, on the recorded N+1 service's traces and on hostile span data.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectInsights, InsightPass } from '../../../src/core/insights/insightDetector';
import {
  exampleTraceOf, findingsByLocation, groupInsights, insightDiagnosticMessage, insightHoverSection, insightLensSuffix, insightListItem, type InsightFinding,
} from '../../../src/core/insights/locationInsights';
import type { Trace } from '../../../src/core/model/trace';
import { locationKeyString } from '../../../src/core/source/codeLocation';
import { aggregateSpans } from '../../../src/core/stats/spanAggregator';
import { FunctionLensIndex } from '../../../src/core/stats/functionLensIndex';
import { SourcePathResolver } from '../../../src/core/source/pathMapping';
import { SymbolKindValue } from '../../../src/core/source/symbolMatching';
import { WorkspaceFileIndex } from '../../../src/core/source/workspaceFileIndex';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';

const CORPUS = path.resolve(__dirname, '../../insights-corpus/traces');

function corpus(name: string): Trace[] {
  return loadTraceFile(readFileSync(path.join(CORPUS, `${name}.json`)), { fileName: `${name}.json` }).traces;
}

const SHOP_KEY = locationKeyString({ filePath: 'test/insights-corpus/services/shop.py', functionName: 'shop.list_orders_n_plus_one' });

describe('insights at the code', () => {
  const nPlusOne = corpus('orders-n-plus-one');
  const findings = groupInsights(detectInsights(nPlusOne), false);

  it('groups the N+1 of twelve traces into one finding on the handler that runs the loop', () => {
    const pi001 = findings.filter((f) => f.ruleId === 'PI001');
    assert.equal(pi001.length, 1, findings.map((f) => f.ruleId).join());
    const f = pi001[0];
    assert.equal(f.locationKey, SHOP_KEY);
    assert.equal(f.location?.lineNumber, 166);
    assert.equal(f.traceCount, nPlusOne.length);
    assert.equal(f.counts.min, 8);
    assert.equal(f.counts.max, 28);
    // The example is the longest loop.
    assert.ok(f.examples.every((e) => (e.evidence.loopDurationMs ?? 0) <= (f.examples[0].evidence.loopDurationMs ?? 0)));
    assert.deepEqual([...findingsByLocation(findings).keys()], [SHOP_KEY]);
  });

  it('writes the lens suffix as "N+1: <calls> × SELECT … per call"', () => {
    const f = findings.find((x) => x.ruleId === 'PI001')!;
    assert.equal(insightLensSuffix([f]), `N+1: ${f.counts.median} × SELECT … per call`);
    assert.equal(insightLensSuffix([]), undefined);
    assert.match(insightLensSuffix([f, f])!, /\(\+1 more\)$/);
    assert.match(insightLensSuffix([{ ...f, fromSample: true }])!, /per call in a sample$/);
  });

  it('says in the diagnostic how often the pattern was seen, and when only in a sample', () => {
    const f = findings.find((x) => x.ruleId === 'PI001')!;
    const message = insightDiagnosticMessage(f);
    assert.ok(message.startsWith(f.examples[0].message));
    assert.match(message, /\(in 12 traces, 8–28 calls each\)$/);
    assert.match(insightDiagnosticMessage({ ...f, fromSample: true }), /\(seen in 12 traces sampled from the backend, 8–28 calls each\)$/);
  });

  it('writes durations as the lenses do: three significant digits in a unit that fits', () => {
    const f = findings.find((x) => x.ruleId === 'PI001')!;
    const sig3 = String.raw`(?:\d{3}|\d{2}\.\d|\d\.\d{1,2}|\d) (?:µs|ms|s)`;
    assert.match(f.examples[0].message, new RegExp(`the loop takes ${sig3}, the statements ${sig3}$`));
    const links = [...insightHoverSection([f]).matchAll(/\[(?:Example trace|\d) \(([^)]+)\)\]/g)].map((m) => m[1]);
    assert.equal(links.length, 5);
    for (const d of links) assert.match(d, new RegExp(`^${sig3}$`));
  });

  it('links the hover section to example traces through openTraceById, the longest first', () => {
    const f = findings.find((x) => x.ruleId === 'PI001')!;
    const md = insightHoverSection([f]);
    assert.match(md, /\*\*Performance insights\*\*/);
    assert.match(md, /\[PI001\]\(https:\/\/[^)]+#pi001\) \*\*N\\\+1 queries\*\*/);
    const links = [...md.matchAll(/\]\(command:traceLens\.openTraceById\?([^)]+)\)/g)].map((m) => JSON.parse(decodeURIComponent(m[1])) as [{ traceId: string; spanId?: string }]);
    assert.equal(links.length, 5);
    assert.equal(links[0][0].traceId, f.examples[0].traceId);
    assert.equal(links[0][0].spanId, f.examples[0].parentSpanId);
    assert.doesNotMatch(md, /sampled from the backend/);
    assert.match(insightHoverSection([{ ...f, fromSample: true }]), /_Insights from traces sampled from the backend/);
  });

  it('keeps span data as text: markdown, command links and lens icons in statements are escaped', () => {
    const f = findings.find((x) => x.ruleId === 'PI001')!;
    const hostile: InsightFinding = {
      ...f,
      examples: [{ ...f.examples[0], message: 'N+1: [x](command:workbench.action.terminal.new) <img src=x> $(alert)' }],
    };
    const md = insightHoverSection([hostile]);
    assert.doesNotMatch(md, /\]\(command:workbench/);
    assert.doesNotMatch(md, /<img/);
    const pi005: InsightFinding = { ...f, ruleId: 'PI005', examples: [{ ...f.examples[0], ruleId: 'PI005', evidence: { ...f.examples[0].evidence, statement: 'GET $(bug) /x' } }] };
    assert.doesNotMatch(insightLensSuffix([pi005])!, /\$\(bug\)/);
  });

  it('lists a finding as one plain row (no icons, no line breaks) and opens its longest example at the loop\'s parent', () => {
    const f = findings.find((x) => x.ruleId === 'PI001')!;
    const row = insightListItem(f);
    assert.match(row.label, /^PI001 N\+1 queries: N\+1: \d+ × SELECT … per call$/);
    assert.match(row.description, /services\/shop\.py:166$/);
    assert.equal(row.detail, insightDiagnosticMessage(f));
    const hostile: InsightFinding = { ...f, serviceName: 'shop $(bug)\nnext', examples: [{ ...f.examples[0], message: 'N+1 $(alert)\r\nforged row' }] };
    const bad = insightListItem(hostile);
    for (const text of [bad.label, bad.description, bad.detail]) assert.doesNotMatch(text, /\$\((bug|alert)\)|[\r\n]/);
    assert.deepEqual(exampleTraceOf(f), { traceId: f.examples[0].traceId, spanId: f.examples[0].parentSpanId });
  });

  it('finds the same insights in the statistics pass as over whole traces', () => {
    const spans = nPlusOne.flatMap((t) => t.spans);
    const pass = new InsightPass();
    const nowMs = Number(spans[0].startTimeUnixNano / 1_000_000n) + 60_000;
    const snapshot = aggregateSpans(pass.spans(spans), { nowMs, lookbackMs: 3_600_000 });
    assert.equal(snapshot.spansSeen, spans.length);
    assert.deepEqual(pass.finish().map((i) => i.traceId).sort(), detectInsights(nPlusOne).map((i) => i.traceId).sort());
    // Traces before the window are not judged.
    const late = new InsightPass({}, BigInt(nowMs) * 1_000_000n);
    for (const s of late.spans(spans)) void s;
    assert.deepEqual(late.finish(), []);
  });

  it('appends the suffix to the lens and the section to the hover of the located function', () => {
    const spans = nPlusOne.flatMap((t) => t.spans);
    const nowMs = Number(spans[0].startTimeUnixNano / 1_000_000n) + 60_000;
    const stats = aggregateSpans(spans, { nowMs, lookbackMs: 3_600_000 }).locations;
    const resolver = new SourcePathResolver(new WorkspaceFileIndex(['/ws'], ['/ws/test/insights-corpus/services/shop.py']));
    const index = new FunctionLensIndex(resolver, { lookbackMs: 3_600_000 });
    index.setStats(stats);
    const symbols = [{ name: 'list_orders_n_plus_one', kind: SymbolKindValue.Function, range: { startLine: 165, endLine: 168 }, selectionLine: 165 }];
    const before = index.lensesFor('/ws/test/insights-corpus/services/shop.py', symbols);
    assert.equal(before.length, 1);
    assert.doesNotMatch(before[0].text, /N\+1/);
    index.setInsights(findingsByLocation(findings));
    const after = index.lensesFor('/ws/test/insights-corpus/services/shop.py', symbols);
    assert.match(after[0].text, / · N\+1: \d+ × SELECT … per call$/);
    const hover = index.hoverAt('/ws/test/insights-corpus/services/shop.py', 165, symbols);
    assert.match(hover!.markdown, /\*\*Performance insights\*\*/);
  });
});
