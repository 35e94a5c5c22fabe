import assert from 'node:assert/strict';
import { formatDuration, formatStart, rulerTicks } from '../../../webview/waterfall/timeFormat';

describe('waterfall time formatting', () => {
  it('formats durations with three significant digits in the largest fitting unit', () => {
    assert.equal(formatDuration(0), '0 ms');
    assert.equal(formatDuration(950), '950 ns');
    assert.equal(formatDuration(12_345), '12.3 µs');
    assert.equal(formatDuration(1_500_000), '1.5 ms');
    assert.equal(formatDuration(2e9), '2 s');
    assert.equal(formatDuration(100e6), '100 ms');
    assert.equal(formatDuration(10e6), '10 ms');
    assert.equal(formatDuration(90e9), '1.5 min');
    assert.equal(formatDuration(Number.NaN), '0 ms');
  });

  it('places nice ruler ticks inside a window', () => {
    assert.deepEqual(rulerTicks(0, 5e9), [0, 1e9, 2e9, 3e9, 4e9, 5e9]);
    assert.deepEqual(rulerTicks(1.25e9, 2.5e9), [1.4e9, 1.6e9, 1.8e9, 2e9, 2.2e9, 2.4e9]);
    assert.deepEqual(rulerTicks(3, 3), [3]);
  });

  it('shows the start as UTC and survives garbage', () => {
    assert.equal(formatStart('1700000000123000000'), '2023-11-14 22:13:20.123 UTC');
    assert.equal(formatStart('not a number'), 'not a number');
  });
});
