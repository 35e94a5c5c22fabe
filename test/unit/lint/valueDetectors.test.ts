import * as assert from 'node:assert/strict';
import { detectSecret, detectSensitiveValue, detectUrlSecret, luhnValid } from '../../../src/core/lint/valueDetectors';

describe('lint: sensitive value detectors', () => {
  it('checks Luhn', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('4111111111111112'), false);
  });

  const positives: Array<[string, string]> = [
    ['paid with 4111 1111 1111 1111', 'card-number'],
    ['5500-0000-0000-0004', 'card-number'],
    ['ssn 123-45-6789', 'ssn'],
    ['contact jane.doe@example.com', 'email'],
    ['GB82 WEST 1234 5698 7654 32', 'iban'],
    ['DE89370400440532013000', 'iban'],
    ['Bearer 9f8e7d6c5b4a39281706f5e4', 'bearer-token'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'jwt'],
    ['AKIAIOSFODNN7EXAMPLE', 'aws-access-key'],
    ['ghp_1234567890abcdefghijABCDEFGHIJ123456', 'github-token'],
    ['-----BEGIN PRIVATE KEY-----\nMIIE...', 'private-key'],
  ];
  for (const [value, kind] of positives) it(`finds ${kind} in "${value.slice(0, 30)}"`, () => assert.equal(detectSensitiveValue(value), kind));

  const negatives = ['4111111111111112', 'order 1234567890123', '2024-01-02', 'GET /users/{id}', 'Bearer token required', 'version 1.2.3', '000-00-0000', 'ghp_short', 'SELECT * FROM users WHERE id = 123456789'];
  for (const value of negatives) it(`ignores "${value}"`, () => assert.equal(detectSensitiveValue(value), undefined));

  it('separates secrets (SD003) from personal data', () => {
    assert.equal(detectSecret('jane@example.com'), undefined);
    assert.equal(detectSecret('AKIAIOSFODNN7EXAMPLE'), 'aws-access-key');
  });

  it('finds credentials in URLs (SD006)', () => {
    assert.deepEqual(detectUrlSecret('https://bob:hunter2@db.example.com/x'), { kind: 'userinfo' });
    assert.deepEqual(detectUrlSecret('https://api.example.com/cb?code=abc&state=1'), { kind: 'query', parameter: 'code' });
    assert.deepEqual(detectUrlSecret('https://s3.amazonaws.com/b/k?AWSAccessKeyId=AKIA&Signature=xyz'), { kind: 'query', parameter: 'AWSAccessKeyId' });
    assert.deepEqual(detectUrlSecret('token=abc&x=1'), { kind: 'query', parameter: 'token' });
    assert.equal(detectUrlSecret('https://api.example.com/items?page=2&sort=asc'), undefined);
    assert.equal(detectUrlSecret('https://api.example.com/cb?token=REDACTED'), undefined);
    assert.equal(detectUrlSecret('https://example.com/users/1'), undefined);
  });
});
