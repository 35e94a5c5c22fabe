import assert from 'node:assert/strict';
import type { LocationStats } from '../../../src/core/stats/latencyStats';
import { functionsByLatency } from '../../../src/core/views/functionsByLatency';

const MS = 1_000_000;

function stats(key: string, service: string, functionName: string | undefined, count: number, p95Ms: number | undefined, errors = 0, extra: Partial<LocationStats['location']> = {}): LocationStats {
  return {
    keyString: key,
    location: { functionName, filePath: '/app/src/orders.js', lineNumber: 10, source: 'code', ...extra } as LocationStats['location'],
    source: 'code',
    basis: {} as LocationStats['basis'],
    window: { startMs: 0, endMs: 1 },
    current: { count, errorCount: errors, errorRate: count ? errors / count : 0, p95Ns: p95Ms === undefined ? undefined : p95Ms * MS, approximate: false },
    slowest: [],
    services: [service],
    lowConfidence: false,
  } as LocationStats;
}

describe('the Functions view: services and their functions, slowest p95 first', () => {
  it('orders functions by p95, those without one last (busiest first), and services by their slowest', () => {
    const groups = functionsByLatency([
      stats('a', 'orders', 'validateOrder', 40, 11),
      stats('b', 'orders', 'processPayment', 30, 250, 3),
      stats('c', 'orders', 'notify', 5, undefined),
      stats('d', 'orders', 'save', 9, undefined),
      stats('e', 'inventory', 'checkInventory', 50, 900),
      stats('f', 'inventory', 'idle', 0, undefined),
    ]);
    assert.deepEqual(groups.map((g) => g.service), ['inventory', 'orders']);
    assert.deepEqual(groups[1].functions.map((f) => f.locationKey), ['b', 'a', 'd', 'c']);
    assert.deepEqual(groups[0].functions.map((f) => f.label), ['checkInventory'], 'a function without calls in the window is left out');
  });

  it('says p95, calls and errors, and names span-name locations and qualified names', () => {
    const [group] = functionsByLatency([
      stats('b', 'orders', 'processPayment', 1204, 286, 2),
      stats('s', 'orders', undefined, 20, 3, 0, { spanName: 'GET /orders' }),
      stats('q', 'orders', 'checkout', 25, 5, 0, { namespace: 'com.example.Shop', filePath: undefined }),
    ]);
    assert.deepEqual(group.functions.map((f) => [f.label, f.description]), [
      ['processPayment', 'p95 286 ms · 1.2k calls · 2 errors'],
      ['com.example.Shop.checkout', 'p95 5 ms · 25 calls'],
      ['span "GET /orders"', 'p95 3 ms · 20 calls'],
    ]);
    assert.equal(group.functions[1].filePath, undefined, 'known by name only');
  });

  it('keeps at most the slowest N of a service', () => {
    const many = Array.from({ length: 10 }, (_, i) => stats(`k${i}`, 'svc', `f${i}`, 10, i + 1));
    assert.deepEqual(functionsByLatency(many, 3)[0].functions.map((f) => f.label), ['f9', 'f8', 'f7']);
  });
});
