import assert from 'node:assert/strict';
import { formatLookback, parseLookback } from '../../../src/core/stats/lookback';
import { InvalidLookbackError } from '../../../src/core/stats/statsErrors';
import { formatChange, formatCount, formatDuration, formatRate } from '../../../src/core/stats/statsFormat';

describe('lookback', () => {
  it('parses durations with units and combinations', () => {
    assert.equal(parseLookback('15m'), 15 * 60_000);
    assert.equal(parseLookback('1h'), 3_600_000);
    assert.equal(parseLookback(' 24H '), 86_400_000);
    assert.equal(parseLookback('1h30m'), 5_400_000);
    assert.equal(parseLookback('1.5h'), 5_400_000);
    assert.equal(parseLookback('7d'), 7 * 86_400_000);
  });

  it('rejects junk, too short and too long windows with a typed error', () => {
    for (const bad of ['', '15', 'abc', '1x', '30s', '60d', '1h garbage']) {
      assert.throws(() => parseLookback(bad), InvalidLookbackError, bad);
    }
  });

  it('formats windows back', () => {
    assert.equal(formatLookback(3_600_000), '1h');
    assert.equal(formatLookback(5_400_000), '1h30m');
    assert.equal(formatLookback(86_400_000), '1d');
  });
});

describe('number formatting', () => {
  it('picks units for durations', () => {
    assert.equal(formatDuration(850), '850 ns');
    assert.equal(formatDuration(12_340), '12.3 µs');
    assert.equal(formatDuration(12_000_000), '12 ms');
    assert.equal(formatDuration(1_250_000), '1.25 ms');
    assert.equal(formatDuration(120_400_000), '120 ms');
    assert.equal(formatDuration(999_700_000), '1 s');
    assert.equal(formatDuration(1_500_000_000), '1.5 s');
    assert.equal(formatDuration(150e9), '2.5 min');
    assert.equal(formatDuration(undefined), '–');
    assert.equal(formatDuration(NaN), '–');
  });

  it('abbreviates counts', () => {
    assert.deepEqual([0, 950, 1000, 1234, 12_345, 999_999, 1_200_000].map(formatCount), ['0', '950', '1k', '1.2k', '12k', '1M', '1.2M']);
  });

  it('formats rates and changes', () => {
    assert.deepEqual([0, 0.0004, 0.004, 0.123, 1].map(formatRate), ['0%', '<0.1%', '0.4%', '12%', '100%']);
    assert.equal(formatChange(135, 100), '+35%');
    assert.equal(formatChange(88, 100), '−12%');
    assert.equal(formatChange(1, 0), undefined);
  });
});
