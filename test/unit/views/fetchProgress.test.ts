import * as assert from 'node:assert/strict';
import { FetchProgress } from '../../../src/core/views/fetchProgress';

describe('FetchProgress', () => {
  it('says how much has arrived, at most every 250 ms, and counts every byte', () => {
    const p = new FetchProgress();
    assert.equal(p.answered(), 'receiving…');
    assert.equal(p.add(512 * 1024, 1_000), '0.5 MB received');
    assert.equal(p.add(1024 * 1024, 1_100), undefined, 'too soon after the last');
    assert.equal(p.add(1024 * 1024, 1_249), undefined);
    assert.equal(p.add(512 * 1024, 1_250), '3.0 MB received');
    assert.equal(p.bytes, 3 * 1024 * 1024);
  });
});
