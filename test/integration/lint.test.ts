import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { startJaeger } from '../backends/harness/servers';
import { RECEIVER } from './receiverPorts';

const EXTENSION_ID = 'trace-lens.trace-lens';
const SOURCE = 'Trace Lens';

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the test workspace is open');
  return f.uri;
}

const fixture = (...segments: string[]) => vscode.Uri.joinPath(folder(), 'lint', ...segments);

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Quick fixes of our diagnostics at a range; waits for them, since markers reach the workbench asynchronously. */
async function quickFixes(uri: vscode.Uri, range: vscode.Range, expectTitle: RegExp): Promise<vscode.CodeAction[]> {
  let last: vscode.CodeAction[] = [];
  try {
    return await waitFor(`a quick fix matching ${expectTitle}`, async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value);
      // The command's results carry title, kind, edit, command and isPreferred, not the diagnostics.
      last = all;
      return last.some((a) => expectTitle.test(a.title)) ? last : undefined;
    }, 5_000);
  } catch (err) {
    throw new Error(`${String(err)}; offered: ${last.map((a) => a.title).join(' | ')}`);
  }
}

function summary(diags: readonly vscode.Diagnostic[]): string {
  return diags.map((d) => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}/${d.severity}`).sort().join(', ');
}

async function setRules(value: Record<string, string> | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('traceLens.lint').update('rules', value, vscode.ConfigurationTarget.Workspace);
}

async function writeFile(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
}

/** One OTLP/JSON span, posted (by default to the built-in receiver) like an SDK's exporter would. */
async function sendSpan(name: string, attributes: Record<string, string | number>, target = RECEIVER, service = 'lint-test'): Promise<{ traceId: string; spanId: string }> {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{
        scope: { name: 'trace-lens-lint-test' },
        spans: [{
          traceId, spanId, name, kind: 2,
          startTimeUnixNano: String(now - 5_000_000n), endTimeUnixNano: String(now),
          attributes: Object.entries(attributes).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
        }],
      }],
    }],
  };
  await waitFor('the receiver to accept spans', async () => {
    const res = await fetch(`${target}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return res.ok;
  });
  return { traceId, spanId };
}

describe('lint diagnostics in the editor', function () {
  this.timeout(60_000);
  let settingsFile: vscode.Uri;
  let originalSettings: Uint8Array | undefined;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    settingsFile = vscode.Uri.joinPath(folder(), '.vscode', 'settings.json');
    originalSettings = await vscode.workspace.fs.readFile(settingsFile).then((b) => b, () => undefined);
  });

  afterEach(async () => {
    const c = vscode.workspace.getConfiguration('traceLens.lint');
    if (c.inspect('rules')?.workspaceValue !== undefined) await setRules(undefined);
    if (c.inspect('allowedKeys')?.workspaceValue !== undefined) await c.update('allowedKeys', undefined, vscode.ConfigurationTarget.Workspace);
    const files = vscode.workspace.getConfiguration('files');
    if (files.inspect('exclude')?.workspaceValue !== undefined) await files.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    // The settings updates rewrite the committed settings.json: put it back byte for byte.
    if (originalSettings) await vscode.workspace.fs.writeFile(settingsFile, originalSettings);
    for (const scratch of ['generated', 'scratch']) {
      await vscode.workspace.fs.delete(fixture(scratch), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports a template span name and a password attribute on open, with code, source, severity and range', async () => {
    const doc = await vscode.workspace.openTextDocument(fixture('orders.ts'));
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor('diagnostics of orders.ts', () => (ours(doc.uri).length >= 3 ? ours(doc.uri) : undefined));
    assert.equal(summary(diags), 'SD001@6:20-6:35/0, SD002@6:37-6:45/0, SN001@5:32-5:58/0');
    const sn001 = diags.find((d) => codeOf(d) === 'SN001');
    assert.ok(sn001 && typeof sn001.code === 'object');
    assert.equal(sn001.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(sn001.source, 'Trace Lens');
    assert.equal(sn001.code.target.toString(), 'https://github.com/trace-lens/trace-lens/blob/main/docs/lint-rules.md#sn001');
    assert.match(sn001.message, /built at run time/);
  });

  it('applies the rule fix, the suppression comment and offers allow-listing for SD001', async () => {
    const copy = fixture('generated', 'orders-fix.ts');
    await writeFile(copy, Buffer.from(await vscode.workspace.fs.readFile(fixture('orders.ts'))).toString('utf8'));
    const doc = await vscode.workspace.openTextDocument(copy);
    await vscode.window.showTextDocument(doc);
    await waitFor('diagnostics of the copy', () => ours(copy).length >= 3);

    const sn001 = ours(copy).find((d) => codeOf(d) === 'SN001');
    assert.ok(sn001);
    const mine = await quickFixes(copy, sn001.range, /static span name/);
    const fix = mine.find((a) => a.isPreferred);
    assert.ok(fix?.edit, `a preferred quick fix; got ${mine.map((a) => a.title).join(' | ')}`);
    assert.match(fix.title, /static span name/);
    assert.ok(mine.some((a) => a.title === 'Suppress SN001 on this line'));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(5).text, "  const span = tracer.startSpan('process order {order_id}', { attributes: { 'app.order_id': orderId } });");
    await waitFor('SN001 to go away after the fix', () => !ours(copy).some((d) => codeOf(d) === 'SN001'));

    // The suppression comment on SD002 (after re-lint: fixes are tied to the document version).
    const sd002 = await waitFor('SD002', () => ours(copy).find((d) => codeOf(d) === 'SD002'));
    const sd002Actions = await quickFixes(copy, sd002.range, /^Suppress SD002/);
    const suppress = sd002Actions.find((a) => a.title === 'Suppress SD002 on this line');
    assert.ok(suppress?.edit, `suppression offered; got ${sd002Actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(suppress.edit));
    assert.equal(doc.lineAt(6).text, '  // trace-lens-disable-next-line SD002');
    await waitFor('SD002 to be suppressed', () => !ours(copy).some((d) => codeOf(d) === 'SD002'));

    const sd001 = await waitFor('SD001', () => ours(copy).find((d) => codeOf(d) === 'SD001'));
    const sd001Actions = await quickFixes(copy, sd001.range, /allowedKeys/);
    const allow = sd001Actions.find((a) => a.title === "Add 'user.password' to traceLens.lint.allowedKeys");
    assert.ok(allow?.command, `allow-listing offered; got ${sd001Actions.map((a) => a.title).join(' | ')}`);
    assert.ok(sd001Actions.some((a) => a.title === 'Remove attribute "user.password"' && a.isPreferred));
    await vscode.commands.executeCommand(allow.command.command, ...(allow.command.arguments ?? []));
    assert.deepEqual(vscode.workspace.getConfiguration('traceLens.lint').inspect('allowedKeys')?.workspaceValue, ['user.password']);
    await waitFor('SD001 to go away once the key is allowed', () => !ours(copy).some((d) => codeOf(d) === 'SD001'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('applies traceLens.lint.rules changes at once', async () => {
    const doc = await vscode.workspace.openTextDocument(fixture('orders.ts'));
    await vscode.window.showTextDocument(doc);
    await waitFor('diagnostics of orders.ts', () => ours(doc.uri).length >= 3);
    await setRules({ SN001: 'off', SD001: 'warning' });
    await waitFor('SN001 off and SD001 a warning', () => summary(ours(doc.uri)) === 'SD001@6:20-6:35/1, SD002@6:37-6:45/0');
    await setRules(undefined);
    await waitFor('defaults back', () => summary(ours(doc.uri)) === 'SD001@6:20-6:35/0, SD002@6:37-6:45/0, SN001@5:32-5:58/0');
  });

  it('turns off completely with traceLens.lint.enabled', async () => {
    const doc = await vscode.workspace.openTextDocument(fixture('orders.ts'));
    await waitFor('diagnostics of orders.ts', () => ours(doc.uri).length >= 3);
    const c = vscode.workspace.getConfiguration('traceLens.lint');
    await c.update('enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('no diagnostics', () => ours(doc.uri).length === 0);
    } finally {
      await c.update('enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('diagnostics back', () => ours(doc.uri).length >= 3);
  });

  it('Lint Workspace reports files that are not open and skips git-ignored and files.exclude-d ones', async () => {
    const leak = "import { trace } from '@opentelemetry/api';\ntrace.getActiveSpan()?.setAttribute('auth.token', 'x');\n";
    const ignored = fixture('generated', 'leak.ts');
    await writeFile(ignored, leak);
    const excluded = fixture('scratch', 'leak.ts');
    await writeFile(excluded, leak);
    await vscode.workspace.getConfiguration('files').update('exclude', { '**/lint/scratch': true }, vscode.ConfigurationTarget.Workspace);
    const payments = fixture('payments.go');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === payments.toString()), 'payments.go is not open');
    const result = await vscode.commands.executeCommand<{ files: number; findings: number; byRule: Record<string, number>; scanned: string[]; cancelled: boolean }>('traceLens.lintWorkspace');
    assert.ok(result, 'the command returns its result');
    assert.equal(result.cancelled, false);
    assert.ok(result.scanned.includes(payments.toString()), `payments.go scanned: ${result.scanned.join(', ')}`);
    assert.ok(!result.scanned.includes(ignored.toString()), 'the git-ignored file is skipped');
    assert.ok(!result.scanned.includes(excluded.toString()), 'the files.exclude-d file is skipped');
    assert.ok(result.byRule.SD001 >= 2, JSON.stringify(result.byRule));
    assert.equal(summary(ours(payments)), 'SD001@12:37-12:58/0');
    assert.deepEqual(ours(ignored), []);
    assert.deepEqual(ours(excluded), []);
  });

  it('reports findings from received spans on the source line that produced them', async () => {
    const checkout = fixture('checkout.ts');
    // The span name is found in the source once the file has been linted (open or scanned).
    const doc = await vscode.workspace.openTextDocument(checkout);
    await vscode.window.showTextDocument(doc);
    await sendSpan('charge card', { 'http.request.header.authorization': 'Bearer abc.def.ghi' });
    await sendSpan('validate cart', { 'code.file.path': '/srv/checkout-service/lint/checkout.ts', 'code.line.number': 15, 'payment.card_number': '4111 1111 1111 1111' });
    const diags = await waitFor('live findings in checkout.ts', () => {
      const d = ours(checkout);
      return d.some((x) => codeOf(x) === 'SD005') && d.some((x) => codeOf(x) === 'SD004') ? d : undefined;
    });
    const sd005 = diags.find((d) => codeOf(d) === 'SD005');
    assert.ok(sd005);
    assert.equal(sd005.range.start.line, 5, 'on the startActiveSpan call with the literal name');
    assert.equal(doc.getText(sd005.range), 'charge card');
    assert.match(sd005.message, /received span "charge card"/);
    const sd004 = diags.find((d) => codeOf(d) === 'SD004');
    assert.ok(sd004);
    assert.equal(sd004.range.start.line, 14, 'on code.line.number 15');
    assert.equal(doc.getText(sd004.range), 'const valid = true;');
    assert.ok(diags.some((d) => codeOf(d) === 'SD001' && d.range.start.line === 14), summary(diags));
  });

  it('lists findings it cannot place in the Telemetry findings document', async () => {
    await sendSpan('nightly reconciliation', { 'customer.note': 'ssn 078-05-1120 on file' });
    const uri = vscode.Uri.from({ scheme: 'trace-lens-findings', path: '/Telemetry findings' });
    const d = await waitFor('a finding in the virtual document', () => ours(uri).find((x) => codeOf(x) === 'SD004'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    const heading = doc.lineAt(d.range.start.line).text;
    assert.match(heading, /^SD004 \(error\): Attribute "customer\.note" holds/);
    assert.match(text, /span "nightly reconciliation" of service lint-test/);
    assert.match(text, /customer\.note = <redacted: 23 chars>/);
    assert.ok(!text.includes('078-05-1120'), 'the sensitive value is not repeated');
  });

  it('places a finding again once the file its span names appears in the workspace', async () => {
    const file = fixture('arrivedLater', 'refund.ts');
    // Another service than the tests above: findings are kept once per rule, service and attribute.
    await sendSpan('refund order', { 'code.file.path': '/srv/refund-service/lint/arrivedLater/refund.ts', 'code.line.number': 2, 'payment.card_number': '4111 1111 1111 1111' }, RECEIVER, 'refund-service');
    const findings = vscode.Uri.from({ scheme: 'trace-lens-findings', path: '/Telemetry findings' });
    await waitFor('the finding unplaced, in the Telemetry findings document', async () =>
      ours(findings).some((x) => codeOf(x) === 'SD004') && (await vscode.workspace.openTextDocument(findings)).getText().includes('span "refund order" of service refund-service'));
    assert.deepEqual(ours(file), []);
    // No span arrives after this: only the new file can move the finding.
    await vscode.workspace.fs.createDirectory(fixture('arrivedLater'));
    await vscode.workspace.fs.writeFile(file, Buffer.from('export function refund(): void {\n  const amount = 1;\n  void amount;\n}\n'));
    const placed = await waitFor('the finding on line 2 of the new file', () => ours(file).find((x) => codeOf(x) === 'SD004'), 30_000);
    assert.equal(placed.range.start.line, 1);
    assert.match(placed.message, /received span "refund order" of refund-service/);
  });

  it('lints a bounded sample of recent traces from a remote backend (a real Jaeger) when Lint Workspace runs', async function () {
    this.timeout(600_000); // a cold machine builds Jaeger first
    const jaeger = await startJaeger();
    const c = vscode.workspace.getConfiguration('traceLens');
    try {
      // One recent trace whose span leaks an API key and says where it was created (a CI build path).
      await sendSpan('refund payment', { 'user.api_key': 'k-123', 'code.filepath': '/build/billing/lint/payments.go', 'code.lineno': 13 }, jaeger.otlpHttpUrl, 'billing');
      await c.update('serviceNames', ['billing'], vscode.ConfigurationTarget.Workspace);
      await c.update('backend.url', jaeger.queryUrl, vscode.ConfigurationTarget.Workspace);
      await c.update('backend.type', 'jaeger', vscode.ConfigurationTarget.Workspace);
      type Result = { live?: { traces: number; spans: number; findings: number; skipped?: string } };
      // The backend is rebuilt asynchronously after the settings change, and Jaeger indexes the span
      // shortly after receiving it: run until the sample holds it.
      const result = await waitFor('a remote sample', async () => {
        const r = await vscode.commands.executeCommand<Result>('traceLens.lintWorkspace');
        return r?.live && r.live.traces > 0 ? r : undefined;
      }, 60_000);
      assert.deepEqual({ ...result.live, findings: result.live && result.live.findings > 0 }, { traces: 1, spans: 1, findings: true });
      const payments = fixture('payments.go');
      const live = ours(payments).find((d) => /received span "refund payment"/.test(d.message));
      assert.ok(live, `a live finding on payments.go: ${summary(ours(payments))}`);
      assert.equal(codeOf(live), 'SD001');
      assert.equal(live.range.start.line, 12, 'on code.lineno 13, found by the path suffix lint/payments.go');
    } finally {
      await c.update('backend.type', undefined, vscode.ConfigurationTarget.Workspace);
      await c.update('backend.url', undefined, vscode.ConfigurationTarget.Workspace);
      await c.update('serviceNames', undefined, vscode.ConfigurationTarget.Workspace);
      await jaeger.stop();
    }
    // Back on the local receiver, the remote sample's findings go away.
    await waitFor('remote findings cleared', () => !ours(fixture('payments.go')).some((d) => /refund payment/.test(d.message)));
  });
});
