/*
 * The detectors on GENERATED traces (bench/insightsSyntheticTraces.ts builds them in code): each
 * rule's threshold edges, and the shapes real traces rarely show on demand: thousands of very short
 * spans, clock skew between services, statements missing or cut short, a 10k-span trace.
 */
import * as assert from 'node:assert/strict';
import { detectInsights, detectInsightsInSpans } from '../../../src/core/insights/insightDetector';
import { DEFAULT_INSIGHT_OPTIONS, resolveInsightOptions } from '../../../src/core/insights/insightRules';
import type { Attributes, Trace } from '../../../src/core/model/trace';
import { codeAttrs, dbAttrs, GeneratedTrace, httpAttrs, nPlusOneTrace } from '../../../bench/insightsSyntheticTraces';

function rules(traces: Trace[]): string[] {
  return detectInsights(traces).map((i) => i.ruleId);
}

describe('PI001 N+1 queries (generated traces)', () => {
  it('reports a loop of 20 identical statements with its evidence and the parent\'s code location', () => {
    const trace = nPlusOneTrace(20, 1);
    const [i, ...rest] = detectInsights([trace]).filter((x) => x.ruleId === 'PI001');
    assert.equal(rest.length, 0);
    assert.equal(i.evidence.count, 20);
    assert.equal(i.evidence.statement, 'SELECT * FROM order_items WHERE order_id = ?');
    assert.equal(i.evidence.durationsMs.length, 20);
    assert.equal(i.evidence.totalDurationMs, 20);
    assert.deepEqual({ file: i.location?.filePath, line: i.location?.lineNumber }, { file: 'src/orders/controller.ts', line: 42 });
    const root = trace.spans.find((s) => s.parentSpanId === undefined)!;
    assert.equal(i.parentSpanId, root.spanId);
    // Sentry's "source" span: the query that fetched the list.
    assert.equal(i.evidence.sourceSpanId, trace.spans.find((s) => s.name === 'SELECT orders')!.spanId);
    assert.deepEqual(i.spanIds, trace.spans.filter((s) => s.name === 'SELECT order_items').map((s) => s.spanId));
  });

  it('needs minCount repetitions and minTotalDurationMs of loop', () => {
    assert.deepEqual(rules([nPlusOneTrace(4, 5)]).filter((r) => r === 'PI001'), []);
    assert.deepEqual(rules([nPlusOneTrace(5, 1)]).filter((r) => r === 'PI001'), ['PI001']);
    // Many very short spans: 1,000 statements of 1 µs with 0.1 µs between them is a 1.1 ms loop.
    assert.deepEqual(rules([nPlusOneTrace(1000, 0.001, 0.0001)]).filter((r) => r === 'PI001'), []);
    // 5,000 of 2 µs is a 10 ms loop: reported.
    assert.deepEqual(rules([nPlusOneTrace(5000, 0.002, 0)]).filter((r) => r === 'PI001'), ['PI001']);
    const lower = detectInsights([nPlusOneTrace(4, 5)], { nPlusOne: { minCount: 3 } });
    assert.equal(lower.filter((i) => i.ruleId === 'PI001').length, 1);
  });

  it('does not report the same statements run concurrently (a batch through a pool)', () => {
    const t = new GeneratedTrace();
    const root = t.span({ name: 'GET /batch', kind: 'server', startMs: 0, durationMs: 30 });
    for (let i = 0; i < 10; i++) t.span({ name: 'SELECT', kind: 'client', parent: root, startMs: 1 + i * 0.1, durationMs: 20, attributes: dbAttrs(`SELECT * FROM t WHERE id = ${i}`) });
    assert.deepEqual(rules([t.trace()]), []);
  });

  it('skips database spans without a statement or with one an SDK cut short', () => {
    for (const statement of [undefined, 'SELECT * FROM order_items WHERE order_id = 1...']) {
      const t = new GeneratedTrace();
      const root = t.span({ name: 'GET /x', kind: 'server', startMs: 0, durationMs: 100 });
      for (let i = 0; i < 10; i++) t.span({ name: 'SELECT', kind: 'client', parent: root, startMs: 1 + i * 9, durationMs: 8, attributes: dbAttrs(statement) });
      assert.deepEqual(rules([t.trace()]), [], String(statement));
    }
  });

  it('judges "one after another" after correcting clock skew between services', () => {
    // The orders service's clock runs 400 ms behind the gateway's: its spans start before their parent.
    const t = new GeneratedTrace('gateway');
    const root = t.span({ name: 'GET /orders', kind: 'server', startMs: 0, durationMs: 60 });
    const call = t.span({ name: 'GET', kind: 'client', parent: root, startMs: 1, durationMs: 58, attributes: httpAttrs('GET', 'http://orders/api') });
    const server = t.span({ name: 'GET /api', kind: 'server', parent: call, startMs: -399, durationMs: 56, service: 'orders', host: 'host-2', attributes: codeAttrs('Orders.list', 'src/orders.ts', 5) });
    for (let i = 0; i < 8; i++) t.span({ name: 'SELECT', kind: 'client', parent: server, startMs: -398 + i * 6, durationMs: 5, service: 'orders', host: 'host-2', attributes: dbAttrs(`SELECT * FROM items WHERE id = ${i}`) });
    const found = detectInsights([t.trace()]).filter((i) => i.ruleId === 'PI001');
    assert.equal(found.length, 1);
    assert.equal(found[0].serviceName, 'orders');
    assert.equal(found[0].evidence.loopDurationMs, 47);
    assert.equal(found[0].location?.functionName, 'Orders.list');
  });

  it('finds the loop in a 10,000-span trace quickly', () => {
    const trace = nPlusOneTrace(10_000, 0.05);
    const t0 = performance.now();
    const found = detectInsights([trace]).filter((i) => i.ruleId === 'PI001');
    const ms = performance.now() - t0;
    assert.equal(found[0]?.evidence.count, 10_000);
    assert.ok(ms < 2000, `${ms} ms`);
  });
});

describe('PI002 serial calls (generated traces)', () => {
  function fanOut(starts: number[], urls: string[], parentMs = 80): Trace {
    const t = new GeneratedTrace('gateway');
    const root = t.span({ name: 'GET /dashboard', kind: 'server', startMs: 0, durationMs: parentMs, attributes: codeAttrs('Dashboard.show') });
    starts.forEach((s, i) => t.span({ name: 'GET', kind: 'client', parent: root, startMs: s, durationMs: 24, attributes: httpAttrs('GET', urls[i]) }));
    return t.trace();
  }
  const urls = ['http://profile/api/me', 'http://recs/api/top', 'http://notes/api/unread'];

  it('reports calls to different services that run back to back, with their share of the parent', () => {
    const [i, ...rest] = detectInsights([fanOut([1, 25.5, 50], urls)]);
    assert.equal(rest.length, 0);
    assert.equal(i.ruleId, 'PI002');
    assert.equal(i.evidence.count, 3);
    assert.equal(i.evidence.share, 0.9);
    assert.equal(i.location?.functionName, 'Dashboard.show');
  });

  it('does not report calls that overlap, calls with visible work between them, or one target called again', () => {
    assert.deepEqual(rules([fanOut([1, 2, 3], urls)]), []);
    assert.deepEqual(rules([fanOut([1, 35, 70], urls, 100)]), []);
    assert.deepEqual(rules([fanOut([1, 25.5], [urls[0], urls[0]])]), []);
  });

  it('does not report calls that are a small share of their parent', () => {
    assert.deepEqual(rules([fanOut([1, 25.5, 50], urls, 400)]), []);
  });
});

describe('PI003 cache miss falling through (generated traces)', () => {
  function cacheAside(opts: { hit?: boolean; writeBack: boolean }): Trace {
    const t = new GeneratedTrace('catalog');
    const root = t.span({ name: 'GET /products/{id}', kind: 'server', startMs: 0, durationMs: 20, attributes: codeAttrs('Products.get', 'src/products.ts', 12) });
    const get: Attributes = { ...dbAttrs('GET product:17', 'redis'), 'db.operation.name': 'GET' };
    if (opts.hit !== undefined) get['cache.hit'] = opts.hit;
    t.span({ name: 'GET', kind: 'client', parent: root, startMs: 1, durationMs: 0.5, attributes: get });
    t.span({ name: 'SELECT', kind: 'client', parent: root, startMs: 2, durationMs: 10, attributes: dbAttrs('SELECT * FROM products WHERE id = 17') });
    if (opts.writeBack) t.span({ name: 'SET', kind: 'client', parent: root, startMs: 13, durationMs: 0.5, attributes: { ...dbAttrs('SET product:17 ?', 'redis'), 'db.operation.name': 'SET' } });
    return t.trace();
  }

  it('reports a read-miss-load-write sequence repeated in 3 traces, naming all of them', () => {
    const traces = [1, 2, 3].map(() => cacheAside({ writeBack: true }));
    const found = detectInsights(traces);
    assert.deepEqual(found.map((i) => i.ruleId), ['PI003']);
    assert.deepEqual([...found[0].traceIds].sort(), traces.map((t) => t.traceId).sort());
    assert.equal(found[0].evidence.statement, 'SELECT * FROM products WHERE id = ?');
    assert.equal(found[0].location?.lineNumber, 12);
  });

  it('needs minTraces traces, and believes the cache.hit attribute over the sequence', () => {
    assert.deepEqual(rules([1, 2].map(() => cacheAside({ writeBack: true }))), []);
    assert.deepEqual(rules([1, 2, 3].map(() => cacheAside({ hit: true, writeBack: true }))), []);
    assert.deepEqual(rules([1, 2, 3].map(() => cacheAside({ hit: false, writeBack: false }))), ['PI003']);
    // Without a write-back or a miss attribute, a database read after a cache read is not a miss.
    assert.deepEqual(rules([1, 2, 3].map(() => cacheAside({ writeBack: false }))), []);
  });

  it('does not report a cache whose misses are a minority of its reads', () => {
    const traces = [...[1, 2, 3].map(() => cacheAside({ writeBack: true })), ...Array.from({ length: 10 }, () => cacheAside({ hit: true, writeBack: false }))];
    assert.deepEqual(rules(traces), []);
  });
});

describe('PI004 bottleneck (generated traces)', () => {
  function report(steps: number[]): Trace {
    const t = new GeneratedTrace('reports');
    const total = steps.reduce((a, b) => a + b, 0) + 2;
    const root = t.span({ name: 'GET /report', kind: 'server', startMs: 0, durationMs: total, attributes: codeAttrs('Reports.get') });
    let at = 1;
    steps.forEach((d, i) => {
      t.span({ name: `step${i}`, parent: root, startMs: at, durationMs: d, attributes: codeAttrs(`Reports.step${i}`, 'src/reports.ts', 20 + i) });
      at += d;
    });
    return t.trace();
  }

  it('names the function that takes most of the critical path, with its share', () => {
    const found = detectInsights([0, 1, 2].map(() => report([5, 80, 5])));
    assert.deepEqual(found.map((i) => i.ruleId), ['PI004']);
    assert.equal(found[0].location?.functionName, 'Reports.step1');
    assert.equal(found[0].evidence.share, 0.87);
    assert.match(found[0].message, /87 % of the critical path/);
  });

  it('charges a 20,000-deep chain of spans without a code location to the function above it', () => {
    const traces = [0, 1, 2].map(() => {
      const t = new GeneratedTrace('deep');
      const root = t.span({ name: 'GET /deep', kind: 'server', startMs: 0, durationMs: 100 });
      let parent = t.span({ name: 'recurse', parent: root, startMs: 1, durationMs: 98, attributes: codeAttrs('Tree.walk', 'src/tree.ts', 3) });
      for (let i = 0; i < 20_000; i++) parent = t.span({ name: 'node', parent, startMs: 1 + i * 0.004, durationMs: 97 - i * 0.004 });
      return t.trace();
    });
    const found = detectInsights(traces).filter((i) => i.ruleId === 'PI004');
    assert.equal(found.length, 1);
    assert.equal(found[0].location?.functionName, 'Tree.walk');
    assert.equal(found[0].evidence.share, 0.98);
  });

  it('reports nothing for balanced work or too few traces', () => {
    assert.deepEqual(rules([0, 1, 2].map(() => report([20, 20, 20, 20]))), []);
    assert.deepEqual(rules([0, 1].map(() => report([5, 80, 5]))), []);
  });
});

describe('PI005 repeated identical calls (generated traces)', () => {
  function cart(urls: string[]): Trace {
    const t = new GeneratedTrace('pricing');
    const root = t.span({ name: 'GET /cart', kind: 'server', startMs: 0, durationMs: 100 });
    urls.forEach((u, i) => t.span({ name: 'GET', kind: 'client', parent: root, startMs: 1 + i * 20, durationMs: 3, attributes: httpAttrs('GET', u) }));
    return t.trace();
  }

  it('reports the same request made 3 times, ids in the path and query strings aside', () => {
    const found = detectInsights([cart(['http://fx/rates/20251205?x=1', 'http://fx/rates/20251206', 'http://fx/rates/20251207?y=2'])]);
    assert.deepEqual(found.map((i) => i.ruleId), ['PI005']);
    assert.equal(found[0].evidence.count, 3);
    assert.equal(found[0].evidence.statement, 'GET fx/rates/{id}');
  });

  it('does not report 2 repeats or different requests', () => {
    assert.deepEqual(rules([cart(['http://fx/rates', 'http://fx/rates'])]), []);
    assert.deepEqual(rules([cart(['http://fx/rates', 'http://fx/currencies', 'http://fx/limits'])]), []);
  });
});

describe('PI006 slow statement (generated traces)', () => {
  function search(slowMs: number): Trace {
    const t = new GeneratedTrace('search');
    const root = t.span({ name: 'GET /search', kind: 'server', startMs: 0, durationMs: slowMs + 10 });
    const statements: Array<[string, number]> = [['SELECT * FROM p WHERE id = 1', 0.4], ['SELECT * FROM r WHERE pid = 2', 0.5], ['SELECT count(*) FROM c', 0.3], ["SELECT * FROM p WHERE d LIKE '%x%'", slowMs]];
    let at = 1;
    for (const [s, d] of statements) {
      t.span({ name: 'SELECT', kind: 'client', parent: root, startMs: at, durationMs: d, attributes: dbAttrs(s) });
      at += d + 0.1;
    }
    return t.trace();
  }

  it('reports the statement whose p95 stands far above its siblings\', with both p95s', () => {
    const found = detectInsights(Array.from({ length: 6 }, () => search(40)));
    assert.deepEqual(found.map((i) => i.ruleId), ['PI006']);
    assert.equal(found[0].evidence.statement, 'SELECT * FROM p WHERE d LIKE ?');
    // p95s come from the statistics' DDSketch: within 1 % of a duration seen.
    assert.ok(Math.abs(found[0].evidence.p95Ms! - 40) <= 0.4 * 1.01, String(found[0].evidence.p95Ms));
    assert.ok(Math.abs(found[0].evidence.siblingP95Ms! - 0.4) <= 0.004 * 1.01, String(found[0].evidence.siblingP95Ms));
    assert.equal(found[0].traceIds.length, 6);
  });

  it('needs minSamples runs and an absolute p95 above minP95Ms', () => {
    assert.deepEqual(rules(Array.from({ length: 4 }, () => search(40))), []);
    assert.deepEqual(rules(Array.from({ length: 6 }, () => search(5))), []);
  });
});

describe('insights from flat spans (what the statistics pass reads)', () => {
  it('groups interleaved spans of several traces by trace id and finds the same insights', () => {
    const traces = [nPlusOneTrace(6, 2), nPlusOneTrace(3, 2), nPlusOneTrace(7, 2)];
    const interleaved = traces.flatMap((t) => t.spans.map((s, i) => ({ s, i }))).sort((a, b) => a.i - b.i).map((x) => x.s);
    const flat = detectInsightsInSpans(interleaved);
    assert.deepEqual(flat.map((i) => [i.ruleId, i.traceId, i.evidence.count]), [['PI001', traces[0].traceId, 6], ['PI001', traces[2].traceId, 7]]);
    assert.deepEqual(flat, detectInsights(traces));
  });
});

describe('insight options', () => {
  it('keeps defaults for missing, negative or non-numeric overrides', () => {
    const o = resolveInsightOptions({ nPlusOne: { minCount: 3, minTotalDurationMs: -1 }, bottleneck: { minShare: Number.NaN } });
    assert.equal(o.nPlusOne.minCount, 3);
    assert.equal(o.nPlusOne.minTotalDurationMs, DEFAULT_INSIGHT_OPTIONS.nPlusOne.minTotalDurationMs);
    assert.equal(o.bottleneck.minShare, DEFAULT_INSIGHT_OPTIONS.bottleneck.minShare);
  });
});
