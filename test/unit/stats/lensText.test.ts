import assert from 'node:assert/strict';
import type { LocationStats } from '../../../src/core/stats/latencyStats';
import { compileLensTemplate, DEFAULT_LENS_TEMPLATE } from '../../../src/core/stats/lensText';
import { InvalidLensTemplateError } from '../../../src/core/stats/statsErrors';

export function statsFixture(over: Partial<LocationStats> = {}): LocationStats {
  return {
    keyString: 'code\u0000/app/svc.py\u0000svc.Svc.serve',
    location: { filePath: '/app/svc.py', functionName: 'svc.Svc.serve', lineNumber: 10, source: 'code' },
    source: 'code',
    window: { startMs: 0, endMs: 3_600_000 },
    current: { count: 1234, errorCount: 5, errorRate: 5 / 1234, p50Ns: 12e6, p95Ns: 48e6, p99Ns: 120e6, minNs: 1e6, maxNs: 2e9, meanNs: 20e6, approximate: false },
    previous: { count: 1000, errorCount: 1, errorRate: 0.001, p50Ns: 10e6, p95Ns: 30e6, p99Ns: 121e6, approximate: false },
    histogram: { boundsNs: Array.from({ length: 13 }, (_, i) => 1e6 * Math.pow(2000, i / 12)), counts: [0, 5, 50, 400, 500, 200, 50, 20, 5, 2, 1, 1] },
    slowest: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), durationNs: 2e9, startTimeMs: 1, serviceName: 'orders', error: false }],
    latestError: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), durationNs: 5e6, startTimeMs: 2, serviceName: 'orders', error: true, statusMessage: 'card [declined](http://evil)' },
    services: ['orders', 'checkout'],
    lowConfidence: false,
    ...over,
  };
}

describe('CodeLens text', () => {
  it('renders the default template with units', () => {
    assert.equal(compileLensTemplate(DEFAULT_LENS_TEMPLATE)(statsFixture()), 'p50 12 ms · p95 48 ms · p99 120 ms · 1.2k calls · 0.4% errors');
  });

  it('supports other placeholders, approximate and low-confidence marks', () => {
    const f = compileLensTemplate('${p95} ${trend} max ${max} (${errors} errors, ${services} services)', { lowConfidenceSuffix: ' ?' });
    assert.equal(f(statsFixture()), 'p95 48 ms ↑ max 2 s (5 errors, 2 services)');
    const approx = statsFixture({ lowConfidence: true, current: { ...statsFixture().current, approximate: true } });
    assert.equal(f(approx), 'p95 ~48 ms ↑ max 2 s (5 errors, 2 services) ?');
  });

  it('rejects unknown placeholders with a typed error', () => {
    assert.throws(() => compileLensTemplate('${p42}'), InvalidLensTemplateError);
    assert.throws(() => compileLensTemplate('x'.repeat(1000)), InvalidLensTemplateError);
  });

  it('treats literal text equal to a placeholder name as text', () => {
    assert.equal(compileLensTemplate('count ${count}')(statsFixture()), 'count 1.2k');
  });
});
