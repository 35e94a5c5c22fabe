import assert from 'node:assert/strict';
import { GrammarLoader } from '../../../src/core/lint/grammarLoader';
import type { LanguageId } from '../../../src/core/lint/languages';
import { TreeCache } from '../../../src/core/lint/treeCache';
import { outlineSource, type FunctionDeclaration } from '../../../src/core/source/functionDeclarations';
import { SourcePathResolver } from '../../../src/core/source/pathMapping';
import { flattenFunctions } from '../../../src/core/source/symbolMatching';
import { WorkspaceFileIndex } from '../../../src/core/source/workspaceFileIndex';
import { FunctionLensIndex } from '../../../src/core/stats/functionLensIndex';
import { aggregateSpans } from '../../../src/core/stats/spanAggregator';
import { makeSpan } from '../stats/makeSpan';

const trees = new TreeCache(new GrammarLoader());

/** 0-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `"${needle}" is in the snippet`);
  return i;
}

function find(decls: FunctionDeclaration[], name: string): FunctionDeclaration {
  const d = decls.find((x) => x.name === name);
  assert.ok(d, `${name} among ${decls.map((x) => x.name).join(', ')}`);
  return d;
}

async function outline(language: LanguageId, text: string) {
  return outlineSource(trees, text, language);
}

const JAVA = `package com.example.shop;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;

/**
 * Checkout service.
 */
public class Shop {
  private final Inventory inventory;

  public Shop(Inventory inventory) {
    this.inventory = inventory;
  }

  @WithSpan
  @Deprecated(since = "2.0")
  public Receipt checkout(@SpanAttribute("cart") Cart cart)
      throws OutOfStockException {
    cart.items().forEach(item -> inventory.reserve(item));
    return new Receipt(cart);
  }

  static final class Pricing {
    @WithSpan("price")
    long price(Cart cart) { return 0L; }
  }

  interface Listener { void onCheckout(Receipt r); }
}
`;

const PYTHON = `import functools
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class OrderService:
    def __init__(self, repo):
        self.repo = repo

    @functools.lru_cache(maxsize=None)
    @tracer.start_as_current_span("create_order")
    def create_order(self, order: dict) -> dict:
        def validate(o):
            return bool(o)
        return self.repo.save(order)

    async def fetch(self, order_id):
        with tracer.start_as_current_span("fetch order"):
            return await self.repo.get(order_id)


def process_job(job):
    with tracer.start_as_current_span("process job"):
        return job * 2
`;

const GO = `package orders

import (
	"context"

	"go.opentelemetry.io/otel"
)

type Server[T any] struct{ items []T }

// Serve handles one request.
func (s *Server[T]) Serve(ctx context.Context) error {
	ctx, span := otel.Tracer("orders").Start(ctx, "serve")
	defer span.End()
	handle := func() {}
	handle()
	return nil
}

func (s Server[T]) Len() int { return len(s.items) }

func Process(ctx context.Context, id string) error {
	return nil
}
`;

const CSHARP = `using System.Diagnostics;

namespace Shop.Orders;

public sealed class OrderService : IOrderService
{
    private static readonly ActivitySource Source = new("Shop.Orders");

    public OrderService(IRepository repo) { _repo = repo; }

    [HttpPost("checkout")]
    [Authorize]
    public async Task<Receipt> CheckoutAsync(
        Cart cart,
        CancellationToken ct)
    {
        using var activity = Source.StartActivity("checkout");
        static decimal Total(Cart c) => c.Items.Sum(i => i.Price);
        return await _repo.SaveAsync(cart, Total(cart), ct);
    }

    public decimal Total => 0m;
}
`;

const TYPESCRIPT = `import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('shop');

export class Shop {
  constructor(private readonly repo: Repo) {}

  @Traced()
  @Retry({ times: 3 })
  async checkout(cart: Cart): Promise<Receipt> {
    return tracer.startActiveSpan('checkout', async (span) => {
      try {
        return await this.repo.save(cart);
      } finally {
        span.end();
      }
    });
  }

  onEvent = (e: ShopEvent): void => {
    this.repo.log(e);
  };
}

export const priceItems = async (items: Item[]): Promise<number> =>
  items.reduce((sum, i) => sum + i.price, 0);

export function shipOrder(order: Order) {
  return order.id;
}

app.get('/health', (_req, res) => res.send('ok'));
`;

const JAVASCRIPT = `'use strict';
const express = require('express');

class Cart {
  add(item) { this.items.push(item); }
}

function handler(req, res) {
  res.send('ok');
}

module.exports.checkout = async function (cart) {
  return cart;
};

const api = {
  list() { return []; },
  get: (id) => id,
};
`;

describe('functionDeclarations: functions from the bundled grammars', function () {
  this.timeout(30_000);

  it('Java: package and class qualify methods; the lens line is the first annotation, the name line the signature', async () => {
    const { declarations, symbols } = await outline('java', JAVA);
    const checkout = find(declarations, 'checkout');
    assert.equal(checkout.kind, 'method');
    assert.deepEqual(checkout.namespace, ['com', 'example', 'shop']);
    assert.deepEqual(checkout.containers, ['Shop']);
    assert.deepEqual(checkout.signature, { startLine: lineOf(JAVA, '@WithSpan'), endLine: lineOf(JAVA, 'throws OutOfStockException') });
    assert.equal(checkout.nameLine, lineOf(JAVA, 'public Receipt checkout'));
    assert.deepEqual(checkout.body, { startLine: lineOf(JAVA, 'throws OutOfStockException'), endLine: lineOf(JAVA, 'return new Receipt') + 1 });
    assert.equal(find(declarations, 'Shop').kind, 'constructor');
    assert.deepEqual(find(declarations, 'price').containers, ['Shop', 'Pricing']);
    assert.equal(find(declarations, 'price').signature.startLine, lineOf(JAVA, '@WithSpan("price")'));
    assert.equal(find(declarations, 'onCheckout').body, undefined, 'an interface method has no body');
    // The lambda in checkout is no declaration of its own.
    assert.deepEqual(declarations.map((d) => d.name), ['Shop', 'checkout', 'price', 'onCheckout']);
    // As symbols, the package is a qualifier of the class's methods.
    const fn = flattenFunctions(symbols).find((f) => f.simple === 'checkout');
    assert.equal(fn?.container, 'Shop');
    assert.deepEqual(fn?.scope, ['com', 'example', 'shop', 'Shop']);
    assert.equal(fn?.startLine, lineOf(JAVA, '@WithSpan'));
  });

  it('Python: decorators start the declaration; the lens goes above them, not on the `with tracer` line', async () => {
    const { declarations, symbols } = await outline('python', PYTHON);
    const create = find(declarations, 'create_order');
    assert.deepEqual(create.containers, ['OrderService']);
    assert.equal(create.kind, 'method');
    assert.deepEqual(create.signature, { startLine: lineOf(PYTHON, '@functools.lru_cache'), endLine: lineOf(PYTHON, 'def create_order') });
    assert.equal(create.nameLine, lineOf(PYTHON, 'def create_order'));
    assert.deepEqual(create.body, { startLine: lineOf(PYTHON, 'def validate'), endLine: lineOf(PYTHON, 'return self.repo.save') });
    assert.equal(find(declarations, '__init__').kind, 'constructor');
    const validate = find(declarations, 'validate');
    assert.deepEqual(validate.containers, ['OrderService', 'create_order']);
    assert.equal(validate.kind, 'function');
    const job = find(declarations, 'process_job');
    assert.deepEqual(job.containers, []);
    assert.equal(job.signature.startLine, lineOf(PYTHON, 'def process_job'));
    assert.equal(find(declarations, 'fetch').signature.startLine, lineOf(PYTHON, 'async def fetch'));
    const fns = flattenFunctions(symbols);
    assert.equal(fns.find((f) => f.simple === 'validate')?.container, 'create_order');
  });

  it('Go: the package qualifies functions; methods carry their receiver type, generic or pointer', async () => {
    const { declarations, symbols } = await outline('go', GO);
    const serve = find(declarations, 'Serve');
    assert.deepEqual(serve.namespace, ['orders']);
    assert.deepEqual(serve.containers, ['Server']);
    assert.equal(serve.kind, 'method');
    assert.equal(serve.signature.startLine, lineOf(GO, 'func (s *Server[T]) Serve'), 'the doc comment is not the declaration');
    assert.deepEqual(find(declarations, 'Len').containers, ['Server']);
    const process = find(declarations, 'Process');
    assert.equal(process.kind, 'function');
    assert.deepEqual(process.containers, []);
    assert.equal(declarations.length, 3, 'the func literal is no declaration');
    const fns = flattenFunctions(symbols);
    assert.deepEqual(fns.map((f) => [f.name, f.container, f.scope.join('.')]), [
      ['(*Server).Serve', 'Server', 'orders.Server'],
      ['(Server).Len', 'Server', 'orders.Server'],
      ['Process', undefined, 'orders'],
    ]);
  });

  it('C#: file-scoped namespace, attributes above a multi-line signature, local functions', async () => {
    const { declarations } = await outline('csharp', CSHARP);
    const checkout = find(declarations, 'CheckoutAsync');
    assert.deepEqual(checkout.namespace, ['Shop', 'Orders']);
    assert.deepEqual(checkout.containers, ['OrderService']);
    assert.deepEqual(checkout.signature, { startLine: lineOf(CSHARP, '[HttpPost("checkout")]'), endLine: lineOf(CSHARP, 'CancellationToken ct)') });
    assert.equal(checkout.nameLine, lineOf(CSHARP, 'CheckoutAsync('));
    assert.equal(checkout.body?.startLine, lineOf(CSHARP, 'CancellationToken ct)') + 1);
    assert.equal(find(declarations, 'OrderService').kind, 'constructor');
    assert.deepEqual(find(declarations, 'Total').containers, ['OrderService', 'CheckoutAsync']);
    assert.equal(declarations.filter((d) => d.name === 'Total').length, 1, 'the Total property is no function');
  });

  it('TypeScript: decorators of members, constructors, arrow functions in fields and exported constants', async () => {
    const { declarations } = await outline('typescript', TYPESCRIPT);
    const checkout = find(declarations, 'checkout');
    assert.deepEqual(checkout.containers, ['Shop']);
    assert.deepEqual(checkout.signature, { startLine: lineOf(TYPESCRIPT, '@Traced()'), endLine: lineOf(TYPESCRIPT, 'async checkout(') });
    assert.equal(checkout.nameLine, lineOf(TYPESCRIPT, 'async checkout('));
    assert.equal(find(declarations, 'constructor').kind, 'constructor');
    assert.deepEqual(find(declarations, 'onEvent').containers, ['Shop']);
    const price = find(declarations, 'priceItems');
    assert.equal(price.signature.startLine, lineOf(TYPESCRIPT, 'export const priceItems'));
    assert.equal(price.body?.endLine, lineOf(TYPESCRIPT, 'items.reduce'));
    assert.equal(find(declarations, 'shipOrder').kind, 'function');
    // Callbacks passed to calls have no name of their own.
    assert.deepEqual(declarations.map((d) => d.name), ['constructor', 'checkout', 'onEvent', 'priceItems', 'shipOrder']);
  });

  it('JavaScript: classes, functions, CommonJS exports and object-literal methods', async () => {
    const { declarations } = await outline('javascript', JAVASCRIPT);
    assert.deepEqual(declarations.map((d) => [d.name, d.kind, d.containers.join('.')]), [
      ['add', 'method', 'Cart'],
      ['handler', 'function', ''],
      ['checkout', 'function', ''],
      ['list', 'function', ''],
      ['get', 'function', ''],
    ]);
    assert.equal(find(declarations, 'checkout').signature.startLine, lineOf(JAVASCRIPT, 'module.exports.checkout'));
  });

  it('re-parses an edited document incrementally from the cached tree and sees the edit', async () => {
    const key = 'file:///shop/Shop.java';
    const before = await outlineSource(trees, JAVA, 'java', key);
    const edited = JAVA.replace('  @WithSpan\n  @Deprecated', '  @WithSpan\n  public void audit() {}\n\n  @Deprecated');
    const after = await outlineSource(trees, edited, 'java', key);
    assert.equal(before.declarations.length + 1, after.declarations.length);
    assert.equal(find(after.declarations, 'checkout').signature.startLine, lineOf(edited, '@Deprecated'));
    assert.equal(find(after.declarations, 'audit').signature.startLine, lineOf(edited, '@WithSpan'));
    trees.forget(key);
  });
});

describe('functionDeclarations: lenses from qualified names without a file path', function () {
  this.timeout(30_000);
  const NOW = 1_763_726_400_000;
  const HOUR = 3_600_000;
  const ROOT = '/home/me/shop';

  function index(spans: ReturnType<typeof makeSpan>[], files: string[]): FunctionLensIndex {
    const lenses = new FunctionLensIndex(new SourcePathResolver(new WorkspaceFileIndex([ROOT], files)), { lookbackMs: HOUR });
    lenses.setStats(aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR }).locations);
    return lenses;
  }

  it('the Java agent\'s code.namespace=Shop + code.function=checkout lands above @WithSpan in Shop.java', async () => {
    const text = JAVA.replace('package com.example.shop;\n', '');
    const doc = `${ROOT}/src/Shop.java`;
    const spans = Array.from({ length: 5 }, () => makeSpan({ name: 'Shop.checkout', attributes: { 'code.namespace': 'Shop', 'code.function': 'checkout' }, startMs: NOW - 1000, durationNs: 4e6 }));
    const lenses = index(spans, [doc]);
    const { symbols } = await outline('java', text);
    const out = lenses.lensesFor(doc, symbols);
    assert.deepEqual(out.map((l) => [l.line, l.nameLine, l.reason]), [[lineOf(text, '@WithSpan'), lineOf(text, 'public Receipt checkout'), 'qualified-name']]);
    const hover = lenses.hoverAt(doc, lineOf(text, 'public Receipt checkout'), symbols);
    assert.match(hover?.markdown ?? '', /5/);
    assert.match(lenses.explainDocument(doc, symbols), /checkout matches the qualified name Shop\.checkout/);
    const key = out[0].locationKey;
    assert.match(lenses.explain(key), /matched by qualified function name in \/home\/me\/shop\/src\/Shop\.java/);
    // The same class name in a second open document: both show the lens, and Explain says it is ambiguous.
    const other = `${ROOT}/legacy/Shop.java`;
    assert.equal(lenses.lensesFor(other, symbols).length, 1);
    assert.match(lenses.explain(key), /fits functions in 2 open documents .*ambiguous/);
  });

  it('a declared package must agree with the reported one; a package-less report fits any', async () => {
    const doc = `${ROOT}/src/main/java/com/example/shop/Shop.java`;
    const { symbols } = await outline('java', JAVA);
    const span = (ns: string) => makeSpan({ attributes: { 'code.namespace': ns, 'code.function': 'checkout' }, startMs: NOW - 1000 });
    assert.equal(index([span('com.example.shop.Shop')], [doc]).lensesFor(doc, symbols).length, 1);
    assert.equal(index([span('Shop')], [doc]).lensesFor(doc, symbols).length, 1);
    assert.equal(index([span('com.other.Shop')], [doc]).lensesFor(doc, symbols).length, 0, 'another package\'s Shop is not this one');
    assert.equal(index([span('com.example.shop.Cart')], [doc]).lensesFor(doc, symbols).length, 0);
  });

  it('Python: a span started on the `with tracer` line gives the lens above the decorators of its def', async () => {
    const doc = `${ROOT}/orders/service.py`;
    const spans = [
      makeSpan({ attributes: { 'code.filepath': '/app/orders/service.py', 'code.function': 'fetch', 'code.lineno': lineOf(PYTHON, 'fetch order') + 1 }, startMs: NOW - 1000 }),
      makeSpan({ attributes: { 'code.function.name': 'orders.service.OrderService.create_order' }, startMs: NOW - 1000 }),
    ];
    const { symbols } = await outline('python', PYTHON);
    const out = index(spans, [doc]).lensesFor(doc, symbols);
    assert.deepEqual(out.map((l) => [l.line, l.reason]), [[lineOf(PYTHON, '@functools.lru_cache'), 'qualified-name'], [lineOf(PYTHON, 'async def fetch'), 'line']]);
  });

  it('Go and C#: fully qualified names of the SDKs', async () => {
    const goDoc = `${ROOT}/internal/orders/server.go`;
    const csDoc = `${ROOT}/src/Orders/OrderService.cs`;
    const spans = [
      makeSpan({ attributes: { 'code.function.name': 'github.com/acme/shop/internal/orders.(*Server).Serve' }, startMs: NOW - 1000 }),
      makeSpan({ attributes: { 'code.namespace': 'Shop.Orders.OrderService', 'code.function': 'CheckoutAsync' }, startMs: NOW - 1000 }),
    ];
    const lenses = index(spans, [goDoc, csDoc]);
    const go = lenses.lensesFor(goDoc, (await outline('go', GO)).symbols);
    assert.deepEqual(go.map((l) => l.line), [lineOf(GO, 'func (s *Server[T]) Serve')]);
    const cs = lenses.lensesFor(csDoc, (await outline('csharp', CSHARP)).symbols);
    assert.deepEqual(cs.map((l) => [l.line, l.nameLine]), [[lineOf(CSHARP, '[HttpPost'), lineOf(CSHARP, 'CheckoutAsync(')]]);
  });
});
