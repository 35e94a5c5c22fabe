import assert from 'node:assert/strict';
import type { LocationStats } from '../../../src/core/stats/latencyStats';
import { compileLensTemplate, DEFAULT_LENS_TEMPLATE, effectiveLensTemplate, LEGACY_DEFAULT_LENS_TEMPLATE } from '../../../src/core/stats/lensText';
import { EXACT_DDSKETCH } from '../../../src/core/stats/statsBasis';
import { InvalidLensTemplateError } from '../../../src/core/stats/statsErrors';

export function statsFixture(over: Partial<LocationStats> = {}): LocationStats {
  return {
    keyString: 'code\u0000/app/svc.py\u0000svc.Svc.serve',
    location: { filePath: '/app/svc.py', functionName: 'svc.Svc.serve', lineNumber: 10, source: 'code' },
    source: 'code',
    basis: EXACT_DDSKETCH,
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
    assert.equal(compileLensTemplate(DEFAULT_LENS_TEMPLATE)(statsFixture(), 3_600_000), 'p50 12 ms · p95 48 ms · p99 120 ms · last 1h · 1,234 calls · 0.4% errors');
    // Without a lookback the stats' own window names it.
    assert.equal(compileLensTemplate('${calls}')(statsFixture()), 'last 1h · 1,234 calls');
  });

  it('supports other placeholders, approximate and low-confidence marks', () => {
    const f = compileLensTemplate('${p95} ${trend} max ${max} (${errors} errors, ${services} services)', { lowConfidenceSuffix: ' ?' });
    assert.equal(f(statsFixture()), 'p95 48 ms ↑ max 2 s (5 errors, 2 services)');
    const approx = statsFixture({ lowConfidence: true, current: { ...statsFixture().current, approximate: true } });
    assert.equal(f(approx), 'p95 ~48 ms ↑ max 2 s (5 errors, 2 services) ?');
  });

  it('names a sample as a sample and never shows its count as the call count', () => {
    const sampled = statsFixture({ basis: { kind: 'sample', method: 'ddsketch', sampleTraces: 60, ofAtLeast: 200 }, current: { ...statsFixture().current, count: 60 }, lowConfidence: true });
    const text = compileLensTemplate(DEFAULT_LENS_TEMPLATE)(sampled, 3_600_000);
    assert.equal(text, 'p50 12 ms · p95 48 ms · p99 needs ≥ 100 samples · last 1h · 60 calls in a sample of 60 traces (of ≥ 200) · 0.4% errors');
    assert.ok(!/\b60 calls ·/.test(text));
    assert.equal(compileLensTemplate('${count} calls')(sampled), '60 sampled calls (few samples)');
    // "of ≥ N" only when known and larger than the sample.
    const whole = statsFixture({ basis: { kind: 'sample', method: 'ddsketch', sampleTraces: 60 }, current: { ...statsFixture().current, count: 1 } });
    assert.equal(compileLensTemplate('${calls}')(whole, 3_600_000), 'last 1h · 1 call in a sample of 60 traces');
  });

  it('says what is missing instead of a percentile the values cannot support', () => {
    const few = statsFixture({ current: { ...statsFixture().current, count: 10, errorCount: 1, errorRate: 0.1 }, lowConfidence: true });
    assert.equal(compileLensTemplate(DEFAULT_LENS_TEMPLATE)(few, 3_600_000), 'p50 12 ms · p95 needs ≥ 20 samples · p99 needs ≥ 100 samples · last 1h · 10 calls · 10% errors');
    const some = statsFixture({ current: { ...statsFixture().current, count: 20 }, lowConfidence: true });
    assert.equal(compileLensTemplate('${p95} · ${p99}')(some), 'p95 48 ms · p99 needs ≥ 100 samples');
    assert.equal(compileLensTemplate('${p95} ${trend}')(some), 'p95 48 ms ↑ (few samples)');
    const hundred = statsFixture({ current: { ...statsFixture().current, count: 100 } });
    assert.equal(compileLensTemplate('${p99}')(hundred), 'p99 120 ms');
  });

  it('shows a percentile of part of the window only when its 95 % interval is within ±10 %', () => {
    const current = { ...statsFixture().current, count: 1270, spread: { p50: 0.01, p95: 0.04, p99: 0.61 } };
    const part = statsFixture({ basis: { kind: 'sample', method: 'ddsketch', sampleTraces: 1270 }, current });
    assert.equal(compileLensTemplate('${p50} · ${p95} · ${p99}')(part), 'p50 12 ms · p95 48 ms · p99 uncertain (±61 % in this sample)');
    const unbounded = statsFixture({ basis: part.basis, current: { ...current, spread: { p50: 0.01, p95: 0.04, p99: Infinity } } });
    assert.equal(compileLensTemplate('${p99}')(unbounded), 'p99 uncertain (needs a larger sample)');
    // Every trace of the window, or every call: the same values are no guess.
    const whole = statsFixture({ basis: { kind: 'sample', method: 'ddsketch', sampleTraces: 1270, complete: true }, current });
    assert.equal(compileLensTemplate('${p99}')(whole), 'p99 120 ms');
    assert.equal(compileLensTemplate('${p99}')(statsFixture({ current })), 'p99 120 ms');
    // The median keeps the count rule alone: three sampled values still show one.
    const three = statsFixture({ basis: part.basis, current: { ...current, count: 3, spread: { p50: Infinity, p95: Infinity, p99: Infinity } } });
    assert.equal(compileLensTemplate('${p50} · ${p95}')(three), 'p50 12 ms · p95 needs ≥ 20 samples');
  });

  it('marks bucketed server quantiles and keeps the exact server count', () => {
    const spm = statsFixture({ source: 'server', basis: { kind: 'exact', method: 'prometheus-histogram', bucketRelativeWidth: 0.1, countApproximate: true } });
    assert.equal(compileLensTemplate(DEFAULT_LENS_TEMPLATE)(spm, 3_600_000), 'p50 ~12 ms · p95 ~48 ms · p99 ~120 ms · last 1h · ~1,234 calls · 0.4% errors');
    assert.equal(compileLensTemplate('${count}')(spm), '~1.2k');
    const noCount = statsFixture({ source: 'server', basis: { kind: 'exact', method: 'tempo-buckets', countUnknown: true }, current: { ...statsFixture().current, count: 0 } });
    assert.equal(compileLensTemplate(DEFAULT_LENS_TEMPLATE)(noCount, 3_600_000), 'p50 ~12 ms · p95 ~48 ms · p99 ~120 ms · last 1h · calls unknown · 0.4% errors');
  });

  it('treats the legacy default setting as the current default', () => {
    assert.equal(effectiveLensTemplate(LEGACY_DEFAULT_LENS_TEMPLATE), DEFAULT_LENS_TEMPLATE);
    assert.equal(effectiveLensTemplate(''), DEFAULT_LENS_TEMPLATE);
    assert.equal(effectiveLensTemplate(undefined), DEFAULT_LENS_TEMPLATE);
    assert.equal(effectiveLensTemplate('${count} calls'), '${count} calls');
  });

  it('rejects unknown placeholders with a typed error', () => {
    assert.throws(() => compileLensTemplate('${p42}'), InvalidLensTemplateError);
    assert.throws(() => compileLensTemplate('x'.repeat(1000)), InvalidLensTemplateError);
  });

  it('treats literal text equal to a placeholder name as text', () => {
    assert.equal(compileLensTemplate('count ${count}')(statsFixture()), 'count 1.2k');
  });
});
