import assert from 'node:assert/strict';
import { GrammarLoader } from '../../../src/core/lint/grammarLoader';
import { languageForPath } from '../../../src/core/lint/languages';
import { TreeCache } from '../../../src/core/lint/treeCache';
import { outlineSource } from '../../../src/core/source/functionDeclarations';
import { parseFunctionName } from '../../../src/core/source/functionName';
import { candidateFiles, describeQualifiedResolution, functionsFitting, goModulePath, mentionsName, sourceFileOf, type GoModule, type QualifiedNameResolution } from '../../../src/core/source/qualifiedNameLocator';
import { SourcePathResolver } from '../../../src/core/source/pathMapping';
import { flattenFunctions } from '../../../src/core/source/symbolMatching';
import { WorkspaceFileIndex } from '../../../src/core/source/workspaceFileIndex';
import { FunctionLensIndex } from '../../../src/core/stats/functionLensIndex';
import { aggregateSpans } from '../../../src/core/stats/spanAggregator';
import { makeSpan } from '../stats/makeSpan';

const trees = new TreeCache(new GrammarLoader());
const ROOT = '/home/me/shop';

/** A small workspace: file path → text, the way the editor side reads it. */
const FILES: Record<string, string> = {
  [`${ROOT}/java/src/main/java/com/example/Shop.java`]: 'package com.example;\n\npublic class Shop {\n  @WithSpan\n  public int checkout(int cart) {\n    return cart;\n  }\n}\n',
  [`${ROOT}/java/src/main/java/com/other/Shop.java`]: 'package com.other;\n\npublic class Shop {\n  public int checkout(int cart) {\n    return 0;\n  }\n}\n',
  [`${ROOT}/java/src/main/java/com/example/Cart.java`]: 'package com.example;\n\npublic class Cart {\n  void checkout() {}\n}\n',
  [`${ROOT}/py/orders/service.py`]: 'class OrderService:\n    def create_order(self, order):\n        return order\n\n\ndef refund(order):\n    return None\n',
  [`${ROOT}/py/billing/service.py`]: 'class OrderService:\n    def create_order(self, order):\n        return 1\n',
  [`${ROOT}/go/go.mod`]: 'module github.com/acme/shop\n\ngo 1.22\n',
  [`${ROOT}/go/orders/server.go`]: 'package orders\n\ntype Server struct{}\n\nfunc (s *Server) Serve() error {\n\treturn nil\n}\n\nfunc Handle() {}\n',
  [`${ROOT}/go/legacy/orders/server.go`]: 'package orders\n\ntype Server struct{}\n\nfunc (s *Server) Serve() error {\n\treturn nil\n}\n',
  [`${ROOT}/cs/Services/OrderService.cs`]: 'namespace Shop.Orders;\n\npublic class OrderService\n{\n    [Obsolete("x")]\n    public async Task CheckoutAsync() { }\n}\n',
  [`${ROOT}/web/src/pricing.ts`]: 'export class PriceService {\n  async quote(sku: string) {\n    return 1;\n  }\n}\n',
  [`${ROOT}/web/src/other.ts`]: 'export function unrelated() {}\n',
};
const SOURCE_FILES = Object.keys(FILES).flatMap((p) => sourceFileOf(p) ?? []);
const GO_MODULES: GoModule[] = [{ dir: `${ROOT}/go`, path: goModulePath(FILES[`${ROOT}/go/go.mod`])! }];

/** What the editor side does: likely files first, every other file only when none of them has it. */
async function resolve(raw: string, namespace?: string): Promise<QualifiedNameResolution> {
  const parts = parseFunctionName(raw, namespace);
  const name = namespace !== undefined ? `${namespace}.${raw}` : raw;
  const { likely, broad } = candidateFiles(name, parts, SOURCE_FILES, GO_MODULES);
  const matches: QualifiedNameResolution['matches'] = [];
  let searched = 0;
  for (const files of [likely, broad]) {
    if (matches.length > 0) break;
    for (const file of files) {
      const text = FILES[file];
      if (!mentionsName(text, parts)) continue;
      searched++;
      const { symbols } = await outlineSource(trees, text, languageForPath(file)!);
      for (const fn of functionsFitting(parts, flattenFunctions(symbols), file, GO_MODULES)) matches.push({ path: file, line: fn.startLine, name: fn.name });
    }
  }
  return { matches, searched, truncated: false };
}

describe('qualifiedNameLocator: qualified names to workspace files', () => {
  it('reads the module path of a go.mod', () => {
    assert.equal(goModulePath('// comment\nmodule github.com/acme/shop\n\ngo 1.22\n'), 'github.com/acme/shop');
    assert.equal(goModulePath('module "example.com/quoted"\n'), 'example.com/quoted');
    assert.equal(goModulePath('go 1.22\n'), undefined);
  });

  it('Java: the class file in its package folders, not the same class name in another package', async () => {
    const r = await resolve('checkout', 'com.example.Shop');
    assert.deepEqual(r.matches.map((m) => [m.path.slice(ROOT.length), m.line]), [['/java/src/main/java/com/example/Shop.java', 3]]);
    const likely = candidateFiles('com.example.Shop.checkout', parseFunctionName('checkout', 'com.example.Shop'), SOURCE_FILES).likely;
    assert.deepEqual(likely.map((p) => p.slice(ROOT.length)), ['/java/src/main/java/com/example/Shop.java', '/java/src/main/java/com/other/Shop.java'], 'Cart.java is not read first');
  });

  it('Java agent default package (`code.namespace=Shop`): both Shop classes fit, so it is ambiguous', async () => {
    const r = await resolve('checkout', 'Shop');
    assert.equal(r.matches.length, 2);
    assert.match(describeQualifiedResolution('Shop.checkout', r), /declared in 2 workspace files: .*com\/example\/Shop\.java:4 .*com\/other\/Shop\.java:4 .*Ambiguous, so no lens/);
  });

  it('Python: a module path names the file, method or module function', async () => {
    const method = await resolve('orders.service.OrderService.create_order');
    assert.deepEqual(method.matches.map((m) => [m.path.slice(ROOT.length), m.line, m.name]), [['/py/orders/service.py', 1, 'create_order']]);
    const fn = await resolve('orders.service.refund');
    assert.deepEqual(fn.matches.map((m) => [m.path.slice(ROOT.length), m.line]), [['/py/orders/service.py', 5]]);
  });

  it('Go: the go.mod module path plus the package folder, with the receiver type', async () => {
    const r = await resolve('github.com/acme/shop/orders.(*Server).Serve');
    assert.deepEqual(r.matches.map((m) => [m.path.slice(ROOT.length), m.line, m.name]), [['/go/orders/server.go', 4, '(*Server).Serve']], 'legacy/orders is another package');
    const fn = await resolve('github.com/acme/shop/orders.Handle');
    assert.deepEqual(fn.matches.map((m) => m.path.slice(ROOT.length)), ['/go/orders/server.go']);
    const none = await resolve('github.com/acme/shop/orders.(*Server).Missing');
    assert.equal(none.matches.length, 0);
    assert.match(describeQualifiedResolution('github.com/acme/shop/orders.(*Server).Missing', none), /no workspace file declares/);
  });

  it('C#: the class file, its file-scoped namespace checked', async () => {
    const r = await resolve('CheckoutAsync', 'Shop.Orders.OrderService');
    assert.deepEqual(r.matches.map((m) => [m.path.slice(ROOT.length), m.line]), [['/cs/Services/OrderService.cs', 4]], 'the lens line is the attribute above the method');
    assert.equal((await resolve('CheckoutAsync', 'Other.OrderService')).matches.length, 0);
  });

  it('TypeScript: an exported class in a file of any name, found by the broad search', async () => {
    const parts = parseFunctionName('PriceService.quote');
    const { likely } = candidateFiles('PriceService.quote', parts, SOURCE_FILES);
    assert.deepEqual(likely, [], 'no file is named after the class');
    const r = await resolve('PriceService.quote');
    assert.deepEqual(r.matches.map((m) => [m.path.slice(ROOT.length), m.line]), [['/web/src/pricing.ts', 1]]);
    assert.equal(r.searched, 1, 'only the file that mentions the name is parsed');
  });
});

describe('FunctionLensIndex with the workspace search for qualified names', () => {
  const NOW = 1_763_726_400_000;
  const HOUR = 3_600_000;
  const shop = `${ROOT}/java/src/main/java/com/example/Shop.java`;
  const other = `${ROOT}/java/src/main/java/com/other/Shop.java`;

  async function setup() {
    const spans = [
      ...Array.from({ length: 4 }, () => makeSpan({ attributes: { 'code.namespace': 'com.example.Shop', 'code.function': 'checkout' }, startMs: NOW - 1000 })),
      ...Array.from({ length: 3 }, () => makeSpan({ attributes: { 'code.namespace': 'Shop', 'code.function': 'checkout' }, startMs: NOW - 1000 })),
    ];
    const lenses = new FunctionLensIndex(new SourcePathResolver(new WorkspaceFileIndex([ROOT], Object.keys(FILES))), { lookbackMs: HOUR });
    lenses.setStats(aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR }).locations);
    const names = lenses.qualifiedNamesToResolve();
    assert.deepEqual([...names.keys()].sort(), ['Shop.checkout', 'com.example.Shop.checkout']);
    const found = new Map<string, QualifiedNameResolution>();
    for (const [name, parts] of names) found.set(name, await resolve(parts.simple, name.slice(0, name.lastIndexOf('.'))));
    const symbols = async (path: string) => (await outlineSource(trees, FILES[path], 'java')).symbols;
    return { lenses, found, symbols };
  }

  it('places a name found in one file there, and an ambiguous one nowhere, saying why', async () => {
    const { lenses, found, symbols } = await setup();
    const otherSymbols = await symbols(other);
    // Before the search answers, open documents whose package agrees get the lens (the default-package name fits both).
    assert.deepEqual(lenses.lensesFor(other, otherSymbols).map((l) => l.text.match(/(\d+) calls/)![1]), ['3']);
    lenses.setQualifiedResolutions(found);
    const onShop = lenses.lensesFor(shop, await symbols(shop));
    assert.deepEqual(onShop.map((l) => [l.line, l.reason, l.text.match(/(\d+) calls/)![1]]), [[3, 'qualified-name', '4']], 'the lens sits on @WithSpan; the ambiguous name is not placed');
    assert.deepEqual(lenses.lensesFor(other, otherSymbols), [], 'com.other.Shop gets neither');
    const key = onShop[0].locationKey;
    assert.match(lenses.explain(key), /found it in .*com\/example\/Shop\.java:4 \(checkout\)/);
    assert.match(lenses.explain(key), /Function: checkout matches the qualified name com\.example\.Shop\.checkout/);
    const ambiguous = [...lenses.qualifiedNamesToResolve().keys()].find((n) => n === 'Shop.checkout');
    assert.ok(ambiguous);
    assert.match(lenses.explainDocument(other, otherSymbols), /Shop\.checkout: the qualified name Shop\.checkout is declared here and in 1 other workspace file .*ambiguous, so no lens/);
  });
});
