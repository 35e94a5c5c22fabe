import assert from 'node:assert/strict';
import { SpanFlag, type WaterfallColumns } from '../../../src/core/waterfall/columnLayout';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { msAt, span, trace } from './traceBuilder';

function sample() {
  return trace([
    span('r', undefined, 0, 100, { service: 'front', name: 'GET /' }),
    span('a', 'r', 10, 40, { service: 'back', name: 'query', error: true }),
    span('a1', 'a', 12, 20, { service: 'db', name: 'SELECT' }),
    span('b', 'r', 50, 90, { service: 'back', name: 'query', events: [{ timeUnixNano: msAt(60), name: 'exception', attributes: {} }] }),
    span('o', 'gone', 5, 8, { service: 'front', name: 'orphan' }),
  ]);
}

describe('waterfall layout into columns', () => {
  it('orders rows depth-first with depth, parent and subtree size', () => {
    const { columns: c, strings } = buildWaterfall(sample());
    const names = Array.from(c.name, (i) => strings.names[i]);
    assert.deepEqual(names, ['GET /', 'query', 'SELECT', 'query', 'orphan']);
    assert.deepEqual(Array.from(c.depth), [0, 1, 2, 1, 0]);
    assert.deepEqual(Array.from(c.parent), [-1, 0, 1, 0, -1]);
    assert.deepEqual(Array.from(c.subtreeSize), [4, 2, 1, 1, 1]);
    assert.deepEqual(strings.names, ['GET /', 'query', 'SELECT', 'orphan'], 'names are interned');
    assert.deepEqual(Array.from(c.service, (i) => strings.services[i]), ['front', 'back', 'db', 'back', 'front']);
  });

  it('carries times, flags and events', () => {
    const { columns: c, summary } = buildWaterfall(sample());
    assert.deepEqual(Array.from(c.startNs, (x) => x / 1e6), [0, 10, 12, 50, 5]);
    assert.deepEqual(Array.from(c.durationNs, (x) => x / 1e6), [100, 30, 8, 40, 3]);
    assert.deepEqual(Array.from(c.selfNs, (x) => x / 1e6), [30, 22, 8, 40, 3]);
    assert.ok(c.flags[1] & SpanFlag.error);
    assert.ok(c.flags[3] & SpanFlag.hasEvents && c.flags[3] & SpanFlag.hasException);
    assert.ok(c.flags[4] & SpanFlag.orphan);
    assert.deepEqual(Array.from(c.eventStart), [0, 0, 0, 0, 1, 1]);
    assert.equal(c.eventTimeNs[0], 60e6);
    assert.equal(c.eventIsError[0], 1);
    assert.deepEqual([0, 1, 2, 3, 4].filter((r) => c.flags[r] & SpanFlag.critical), [0, 1, 2, 3]);
    assert.deepEqual(summary.criticalRows, [0, 1, 2, 3]);
    assert.equal(summary.errorCount, 1);
    assert.equal(summary.rootName, 'GET /');
    assert.equal(summary.spanCount, 5);
    assert.equal(summary.durationNs, 100e6);
    assert.equal(summary.startUnixNs, msAt(0).toString());
  });

  it('survives a structured-clone round trip (what postMessage does) unchanged', () => {
    const { columns } = buildWaterfall(sample());
    const copy = structuredClone(columns) as WaterfallColumns;
    for (const key of Object.keys(columns) as (keyof WaterfallColumns)[]) {
      const a = columns[key], b = copy[key];
      if (typeof a === 'number') assert.equal(b, a);
      else {
        assert.equal(Object.getPrototypeOf(b), Object.getPrototypeOf(a), key);
        assert.deepEqual(Array.from(b as ArrayLike<number>), Array.from(a), key);
      }
    }
    // A column cut out of a bigger buffer must still round-trip on its own.
    const sliced = new Float64Array(columns.startNs.buffer.slice(0));
    assert.deepEqual(Array.from(sliced), Array.from(columns.startNs));
  });

  it('switches to a windowed mode above the span limit and says so', () => {
    const spans = [span('r', undefined, 0, 100)];
    for (let i = 0; i < 50; i++) spans.push(span(`c${i}`, 'r', i, i + 1));
    const layout = buildWaterfall(trace(spans), { spanLimit: 20 });
    assert.equal(layout.columns.rowCount, 20);
    assert.equal(layout.summary.totalSpanCount, 51);
    assert.match(layout.summary.windowed ?? '', /first 20 of 51 spans/);
    // Said once, as `windowed` (the panel's notice); repeating it among the warnings showed it twice (#15 bug 12).
    assert.ok(!layout.summary.warnings.some((w) => w.includes('Windowed mode')), layout.summary.warnings.join('\n'));
  });

  it('shortens huge names in the string table but keeps rows consistent', () => {
    const long = 'x'.repeat(1_000_000);
    const { strings, columns } = buildWaterfall(trace([span('r', undefined, 0, 1, { name: long })]));
    assert.ok(strings.names[columns.name[0]].length <= 513);
    assert.ok(strings.names[0].endsWith('…'));
  });

  it('handles an empty trace', () => {
    const layout = buildWaterfall(trace([]));
    assert.equal(layout.columns.rowCount, 0);
    assert.equal(layout.summary.rootName, '(no spans)');
    assert.equal(layout.columns.eventStart.length, 1);
  });
});
