import * as assert from 'node:assert/strict';
import { redactionProcessorSnippet } from '../../../src/core/lint/collectorRedaction';
import { lintSpans } from '../../../src/core/lint/liveRules';
import type { Attributes, Resource, Span } from '../../../src/core/model/trace';

const resource: Resource = { serviceName: 'shop', attributes: { 'service.name': 'shop' } };
let nextId = 1;

function span(name: string, attributes: Attributes = {}, extra: Partial<Span> = {}): Span {
  const id = (nextId++).toString(16).padStart(16, '0');
  return {
    traceId: 'a'.repeat(32), spanId: id, name, kind: 'server', startTimeUnixNano: 1n, endTimeUnixNano: 2n,
    attributes, events: [], links: [], status: { code: 'unset' }, resource, scope: { name: 'test' }, ...extra,
  };
}

describe('lint: live rules over spans', () => {
  it('SN010: many distinct names from one code location', () => {
    const code = { 'code.filepath': 'src/jobs.ts', 'code.lineno': 42, 'code.function': 'runJob' };
    const spans = Array.from({ length: 60 }, (_, i) => span(`job ${['alpha', 'beta', 'gamma'][i % 3]}-${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}x`, code));
    const findings = lintSpans(spans).filter((f) => f.ruleId === 'SN010');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].distinctNames, 60);
    assert.equal(findings[0].span.codeFilePath, 'src/jobs.ts');
    assert.equal(findings[0].span.codeLineNumber, 42);
    assert.equal(findings[0].span.serviceName, 'shop');
  });

  it('SN010: stays quiet below the thresholds (few names, or names repeated often)', () => {
    const code = { 'code.file.path': 'src/a.ts', 'code.line.number': 1 };
    const repeated = Array.from({ length: 1000 }, (_, i) => span(`op-${String.fromCharCode(97 + (i % 60))}`, code));
    assert.deepEqual(lintSpans(repeated).filter((f) => f.ruleId === 'SN010'), [], '60 names over 1000 spans is a ratio of 0.06');
  });

  it('SN010 by template: ≥ 5 raw names collapsing to one template, with the template as suggestion', () => {
    const spans = [1001, 1002, 1003, 1004, 1005].map((n) => span(`GET /users/${n}`));
    const findings = lintSpans(spans);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.suggestion]), [['SN010', 'GET /users/{id}']]);
  });

  it('SN011: an id-like token in a few names, reported once per template', () => {
    const findings = lintSpans([span('GET /users/1001'), span('GET /users/1002'), span('oauth2 callback'), span('GET /users/{id}')]);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.suggestion]), [['SN011', 'GET /users/{id}']]);
  });

  it('SN012: http.route set but the name is not "{method} {route}"', () => {
    const findings = lintSpans([
      span('GET', { 'http.request.method': 'GET', 'http.route': '/users/:id' }),
      span('GET /users/:id', { 'http.request.method': 'GET', 'http.route': '/users/:id' }),
      span('POST /orders', { 'http.method': 'POST', 'http.route': '/orders' }),
      span('HTTP /x', { 'http.request.method': '_OTHER', 'http.route': '/x' }),
      span('client call', { 'http.request.method': 'GET' }),
    ]);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.span.name, f.suggestion]), [['SN012', 'GET', 'GET /users/:id']]);
  });

  it('SD001 on span, resource, event and link attribute keys, once per key and place', () => {
    const res: Resource = { serviceName: 'billing', attributes: { 'deployment.api_key': 'x' } };
    const s1 = span('a', { 'user.password': 'x', 'gen_ai.usage.input_tokens': 3, author: 'me' }, { resource: res });
    const s2 = span('b', { 'user.password': 'y', 'user.email': 'z' }, {
      resource: res,
      events: [{ timeUnixNano: 1n, name: 'e', attributes: { 'app.session_id': 's' } }],
      links: [{ traceId: 'b'.repeat(32), spanId: 'c'.repeat(16), attributes: { 'app.cvv': '1' } }],
    });
    const findings = lintSpans([s1, s2]).filter((f) => f.ruleId === 'SD001');
    assert.deepEqual(findings.map((f) => [f.location, f.attributeKey, f.severity]).sort(), [
      ['event', 'app.session_id', 'error'],
      ['link', 'app.cvv', 'error'],
      ['resource', 'deployment.api_key', 'error'],
      ['span', 'user.email', 'warning'],
      ['span', 'user.password', 'error'],
    ]);
    assert.equal(findings.find((f) => f.attributeKey === 'user.password')?.span.spanId, s1.spanId, 'the first span is the example');
  });

  it('SD004 on values: card (Luhn), SSN, email, IBAN, bearer, JWT, AWS, GitHub, PEM', () => {
    const attrs: Attributes = {
      'app.note': 'paid 4111 1111 1111 1111',
      'app.bad_card': '4111 1111 1111 1112',
      'app.ref': '123-45-6789',
      'app.contact': 'jane@example.com',
      'app.account': 'DE89370400440532013000',
      'app.h': 'Bearer 9f8e7d6c5b4a39281706f5e4',
      'app.jwt': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'app.k': ['AKIAIOSFODNN7EXAMPLE'],
      'app.gh': 'ghp_1234567890abcdefghijABCDEFGHIJ123456',
      'app.pem': '-----BEGIN EC PRIVATE KEY-----\nabc',
      'app.ok': 'GET /users/{id}',
    };
    const findings = lintSpans([span('x', attrs)]).filter((f) => f.ruleId === 'SD004');
    assert.deepEqual(findings.map((f) => `${f.attributeKey}=${f.valueKind}`), [
      'app.note=card-number', 'app.ref=ssn', 'app.contact=email', 'app.account=iban', 'app.h=bearer-token', 'app.jwt=jwt',
      'app.k=aws-access-key', 'app.gh=github-token', 'app.pem=private-key',
    ]);
    assert.equal(findings.find((f) => f.valueKind === 'email')?.severity, 'warning');
    const yaml = redactionProcessorSnippet(findings.map((f) => f.valueKind!));
    assert.match(yaml, /^processors:\n {2}redaction:\n {4}allow_all_keys: true\n {4}blocked_values:\n/);
    assert.equal((yaml.match(/^ {6}- "/gm) ?? []).length, 9);
  });

  it('SD005: captured credential headers; SD006: secrets in URLs', () => {
    const findings = lintSpans([
      span('GET /a', {
        'http.request.header.authorization': ['Bearer x'],
        'http.response.header.set-cookie': ['sid=1'],
        'http.request.header.x-request-id': ['1'],
        'url.full': 'https://bob:pw@example.com/a',
        'url.query': 'sig=abc&x=1',
      }),
      span('GET /b', { 'url.full': 'https://example.com/b?page=2' }),
    ]);
    assert.deepEqual(findings.map((f) => `${f.ruleId}:${f.attributeKey}`).sort(), [
      'SD005:http.request.header.authorization', 'SD005:http.response.header.set-cookie', 'SD006:url.full', 'SD006:url.query',
    ]);
  });

  it('honours rules overrides and allowedKeys', () => {
    const s = span('GET /users/1001', { 'user.password': 'x', 'app.pin': '1' });
    const findings = lintSpans([s], { rules: { SN011: 'off', SD001: 'info' }, sensitiveKeys: ['pin'], allowedKeys: ['user.*'] });
    assert.deepEqual(findings.map((f) => `${f.ruleId}:${f.severity}:${f.attributeKey}`), ['SD001:info:app.pin']);
  });
});
