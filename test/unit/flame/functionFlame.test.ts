import assert from 'node:assert/strict';
import { functionFlameSteps } from '../../../src/core/flame/functionFlame';
import { functionFlameTree } from '../../../src/core/flame/functionFlameTypes';
import { layoutFlame } from '../../../src/core/flame/flameLayout';
import { extractCodeLocation, locationKeyString } from '../../../src/core/source/codeLocation';
import { runSync } from '../../../src/core/timeSlicing';
import { span, trace } from '../waterfall/traceBuilder';

const CODE = { 'code.file.path': '/srv/app/src/checkout/order.ts', 'code.line.number': 87, 'code.function.name': 'placeOrder' };
const CHARGE = { 'code.file.path': '/srv/app/src/payment/charge.ts', 'code.line.number': 12, 'code.function.name': 'chargeCard' };

/** A request calling placeOrder once: it loads the cart, then charges the card (which makes `queries` SELECTs). */
function request(id: string, queries: number, chargeError = false) {
  const spans = [
    span(`${id}root`, undefined, 0, 200, { service: 'frontend', name: 'GET /checkout' }),
    span(`${id}place`, `${id}root`, 10, 110, { service: 'checkout', name: 'placeOrder', attributes: CODE }),
    span(`${id}cart`, `${id}place`, 12, 30, { service: 'cart', name: 'GET /cart' }),
    span(`${id}charge`, `${id}place`, 40, 100, { service: 'payment', name: 'charge', attributes: CHARGE, error: chargeError }),
  ];
  for (let q = 0; q < queries; q++) spans.push(span(`${id}q${q}`, `${id}charge`, 41 + q * 10, 46 + q * 10, { service: 'db', name: 'SELECT payments' }));
  return trace(spans);
}

describe('where time goes under a function', () => {
  const key = locationKeyString(extractCodeLocation(request('a', 0).spans[1]));

  it('merges the subtrees of every call by service and code location, with total, self, calls and errors', () => {
    const f = runSync(functionFlameSteps([request('a', 2), request('b', 4, true), trace([span('x', undefined, 0, 5, { service: 'other' })])], key, 'placeOrder'));
    assert.equal(f.tracesRead, 3);
    assert.equal(f.tracesWithCalls, 2);
    // Pre-order, children by total time: placeOrder, chargeCard, SELECT payments, GET /cart.
    assert.deepEqual(f.labels, ['placeOrder', 'chargeCard', 'SELECT payments', 'GET /cart']);
    assert.deepEqual(f.depth, [0, 1, 2, 1]);
    assert.deepEqual(f.parent, [-1, 0, 1, 0]);
    assert.deepEqual(f.subtreeSize, [4, 2, 1, 1]);
    assert.deepEqual(f.calls, [2, 2, 6, 2]);
    assert.deepEqual(f.errors, [0, 1, 0, 0]);
    const ms = (ns: number) => Math.round(ns / 1e6);
    assert.deepEqual(f.totalNs.map(ms), [200, 120, 30, 36]);
    // placeOrder: 100 ms each, children cover 18 + 60; chargeCard: 60 ms each, minus 2×5 and 4×5 ms of queries.
    assert.deepEqual(f.selfNs.map(ms), [44, 90, 30, 36]);
    assert.deepEqual(f.locations[0], { file: CODE['code.file.path'], line: 87, column: undefined, function: 'placeOrder' });
    assert.equal(f.locations[1]?.file, CHARGE['code.file.path']);
    assert.equal(f.locations[2], null);
    assert.deepEqual(f.services.map((s) => s), ['cart', 'checkout', 'db', 'payment']);
    assert.equal(f.services[f.service[2]], 'db');
    // The layout takes it as it is.
    const layout = layoutFlame(functionFlameTree(f));
    assert.equal(layout.width[0], 1);
    assert.ok(Math.abs(layout.width[1] - 0.6) < 1e-9);
  });

  it('counts a recursive call inside the outer one, not twice', () => {
    const t = trace([
      span('outer', undefined, 0, 100, { service: 'checkout', attributes: CODE }),
      span('inner', 'outer', 10, 60, { service: 'checkout', attributes: CODE }),
    ]);
    const f = runSync(functionFlameSteps([t], key, 'placeOrder'));
    assert.deepEqual(f.calls, [1, 1]);
    assert.equal(f.totalNs[0], 100e6);
    assert.equal(f.labels[1], 'placeOrder');
  });

  it('finds nothing in traces without the function', () => {
    const f = runSync(functionFlameSteps([request('a', 1)], 'code\u0000/nowhere.ts\u0000nothing', 'nothing'));
    assert.equal(f.tracesWithCalls, 0);
    assert.deepEqual(f.calls, [0]);
  });
});
