import assert from 'node:assert/strict';
import type { LatencyQuantiles } from '../../../src/core/model/latencyQuantiles';
import { mergeLocationStats, statsFromServerQuantiles } from '../../../src/core/stats/serverQuantiles';
import { statsFixture } from './lensText.test';

const window = { startMs: 0, endMs: 3_600_000 };

describe('server quantiles', () => {
  it('converts seconds to nanoseconds, keeps approximation, validates counts', () => {
    const q: LatencyQuantiles[] = [
      { location: { functionName: 'svc.Svc.serve', filePath: '/app/svc.py' }, count: 5000, errorCount: 9000, p50: 0.012, p95: 0.05, p99: -1, approximate: true },
      { location: { spanName: 'checkout' }, count: 10, p50: 0.2, approximate: false },
      { location: { spanName: 'empty' }, approximate: true },
    ];
    const out = statsFromServerQuantiles(q, window);
    assert.equal(out.length, 2);
    const a = out[0];
    assert.equal(a.source, 'server');
    assert.equal(a.keyString, statsFixture().keyString);
    assert.ok(Math.abs((a.current.p50Ns ?? 0) - 12e6) < 1);
    assert.equal(a.current.p99Ns, undefined);
    assert.equal(a.current.errorCount, 5000);
    assert.equal(a.current.approximate, true);
    assert.equal(out[1].lowConfidence, true);
    assert.equal(out[1].current.approximate, false);
  });

  it('lets the side with more calls supply the figures and keeps local exemplars', () => {
    const local = statsFixture();
    const [server] = statsFromServerQuantiles([{ location: { functionName: 'svc.Svc.serve', filePath: '/app/svc.py' }, count: 90_000, p95: 0.07, approximate: true }], window);
    const merged = mergeLocationStats([local], [server]);
    assert.equal(merged.length, 1);
    assert.equal(merged[0].current.count, 90_000);
    assert.equal(merged[0].current.approximate, true);
    assert.equal(merged[0].slowest, local.slowest);
    assert.equal(merged[0].latestError, local.latestError);
    const [small] = statsFromServerQuantiles([{ location: { functionName: 'svc.Svc.serve', filePath: '/app/svc.py' }, count: 3, approximate: true }], window);
    assert.equal(mergeLocationStats([local], [small])[0], local);
  });
});
