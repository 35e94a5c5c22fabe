import assert from 'node:assert/strict';
import { LatencyAccumulator } from '../../../src/core/stats/latencyAccumulator';
import { summarizeAccumulator } from '../../../src/core/stats/latencyStats';
import { aggregateSpans, LiveStatsAggregator } from '../../../src/core/stats/spanAggregator';
import { InvalidLookbackError } from '../../../src/core/stats/statsErrors';
import { p95RelativeHalfWidth } from '../../../src/core/stats/traceSampler';
import { gaussian, makeSpan, prng } from './makeSpan';

const NOW = 1_763_726_400_000;
const HOUR = 3_600_000;

/** The rank DDSketch uses: index floor(q·(n−1)) of the sorted sample. */
function exact(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

function relErr(a: number | undefined, b: number): number {
  assert.ok(a !== undefined);
  return Math.abs(a - b) / b;
}

describe('span aggregation', () => {
  it('keeps p50/p95/p99 within 1 % of exact over 1M samples (uniform, lognormal, bimodal)', () => {
    const rand = prng(11);
    const n = 1_000_000;
    const gens: Record<string, () => number> = {
      uniform: () => 1e6 + rand() * 99e6,
      lognormal: () => Math.exp(Math.log(5e6) + 1.2 * gaussian(rand)),
      bimodal: () => (rand() < 0.9 ? 2e6 + 3e5 * gaussian(rand) : 4e8 + 5e7 * gaussian(rand)),
    };
    const span = makeSpan();
    for (const [name, gen] of Object.entries(gens)) {
      const values = new Float64Array(n);
      const acc = new LatencyAccumulator();
      for (let i = 0; i < n; i++) {
        values[i] = Math.max(1, Math.round(gen()));
        acc.add(values[i], span.startTimeUnixNano, false, span);
      }
      const stats = summarizeAccumulator(acc);
      values.sort();
      for (const [q, est] of [[0.5, stats.p50Ns], [0.95, stats.p95Ns], [0.99, stats.p99Ns]] as const) {
        const e = relErr(est, exact(values, q));
        assert.ok(e <= 0.01, `${name} p${q * 100}: relative error ${e}`);
      }
      assert.equal(stats.count, n);
      assert.equal(stats.minNs, values[0]);
      assert.equal(stats.maxNs, values[n - 1]);
    }
  });

  it('gives each percentile its 95 % interval, as the sampler judges the p95 from raw values', () => {
    const rand = prng(5);
    const span = makeSpan();
    const acc = new LatencyAccumulator();
    const values: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const v = Math.round(Math.exp(Math.log(20e6) + 0.25 * gaussian(rand)));
      values.push(v);
      acc.add(v, span.startTimeUnixNano, false, span);
    }
    const spread = summarizeAccumulator(acc).spread!;
    // The sketch reads the interval's ends within its 1 %: the two agree to about two points.
    const raw = p95RelativeHalfWidth([...values].sort((a, b) => a - b));
    assert.ok(Math.abs(spread.p95 - raw) < 0.02, `sketch ${spread.p95}, raw ${raw}`);
    assert.ok(spread.p50 < spread.p95 && spread.p95 < spread.p99, JSON.stringify(spread));
    const few = new LatencyAccumulator();
    for (let i = 0; i < 50; i++) few.add(1e6 + i, span.startTimeUnixNano, false, span);
    assert.equal(summarizeAccumulator(few).spread!.p99, Infinity, 'the p99 of 50 values has no upper bound in them');
  });

  it('aggregates spans by location with counts, errors, exemplars and services, through the span path', () => {
    const rand = prng(3);
    const spans = [];
    const durations: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const d = Math.round(Math.exp(Math.log(2e6) + 0.7 * gaussian(rand)));
      durations.push(d);
      spans.push(
        makeSpan({
          attributes: { 'code.file.path': '/app/svc.py', 'code.function.name': 'svc.Svc.serve', 'code.line.number': 10 },
          startMs: NOW - 1000 - i,
          durationNs: d,
          error: i % 100 === 0,
          service: i % 3 === 0 ? 'b' : 'a',
        }),
      );
    }
    spans.push(makeSpan({ name: 'checkout', startMs: NOW - 5000, durationNs: 7e6 }));
    const snap = aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR });
    assert.equal(snap.locations.length, 2);
    const s = snap.locations[0];
    assert.equal(s.current.count, 5000);
    assert.equal(s.current.errorCount, 50);
    assert.equal(s.current.errorRate, 0.01);
    assert.equal(s.location.lineNumber, 10);
    assert.equal(s.lowConfidence, false);
    assert.deepEqual(s.services, ['a', 'b']);
    const sorted = Float64Array.from(durations).sort();
    assert.ok(relErr(s.current.p95Ns, exact(sorted, 0.95)) <= 0.01);
    assert.equal(s.slowest.length, 3);
    assert.equal(s.slowest[0].durationNs, sorted[sorted.length - 1]);
    assert.ok(s.slowest[0].durationNs >= s.slowest[1].durationNs && s.slowest[1].durationNs >= s.slowest[2].durationNs);
    assert.equal(s.latestError?.error, true);
    assert.equal(s.latestError?.startTimeMs, NOW - 1000);
    assert.equal(s.histogram?.counts.length, 12);
    assert.equal(s.histogram?.counts.reduce((a, b) => a + b, 0), 5000);
    const byName = snap.locations[1];
    assert.equal(byName.location.spanName, 'checkout');
    assert.equal(byName.lowConfidence, true);
  });

  it('gives the same figures across column-chunk boundaries (300k spans, 3 locations, 2 services)', () => {
    const rand = prng(9);
    const n = 300_000;
    const attrs = [0, 1, 2].map((i) => ({ 'code.function.name': `m.f${i}` }));
    const values: number[][] = [[], [], []];
    let errors = 0;
    const spans = [];
    for (let i = 0; i < n; i++) {
      const loc = i % 3;
      const d = Math.max(1, Math.round(Math.exp(Math.log(1e6 * (loc + 1)) + gaussian(rand))));
      values[loc].push(d);
      const error = loc === 0 && rand() < 0.1;
      if (error) errors++;
      spans.push(makeSpan({ attributes: attrs[loc], startMs: NOW - 1 - (i % 1000), durationNs: d, error, service: i % 2 ? 'a' : 'b' }));
    }
    const snap = aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR });
    assert.equal(snap.locations.length, 3);
    for (let loc = 0; loc < 3; loc++) {
      const s = snap.locations.find((l) => l.location.functionName === `m.f${loc}`);
      assert.ok(s);
      assert.equal(s.current.count, n / 3);
      const sorted = Float64Array.from(values[loc]).sort();
      for (const [q, est] of [[0.5, s.current.p50Ns], [0.95, s.current.p95Ns], [0.99, s.current.p99Ns]] as const) assert.ok(relErr(est, exact(sorted, q)) <= 0.01, `m.f${loc} p${q}`);
      assert.equal(s.current.minNs, sorted[0]);
      assert.equal(s.current.maxNs, sorted[sorted.length - 1]);
      assert.equal(s.slowest[0].durationNs, sorted[sorted.length - 1]);
      assert.deepEqual([...s.services].sort(), ['a', 'b']);
    }
    assert.equal(snap.locations.find((l) => l.location.functionName === 'm.f0')?.current.errorCount, errors);
  });

  it('separates the current and previous windows and ignores older spans', () => {
    const fn = { 'code.function.name': 'svc.f' };
    const spans = [
      ...Array.from({ length: 10 }, () => makeSpan({ attributes: fn, startMs: NOW - 10 * 60_000, durationNs: 4e6 })),
      ...Array.from({ length: 20 }, () => makeSpan({ attributes: fn, startMs: NOW - HOUR - 10 * 60_000, durationNs: 1e6, error: true })),
      makeSpan({ attributes: fn, startMs: NOW - 3 * HOUR, durationNs: 9e9 }),
      makeSpan({ attributes: fn, startMs: NOW + 1000, durationNs: 4e6 }),
    ];
    const snap = aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR });
    const s = snap.locations[0];
    assert.equal(s.current.count, 11);
    assert.equal(s.current.errorCount, 0);
    assert.equal(s.previous?.count, 20);
    assert.equal(s.previous?.errorRate, 1);
    assert.ok(relErr(s.previous?.p50Ns, 1e6) <= 0.01);
    assert.equal(snap.spansIgnored, 1);
  });

  it('filters by service and bounds the number of locations', () => {
    const spans = Array.from({ length: 50 }, (_, i) => makeSpan({ attributes: { 'code.function.name': `m.f${i}` }, startMs: NOW - 1000, service: i % 2 ? 'mine' : 'theirs' }));
    const snap = aggregateSpans(spans, { nowMs: NOW, lookbackMs: HOUR, services: ['mine'], maxLocations: 10 });
    assert.equal(snap.locations.length, 10);
    assert.equal(snap.locationsDropped, 15);
    assert.equal(snap.spansIgnored, 40);
  });

  it('survives hostile spans: negative durations, junk attributes, huge names', () => {
    const bad = makeSpan({ name: 'x'.repeat(100_000), attributes: { 'code.function.name': 7, 'code.file.path': { a: 1 } }, startMs: NOW - 1000 });
    bad.endTimeUnixNano = bad.startTimeUnixNano - 5n;
    const snap = aggregateSpans([bad], { nowMs: NOW, lookbackMs: HOUR });
    assert.equal(snap.locations[0].current.count, 1);
    assert.equal(snap.locations[0].current.p50Ns, 0);
    assert.equal(snap.locations[0].location.spanName?.length, 1024);
  });
});

describe('LiveStatsAggregator', () => {
  it('adds spans incrementally and evicts them when they leave both windows', () => {
    const live = new LiveStatsAggregator({ lookbackMs: HOUR, slicesPerWindow: 12, clock: () => NOW });
    const fn = { 'code.function.name': 'svc.f' };
    for (let i = 0; i < 100; i++) live.add(makeSpan({ attributes: fn, startMs: NOW - 5 * 60_000, durationNs: 2e6 }));
    for (let i = 0; i < 50; i++) live.add(makeSpan({ attributes: fn, startMs: NOW - HOUR - 20 * 60_000, durationNs: 1e6 }));
    let snap = live.snapshot(NOW);
    assert.equal(snap.locations[0].current.count, 100);
    assert.equal(snap.locations[0].previous?.count, 50);
    const g = live.generation;
    // 70 minutes later: the recent spans are in the previous window (no current figures), the older ones are gone.
    snap = live.snapshot(NOW + 70 * 60_000);
    assert.ok(live.generation > g);
    assert.equal(snap.locations.length, 0);
    assert.equal(live.locationCount, 1);
    live.add(makeSpan({ attributes: fn, startMs: NOW + 69 * 60_000, durationNs: 3e6 }));
    snap = live.snapshot(NOW + 70 * 60_000);
    assert.equal(snap.locations[0].current.count, 1);
    assert.equal(snap.locations[0].previous?.count, 100);
    snap = live.snapshot(NOW + 4 * HOUR);
    assert.equal(live.locationCount, 0);
    // Spans older than both windows are refused once time has moved on.
    live.add(makeSpan({ attributes: fn, startMs: NOW - 1000 }));
    assert.equal(live.locationCount, 0);
    assert.equal(live.snapshot(NOW + 4 * HOUR).locations.length, 0);
  });

  it('matches the batch aggregation when slices align with the window', () => {
    const rand = prng(5);
    const spans = Array.from({ length: 3000 }, (_, i) =>
      makeSpan({ attributes: { 'code.function.name': `m.f${i % 7}` }, startMs: NOW - 1 - Math.floor(rand() * 2 * HOUR), durationNs: Math.round(1e5 + rand() * 1e7), error: rand() < 0.05 }),
    );
    const live = new LiveStatsAggregator({ lookbackMs: HOUR, slicesPerWindow: 1, clock: () => NOW });
    live.addAll(spans);
    // Windows end at a slice boundary, so both aggregations cover the same spans.
    const now = Math.floor(NOW / HOUR) * HOUR + HOUR;
    const a = live.snapshot(now - 1);
    const b = aggregateSpans(spans, { nowMs: now, lookbackMs: HOUR });
    assert.equal(a.locations.length, b.locations.length);
    for (const x of a.locations) {
      const y = b.locations.find((l) => l.keyString === x.keyString);
      assert.ok(y);
      assert.equal(x.current.count, y.current.count);
      assert.equal(x.current.errorCount, y.current.errorCount);
      assert.equal(x.current.p95Ns, y.current.p95Ns);
      assert.equal(x.previous?.count, y.previous?.count);
    }
  });

  it('bounds the slices hostile timestamps can open, and rejects bad windows', () => {
    const live = new LiveStatsAggregator({ lookbackMs: HOUR, clock: () => NOW });
    for (let i = 0; i < 1000; i++) live.add(makeSpan({ attributes: { 'code.function.name': 'm.a' }, startMs: NOW + (i + 1) * 10 * HOUR }));
    const snap = live.snapshot(NOW);
    assert.equal(snap.locations[0].current.count, 1000);
    assert.throws(() => new LiveStatsAggregator({ lookbackMs: 0 }), InvalidLookbackError);
    assert.throws(() => aggregateSpans([], { nowMs: NOW, lookbackMs: NaN }), InvalidLookbackError);
  });

  it('reuses unchanged per-location results between snapshots', () => {
    const live = new LiveStatsAggregator({ lookbackMs: HOUR, clock: () => NOW });
    live.add(makeSpan({ attributes: { 'code.function.name': 'm.a' }, startMs: NOW - 1000 }));
    live.add(makeSpan({ attributes: { 'code.function.name': 'm.b' }, startMs: NOW - 1000 }));
    const first = live.snapshot(NOW);
    live.add(makeSpan({ attributes: { 'code.function.name': 'm.a' }, startMs: NOW - 500 }));
    const second = live.snapshot(NOW);
    const b1 = first.locations.find((l) => l.location.functionName === 'm.b');
    const b2 = second.locations.find((l) => l.location.functionName === 'm.b');
    assert.equal(b1?.current, b2?.current);
    assert.equal(second.locations.find((l) => l.location.functionName === 'm.a')?.current.count, 2);
  });
});
