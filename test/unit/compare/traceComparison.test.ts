import assert from 'node:assert/strict';
import { jaegerDocumentToTraces, otlpDocumentToTraces } from '../../../src/core/backends/convertDocuments';
import { compareTraces } from '../../../src/core/compare/traceComparison';
import type { Span } from '../../../src/core/model/trace';
import { fixtureDir, readFixture } from '../backends/traceExpectations';
import { span, trace } from '../waterfall/traceBuilder';

const statusOf = (c: ReturnType<typeof compareTraces>) => c.spans.map((s) => `${s.status} ${s.service}: ${s.name} ${s.deltaNs / 1e6}`);

describe('compareTraces: spans matched by service + name path', () => {
  const baseline = () => trace([
    span('root', undefined, 0, 100, { service: 'web', name: 'GET /checkout' }),
    span('cart', 'root', 1, 20, { service: 'cart', name: 'load cart' }),
    span('pay', 'root', 21, 90, { service: 'pay', name: 'charge' }),
    span('q1', 'pay', 22, 30, { service: 'db', name: 'SELECT' }),
    span('q2', 'pay', 31, 39, { service: 'db', name: 'SELECT' }),
  ]);

  it('a trace against itself: everything unchanged, nothing listed', () => {
    const c = compareTraces(baseline(), baseline());
    assert.deepEqual(c.counts, { added: 0, missing: 0, changed: 0, unchanged: 5 });
    assert.deepEqual(c.spans, []);
    assert.equal(c.left.rootName, 'GET /checkout');
    assert.equal(c.left.durationNs, 100e6);
  });

  it('added, missing and changed spans with absolute and relative deltas, by impact', () => {
    const candidate = trace([
      span('root', undefined, 0, 180, { service: 'web', name: 'GET /checkout' }),
      // cart is gone; a recommendation call is new; charge got slower and runs a third SELECT
      span('rec', 'root', 1, 11, { service: 'rec', name: 'recommend' }),
      span('pay', 'root', 21, 170, { service: 'pay', name: 'charge' }),
      span('q1', 'pay', 22, 30, { service: 'db', name: 'SELECT' }),
      span('q2', 'pay', 31, 39, { service: 'db', name: 'SELECT' }),
      span('q3', 'pay', 40, 45, { service: 'db', name: 'SELECT' }),
    ]);
    const c = compareTraces(baseline(), candidate);
    assert.deepEqual(c.counts, { added: 2, missing: 1, changed: 2, unchanged: 2 });
    assert.deepEqual(statusOf(c), [
      'changed web: GET /checkout 80',
      'changed pay: charge 80',
      'missing cart: load cart -19',
      'added rec: recommend 10',
      'added db: SELECT 5',
    ]);
    const charge = c.spans[1];
    assert.ok(Math.abs(charge.relative! - 80 / 69) < 1e-9);
    assert.deepEqual(charge.ancestors, ['web: GET /checkout']);
    assert.equal(charge.left?.spanId, span('pay', 'root', 0, 1).spanId);
    const third = c.spans[4];
    assert.equal(third.right?.spanId, span('q3', undefined, 0, 1).spanId, 'the surplus SELECT is the third one');
    assert.equal(third.relative, null);
    assert.equal(c.spans[2].relative, -1);
  });

  it('the subtree of an unmatched span is unmatched too, even where names repeat below', () => {
    const left = trace([span('r', undefined, 0, 10, { name: 'root' }), span('a', 'r', 1, 5, { name: 'A' }), span('x', 'a', 2, 3, { name: 'X' })]);
    const right = trace([span('r', undefined, 0, 10, { name: 'root' }), span('b', 'r', 1, 5, { name: 'B' }), span('x', 'b', 2, 3, { name: 'X' })]);
    const c = compareTraces(left, right);
    assert.deepEqual(c.counts, { added: 2, missing: 2, changed: 0, unchanged: 1 });
    assert.deepEqual(c.spans.map((s) => `${s.status} ${s.name} ${s.depth}`).sort(), ['added B 1', 'added X 2', 'missing A 1', 'missing X 2']);
  });

  it('same-step siblings starting together pair by what they called, not by an arbitrary tie order', () => {
    // A parallel fan-out: both calls start at 1 ms; the right side lists them the other way round.
    const left = trace([
      span('r', undefined, 0, 10, { name: 'root' }),
      span('a', 'r', 1, 5, { name: 'fetch' }), span('ax', 'a', 2, 3, { name: 'cache' }),
      span('b', 'r', 1, 6, { name: 'fetch' }), span('bx', 'b', 2, 3, { name: 'db' }),
    ]);
    const right = trace([
      span('r', undefined, 0, 10, { name: 'root' }),
      span('b', 'r', 1, 6, { name: 'fetch' }), span('bx', 'b', 2, 3, { name: 'db' }),
      span('a', 'r', 1, 5, { name: 'fetch' }), span('ax', 'a', 2, 3, { name: 'cache' }),
    ]);
    assert.deepEqual(compareTraces(left, right).counts, { added: 0, missing: 0, changed: 0, unchanged: 5 });
  });

  it('noise below the thresholds is unchanged; an error that appears is a change', () => {
    const left = trace([span('r', undefined, 0, 100, { name: 'root' }), span('a', 'r', 1, 50, { name: 'A' })]);
    const right = trace([span('r', undefined, 0, 100.05, { name: 'root' }), span('a', 'r', 1, 50, { name: 'A', error: true })]);
    const c = compareTraces(left, right);
    assert.deepEqual(statusOf(c), ['changed svc: A 0']);
    assert.equal(c.spans[0].right?.error, true);
    assert.equal(compareTraces(left, right, { minChangeNs: 0, minChangeRelative: 0 }).counts.changed, 2);
  });

  it('keeps the most important maxSpans and counts the rest; carries the code location', () => {
    const spans: Span[] = [span('r', undefined, 0, 1000, { name: 'root' })];
    for (let i = 0; i < 50; i++) spans.push(span(`c${i}`, 'r', i, i + 1 + i / 10, { name: `op${i}`, attributes: { 'code.filepath': '/app/x.ts', 'code.lineno': i + 1 } }));
    const c = compareTraces(trace([spans[0]]), trace(spans), { maxSpans: 3 });
    assert.equal(c.spans.length, 3);
    assert.equal(c.omitted, 47);
    assert.deepEqual(c.spans.map((s) => s.name), ['op49', 'op48', 'op47']);
    assert.deepEqual(c.spans[0].right?.location, { file: '/app/x.ts', line: 50, column: undefined, function: undefined });
  });

  it('hostile data: a 100k-deep chain does not overflow, long names are clipped', () => {
    const chain: Span[] = [span('0', undefined, 0, 100_000, { name: 'x'.repeat(100_000) })];
    for (let i = 1; i < 100_000; i++) chain.push(span(String(i), String(i - 1), i / 1000, 100_000 - i / 1000, { name: 'deep' }));
    const c = compareTraces(trace(chain), trace([chain[0]]));
    assert.equal(c.counts.missing, 99_999);
    assert.ok(c.spans.every((s) => s.ancestors.length <= 8));
    assert.ok(c.left.rootName.length <= 501);
  });

  it('traces recorded from Jaeger: the same trace as v1 and v3 answers, and two runs of one request', () => {
    const dir = fixtureDir('jaeger');
    const [v1] = jaegerDocumentToTraces(readFixture(dir, 'v1-trace.json'), 'fixture');
    const [v3] = otlpDocumentToTraces(readFixture(dir, 'v3-trace.json'), 'fixture');
    const same = compareTraces(v1, v3);
    assert.deepEqual(same.counts, { added: 0, missing: 0, changed: 0, unchanged: 6 });
    const runs = jaegerDocumentToTraces(readFixture(dir, 'v1-search-service.json'), 'fixture');
    assert.equal(runs.length, 2);
    const two = compareTraces(runs[0], runs[1], { minChangeNs: 0, minChangeRelative: 0 });
    // sendTestTrace sends the same request shape each run: every span has its counterpart.
    assert.equal(two.counts.added + two.counts.missing, 0);
    assert.equal(two.counts.changed + two.counts.unchanged, 6);
    assert.equal(two.right.rootService, 'frontend');
  });
});
