// Issue 23 in the real extension host: a workspace without Java or Python extensions (code-server has
// only their syntax colouring), spans through the built-in receiver, lenses from Trace Lens's bundled
// parser on the declarations' first lines and hovers on the names.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sendToReceiver } from './otlpSender';
import { lineOf, traceLensHover, waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';
const SERVICE = 'outline-fixture-service';

/** Trace Lens's lenses of a document by line, with their titles. */
async function lensTitles(uri: vscode.Uri): Promise<Map<number, string>> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return new Map(lenses.filter((l) => l.command?.command === 'traceLens.showFunctionTraces').map((l) => [l.range.start.line, l.command!.title]));
}

describe('lenses from the bundled parser, without language extensions (Java, Python, Go, C#)', function () {
  this.timeout(90_000);
  let shop: vscode.TextDocument;
  let orders: vscode.TextDocument;
  let server: vscode.TextDocument;
  let service: vscode.TextDocument;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    shop = await vscode.workspace.openTextDocument(workspaceFile('outline', 'Shop.java'));
    orders = await vscode.workspace.openTextDocument(workspaceFile('outline', 'order_service.py'));
    server = await vscode.workspace.openTextDocument(workspaceFile('outline', 'orders', 'server.go'));
    service = await vscode.workspace.openTextDocument(workspaceFile('outline', 'OrderService.cs'));
    // What makes the test mean something: nothing else in this workbench knows where these functions are.
    for (const doc of [shop, orders, server, service]) {
      const symbols = await vscode.commands.executeCommand<unknown[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri);
      assert.equal(symbols?.length ?? 0, 0, `no symbol provider answers for ${doc.languageId}`);
    }
    await sendToReceiver([
      // The Java agent 2.10.0's defaults for @WithSpan methods (issue 23): no file, no line.
      { name: 'Shop.checkout', attributes: { 'code.namespace': 'Shop', 'code.function': 'checkout' }, durationsMs: [4, 5, 6, 7] },
      { name: 'restock', attributes: { 'code.namespace': 'Shop', 'code.function': 'restock' }, durationsMs: [1, 2, 3] },
      // The README's Python CodeLocationProcessor reports the line of the `with tracer...` call.
      {
        name: 'create order',
        attributes: { 'code.file.path': '/srv/app/outline/order_service.py', 'code.function.name': 'create_order', 'code.line.number': lineOf(orders, 'start_as_current_span("create order")') + 1 },
        durationsMs: [20, 30],
      },
      // Qualified names only, as a Go caller-recording processor and a .NET enricher spell them.
      { name: 'serve', attributes: { 'code.function.name': 'github.com/acme/shop/orders.(*Server).Serve' }, durationsMs: [8, 9] },
      { name: 'checkout', attributes: { 'code.namespace': 'Shop.Orders.OrderService', 'code.function': 'CheckoutAsync' }, durationsMs: [11, 12, 13, 14, 15] },
      // A file that is not open: found by the workspace search for the qualified name.
      { name: 'Billing.charge', attributes: { 'code.namespace': 'com.acme.billing.Billing', 'code.function': 'charge' }, durationsMs: [3, 3, 3, 3, 3, 3] },
    ], SERVICE);
  });

  it('puts the Java agent\'s qualified-name-only spans above the @WithSpan annotations, hover on the names', async () => {
    const checkout = lineOf(shop, 'public int checkout') - 1;
    assert.equal(shop.lineAt(checkout).text.trim(), '@WithSpan', 'the fixture annotates checkout on the line above');
    const restock = lineOf(shop, '@WithSpan("restock")');
    const titles = await waitFor('lenses above both @WithSpan methods', async () => {
      const t = await lensTitles(shop.uri);
      return t.has(checkout) && t.has(restock) ? t : undefined;
    }, 45_000);
    assert.match(titles.get(checkout)!, /· 4 calls ·/);
    assert.match(titles.get(restock)!, /· 3 calls ·/);
    assert.equal(titles.size, 2, `only the traced methods have lenses: ${[...titles.keys()].join(', ')}`);
    const hover = await waitFor('the hover on the checkout name', () => traceLensHover(shop.uri, new vscode.Position(lineOf(shop, 'public int checkout'), 16)));
    assert.match(hover, /\| calls \| 4 \|/);
    const restockName = lineOf(shop, 'int restock(');
    assert.match(await waitFor('the hover on the restock name', () => traceLensHover(shop.uri, new vscode.Position(restockName, 7))), /\| calls \| 3 \|/);
    assert.equal(await traceLensHover(shop.uri, new vscode.Position(lineOf(shop, 'return cart * 2'), 8)), undefined, 'no hover inside the body');
  });

  it('puts a Python span reported on its `with tracer` line above the decorated def', async () => {
    const decorator = lineOf(orders, '@functools.lru_cache');
    const titles = await waitFor('the create_order lens', async () => {
      const t = await lensTitles(orders.uri);
      return t.has(decorator) ? t : undefined;
    }, 45_000);
    assert.match(titles.get(decorator)!, /· 2 calls ·/);
    assert.equal(titles.has(lineOf(orders, 'start_as_current_span("create order")')), false, 'not on the `with tracer` line');
    const hover = await waitFor('the hover on the def', () => traceLensHover(orders.uri, new vscode.Position(lineOf(orders, 'def create_order'), 10)));
    assert.match(hover, /\| calls \| 2 \|/);
  });

  it('puts spans with only a qualified name on Go\'s method (receiver type, package folder) and C#\'s (namespace, class)', async () => {
    const serve = lineOf(server, 'func (s *Server) Serve');
    const goTitles = await waitFor('the Serve lens', async () => {
      const t = await lensTitles(server.uri);
      return t.has(serve) ? t : undefined;
    }, 45_000);
    assert.match(goTitles.get(serve)!, /· 2 calls ·/);
    assert.equal(goTitles.size, 1, 'Idle has no lens');
    const attribute = lineOf(service, '[Obsolete(');
    const csTitles = await waitFor('the CheckoutAsync lens above its attribute', async () => {
      const t = await lensTitles(service.uri);
      return t.has(attribute) ? t : undefined;
    }, 45_000);
    assert.match(csTitles.get(attribute)!, /· 5 calls ·/);
    const hover = await waitFor('the hover on CheckoutAsync', () => traceLensHover(service.uri, new vscode.Position(lineOf(service, 'CheckoutAsync('), 30)));
    assert.match(hover, /\| calls \| 5 \|/);
  });

  it('finds the file of a qualified name that is not open, and the lens is there when it is opened', async () => {
    const billingUri = workspaceFile('outline', 'billing', 'Billing.java');
    assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.fsPath === billingUri.fsPath), false, 'Billing.java is not open yet');
    const report = await waitFor('the workspace search to find com.acme.billing.Billing.charge', async () => {
      const r = await vscode.commands.executeCommand<{ text: string }>('traceLens.explainSourceMapping');
      return r && /found it in \S*outline\/billing\/Billing\.java:9 \(charge\)/.test(r.text) ? r.text : undefined;
    }, 45_000);
    assert.match(report, /the workspace search for the qualified name com\.acme\.billing\.Billing\.charge found it in/);
    // The Functions view's click (no file path in the span data): the file the search found, at the method.
    await vscode.commands.executeCommand('traceLens.openFunction', 'code\u0000\u0000com.acme.billing.Billing.charge');
    const opened = await waitFor('Billing.java opened by the Functions view', () => (vscode.window.activeTextEditor?.document.uri.fsPath === billingUri.fsPath ? vscode.window.activeTextEditor : undefined));
    assert.equal(opened.selection.active.line, 8, 'at the @WithSpan line above charge');
    const billing = await vscode.workspace.openTextDocument(billingUri);
    const annotation = lineOf(billing, '@WithSpan');
    const titles = await waitFor('the charge lens above @WithSpan', async () => {
      const t = await lensTitles(billing.uri);
      return t.has(annotation) ? t : undefined;
    }, 45_000);
    assert.match(titles.get(annotation)!, /· 6 calls ·/);
  });

  it('a saved edit that renames the method takes the match away, and renaming it back brings it back', async () => {
    const billing = await vscode.workspace.openTextDocument(workspaceFile('outline', 'billing', 'Billing.java'));
    const rename = async (from: string, to: string): Promise<void> => {
      const line = lineOf(billing, `public long ${from}(`);
      const start = billing.lineAt(line).text.indexOf(from);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(billing.uri, new vscode.Range(line, start, line, start + from.length), to);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await billing.save());
    };
    const explained = (pattern: RegExp) => async () => {
      const r = await vscode.commands.executeCommand<{ text: string }>('traceLens.explainSourceMapping');
      return r && pattern.test(r.text) ? r.text : undefined;
    };
    await rename('charge', 'chargeCents');
    await waitFor('the saved file checked again', explained(/no workspace file declares the qualified name com\.acme\.billing\.Billing\.charge/), 45_000);
    await waitFor('no lens on chargeCents once the edited version is parsed', async () => ((await lensTitles(billing.uri)).size === 0 ? true : undefined), 45_000);
    await rename('chargeCents', 'charge');
    await waitFor('the match back', explained(/found it in \S*outline\/billing\/Billing\.java:9 \(charge\)/), 45_000);
  });

  it('Explain Source Mapping says where the functions came from and how the Java spans were matched', async () => {
    await vscode.window.showTextDocument(shop);
    const report = await waitFor('the workspace search to find Shop.checkout', async () => {
      const r = await vscode.commands.executeCommand<{ text: string }>('traceLens.explainSourceMapping');
      return r && /the workspace search for the qualified name Shop\.checkout found it in \S*outline\/Shop\.java/.test(r.text) ? r : undefined;
    }, 45_000);
    assert.match(report.text, /## Active document: outline\/Shop\.java/);
    assert.match(report.text, /4 functions from Trace Lens's bundled java parser/);
    assert.match(report.text, /line \d+: Shop\.checkout \[qualified-name\] checkout matches the qualified name Shop\.checkout/);
    assert.match(report.text, /`idle` \(line \d+\)/, 'the untraced method is listed without a lens');
  });

  it('the first lens request of a document opened before its functions are parsed answers with its lenses', async () => {
    // In the workbench VS Code did not always ask again after the lens provider's change event, so
    // an answer of none, pending the parse, could stay on screen: the first request waits for the parse.
    const uri = workspaceFile('outline', 'first_request.py');
    const text = ['from opentelemetry import trace', '', 'tracer = trace.get_tracer(__name__)', '', '', 'def refund(order):', '    with tracer.start_as_current_span("refund"):', '        return order', ''].join('\n');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    try {
      const before = await vscode.commands.executeCommand<{ locations: number; unresolved: number }>('traceLens.refresh');
      await sendToReceiver([
        { name: 'refund', attributes: { 'code.file.path': '/srv/app/outline/first_request.py', 'code.function.name': 'refund', 'code.line.number': 7 }, durationsMs: [7, 8, 9] },
      ], SERVICE);
      await waitFor('the statistics to place the refund span in first_request.py', async () => {
        const now = await vscode.commands.executeCommand<{ locations: number; unresolved: number }>('traceLens.refresh');
        return now && before && now.locations > before.locations && now.unresolved === before.unresolved ? true : undefined;
      }, 45_000);
      assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.fsPath === uri.fsPath), false, 'not open yet, so not parsed yet');
      const doc = await vscode.workspace.openTextDocument(uri);
      const titles = await lensTitles(doc.uri);
      assert.match(titles.get(lineOf(doc, 'def refund')) ?? '', /· 3 calls ·/, `lenses of the first request: ${JSON.stringify([...titles])}`);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });
});
