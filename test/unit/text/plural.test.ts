import assert from 'node:assert/strict';
import { countOf, noun } from '../../../src/core/text/plural';

describe('counts in sentences', () => {
  it('uses the singular for exactly one and the plural otherwise, zero included', () => {
    assert.equal(countOf(1, 'call path'), '1 call path');
    assert.equal(countOf(0, 'trace'), '0 traces');
    assert.equal(countOf(2, 'trace'), '2 traces');
    assert.equal(countOf(12_345, 'span'), '12,345 spans');
    assert.equal(countOf(3, 'entry', 'entries'), '3 entries');
    assert.equal(noun(1, 'trace'), 'trace');
    assert.equal(noun(1.5, 'trace'), 'traces');
  });
});
