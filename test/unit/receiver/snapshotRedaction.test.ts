import assert from 'node:assert/strict';
import { lintSpans } from '../../../src/core/lint/liveRules';
import type { Resource, Span } from '../../../src/core/model/trace';
import { REDACTED_VALUE, redactUrl, SnapshotRedactor } from '../../../src/core/receiver/snapshotRedaction';
import { SpanStore } from '../../../src/core/receiver/spanStore';

const T0 = 1_700_000_000_000_000_000n;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIiwibmFtZSI6IkFkYSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const GITHUB_TOKEN = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
const PASSWORD = 'hunter2-correct-horse';
const AUTH_TOKEN = 'opaque-session-4f9d2c';

let seq = 1;
function span(attributes: Span['attributes'], resource?: Resource, extra: Partial<Span> = {}): Span {
  return {
    traceId: 'ab'.repeat(16),
    spanId: (seq++).toString(16).padStart(16, '0'),
    name: 'GET /login',
    kind: 'server',
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + 5_000_000n,
    attributes,
    events: [],
    links: [],
    status: { code: 'unset' },
    resource: resource ?? { serviceName: 'svc', attributes: { 'service.name': 'svc' } },
    scope: { name: 'scope' },
    ...extra,
  };
}

describe('SnapshotRedactor', () => {
  it('replaces the values the SD rules flag by key, by value, as credential headers and in URLs', () => {
    const r = new SnapshotRedactor();
    const s = span({
      'auth.token': AUTH_TOKEN,
      'user.password': PASSWORD,
      'app.note': `issued ${JWT}`,
      'vcs.token_ref': GITHUB_TOKEN,
      'http.request.header.authorization': ['Basic dXNlcjpwYXNz'],
      'url.full': `https://user:pw@api.example.com/v1/items?id=7&access_token=${AUTH_TOKEN}`,
      'http.route': '/login',
      'http.response.status_code': 200,
    });
    const out = r.redactSpan(s);
    assert.equal(out.attributes['auth.token'], REDACTED_VALUE);
    assert.equal(out.attributes['user.password'], REDACTED_VALUE);
    assert.equal(out.attributes['app.note'], REDACTED_VALUE);
    assert.equal(out.attributes['vcs.token_ref'], REDACTED_VALUE);
    assert.equal(out.attributes['http.request.header.authorization'], REDACTED_VALUE);
    assert.equal(out.attributes['url.full'], 'https://api.example.com/v1/items?id=7&access_token=REDACTED');
    assert.equal(out.attributes['http.route'], '/login');
    assert.equal(out.attributes['http.response.status_code'], 200);
    assert.equal(r.redacted, 6);
    // The span in memory is untouched.
    assert.equal(s.attributes['auth.token'], AUTH_TOKEN);
    assert.notEqual(out, s);
  });

  it('returns the span itself when nothing is flagged', () => {
    const s = span({ 'http.route': '/items/{id}', 'code.function.name': 'list', 'password.length': 12, has_token: true });
    assert.equal(new SnapshotRedactor().redactSpan(s), s);
  });

  it('redacts resource, event and link attributes, and keeps a shared resource shared', () => {
    const resource: Resource = { serviceName: 'svc', attributes: { 'service.name': 'svc', 'deploy.api_key': 'k-123456789' } };
    const a = span({}, resource, { events: [{ timeUnixNano: T0, name: 'exception', attributes: { 'exception.message': `bad ${JWT}` } }] });
    const b = span({}, resource, { links: [{ traceId: 'cd'.repeat(16), spanId: '1'.repeat(16), attributes: { secret: 'x' } }] });
    const r = new SnapshotRedactor();
    const [ra, rb] = [r.redactSpan(a), r.redactSpan(b)];
    assert.equal(ra.resource, rb.resource);
    assert.equal(ra.resource.attributes['deploy.api_key'], REDACTED_VALUE);
    assert.equal(ra.resource.attributes['service.name'], 'svc');
    assert.equal(ra.events[0].attributes['exception.message'], REDACTED_VALUE);
    assert.equal(rb.links[0].attributes.secret, REDACTED_VALUE);
    assert.equal(resource.attributes['deploy.api_key'], 'k-123456789');
  });

  it('leaves keys from traceLens.lint.allowedKeys alone and redacts extra traceLens.lint.sensitiveKeys', () => {
    const r = new SnapshotRedactor({ allowedKeys: ['auth.token'], sensitiveKeys: ['pin'] });
    const out = r.redactSpan(span({ 'auth.token': AUTH_TOKEN, 'card.pin': '1234' }));
    assert.equal(out.attributes['auth.token'], AUTH_TOKEN);
    assert.equal(out.attributes['card.pin'], REDACTED_VALUE);
  });

  it('redacts URL userinfo and credential query parameters, bare query strings too', () => {
    assert.equal(redactUrl('postgres://app:s3cret@db:5432/shop'), 'postgres://db:5432/shop');
    assert.equal(redactUrl('token=abc&page=2'), 'token=REDACTED&page=2');
    assert.equal(redactUrl('/cb?code=xyz&state=1&sig=00ff'), '/cb?code=REDACTED&state=1&sig=REDACTED');
  });
});

describe('SpanStore snapshot with redaction', () => {
  it('never writes a flagged value, keeps it in memory, and restores spans the live lint no longer flags by value', () => {
    const store = new SpanStore();
    const s = span({ 'auth.token': AUTH_TOKEN, password: PASSWORD, 'app.note': JWT, 'http.route': '/login' });
    store.addSpans([s]);
    const redactor = new SnapshotRedactor();
    const text = store.serialize(undefined, (x) => redactor.redactSpan(x));
    for (const secret of [AUTH_TOKEN, PASSWORD, JWT]) assert.ok(!text.includes(secret), `${secret} is not in the snapshot`);
    assert.ok(text.includes(REDACTED_VALUE));
    assert.equal(store.peekTrace(s.traceId)?.spans[0].attributes['auth.token'], AUTH_TOKEN);

    const restored = new SpanStore();
    restored.restore(text);
    const back = restored.peekTrace(s.traceId)?.spans[0];
    assert.ok(back);
    assert.equal(back.attributes['http.route'], '/login');
    assert.equal(back.attributes.password, REDACTED_VALUE);
    // The key still says what the code records (SD001); the value no longer holds a secret (SD004).
    const rules = new Set(lintSpans([back]).map((f) => f.ruleId));
    assert.ok(rules.has('SD001'));
    assert.ok(!rules.has('SD004'));
    store.dispose();
    restored.dispose();
  });

  it('saves again and again with one redactor: the same text in slices, each span checked and encoded once', async () => {
    const store = new SpanStore();
    const flagged = span({ password: PASSWORD, 'http.route': '/login' });
    store.addSpans([flagged, span({ 'http.route': '/health' })]);
    const redactor = new SnapshotRedactor();
    const first = store.serialize(undefined, (x) => redactor.redactSpan(x));
    assert.equal(redactor.redacted, 1);
    const sliced = (await store.serializeSliced(undefined, (x) => redactor.redactSpan(x), 0)).join('');
    const withoutTime = (t: string) => t.replace(/"savedAtMs":\d+/, '');
    assert.equal(withoutTime(sliced), withoutTime(first));
    assert.ok(!sliced.includes(PASSWORD));
    assert.equal(redactor.redacted, 1, 'the flagged span was checked once, on the first save');
    assert.equal(redactor.redactSpan(flagged), redactor.redactSpan(flagged), 'one redacted copy per span');
    // A span received after a save is in the next one.
    store.addSpans([span({ password: 'hunter2-later' })]);
    const third = (await store.serializeSliced(undefined, (x) => redactor.redactSpan(x), 0)).join('');
    assert.ok(!third.includes('hunter2-later'));
    assert.equal(redactor.redacted, 2);
    store.dispose();
  });
});
