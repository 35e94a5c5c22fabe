import assert from 'node:assert/strict';
import type { TimeRange } from '../../../src/core/model/timeRange';
import type { Trace } from '../../../src/core/model/trace';
import { REFRESH_OVERLAP_MS, SampleCache } from '../../../src/core/stats/sampleCache';
import { p95RelativeHalfWidth, type SampleSearch } from '../../../src/core/stats/traceSampler';
import { makeSpan } from './makeSpan';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** 10 % of calls in a wide slow tail: a few hundred values never pin the p95 within 5 %. */
const slowTail = (i: number): number => (i % 10 === 0 ? 100 + ((i * 7919) % 5000) : 10 + (i % 7));

/** A server whose traces arrive over time: one trace every `everyMs`, each one span of `svc`. */
class Server {
  readonly traces: Trace[] = [];
  readonly calls: Array<{ range: TimeRange; limit: number }> = [];
  constructor(private readonly dur: (i: number) => number = (i) => 10 + (i % 50)) {}
  fill(fromMs: number, toMs: number, everyMs: number): void {
    for (let t = fromMs; t < toMs; t += everyMs) {
      const i = this.traces.length;
      const span = makeSpan({ name: 'op', service: 'svc', startMs: t, durationNs: this.dur(i) * 1e6, traceId: (i + 1).toString(16).padStart(32, '0') });
      this.traces.push({ traceId: span.traceId, spans: [span], warnings: [] } as unknown as Trace);
    }
  }
  readonly search: SampleSearch = async (service, r, limit) => {
    this.calls.push({ range: r, limit });
    const startMs = (t: Trace): number => Number(t.spans[0].startTimeUnixNano / 1_000_000n);
    return this.traces.filter((t) => startMs(t) >= r.startMs && startMs(t) <= r.endMs).sort((a, b) => startMs(b) - startMs(a)).slice(0, limit);
  };
}

describe('sample cache (incremental refresh per backend origin, injected clock)', () => {
  it('searches only the new slice (and a minute of overlap) on the next refresh, and drops traces that left the window', async () => {
    let now = 10 * HOUR;
    const server = new Server(slowTail);
    server.fill(now - HOUR, now, 10_000); // 360 traces
    const cache = new SampleCache(() => now);
    const first = await cache.draw('http://jaeger:16686', server.search, ['svc'], HOUR);
    assert.equal(first.stoppedBy, 'exhausted');
    assert.equal(first.traces.length, 360);
    assert.equal(first.searchedFromMs, now - HOUR);

    server.calls.length = 0;
    server.fill(now, now + 5 * MINUTE, 10_000); // 30 more
    now += 5 * MINUTE;
    const second = await cache.draw('http://jaeger:16686', server.search, ['svc'], HOUR);
    assert.equal(second.searchedFromMs, now - 5 * MINUTE - REFRESH_OVERLAP_MS);
    assert.ok(server.calls.every((c) => c.range.startMs >= second.searchedFromMs), 'nothing before the new slice is searched again');
    assert.equal(server.calls.length, 1, 'a complete sample stays complete in one page at its density');
    // The window moved by 5 minutes: the 30 oldest left, the 30 newest came.
    assert.equal(second.traces.length, 360);
    assert.equal(second.stoppedBy, 'exhausted', 'a complete window stays complete');
    assert.equal(new Set(second.traces.map((t) => t.traceId)).size, 360);
    const oldest = Math.min(...second.traces.map((t) => Number(t.spans[0].startTimeUnixNano / 1_000_000n)));
    assert.ok(oldest >= now - HOUR, 'no trace older than the window');
  });

  it('samples again from scratch for another origin, lookback or service set, and after the window has passed', async () => {
    let now = 10 * HOUR;
    const server = new Server();
    server.fill(now - 3 * HOUR, now + 3 * HOUR, 60_000);
    const cache = new SampleCache(() => now);
    await cache.draw('a', server.search, ['svc'], HOUR);
    now += MINUTE;
    assert.equal((await cache.draw('b', server.search, ['svc'], HOUR)).searchedFromMs, now - HOUR, 'another origin');
    assert.equal((await cache.draw('a', server.search, ['svc'], 2 * HOUR)).searchedFromMs, now - 2 * HOUR, 'another lookback');
    assert.equal((await cache.draw('a', server.search, ['svc', 'other'], 2 * HOUR)).searchedFromMs, now - 2 * HOUR, 'other services');
    assert.ok((await cache.draw('a', server.search, ['other', 'svc'], 2 * HOUR)).searchedFromMs > now - 2 * HOUR, 'the same services in another order');
    now += 3 * HOUR;
    assert.equal((await cache.draw('a', server.search, ['svc', 'other'], 2 * HOUR)).searchedFromMs, now - 2 * HOUR, 'the previous sample is out of the window');
    cache.clear('a');
    now += MINUTE;
    assert.equal((await cache.draw('a', server.search, ['svc', 'other'], 2 * HOUR)).searchedFromMs, now - 2 * HOUR, 'cleared');
  });

  it('keeps a budget-bound sample at its density instead of piling the new slice on', async () => {
    let now = 10 * HOUR;
    const server = new Server(slowTail);
    server.fill(now - HOUR, now + 10 * MINUTE, 500); // 7,200 traces an hour: more than the budget below
    const cache = new SampleCache(() => now);
    const first = await cache.draw('z', server.search, ['svc'], HOUR, { maxRequests: 20 });
    assert.equal(first.stoppedBy, 'budget');
    now += 10 * MINUTE;
    const second = await cache.draw('z', server.search, ['svc'], HOUR, { maxRequests: 20 });
    const inSlice = second.traces.filter((t) => Number(t.spans[0].startTimeUnixNano / 1_000_000n) >= second.searchedFromMs).length;
    const density = first.traces.length / HOUR;
    assert.ok(inSlice <= Math.ceil(density * (now - second.searchedFromMs) * 1.5), `${inSlice} traces in the new slice, the rest has ${first.traces.length} per hour`);
    assert.ok(inSlice > 0);
    // No traffic since (past the minute of overlap): the new slice is exhausted at once, but the
    // window is still only a sample.
    now += 3 * MINUTE;
    await cache.draw('z', server.search, ['svc'], HOUR, { maxRequests: 20 });
    now += 3 * MINUTE;
    const quiet = await cache.draw('z', server.search, ['svc'], HOUR, { maxRequests: 20 });
    assert.equal(quiet.stoppedBy, 'budget', 'an exhausted slice does not make a partial sample complete');
  });

  it('grows a slice only until the whole window is tight at ±5 %', async () => {
    let now = 10 * HOUR;
    // Narrow durations: a few hundred values pin the p95 within 5 %.
    const server = new Server((i) => 50 + (i % 10));
    server.fill(now - HOUR, now + 5 * MINUTE, 200);
    const cache = new SampleCache(() => now);
    const first = await cache.draw('t', server.search, ['svc'], HOUR);
    assert.equal(first.stoppedBy, 'tight');
    const values = first.traces.map((t) => Number(t.spans[0].endTimeUnixNano - t.spans[0].startTimeUnixNano)).sort((a, b) => a - b);
    assert.ok(p95RelativeHalfWidth(values) <= 0.05, 'tight means ±5 % by default');
    assert.ok(first.traces.length < server.traces.length / 2, `${first.traces.length} of ${server.traces.length}: a sample, not everything`);
    now += 5 * MINUTE;
    server.calls.length = 0;
    const second = await cache.draw('t', server.search, ['svc'], HOUR);
    assert.equal(second.stoppedBy, 'tight');
    assert.equal(server.calls.length, 1, 'the held traces already make the window tight: one page of the new slice');
  });
});
