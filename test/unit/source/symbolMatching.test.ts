import assert from 'node:assert/strict';
import { flattenFunctions, matchFunction, SymbolKindValue } from '../../../src/core/source/symbolMatching';
import type { SymbolNode } from '../../../src/core/source/symbolMatching';

function sym(name: string, kind: number, start: number, end: number, children: SymbolNode[] = []): SymbolNode {
  return { name, kind, range: { startLine: start, endLine: end }, selectionLine: start, children };
}

const { Class, Method, Function: Fn, Variable, Constructor } = SymbolKindValue;

// 0-based lines, as VS Code's symbols.
const tree: SymbolNode[] = [
  sym('OrderService', Class, 0, 60, [
    sym('__init__', Method, 1, 4),
    sym('process', Method, 6, 20, [sym('inner', Fn, 10, 12)]),
    sym('refund', Method, 22, 40),
  ]),
  sym('BillingService', Class, 62, 90, [sym('process', Method, 63, 80)]),
  sym('helper', Fn, 92, 99),
  sym('handler', Variable, 101, 110),
];

describe('function matching', () => {
  const fns = flattenFunctions(tree);

  it('flattens function-like symbols with their containers', () => {
    assert.deepEqual(
      fns.map((f) => `${f.container ?? ''}.${f.simple}`),
      ['OrderService.__init__', 'OrderService.process', 'process.inner', 'OrderService.refund', 'BillingService.process', '.helper', '.handler'],
    );
  });

  it('matches by line to the innermost function', () => {
    assert.equal(matchFunction(fns, { lineNumber: 12 })?.fn.simple, 'inner');
    const m = matchFunction(fns, { lineNumber: 8, functionName: 'orders.service.OrderService.process' });
    assert.equal(m?.fn.simple, 'process');
    assert.equal(m?.reason, 'line');
  });

  it('prefers the reported name when local edits moved the line into another function', () => {
    const m = matchFunction(fns, { lineNumber: 25, functionName: 'orders.service.OrderService.process' });
    assert.equal(m?.fn.simple, 'process');
    assert.equal(m?.fn.container, 'OrderService');
    assert.equal(m?.reason, 'name-near-line');
  });

  it('uses the container to choose between same-named methods', () => {
    assert.equal(matchFunction(fns, { functionName: 'billing.BillingService.process' })?.fn.startLine, 63);
    assert.equal(matchFunction(fns, { functionName: 'com.x.OrderService.process' })?.fn.startLine, 6);
  });

  it('matches Go, Java and JS spellings by name', () => {
    const go = flattenFunctions([sym('(*Server).Serve', Method, 3, 9), sym('main', Fn, 11, 20)]);
    assert.equal(matchFunction(go, { functionName: 'github.com/my/repo/pkg.(*Server).Serve' })?.fn.name, '(*Server).Serve');
    assert.equal(matchFunction(go, { functionName: 'main.main' })?.fn.name, 'main');
    const java = flattenFunctions([sym('Svc', Class, 0, 30, [sym('Svc(Repo)', Constructor, 2, 5), sym('serve(String)', Method, 7, 20)])]);
    assert.equal(matchFunction(java, { functionName: 'com.example.Svc.serve' })?.fn.name, 'serve(String)');
    assert.equal(matchFunction(java, { functionName: 'com.example.Svc.<init>' })?.fn.name, 'Svc(Repo)');
    assert.equal(matchFunction(fns, { functionName: 'handler' })?.fn.name, 'handler');
  });

  it('keeps the line when no function has the reported name, and says so', () => {
    const m = matchFunction(fns, { lineNumber: 95, functionName: 'renamed_helper' });
    assert.equal(m?.fn.simple, 'helper');
    assert.equal(m?.reason, 'line-name-mismatch');
  });

  it('returns nothing when neither line nor name fit', () => {
    assert.equal(matchFunction(fns, { lineNumber: 500, functionName: 'nowhere' }), undefined);
    assert.equal(matchFunction(fns, {}), undefined);
  });

  it('tolerates malformed symbol trees', () => {
    const bad = [{ name: 42, kind: Method } as unknown as SymbolNode, sym('ok', Fn, 0, 3)];
    assert.deepEqual(flattenFunctions(bad).map((f) => f.simple), ['ok']);
  });
});
