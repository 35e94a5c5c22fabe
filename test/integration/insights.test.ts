// Performance insights at the code, inside a real extension host: the recorded N+1 service's traces
// (test/insights-corpus, real OpenTelemetry Python SDK on real SQLite) go to the built-in receiver over
// OTLP/HTTP; its source, copied into the workspace, gets the diagnostic, the lens suffix and the
// hover section, and the settings apply without a reload.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { startJaeger } from '../backends/harness/servers';
import { replayScenario, SHOP_SOURCE } from '../insights-corpus/replay';
import type { TraceLensTestHooks } from '../../src/extension';
import { RECEIVER } from './receiverPorts';
import { latencyLensOn, lineOf, setGlobal, traceLensHover, waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';
/** Where the service's source lands in the workspace: the spans' `test/insights-corpus/services/shop.py` maps to it by suffix. */
const SHOP = (): vscode.Uri => workspaceFile('insights', 'services', 'shop.py');
const LENS = /· N\+1: \d+ × SELECT … per call$/;
const LENS_SAMPLED = /· N\+1: \d+ × SELECT … per call in a sample$/;

const lensTitle = async (uri: vscode.Uri, line: number): Promise<string | undefined> => (await latencyLensOn(uri, line))?.command?.title;

function insightDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Trace Lens' && typeof d.code === 'object' && /^PI/.test(String(d.code.value)));
}

describe('performance insights at the code', function () {
  this.timeout(120_000);
  let doc: vscode.TextDocument;
  let line: number;
  let traceIds: string[];
  let corpus: string;

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    await ext?.activate();
    assert.ok(ext);
    corpus = path.join(ext.extensionPath, 'test/insights-corpus');
    await vscode.workspace.fs.copy(vscode.Uri.file(path.join(corpus, SHOP_SOURCE)), SHOP(), { overwrite: true });
    doc = await vscode.workspace.openTextDocument(SHOP());
    line = lineOf(doc, 'def list_orders_n_plus_one(');
    const replay = replayScenario(corpus, 'orders-n-plus-one', Date.now() - 2_000);
    traceIds = replay.traceIds;
    await waitFor('the receiver to take the recorded spans', async () => {
      const r = await fetch(`${RECEIVER}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: replay.body }).catch(() => undefined);
      return r?.ok ? true : undefined;
    });
  });

  after(async () => {
    await setGlobal('insights.rules', undefined);
    await setGlobal('insights.enabled', undefined);
    await vscode.workspace.fs.delete(workspaceFile('insights'), { recursive: true });
  });

  it('puts an Information diagnostic PI001 on the line of the handler that runs the loop', async () => {
    const [d] = await waitFor('the PI001 diagnostic', () => {
      const found = insightDiagnostics(doc.uri);
      return found.length > 0 ? found : undefined;
    }, 60_000);
    assert.equal((d.code as { value: string }).value, 'PI001');
    assert.match(String((d.code as { target: vscode.Uri }).target), /insights\.md#pi001$/);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(d.range.start.line, line, 'code.line.number of the SERVER span, 1-based, is line 166');
    assert.equal(d.range.start.character, 0);
    assert.equal(doc.getText(d.range), doc.lineAt(line).text.trim());
    assert.match(d.message, /^N\+1: \d+ × SELECT sku, qty FROM order_items WHERE order_id = \? in one call of "GET \/orders": the loop takes [\d.]+ (?:µs|ms), the statements [\d.]+ (?:µs|ms) \(in 12 traces, 8–28 calls each\)$/);
  });

  it('adds the N+1 to the function\'s lens', async () => {
    const title = await waitFor('the lens with its N+1 suffix', async () => {
      const t = await lensTitle(doc.uri, line);
      return t && LENS.test(t) ? t : undefined;
    }, 60_000);
    assert.match(title, /· 12 calls · 0% errors · N\+1: (8|13|18|23|28) × SELECT … per call$/);
  });

  it('lists the insight in the hover with links to example traces', async () => {
    const md = await waitFor('the hover', () => traceLensHover(doc.uri, new vscode.Position(line, 6)));
    assert.match(md, /\*\*Performance insights\*\*/);
    assert.match(md, /\[PI001\]\([^)]*insights\.md#pi001\) \*\*N\\\+1 queries\*\*/);
    assert.match(md, /In 12 traces, 8–28 calls each\./);
    const section = md.split('**Performance insights**')[1];
    const links = [...section.matchAll(/\]\(command:traceLens\.openTraceById\?([^)]+)\)/g)].map((m) => (JSON.parse(decodeURIComponent(m[1])) as [{ traceId: string; spanId: string }])[0]);
    assert.equal(links.length, 5, section);
    for (const l of links) assert.ok(traceIds.includes(l.traceId) && /^[0-9a-f]{16}$/.test(l.spanId), `${JSON.stringify(l)} is a replayed trace and its span`);
  });

  it('lists the insights with Show Performance Insights, and Enter goes to the handler that runs the loop', async () => {
    type Result = { opened: string; ruleId?: string };
    let result: Result | undefined;
    const show = (): void => {
      void Promise.resolve(vscode.commands.executeCommand<Result>('traceLens.showInsights')).then((r) => { result = r; });
    };
    show();
    // An accept that lands before the pick has its rows closes it with nothing chosen: ask again then.
    const opened = await waitFor('an insight picked', async () => {
      if (result?.opened === 'nothing') {
        result = undefined;
        show();
      }
      if (result) return result;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return undefined;
    }, 30_000);
    assert.deepEqual(opened, { opened: 'source', ruleId: 'PI001' });
    const editor = await waitFor('the editor on the handler', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.fsPath === doc.uri.fsPath && e.selection.active.line === line ? e : undefined;
    });
    assert.ok(editor.document.lineAt(line).text.includes('def list_orders_n_plus_one('));
  });

  it('lists the insight in the Performance Insights view, and a click goes to the handler', async () => {
    const hooks = (await vscode.extensions.getExtension<TraceLensTestHooks>(EXTENSION_ID)?.activate())!;
    const item = await waitFor('the PI001 row in the view', () => hooks.insightItems().find((i) => String(i.label).startsWith('PI001 N+1 queries: ')));
    assert.match(String(item.description), /services\/shop\.py:166$/);
    assert.equal(item.command?.command, 'traceLens.openFunction');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    await waitFor('the editor on the handler', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.fsPath === doc.uri.fsPath && e.selection.active.line === line ? e : undefined;
    });
  });

  it('applies the rule severities and the switch without a reload', async () => {
    await setGlobal('insights.rules', { PI001: 'warning' });
    await waitFor('a Warning', () => (insightDiagnostics(doc.uri)[0]?.severity === vscode.DiagnosticSeverity.Warning ? true : undefined));
    await setGlobal('insights.rules', { PI001: 'off' });
    await waitFor('no diagnostic', () => (insightDiagnostics(doc.uri).length === 0 ? true : undefined));
    const plain = await waitFor('the lens without the suffix', async () => {
      const t = await lensTitle(doc.uri, line);
      return t && !/N\+1/.test(t) ? t : undefined;
    });
    assert.match(plain, /12 calls · 0% errors$/);
    assert.doesNotMatch((await traceLensHover(doc.uri, new vscode.Position(line, 6))) ?? '', /Performance insights/);
    await setGlobal('insights.rules', undefined);
    await waitFor('the diagnostic again', () => (insightDiagnostics(doc.uri)[0]?.severity === vscode.DiagnosticSeverity.Information ? true : undefined));
    await setGlobal('insights.enabled', false);
    await waitFor('no diagnostic with insights off', () => (insightDiagnostics(doc.uri).length === 0 ? true : undefined));
    await setGlobal('insights.enabled', undefined);
    await waitFor('the diagnostic when switched on again', () => (insightDiagnostics(doc.uri).length === 1 ? true : undefined), 30_000);
  });

  it('puts the diagnostic on the function\'s name when the spans carry no line number', async () => {
    const pgLine = lineOf(doc, 'def pg_list_orders_n_plus_one(');
    const replay = replayScenario(corpus, 'orders-pg-n-plus-one', Date.now() - 2_000, { withoutLineNumbers: true });
    const r = await fetch(`${RECEIVER}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: replay.body });
    assert.ok(r.ok);
    const d = await waitFor('the PI001 diagnostic of the PostgreSQL loop', () => insightDiagnostics(doc.uri).find((x) => /pg_order_items/.test(x.message)), 60_000);
    assert.equal(d.range.start.line, pgLine, 'placed through the lens index, on the declaration the bundled parser found');
    assert.match(await lensTitle(doc.uri, pgLine) ?? '', LENS);
  });

  it('says so when the insight comes from traces sampled from a backend (real Jaeger)', async () => {
    const jaeger = await startJaeger();
    try {
      assert.ok(jaeger.otlpHttpUrl);
      const replay = replayScenario(corpus, 'orders-n-plus-one', Date.now() - 2_000);
      const r = await fetch(`${jaeger.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: replay.body });
      assert.ok(r.ok, `Jaeger took the spans: ${r.status}`);
      await setGlobal('serviceNames', ['orders-n-plus-one']);
      await setGlobal('backend.url', jaeger.queryUrl);
      await setGlobal('backend.type', 'jaeger');
      // Jaeger indexes spans shortly after receiving them: refresh until the sample holds the twelve traces.
      const title = await waitFor('the lens from the Jaeger sample', async () => {
        const summary = await vscode.commands.executeCommand<{ origin: string } | undefined>('traceLens.refresh');
        if (!summary || !/Jaeger/.test(summary.origin)) return undefined;
        const t = await lensTitle(doc.uri, line);
        return t && /12 calls in a sample/.test(t) && LENS_SAMPLED.test(t) ? t : undefined;
      }, 120_000);
      assert.match(title, /· N\+1: \d+ × SELECT … per call in a sample$/);
      const [d] = insightDiagnostics(doc.uri);
      assert.match(d.message, /\(seen in 12 traces sampled from the backend, 8–28 calls each\)$/);
      assert.match((await traceLensHover(doc.uri, new vscode.Position(line, 6))) ?? '', /_Insights from traces sampled from the backend/);
    } finally {
      await setGlobal('backend.type', undefined);
      await setGlobal('backend.url', undefined);
      await setGlobal('serviceNames', undefined);
      await jaeger.stop();
    }
  });
});
