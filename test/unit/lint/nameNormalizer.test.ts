import * as assert from 'node:assert/strict';
import { hasIdLikeToken, normalizeSpanName } from '../../../src/core/lint/nameNormalizer';

describe('lint: span name normalizer', () => {
  const cases: Array<[string, string]> = [
    ['GET /users/123/orders/9f8e7d6c', 'GET /users/{id}/orders/{hex}'],
    ['process 550e8400-e29b-41d4-a716-446655440000', 'process {uuid}'],
    ['mail bob.smith+x@example.co.uk', 'mail {email}'],
    ['report 2024-01-02', 'report {date}'],
    ['report 2024-01-02T10:11:12.123Z', 'report {date}'],
    ['job 1700000000', 'job {timestamp}'],
    ['job 1700000000123', 'job {timestamp}'],
    ['GET /search?q=abc&page=2', 'GET /search?{query}'],
    ['card 4111-1111-1111-1111', 'card {id}'],
    ['session aZ3kd9Qm2Lp8Xr7Tw1', 'session {token}'],
    ['user_12345 login', 'user_{id} login'],
  ];
  for (const [name, template] of cases) {
    it(`"${name}" → "${template}"`, () => assert.equal(normalizeSpanName(name).template, template));
  }

  const untouched = ['oauth2 callback', 'GET /api/users/{id}', 'sha256 digest', 'http2 upgrade', 'base64 decode', 'GET /v2/items', 'v1.2.3 migration', 'facade call', 'SELECT users', 'ipv4 lookup', 'page 7'];
  for (const name of untouched) {
    it(`leaves "${name}" alone`, () => {
      assert.equal(normalizeSpanName(name).template, name);
      assert.equal(hasIdLikeToken(name), false);
    });
  }

  it('collapses many raw names into one template', () => {
    const templates = new Set(['GET /u/1001', 'GET /u/1002', 'GET /u/99999'].map((n) => normalizeSpanName(n).template));
    assert.deepEqual([...templates], ['GET /u/{id}']);
  });
});
