import * as assert from 'node:assert/strict';
import { base64ToHex, normalizeSpanId, normalizeTraceId, shortTraceId } from '../../../src/core/model/ids';

describe('ids', () => {
  it('normalizes trace ids to 32 lowercase hex', () => {
    assert.equal(normalizeTraceId('4BF92F3577B34DA6A3CE929D0E0E4736'), '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(normalizeTraceId('a3ce929d0e0e4736'), '0000000000000000a3ce929d0e0e4736');
    // Tempo search strips leading zeros.
    assert.equal(normalizeTraceId('2f3577b34da6a3ce929d0e0e4736'), '00002f3577b34da6a3ce929d0e0e4736');
  });

  it('rejects ids that are not hex, too long, empty or all zeros', () => {
    for (const bad of ['', 'xyz', '0'.repeat(32), 'a'.repeat(33), '4bf92f35-77b3']) assert.equal(normalizeTraceId(bad), undefined, bad);
    assert.equal(normalizeSpanId('0000000000000000'), undefined);
    assert.equal(normalizeSpanId('00f067aa0ba902b7'), '00f067aa0ba902b7');
  });

  it('decodes base64 ids (Tempo protobuf-JSON) to hex', () => {
    assert.equal(base64ToHex('S/kvNXezTaajzpKdDg5HNg=='), '4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('shortens ids for titles without the 64-bit padding', () => {
    assert.equal(shortTraceId('0000000000000000a3ce929d0e0e4736'), 'a3ce929');
    assert.equal(shortTraceId('4bf92f3577b34da6a3ce929d0e0e4736'), '4bf92f3');
  });
});
