import * as assert from 'node:assert/strict';
import type { SourceFinding } from '../../../src/core/lint/findings';
import type { LanguageId } from '../../../src/core/lint/languages';
import { SourceLinter, type LintOptions } from '../../../src/core/lint/sourceLinter';
import { applyEdits } from './applyEdits';

const linter = new SourceLinter();

async function lint(code: string, language: LanguageId, options?: LintOptions): Promise<SourceFinding[]> {
  return linter.lint(code, language, options);
}

/** Applies the first (rule) fix of the only finding with `ruleId` and returns the new text. */
async function fixOnce(code: string, language: LanguageId, ruleId: string): Promise<string> {
  const findings = (await lint(code, language)).filter((f) => f.ruleId === ruleId);
  assert.equal(findings.length, 1, `expected one ${ruleId}, got ${JSON.stringify(findings.map((f) => f.message))}`);
  const fix = findings[0].fixes[0];
  assert.ok(fix && !fix.title.startsWith('Suppress'), `${ruleId} has a rule fix`);
  return applyEdits(code, fix.edits);
}

describe('lint: source linter quick fixes', function () {
  this.timeout(30000);

  it('SN001 (TS): template → static name with the value in opts.attributes, as in the issue', async () => {
    const code = 'const span = tracer.startSpan(`GET /api/users/${id}`);\n';
    const fixed = await fixOnce(code, 'typescript', 'SN001');
    assert.equal(fixed, "const span = tracer.startSpan('GET /api/users/{id}', { attributes: { 'app.user.id': id } });\n");
    assert.deepEqual(await lint(fixed, 'typescript'), []);
  });

  it('SN001 (TS): merges into an existing attributes object and before a startActiveSpan callback', async () => {
    const merged = await fixOnce("tracer.startSpan('order ' + order.id, { attributes: { 'app.x': 1 } });\n", 'typescript', 'SN001');
    assert.equal(merged, "tracer.startSpan('order {id}', { attributes: { 'app.x': 1 , 'app.order.id': order.id } });\n");
    const active = await fixOnce('tracer.startActiveSpan(`job ${jobId}`, (span) => span.end());\n', 'typescript', 'SN001');
    assert.equal(active, "tracer.startActiveSpan('job {job_id}', { attributes: { 'app.job_id': jobId } }, (span) => span.end());\n");
    assert.deepEqual(await lint(active, 'typescript'), []);
  });

  it('SN001 (TS): spreads an options variable', async () => {
    const fixed = await fixOnce('tracer.startSpan(`job ${id}`, opts);\n', 'typescript', 'SN001');
    assert.equal(fixed, "tracer.startSpan('job {id}', { ...opts, attributes: { ...opts.attributes, 'app.id': id } });\n");
  });

  it('SN001 (TS): updateName gets a setAttributes call after the statement', async () => {
    const fixed = await fixOnce('function f(span, id) {\n  span.updateName(`user ${id}`);\n}\n', 'typescript', 'SN001');
    assert.equal(fixed, "function f(span, id) {\n  span.updateName('user {id}');\n  span.setAttributes({ 'app.id': id });\n}\n");
  });

  it('SN001 (Python): f-string → attributes= keyword', async () => {
    const code = 'with tracer.start_as_current_span(f"GET /api/users/{user_id}") as span:\n    pass\n';
    const fixed = await fixOnce(code, 'python', 'SN001');
    assert.equal(fixed, 'with tracer.start_as_current_span("GET /api/users/{id}", attributes={"app.user.id": user_id}) as span:\n    pass\n');
    assert.deepEqual(await lint(fixed, 'python'), []);
  });

  it('SN001 (Go): fmt.Sprintf → trace.WithAttributes with typed attributes', async () => {
    const code = 'package p\nfunc f() {\n\tctx, span := tracer.Start(ctx, fmt.Sprintf("GET /orders/%s/items/%d", orderID, n))\n}\n';
    const fixed = await fixOnce(code, 'go', 'SN001');
    assert.match(fixed, /tracer\.Start\(ctx, "GET \/orders\/\{id\}\/items\/\{n\}", trace\.WithAttributes\(attribute\.String\("app\.order\.id", orderID\), attribute\.Int\("app\.item\.n", n\)\)\)/);
    assert.deepEqual(await lint(fixed, 'go'), []);
  });

  it('SN001 (Java): spanBuilder concatenation → setAttribute on the builder', async () => {
    const code = 'class A { void f() { Span s = tracer.spanBuilder("order " + orderId).startSpan(); } }\n';
    const fixed = await fixOnce(code, 'java', 'SN001');
    assert.equal(fixed, 'class A { void f() { Span s = tracer.spanBuilder("order {order_id}").setAttribute("app.order_id", orderId).startSpan(); } }\n');
    assert.deepEqual(await lint(fixed, 'java'), []);
  });

  it('SN001 (C#): interpolated string → ?.SetTag on the activity', async () => {
    const code = 'class A { void F() { using var a = Source.StartActivity($"GET /orders/{orderId}"); } }\n';
    const fixed = await fixOnce(code, 'csharp', 'SN001');
    assert.equal(fixed, 'class A { void F() { using var a = Source.StartActivity("GET /orders/{id}")?.SetTag("app.order.id", orderId); } }\n');
    assert.deepEqual(await lint(fixed, 'csharp'), []);
  });

  it('SD001: removes the attribute statement, pair, or Go argument', async () => {
    const ts = await fixOnce("function f(span, p) {\n  span.setAttribute('user.password', p);\n  span.end();\n}\n", 'typescript', 'SD001');
    assert.equal(ts, 'function f(span, p) {\n  span.end();\n}\n');
    const pair = await fixOnce("tracer.startSpan('x', { attributes: { 'app.plan': plan, 'app.secret': s } });\n", 'typescript', 'SD001');
    assert.equal(pair, "tracer.startSpan('x', { attributes: { 'app.plan': plan } });\n");
    const go = await fixOnce('package p\nfunc f() {\n\tspan.SetAttributes(attribute.String("a", a), attribute.String("db.password", p))\n}\n', 'go', 'SD001');
    assert.equal(go, 'package p\nfunc f() {\n\tspan.SetAttributes(attribute.String("a", a))\n}\n');
    const py = await fixOnce('def f(span, p):\n    span.set_attribute("api_key", p)\n    return 1\n', 'python', 'SD001');
    assert.equal(py, 'def f(span, p):\n    return 1\n');
  });

  it('SN002: names the span by the HTTP method when the name had one; no fix for a bare path', async () => {
    const fixed = await fixOnce('package p\nfunc f() {\n\tspan.SetName(r.Method + " " + r.URL.Path)\n}\n', 'go', 'SN002');
    assert.equal(fixed, 'package p\nfunc f() {\n\tspan.SetName(r.Method)\n}\n');
    const [bare] = await lint('tracer.startSpan(req.path);\n', 'typescript');
    assert.deepEqual(bare.fixes.map((f) => f.title), ['Suppress SN002 on this line']);
  });

  it('SD002: records only whether the value is present; SD001 carries the key for allow-listing', async () => {
    const fixed = await fixOnce("span.setAttribute('app.login', user.password);\n", 'typescript', 'SD002');
    assert.equal(fixed, "span.setAttribute('app.login', Boolean(user.password));\n");
    const py = await fixOnce('span.set_attribute("app.login", request.headers.get("Authorization"))\n', 'python', 'SD002');
    assert.equal(py, 'span.set_attribute("app.login", request.headers.get("Authorization") is not None)\n');
    assert.deepEqual(await lint(fixed, 'typescript'), []);
    const [sd001] = await lint("span.setAttribute('user.password', 'x');\n", 'typescript');
    assert.equal(sd001.attributeKey, 'user.password');
  });

  it('SN011: replaces the literal with its template', async () => {
    const fixed = await fixOnce("tracer.startSpan('GET /orders/12345');\n", 'typescript', 'SN011');
    assert.equal(fixed, "tracer.startSpan('GET /orders/{id}');\n");
  });

  it('offers a suppression comment that the engine honours', async () => {
    const code = 'function f(id) {\n    tracer.startSpan(`job ${id}`);\n}\n';
    const [finding] = await lint(code, 'javascript');
    const suppress = finding.fixes[finding.fixes.length - 1];
    assert.equal(suppress.title, 'Suppress SN001 on this line');
    const fixed = applyEdits(code, suppress.edits);
    assert.equal(fixed, 'function f(id) {\n    // trace-lens-disable-next-line SN001\n    tracer.startSpan(`job ${id}`);\n}\n');
    assert.deepEqual(await lint(fixed, 'javascript'), []);
    const py = '# trace-lens-disable-next-line SD003\nKEY = "AKIAIOSFODNN7EXAMPLE"\nOTHER = "AKIAIOSFODNN7EXAMPLF"\n';
    assert.deepEqual((await lint(py, 'python')).map((f) => `${f.range.startLine}:${f.ruleId}`), ['2:SD003']);
  });

  it('a suppression naming another rule does not hide the finding', async () => {
    const code = '// trace-lens-disable-next-line SD001\ntracer.startSpan(`job ${id}`);\n';
    assert.deepEqual((await lint(code, 'typescript')).map((f) => f.ruleId), ['SN001']);
  });
});

describe('lint: source linter options and ranges', function () {
  this.timeout(30000);

  it('applies severity overrides and off', async () => {
    const code = "tracer.startSpan('order 12345');\ntracer.startSpan(`job ${id}`);\n";
    const base = await lint(code, 'typescript');
    assert.deepEqual(base.map((f) => `${f.ruleId}:${f.severity}`), ['SN011:warning', 'SN001:error']);
    const changed = await lint(code, 'typescript', { rules: { SN011: 'off', SN001: 'hint' } });
    assert.deepEqual(changed.map((f) => `${f.ruleId}:${f.severity}`), ['SN001:hint']);
  });

  it('extends and narrows the key list through options', async () => {
    const code = "span.setAttribute('login.otp', v);\nspan.setAttribute('app.session', v);\n";
    assert.deepEqual((await lint(code, 'typescript')).map((f) => f.range.startLine), [1]);
    const opts: LintOptions = { sensitiveKeys: ['otp'], allowedKeys: ['app.session'] };
    assert.deepEqual((await lint(code, 'typescript', opts)).map((f) => f.range.startLine), [0]);
  });

  it('reports 0-based UTF-16 ranges covering the name argument, also after non-ASCII text', async () => {
    const code = "const é = '日本語'; tracer.startSpan(`job ${id}`);\n";
    const [f] = await lint(code, 'typescript');
    const start = code.indexOf('`job');
    assert.deepEqual(f.range, { startLine: 0, startColumn: start, endLine: 0, endColumn: start + '`job ${id}`'.length });
  });

  it('skips files with no candidate at all, and still finds a finding added later', async () => {
    const plain = 'export function add(a: number, b: number) {\n  return a + b;\n}\n';
    assert.deepEqual(await lint(plain, 'typescript', {}), []);
    const cached = new SourceLinter();
    assert.deepEqual(await cached.lint(plain, 'typescript', {}, 'doc'), []);
    const withSpan = plain.replace('return a + b;', 'tracer.startSpan(`add ${a}`);\n  return a + b;');
    assert.deepEqual((await cached.lint(withSpan, 'typescript', {}, 'doc')).map((f) => f.ruleId), ['SN001']);
    cached.dispose();
  });

  it('parses TSX and plain JavaScript with their own grammars', async () => {
    const tsx = 'export const A = () => { tracer.startSpan(`render ${id}`); return <div title="x" />; };\n';
    assert.deepEqual((await lint(tsx, 'tsx')).map((f) => f.ruleId), ['SN001']);
    const js = "span.setAttribute('user.password', pw);\n";
    assert.deepEqual((await lint(js, 'javascript')).map((f) => f.ruleId), ['SD001']);
  });
});

describe('lint: incremental re-parsing per document', function () {
  this.timeout(60000);

  it('gives the same findings as a fresh parse after a series of edits', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const file = path.resolve(__dirname, '../../lint-corpus/typescript/attributes.ts');
    let text = fs.readFileSync(file, 'utf8');
    const cached = new SourceLinter();
    const fresh = new SourceLinter();
    const key = 'file:///attributes.ts';
    const same = async (t: string) => assert.deepEqual(await cached.lint(t, 'typescript', {}, key), await fresh.lint(t, 'typescript'));
    await same(text);
    // Insert a finding, change a key, delete a line, add non-ASCII text, then undo everything.
    const edits: Array<(t: string) => string> = [
      (t) => t.replace("span.end();\n}", "span.setAttribute('app.secret', s);\n  span.end();\n}"),
      (t) => t.replace("'app.api_key'", "'app.region'"),
      (t) => t.replace(/^.*app\.user\.email.*\n/m, ''),
      (t) => `// Grüße 日本語\n${t}`,
      (t) => t.replace('tracer.startSpan(\'login\'', 'tracer.startSpan(`login ${user.id}`'),
    ];
    for (const edit of edits) {
      const next = edit(text);
      assert.notEqual(next, text, 'each edit changes the text');
      text = next;
      await same(text);
    }
    await same(fs.readFileSync(file, 'utf8'));
    cached.forget(key);
    await same(text);
    cached.dispose();
  });
});
