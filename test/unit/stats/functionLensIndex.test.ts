import assert from 'node:assert/strict';
import { SourcePathResolver } from '../../../src/core/source/pathMapping';
import { scanSpanNameCalls } from '../../../src/core/source/spanNameScanner';
import { SymbolKindValue } from '../../../src/core/source/symbolMatching';
import type { SymbolNode } from '../../../src/core/source/symbolMatching';
import { WorkspaceFileIndex } from '../../../src/core/source/workspaceFileIndex';
import { FunctionLensIndex } from '../../../src/core/stats/functionLensIndex';
import { aggregateSpans } from '../../../src/core/stats/spanAggregator';
import { makeSpan } from './makeSpan';

const NOW = 1_763_726_400_000;
const HOUR = 3_600_000;
const ROOT = '/home/me/shop';
const DOC = `${ROOT}/src/orders/service.py`;
const JAVA_DOC = `${ROOT}/src/main/java/com/example/Svc.java`;

function sym(name: string, kind: number, start: number, end: number, children: SymbolNode[] = []): SymbolNode {
  return { name, kind, range: { startLine: start, endLine: end }, selectionLine: start, children };
}

const pySymbols: SymbolNode[] = [
  sym('OrderService', SymbolKindValue.Class, 0, 40, [sym('process', SymbolKindValue.Method, 2, 15), sym('refund', SymbolKindValue.Method, 17, 30)]),
  sym('pay', SymbolKindValue.Function, 42, 50),
];
const pyText = Array.from({ length: 51 }, (_, i) => (i === 45 ? '    with tracer.start_as_current_span("process_payment"):' : '    pass')).join('\n');
const javaSymbols: SymbolNode[] = [sym('Svc', SymbolKindValue.Class, 0, 30, [sym('serve(String)', SymbolKindValue.Method, 5, 20)])];

function setup() {
  const spans = [
    ...Array.from({ length: 300 }, (_, i) =>
      makeSpan({ attributes: { 'code.file.path': '/app/src/orders/service.py', 'code.function.name': 'orders.service.OrderService.process', 'code.line.number': 5 }, startMs: NOW - 1000 - i, durationNs: 12e6, error: i % 100 === 0 }),
    ),
    // Same function reported as a file URL: lands on the same function; the busier key wins.
    ...Array.from({ length: 10 }, () => makeSpan({ attributes: { 'code.file.path': 'file:///srv/src/orders/service.py', 'code.function.name': 'process', 'code.line.number': 4 }, startMs: NOW - 2000 })),
    // The line points into process (local edits moved code), the name says refund: refund wins.
    ...Array.from({ length: 40 }, () => makeSpan({ attributes: { 'code.file.path': '/app/src/orders/service.py', 'code.function.name': 'orders.service.OrderService.refund', 'code.line.number': 9 }, startMs: NOW - 1000, durationNs: 3e6 })),
    ...Array.from({ length: 50 }, () => makeSpan({ name: 'process_payment', startMs: NOW - 1000, durationNs: 30e6 })),
    ...Array.from({ length: 20 }, () => makeSpan({ attributes: { 'code.function': 'serve', 'code.namespace': 'com.example.Svc' }, startMs: NOW - 1000, durationNs: 2e6 })),
    makeSpan({ attributes: { 'code.file.path': '/app/unknown/file.py', 'code.function.name': 'x' }, startMs: NOW - 1000 }),
  ];
  const idx = new WorkspaceFileIndex([ROOT], [DOC, JAVA_DOC, `${ROOT}/src/billing/service.py`]);
  const resolver = new SourcePathResolver(idx);
  const lenses = new FunctionLensIndex(resolver, { lookbackMs: HOUR });
  lenses.setStats(aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR }).locations);
  return { idx, lenses };
}

describe('FunctionLensIndex', () => {
  it('places a line recorded at a revision where the working tree has it, once that is known', () => {
    const commit = '1a2b3c4d5e6f';
    // No function name: only the line says which function. At the commit it was inside process (lines 2-15).
    const spans = Array.from({ length: 5 }, () => makeSpan({ attributes: { 'code.file.path': '/app/src/orders/service.py', 'code.line.number': 6, 'vcs.ref.head.revision': commit }, startMs: NOW - 1000 }));
    const resolver = new SourcePathResolver(new WorkspaceFileIndex([ROOT], [DOC]));
    const asked: [string, number, string][] = [];
    let known: number | undefined = undefined;
    const lenses = new FunctionLensIndex(resolver, { lookbackMs: HOUR, lineFor: (path, line, revision) => { asked.push([path, line, revision]); return known; } });
    lenses.setStats(aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR }).locations);
    assert.deepEqual(lenses.lensesFor(DOC, pySymbols).map((l) => l.line), [2], 'not known yet: the recorded line');
    assert.deepEqual(asked, [[DOC, 6, commit]]);
    // Lines were inserted above: recorded line 6 is line 20 now, inside refund.
    known = 20;
    lenses.setStats(aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR }).locations);
    assert.deepEqual(lenses.lensesFor(DOC, pySymbols).map((l) => l.line), [17]);
  });

  it('places code locations on functions and span names on their call sites', () => {
    const { lenses } = setup();
    const out = lenses.lensesFor(DOC, pySymbols, scanSpanNameCalls(pyText));
    assert.deepEqual(
      out.map((l) => [l.line, l.reason]),
      [[2, 'line'], [17, 'name-near-line'], [45, 'span-name']],
    );
    assert.match(out[0].text, /^p50 12 ms · p95 12 ms · p99 12 ms · last 1h · 300 calls · 1% errors$/);
    assert.match(out[1].text, /p50 3 ms .* 40 calls/);
    assert.match(out[2].text, /50 calls/);
    assert.match(out[2].text, /p99 needs ≥ 100 samples/, 'p99 of 50 values is not shown as a number');
  });

  it('places namespace-only Java locations by qualified name', () => {
    const { lenses } = setup();
    const out = lenses.lensesFor(JAVA_DOC, javaSymbols);
    assert.equal(out.length, 1);
    assert.equal(out[0].line, 5);
    assert.equal(out[0].reason, 'qualified-name');
    assert.equal(lenses.lensesFor(`${ROOT}/src/billing/service.py`, javaSymbols).length, 1, 'the container matches Svc, so the same class elsewhere fits too');
    assert.equal(lenses.lensesFor(`${ROOT}/src/billing/service.py`, pySymbols).length, 0);
  });

  it('serves repeated calls from cache and recomputes when symbols or statistics change', () => {
    const { lenses } = setup();
    const a = lenses.lensesFor(DOC, pySymbols);
    assert.equal(lenses.lensesFor(DOC, pySymbols), a);
    const moved = [sym('OrderService', SymbolKindValue.Class, 0, 40, [sym('process', SymbolKindValue.Method, 8, 15)])];
    const b = lenses.lensesFor(DOC, moved);
    assert.notEqual(b, a);
    assert.equal(b[0].line, 8);
    assert.equal(b[0].reason, 'name-near-line');
    const g = lenses.generation;
    lenses.setStats([]);
    assert.notEqual(lenses.generation, g);
    assert.deepEqual(lenses.lensesFor(DOC, pySymbols), []);
  });

  it('answers hovers for the innermost lens range', () => {
    const { lenses } = setup();
    const sites = scanSpanNameCalls(pyText);
    const h = lenses.hoverAt(DOC, 10, pySymbols, sites);
    assert.ok(h);
    assert.match(h.markdown, /OrderService\.process/);
    assert.deepEqual(h.range, { startLine: 2, endLine: 15 });
    assert.match(lenses.hoverAt(DOC, 45, pySymbols, sites)?.markdown ?? '', /process\\_payment|"process/);
    assert.equal(lenses.hoverAt(DOC, 35, pySymbols, sites), undefined);
  });

  it('explains mappings and lists unresolved locations', () => {
    const { lenses } = setup();
    lenses.lensesFor(DOC, pySymbols);
    const key = lenses.lensesFor(DOC, pySymbols)[0].locationKey;
    const text = lenses.explain(key);
    assert.match(text, /rule: suffix/);
    assert.match(text, /Function: line 5 is inside process/);
    const unresolved = lenses.unresolved();
    assert.equal(unresolved.length, 1);
    assert.equal(unresolved[0].stats.location.filePath, '/app/unknown/file.py');
  });

  it('explains a document: its lenses and same-named files that were not placed', () => {
    const { lenses } = setup();
    const text = lenses.explainDocument(`${ROOT}/src/billing/service.py`, pySymbols);
    assert.match(text, /^0 lenses from 6 locations with statistics\.$/m);
    assert.match(text, /OrderService\.process \(\/app\/src\/orders\/service\.py\): mapped to .*src\/orders\/service\.py by suffix/);
    const own = lenses.explainDocument(DOC, pySymbols);
    assert.match(own, /line 3: OrderService\.process \[line\]/);
  });

  it('follows workspace changes without new statistics', () => {
    const { idx, lenses } = setup();
    assert.equal(lenses.lensesFor(`${ROOT}/moved/orders/service.py`, pySymbols).length, 0);
    idx.rename(DOC, `${ROOT}/moved/orders/service.py`);
    assert.equal(lenses.lensesFor(`${ROOT}/moved/orders/service.py`, pySymbols).length, 2);
  });
});
