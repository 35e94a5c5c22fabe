import * as assert from 'node:assert/strict';
import { SensitiveKeyMatcher, tokeniseKey } from '../../../src/core/lint/sensitiveKeys';

describe('lint: sensitive key matching', () => {
  const m = new SensitiveKeyMatcher();

  it('tokenises on dots, underscores, dashes and camelCase', () => {
    assert.deepEqual(tokeniseKey('app.userPassword_hash-v2'), ['app', 'user', 'password', 'hash', 'v2']);
    assert.deepEqual(tokeniseKey('HTTPAuthToken'), ['http', 'auth', 'token']);
  });

  it('flags credentials, card data and SSNs as errors', () => {
    for (const key of ['user.password', 'db_passwd', 'app.apiKey', 'x-api-key', 'auth.token', 'session.id', 'app.csrf', 'http.cookie', 'set-cookie', 'payment.credit_card', 'card.cvv', 'customer.ssn', 'privateKey', 'patient.id']) {
      const r = m.matchKey(key);
      assert.equal(r?.severity, 'error', key);
    }
  });

  it('flags personal data (email, phone, IP) as warnings', () => {
    for (const key of ['user.email', 'customer.phone', 'client.ipAddress']) assert.equal(m.matchKey(key)?.severity, 'warning', key);
  });

  it('allows the known false positives and whole-token look-alikes', () => {
    for (const key of ['gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'messaging.kafka.message.key', 'author', 'app.authored_by', 'oauth.provider', 'zip.code', 'app.token_count', 'app.has_token', 'auth.method', 'app.password_policy.length', 'card.brand']) {
      assert.equal(m.matchKey(key), undefined, key);
    }
  });

  it('extends the list with sensitiveKeys (terms and globs) and allowedKeys', () => {
    const custom = new SensitiveKeyMatcher({ sensitiveKeys: ['otp', 'acme.*.ref'], allowedKeys: ['app.session.*'] });
    assert.equal(custom.matchKey('login.otp')?.severity, 'error');
    assert.equal(custom.matchKey('acme.vault.ref')?.severity, 'error');
    assert.equal(custom.matchKey('app.session.count2'), undefined);
    assert.equal(custom.matchKey('app.session')?.severity, 'error', 'the glob allows only keys below app.session');
    assert.equal(m.matchKey('login.otp'), undefined);
  });

  it('judges value names by their last tokens only', () => {
    assert.ok(m.matchValueName('apiKey'));
    assert.ok(m.matchValueName('password'));
    assert.equal(m.matchValueName('passwordHash'), undefined);
    assert.equal(m.matchValueName('length'), undefined);
    assert.equal(m.matchValueName('hasToken'), undefined);
    assert.equal(m.matchValueName('email'), undefined, 'personal data values are not credentials');
  });
});
