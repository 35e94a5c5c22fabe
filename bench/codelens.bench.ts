/*
 * Editor-path budgets (docs/performance.md): `provideCodeLenses` on a 2,000-line file from
 * cache ≤ 5 ms p95; hover ≤ 20 ms; no I/O on either path.
 * Run alone: npx tsx bench/run.ts codelens
 */
import type { Span } from '../src/core/model/trace';
import { SourcePathResolver } from '../src/core/source/pathMapping';
import { scanSpanNameCalls } from '../src/core/source/spanNameScanner';
import { SymbolKindValue } from '../src/core/source/symbolMatching';
import type { SymbolNode } from '../src/core/source/symbolMatching';
import { WorkspaceFileIndex } from '../src/core/source/workspaceFileIndex';
import { FunctionLensIndex } from '../src/core/stats/functionLensIndex';
import { aggregateSpans } from '../src/core/stats/spanAggregator';
import type { BenchRow } from './benchRow';

const ROOT = '/home/dev/shop';
const DOC = `${ROOT}/src/orders/service.py`;
const LOOKBACK_MS = 3_600_000;

/** A 2,000-line Python module: 20 classes × 10 methods of 10 lines; every fourth method opens a literal-named span. */
export function generateDocument(): { text: string; symbols: SymbolNode[]; methods: Array<{ cls: string; name: string; line: number }> } {
  const lines: string[] = [];
  const symbols: SymbolNode[] = [];
  const methods: Array<{ cls: string; name: string; line: number }> = [];
  for (let c = 0; c < 20; c++) {
    const cls = `Service${c}`;
    const classStart = lines.length;
    lines.push(`class ${cls}:`);
    const children: SymbolNode[] = [];
    for (let m = 0; m < 10; m++) {
      const name = `handle_${c}_${m}`;
      const start = lines.length;
      lines.push(`    def ${name}(self, order):`);
      lines.push(m % 4 === 0 ? `        with tracer.start_as_current_span("op ${c}.${m}"):` : '        total = 0');
      for (let k = 0; k < 7; k++) lines.push(`            total += order.items[${k}].price * ${k + 1}`);
      lines.push('        return total');
      children.push({ name, kind: SymbolKindValue.Method, range: { startLine: start, endLine: lines.length - 1 }, selectionLine: start, children: [] });
      methods.push({ cls, name, line: start });
    }
    symbols.push({ name: cls, kind: SymbolKindValue.Class, range: { startLine: classStart, endLine: lines.length - 1 }, selectionLine: classStart, children });
  }
  return { text: lines.join('\n'), symbols, methods };
}

function cloneSymbols(s: readonly SymbolNode[]): SymbolNode[] {
  return s.map((n) => ({ ...n, range: { ...n.range }, children: n.children ? cloneSymbols(n.children) : [] }));
}

export function makeSpans(methods: Array<{ cls: string; name: string; line: number }>, nowMs: number): Span[] {
  const spans: Span[] = [];
  const resource = { serviceName: 'orders', attributes: {} };
  const baseNs = BigInt(nowMs - 1_800_000) * 1_000_000n;
  let n = 0;
  const push = (attributes: Span['attributes'], name: string, durNs: number) => {
    const start = baseNs + BigInt(n * 1000);
    spans.push({
      traceId: (n + 1).toString(16).padStart(32, '0'),
      spanId: (n + 1).toString(16).padStart(16, '0'),
      name,
      kind: 'internal',
      startTimeUnixNano: start,
      endTimeUnixNano: start + BigInt(durNs),
      attributes,
      events: [],
      links: [],
      status: n % 50 === 0 ? { code: 'error', message: 'declined' } : { code: 'unset' },
      resource,
      scope: { name: 'bench' },
    });
    n++;
  };
  // ~200 functions of this document (from a container path) and 1,800 elsewhere.
  for (const m of methods) for (let i = 0; i < 20; i++) push({ 'code.file.path': '/app/src/orders/service.py', 'code.function.name': `orders.service.${m.cls}.${m.name}`, 'code.line.number': m.line + 3 }, 'x', 1e6 + i * 1e5);
  for (const [i, m] of methods.entries()) if (i % 4 === 0) for (let k = 0; k < 10; k++) push({}, `op ${m.cls.slice(7)}.${i % 10}`, 2e6 + k * 1e5);
  for (let f = 0; f < 1800; f++) for (let i = 0; i < 5; i++) push({ 'code.file.path': `/app/src/pkg${f % 50}/mod${f}.py`, 'code.function.name': `pkg.mod${f}.fn${f}` }, 'y', 5e5 + i * 1e4);
  return spans;
}

function p95(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.95 * (s.length - 1)))];
}

export async function run(): Promise<BenchRow[]> {
  const nowMs = Date.UTC(2026, 10, 21, 12);
  const { text, symbols, methods } = generateDocument();
  const index = new WorkspaceFileIndex([ROOT]);
  for (let f = 0; f < 1800; f++) index.add(`${ROOT}/src/pkg${f % 50}/mod${f}.py`);
  for (let f = 0; f < 3000; f++) index.add(`${ROOT}/lib/vendor${f % 40}/file${f}.ts`);
  index.add(DOC);
  const resolver = new SourcePathResolver(index, [{ from: '/app', to: ROOT }]);
  const lensIndex = new FunctionLensIndex(resolver, { lookbackMs: LOOKBACK_MS });
  const snapshot = aggregateSpans(makeSpans(methods, nowMs), { nowMs, lookbackMs: LOOKBACK_MS });
  let t0 = performance.now();
  lensIndex.setStats(snapshot.locations);
  const sites = scanSpanNameCalls(text);
  const first = lensIndex.lensesFor(DOC, symbols, sites);
  const refreshMs = performance.now() - t0;

  t0 = performance.now();
  for (let i = 0; i < 20; i++) scanSpanNameCalls(text);
  const scanMs = (performance.now() - t0) / 20;

  // The extension host runs these paths many times: measure after the JIT has seen them (30 calls).
  for (let i = 0; i < 30; i++) {
    const syms = cloneSymbols(symbols);
    lensIndex.lensesFor(DOC, syms, sites);
    lensIndex.hoverAt(DOC, methods[(i * 7) % methods.length].line + 1, cloneSymbols(symbols), sites);
  }
  // Fresh symbol arrays each call (as executeDocumentSymbolProvider returns), statistics from memory.
  const provide: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < 300; i++) {
    const syms = cloneSymbols(symbols);
    let t = performance.now();
    const lenses = lensIndex.lensesFor(DOC, syms, sites);
    provide.push(performance.now() - t);
    t = performance.now();
    lensIndex.lensesFor(DOC, syms, sites);
    cached.push(performance.now() - t);
    if (lenses.length !== first.length) throw new Error('lens count changed between calls');
  }
  // Each hover on a different function, first time (markdown built) with fresh symbols.
  const hover: number[] = [];
  for (let i = 0; i < 200; i++) {
    const syms = cloneSymbols(symbols);
    const m = methods[i % methods.length];
    const t = performance.now();
    const h = lensIndex.hoverAt(DOC, m.line + 5, syms, sites);
    hover.push(performance.now() - t);
    if (!h) throw new Error(`no hover for ${m.name}`);
  }
  const provideP95 = p95(provide);
  const hoverP95 = p95(hover);
  return [
    {
      name: 'codelens provide (2,000-line file, 200 functions)',
      value: Number(provideP95.toFixed(3)),
      unit: 'ms p95',
      budget: '≤ 5 ms',
      ok: provideP95 <= 5,
      note: `${first.length} lenses; fresh symbol tree per call; same tree again ${p95(cached).toFixed(4)} ms p95; span-name scan of the text ${scanMs.toFixed(2)} ms (cache per document version); stats refresh + first provide ${refreshMs.toFixed(1)} ms for ${snapshot.locations.length} locations`,
    },
    {
      name: 'hover (2,000-line file)',
      value: Number(hoverP95.toFixed(3)),
      unit: 'ms p95',
      budget: '≤ 20 ms',
      ok: hoverP95 <= 20,
      note: 'each hover on a function not hovered before, with a fresh symbol tree',
    },
  ];
}
