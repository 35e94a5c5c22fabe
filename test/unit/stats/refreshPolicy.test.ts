import assert from 'node:assert/strict';
import type { TimeRange } from '../../../src/core/model/timeRange';
import { CancelledError } from '../../../src/core/errors';
import { SpanStore } from '../../../src/core/receiver/spanStore';
import {
  LocalRefreshThrottle,
  pickSampledServices,
  RemoteRefreshSchedule,
  SAMPLING_BUDGET,
  sampledTraceBudget,
  slideStepMs,
  tracesPerService,
} from '../../../src/core/stats/refreshPolicy';
import { exampleSpans, sampleRecentTraces } from '../../../src/core/stats/remoteSample';
import { makeSpan } from './makeSpan';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** A clock the test moves. */
function testClock(startMs = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

describe('statistics refresh policy: local throttle (injected clock)', () => {
  it('a cheap pass lets the next start a second after it started, not sooner', () => {
    const clock = testClock();
    const throttle = new LocalRefreshThrottle(clock.now);
    assert.equal(throttle.delayMs(), 0, 'nothing ran yet');
    throttle.started();
    clock.advance(20);
    assert.equal(throttle.statsDone(), 20);
    assert.equal(throttle.throttleMs, 1_000);
    assert.equal(throttle.delayMs(), 980);
    clock.advance(980);
    assert.equal(throttle.delayMs(), 0);
  });

  it('the next pass waits ten times what the last took, 15 s at most', () => {
    const clock = testClock();
    const throttle = new LocalRefreshThrottle(clock.now);
    throttle.started();
    clock.advance(300);
    throttle.statsDone();
    assert.equal(throttle.throttleMs, 3_000);
    throttle.started();
    clock.advance(4_000);
    throttle.statsDone();
    assert.equal(throttle.throttleMs, 15_000);
    throttle.started();
    clock.advance(10);
    throttle.statsDone();
    assert.equal(throttle.throttleMs, 1_000, 'a cheap pass shrinks it again');
  });

  it('the detectors\' time after the pass grows the throttle, never shrinks it', () => {
    const throttle = new LocalRefreshThrottle(testClock().now);
    throttle.insightsDone(100, 200);
    assert.equal(throttle.throttleMs, 3_000);
    throttle.insightsDone(10, 10);
    assert.equal(throttle.throttleMs, 3_000);
    throttle.insightsDone(1_000, 1_000);
    assert.equal(throttle.throttleMs, 15_000);
  });

  it('the window slides a twelfth of the lookback at a time, between 5 s and a minute', () => {
    assert.equal(slideStepMs(60 * MINUTE), MINUTE);
    assert.equal(slideStepMs(6 * MINUTE), 30 * SECOND);
    assert.equal(slideStepMs(MINUTE), 5 * SECOND);
  });
});

describe('statistics refresh policy: remote schedule and backoff (injected clock)', () => {
  it('refreshes every five minutes while all is well', () => {
    const clock = testClock();
    const schedule = new RemoteRefreshSchedule(clock.now);
    assert.ok(schedule.isDue(), 'the first refresh runs at once');
    schedule.succeeded();
    clock.advance(5 * MINUTE - 1);
    assert.ok(!schedule.isDue());
    clock.advance(1);
    assert.ok(schedule.isDue());
  });

  it('backs off 30 s, 1, 2, 4, 8 min after failures in a row, then 15 min at most; a success resets', () => {
    const clock = testClock();
    const schedule = new RemoteRefreshSchedule(clock.now);
    const waits = Array.from({ length: 7 }, () => schedule.failed());
    assert.deepEqual(waits, [30 * SECOND, MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 15 * MINUTE, 15 * MINUTE]);
    clock.advance(15 * MINUTE - 1);
    assert.ok(!schedule.isDue());
    clock.advance(1);
    assert.ok(schedule.isDue());
    schedule.succeeded();
    assert.equal(schedule.failed(), 30 * SECOND, 'counting starts again after a success');
  });

  it('another backend is due at once, with no failures remembered', () => {
    const schedule = new RemoteRefreshSchedule(testClock().now);
    schedule.failed();
    schedule.failed();
    schedule.reset();
    assert.ok(schedule.isDue());
    assert.equal(schedule.failed(), 30 * SECOND);
  });
});

describe('statistics refresh policy: sampling budget', () => {
  it('fetches 60 traces, or 20 when the server computes the figures, four at once', () => {
    assert.equal(sampledTraceBudget(false), 60);
    assert.equal(sampledTraceBudget(true), 20);
    assert.equal(SAMPLING_BUDGET.fetchConcurrency, 4);
    assert.equal(SAMPLING_BUDGET.maxSpreadSampleTraces, 2_000);
    assert.equal(SAMPLING_BUDGET.maxOperationExamples, 10);
  });

  it('spreads the traces over the services, one each at least', () => {
    assert.equal(tracesPerService(60, 4), 15);
    assert.equal(tracesPerService(60, 0), 60);
    assert.equal(tracesPerService(2, 5), 1);
  });

  it('samples four services at most, those that mapped to workspace files first', () => {
    const all = ['a', 'b', 'c', 'd', 'e', 'f'];
    assert.deepEqual(pickSampledServices(all, new Set()), ['a', 'b', 'c', 'd']);
    assert.deepEqual(pickSampledServices(all, new Set(['f', 'e'])), ['e', 'f', 'a', 'b']);
  });
});

describe('remote sample: what a refresh fetches within the budget', () => {
  // Fixed times: the suite may run minutes after it was loaded.
  const NOW = Date.UTC(2026, 0, 1);
  const range: TimeRange = { startMs: NOW - 60 * MINUTE, endMs: NOW };

  /** The receiver's store as the backend (a real TraceBackend): `perService` one-span traces per service. */
  function store(services: string[], perService: number): SpanStore {
    const s = new SpanStore();
    services.forEach((service, si) => {
      for (let i = 0; i < perService; i++) {
        s.addSpans([makeSpan({ service, name: 'op', startMs: NOW - (i + 1) * SECOND, traceId: `${(si + 1).toString(16)}${i.toString(16).padStart(31, '0')}` })]);
      }
    });
    return s;
  }

  it('fetches at most the budget, spread over the services, and counts what the searches found', async () => {
    const backend = store(['a', 'b', 'c'], 30);
    const sample = await sampleRecentTraces(backend, ['a', 'b', 'c'], range, 60, new AbortController().signal, () => assert.fail('nothing fails'));
    assert.equal(sample.traces, 60);
    assert.equal(sample.spans.length, 60);
    assert.equal(sample.failed, 0);
    assert.deepEqual(new Set(sample.spans.map((s) => s.resource.attributes['service.name'])), new Set(['a', 'b', 'c']));
  });

  it('a trace that cannot be fetched thins the sample and is reported; a cancellation ends it', async () => {
    const backend = store(['a'], 5);
    const missing = (await backend.search({ service: 'a', range, limit: 1 }))[0].traceId;
    const getTrace = backend.getTrace.bind(backend);
    backend.getTrace = async (id, options) => (id === missing ? Promise.reject(new Error('gone')) : getTrace(id, options));
    const skipped: string[] = [];
    const sample = await sampleRecentTraces(backend, ['a'], range, 60, new AbortController().signal, (message) => skipped.push(message));
    assert.equal(sample.traces, 4);
    assert.equal(sample.failed, 1);
    assert.deepEqual(skipped, [`Sampled trace ${missing} not fetched`]);

    const controller = new AbortController();
    controller.abort(new CancelledError());
    await assert.rejects(sampleRecentTraces(backend, ['a'], range, 60, controller.signal, () => undefined));
  });

  it('one example trace per operation the sample missed, unknown operations skipped', async () => {
    const backend = store(['a', 'b'], 3);
    const skipped: string[] = [];
    const spans = await exampleSpans(backend, [{ service: 'a', operation: 'op' }, { service: 'b', operation: 'op' }, { service: 'c', operation: 'op' }], range, new AbortController().signal, (m) => skipped.push(m));
    assert.deepEqual(spans.map((s) => s.resource.attributes['service.name']).sort(), ['a', 'b']);
    assert.deepEqual(skipped, []);
  });
});
