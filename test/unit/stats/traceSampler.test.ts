import assert from 'node:assert/strict';
import type { TimeRange } from '../../../src/core/model/timeRange';
import { HttpStatusError } from '../../../src/core/errors';
import type { Trace } from '../../../src/core/model/trace';
import { drawSample, p95RelativeHalfWidth, type SampleSearch } from '../../../src/core/stats/traceSampler';
import { makeSpan } from './makeSpan';

const HOUR = 3_600_000;
/** 10 % of calls in a wide slow tail, so the p95 needs many values to settle. */
const slowTail = (i: number): number => (i % 10 === 0 ? 100 + ((i * 7919) % 5000) : 10 + (i % 7));
const range: TimeRange = { startMs: 0, endMs: HOUR };

/** `n` one-span traces of `service`, evenly spread over the hour, durations from `dur(i)` ms. */
function population(n: number, dur: (i: number) => number = (i) => 10 + (i % 50), service = 'svc'): Trace[] {
  return Array.from({ length: n }, (_, i) => {
    const span = makeSpan({ name: 'op', service, startMs: (i + 0.5) * (HOUR / n), durationNs: dur(i) * 1e6, traceId: (i + 1).toString(16).padStart(32, '0') });
    return { traceId: span.traceId, spans: [span], warnings: [] } as unknown as Trace;
  });
}

/** A search over a fixed population: newest first within the range, at most `limit`, counting requests in flight. */
function fakeSearch(pop: Trace[], hooks: { inFlight?: { now: number; max: number }; fail?: (n: number) => Error | undefined } = {}): SampleSearch & { calls: Array<{ range: TimeRange; limit: number }> } {
  const calls: Array<{ range: TimeRange; limit: number }> = [];
  const fn = (async (service: string, r: TimeRange, limit: number) => {
    calls.push({ range: r, limit });
    const f = hooks.inFlight;
    if (f) f.max = Math.max(f.max, ++f.now);
    await new Promise((res) => setTimeout(res, 1));
    if (f) f.now--;
    const err = hooks.fail?.(calls.length);
    if (err) throw err;
    const startMs = (t: Trace): number => Number(t.spans[0].startTimeUnixNano / 1_000_000n);
    return pop
      .filter((t) => t.spans[0].resource.serviceName === service && startMs(t) >= r.startMs && startMs(t) <= r.endMs)
      .sort((a, b) => startMs(b) - startMs(a))
      .slice(0, limit);
  }) as SampleSearch & { calls: Array<{ range: TimeRange; limit: number }> };
  fn.calls = calls;
  return fn;
}

describe('trace sampler (spread over the lookback, grown until p95 is tight)', () => {
  it('p95 interval: infinite below 20 values, narrowing with more', () => {
    assert.equal(p95RelativeHalfWidth([1, 2, 3]), Infinity);
    const uniform = (n: number) => Array.from({ length: n }, (_, i) => 100 + (i * 100) / n);
    assert.ok(p95RelativeHalfWidth(uniform(2000)) < p95RelativeHalfWidth(uniform(100)));
    assert.ok(p95RelativeHalfWidth(uniform(2000)) < 0.02);
  });

  it('p95 interval: infinite while its upper rank lies beyond the sample, however alike the top values', () => {
    // 25 values whose five largest are equal: the p95 and the values around it agree, but nothing
    // above the largest was seen, so the sample cannot say the p95 is not higher.
    const top = [...Array.from({ length: 20 }, () => 10), ...Array.from({ length: 5 }, () => 100)];
    assert.equal(p95RelativeHalfWidth(top), Infinity);
    const many = [...Array.from({ length: 190 }, () => 10), ...Array.from({ length: 10 }, () => 100)];
    // From about 75 values the interval is bounded by values seen: here from 10 up to 100, ±900 %.
    assert.equal(p95RelativeHalfWidth(many), 9);
  });

  it('takes everything when the window holds few traces, spread over every slice', async () => {
    const pop = population(12);
    const search = fakeSearch(pop);
    const s = await drawSample(search, ['svc'], range, { slices: 6, initialLimit: 5 });
    assert.equal(s.traces.length, 12);
    assert.equal(s.stoppedBy, 'exhausted');
    assert.equal(s.atLeast, 12);
    assert.equal(search.calls.length, 6, 'one page per slice');
    const starts = new Set(search.calls.map((c) => c.range.startMs));
    assert.equal(starts.size, 6);
  });

  it('splits full slices into halves and doubles the page until the p95 is tight', async () => {
    const pop = population(5000, (i) => 50 + (i % 10));
    const search = fakeSearch(pop);
    const s = await drawSample(search, ['svc'], range, { slices: 4, initialLimit: 2, targetRelativeHalfWidth: 0.1 });
    assert.equal(s.stoppedBy, 'tight');
    // Tight needs 400 values (20 above the p95), and no more than the round that reaches them.
    assert.ok(s.traces.length >= 400 && s.traces.length < 1000, `traces ${s.traces.length}`);
    assert.equal(new Set(s.traces.map((t) => t.traceId)).size, s.traces.length);
    assert.deepEqual(search.calls.slice(0, 4).map((c) => c.limit), [2, 2, 2, 2]);
    const second = search.calls.slice(4, 12);
    assert.equal(second.length, 8, 'each full quarter is searched as two halves');
    for (const c of second) {
      assert.equal(c.limit, 4);
      assert.ok(Math.abs(c.range.endMs - c.range.startMs - HOUR / 8) < 1e-6);
    }
    assert.equal(s.atLeast, s.traces.length);
  });

  it('never calls a p95 tight from fewer than 400 values, however alike they look', async () => {
    // Identical durations make every interval zero wide: only the size rule keeps the sampler going.
    const s = await drawSample(fakeSearch(population(5000, () => 50)), ['svc'], range, { slices: 6, initialLimit: 5 });
    assert.equal(s.stoppedBy, 'tight');
    assert.ok(s.traces.length >= 400, `traces ${s.traces.length}`);
  });

  it('keeps within maxTraces and reports the traces it saw beyond them', async () => {
    const s = await drawSample(fakeSearch(population(5000, slowTail)), ['svc'], range, { slices: 6, maxTraces: 40 });
    assert.equal(s.traces.length, 40);
    assert.equal(s.stoppedBy, 'budget');
    assert.ok(s.atLeast > 40, `seen ${s.atLeast}`);
  });

  it('stops at the request budget with a skewed population, at most two requests in flight', async () => {
    const pop = population(20_000, slowTail);
    const inFlight = { now: 0, max: 0 };
    const search = fakeSearch(pop, { inFlight });
    const s = await drawSample(search, ['svc'], range, { slices: 6, maxRequests: 20, concurrency: 4 });
    assert.equal(s.stoppedBy, 'budget');
    assert.equal(s.requests, 20);
    assert.ok(inFlight.max <= 2, `in flight: ${inFlight.max}`);
  });

  it('stops growing on 429/503 and keeps what it has; other failures only thin the sample', async () => {
    const pop = population(5000, slowTail);
    const throttled = await drawSample(fakeSearch(pop, { fail: (n) => (n > 6 ? new HttpStatusError('http://x/api/traces', 429, 'slow down') : undefined) }), ['svc'], range, { slices: 6 });
    assert.equal(throttled.stoppedBy, 'throttled');
    assert.ok(throttled.traces.length >= 30);
    const flaky = await drawSample(fakeSearch(population(30), { fail: (n) => (n === 2 ? new HttpStatusError('http://x', 500, 'boom') : undefined) }), ['svc'], range, { slices: 6 });
    assert.equal(flaky.failed, 1);
    assert.ok(flaky.traces.length > 0 && flaky.traces.length < 30);
  });

  it('propagates cancellation', async () => {
    const controller = new AbortController();
    const search: SampleSearch = async () => {
      controller.abort();
      const { CancelledError } = await import('../../../src/core/errors');
      throw new CancelledError();
    };
    await assert.rejects(drawSample(search, ['svc'], range, {}, controller.signal));
  });
});
