import * as assert from 'node:assert/strict';
import { parseDurationMs } from '../../../src/core/model/durations';
import { parseSearchFilters } from '../../../src/core/search/searchFilters';

describe('durations', () => {
  it('parses what people type', () => {
    assert.equal(parseDurationMs('250ms'), 250);
    assert.equal(parseDurationMs('1.5s'), 1500);
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
    assert.equal(parseDurationMs('500us'), 0.5);
    assert.equal(parseDurationMs('7d'), 604_800_000);
    for (const bad of ['', '12', 'ms', '5 parsecs', '1h 30x']) assert.equal(parseDurationMs(bad), undefined, bad);
  });
});

describe('parseSearchFilters', () => {
  it('reads durations, errors and attributes', () => {
    const r = parseSearchFilters('minDuration=250ms maxDuration=2s error=true http.response.status_code=500 user.tier="gold plan"');
    assert.deepEqual(r, { ok: true, filters: { minDurationMs: 250, maxDurationMs: 2000, errorsOnly: true, tags: { 'http.response.status_code': '500', 'user.tier': 'gold plan' } } });
    assert.deepEqual(parseSearchFilters('duration>1s'), { ok: true, filters: { minDurationMs: 1000, tags: {} } });
    assert.deepEqual(parseSearchFilters(''), { ok: true, filters: { tags: {} } });
  });

  it('says what is wrong', () => {
    for (const [text, pattern] of [
      ['minDuration=fast', /not a duration/],
      ['error=maybe', /true or false/],
      ['just words', /key=value/],
      ['http.status>500', /Only duration/],
      ['minDuration=2s maxDuration=1s', /above the maximum/],
    ] as const) {
      const r = parseSearchFilters(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.message, pattern);
    }
  });
});
