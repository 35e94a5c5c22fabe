// The Tempo parsers on their own, against answer shapes from Grafana's public documentation of the
// Tempo HTTP API (Search, TraceQL Metrics) and the answers quoted in public GitHub issues: search hits
// with hex ids whose leading zeros are stripped (grafana/tempo#4723) and without `durationMs` under
// 1 ms (#3516); metrics series labelled by the by() attributes, one per quantile with a `p` label,
// values in seconds (#5145, #3824). Tempo itself is AGPL-licensed and never run or copied here; the
// whole client is exercised over HTTP against the documented answers in
// test/backends/tempo.documented.test.ts. Cases beyond what the documentation shows (a `nil` label
// value, an interval that reports 0) are defensive.
import assert from 'node:assert/strict';
import { annotationQuery } from '../../../src/core/backends/zipkinClient';
import { goDuration } from '../../../src/core/backends/backendClientSupport';
import { parseTempoSearch } from '../../../src/core/backends/tempoClient';
import { parseLatencySeries, tempoLatencyQueries } from '../../../src/core/backends/tempoMetrics';
import { attributeRef, buildTraceQL, quoteTraceQL } from '../../../src/core/backends/traceql';
import { MalformedResponseError } from '../../../src/core/errors';

const str = (v: string) => ({ stringValue: v });

describe('TraceQL building', () => {
  it('quotes values so input cannot change the query', () => {
    assert.equal(quoteTraceQL('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(buildTraceQL({ service: 'x" || true || "' }), '{ resource.service.name = "x\\" || true || \\"" }');
  });

  it('combines structured fields into one spanset', () => {
    assert.equal(
      buildTraceQL({ service: 'checkout', operation: 'GET /x', tags: { 'http.route': '/x', 'odd key': 'v' }, minDurationMs: 1.5, maxDurationMs: 2000, errorsOnly: true }),
      '{ resource.service.name = "checkout" && name = "GET /x" && .http.route = "/x" && ."odd key" = "v" && duration >= 1500000ns && duration <= 2000000000ns && status = error }',
    );
    assert.equal(buildTraceQL({}), '{ }');
    assert.equal(buildTraceQL({ traceql: ' { span.a = 1 } ', service: 'ignored' }), '{ span.a = 1 }');
    assert.equal(attributeRef('code.function.name', 'span'), 'span.code.function.name');
  });

  it('groups latency by old and new code attributes within Tempo\'s five by() labels', () => {
    const q = tempoLatencyQueries(['a', 'b']);
    assert.match(q.quantiles, /^\{ \(resource\.service\.name = "a" \|\| resource\.service\.name = "b"\) && \(span\.code\.function\.name != nil \|\| span\.code\.function != nil\) \} \| quantile_over_time\(duration, \.5, \.95, \.99\) by \(/);
    const by = /by \(([^)]*)\)/.exec(q.count)?.[1].split(', ') ?? [];
    assert.equal(by.length, 5);
    assert.match(q.errors, /&& status = error \} \| count_over_time\(\)/);
  });

  it('writes Jaeger durations and Zipkin annotation queries', () => {
    assert.equal(goDuration(1500), '1.5s');
    assert.equal(goDuration(100), '100ms');
    assert.equal(goDuration(0.25), '250us');
    assert.equal(annotationQuery({ 'http.route': '/x', flag: '' }, true), 'http.route=/x and flag and error');
    assert.equal(annotationQuery(undefined), undefined);
  });
});

describe('Tempo answer parsing (documented shapes)', () => {
  it('search: pads ids with stripped leading zeros, sums service stats, tolerates omitted zeros', () => {
    const out = parseTempoSearch({
      traces: [
        { traceID: '2f3e0cee77ae5dc9c17ade3689eb2e54', rootServiceName: 'api', rootTraceName: 'GET /', startTimeUnixNano: '1700000000000000000', durationMs: 12, serviceStats: { api: { spanCount: 3, errorCount: 1 }, db: { spanCount: 2 } } },
        { traceID: '3e0cee77ae5dc9c17ade3689eb2e54', rootServiceName: '<root span not yet received>', startTimeUnixNano: '1700000000000000001' },
        { traceID: 'not-an-id' },
        'junk',
      ],
      metrics: { inspectedTraces: 2 },
    });
    assert.equal(out.length, 2);
    assert.deepEqual(out[0], { traceId: '2f3e0cee77ae5dc9c17ade3689eb2e54', rootServiceName: 'api', rootName: 'GET /', startTimeUnixNano: 1700000000000000000n, durationMs: 12, spanCount: 5, errorCount: 1 });
    assert.equal(out[1].traceId, '003e0cee77ae5dc9c17ade3689eb2e54');
    assert.equal(out[1].durationMs, 0);
    assert.deepEqual(parseTempoSearch({}), []);
    assert.throws(() => parseTempoSearch({ traces: 'x' }), MalformedResponseError);
  });

  it('metrics: folds quantile, count and error series into one entry per code location', () => {
    const renderLabels = [{ key: 'span.code.function', value: str('renderCart') }, { key: 'span.code.namespace', value: str('cart.CartView') }, { key: 'span.code.filepath', value: str('src/cart/render.ts') }];
    const placeLabels = [{ key: 'span.code.function.name', value: str('checkout.OrderService.placeOrder') }, { key: 'span.code.file.path', value: str('src/checkout/order.ts') }];
    const q = (labels: unknown[], p: number, v: number) => ({ labels: [...labels, { key: 'p', value: { doubleValue: p } }], samples: [{ timestampMs: '1000', value: 0 }, { timestampMs: '2000', value: v }] });
    const quantiles = {
      series: [
        q(renderLabels, 0.5, 0.016), q(renderLabels, 0.95, 0.03), q(renderLabels, 0.99, 0.032),
        q(placeLabels, 0.5, 0.06), q(placeLabels, 0.95, 0.07), q(placeLabels, 0.99, 0.08),
        // Defensive: a series whose by() attribute is labelled "nil" names no code location.
        { labels: [{ key: 'span.code.function.name', value: str('nil') }, { key: 'p', value: { doubleValue: 0.5 } }], samples: [{ timestampMs: 1, value: 1 }] },
      ],
    };
    const counts = { series: [{ labels: renderLabels, samples: [{ timestampMs: 1, value: 1 }, { timestampMs: 2, value: 2 }] }, { labels: placeLabels, samples: [{ timestampMs: 2, value: 2 }] }] };
    const errors = { series: [{ labels: placeLabels, samples: [{ timestampMs: 2, value: 2 }] }] };
    const stats = parseLatencySeries(quantiles, counts, errors);
    assert.equal(stats.length, 2);
    const render = stats.find((s) => s.location.functionName === 'renderCart');
    assert.deepEqual(render, { location: { functionName: 'renderCart', filePath: 'src/cart/render.ts', namespace: 'cart.CartView' }, approximate: true, p50: 0.016, p95: 0.03, p99: 0.032, count: 3, errorCount: 0 });
    const place = stats.find((s) => s.location.functionName === 'checkout.OrderService.placeOrder');
    assert.deepEqual(place, { location: { functionName: 'checkout.OrderService.placeOrder', filePath: 'src/checkout/order.ts' }, approximate: true, p50: 0.06, p95: 0.07, p99: 0.08, count: 2, errorCount: 2 });
    assert.deepEqual(parseLatencySeries({}, { series: null }, {}), []);
    assert.throws(() => parseLatencySeries({ series: 5 }, {}, {}), MalformedResponseError);
  });
});
