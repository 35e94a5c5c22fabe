import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TraceLensTestHooks } from '../../src/extension';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import { sendToReceiver } from './otlpSender';
import { RECEIVER } from './receiverPorts';
import { waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';

function webviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
}

/** Sends one trace of the two-service fixture, retrying while the receiver starts. */
function sendTrace() {
  return waitFor('the receiver to accept spans', async () => {
    try {
      return await sendTestTrace({ otlpHttpUrl: RECEIVER, otlpEncoding: 'protobuf' });
    } catch {
      return undefined;
    }
  });
}

// The first hour of a new user, inside the extension host: the Trace Lens views (received traces,
// functions by p95), the Explorer's menu command, the status bar's actions.
describe('the first hour: the Trace Lens views, the Explorer menu, the status menu', () => {
  let hooks: TraceLensTestHooks;

  before(async () => {
    hooks = (await vscode.extensions.getExtension<TraceLensTestHooks | undefined>(EXTENSION_ID)?.activate()) as TraceLensTestHooks;
    assert.ok(hooks, 'Trace Lens activated');
  });

  // The suites share one receiver: the spans sent here (some at the latency fixture's functions)
  // must not count in the figures the next suites assert.
  after(async () => {
    await vscode.commands.executeCommand('traceLens.clearReceivedSpans');
  });

  it('the Received Traces view lists received traces, the newest first, and a click opens the waterfall', async () => {
    // The view's generated focus command exists only when the manifest's view is registered.
    await vscode.commands.executeCommand('traceLens.receivedTraces.focus');
    const first = await sendTrace();
    const second = await sendTrace();
    const items = await waitFor('both traces in the view', async () => {
      const listed = await hooks.receivedTraceItems();
      const ids = listed.map((i) => i.id);
      return ids.includes(first.traceId) && ids.includes(second.traceId) ? listed : undefined;
    });
    const ids = items.map((i) => i.id);
    assert.ok(ids.indexOf(second.traceId) < ids.indexOf(first.traceId), `newest first: ${ids.join(', ')}`);
    const item = items[ids.indexOf(second.traceId)];
    assert.equal(item.label, second.spans[0].name, 'labelled with the root span');
    assert.ok(item.command, 'a click runs a command');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const tab = await waitFor('the waterfall of the clicked trace', () =>
      webviewTabs().find((t) => t.label.includes(second.traceId.slice(0, 7)) && t.label.includes(second.spans[0].name)));
    await vscode.window.tabGroups.close(tab);
  });

  it('"Open in Trace Lens Waterfall" opens a trace file with the arguments the Explorer passes', async () => {
    const traceId = 'e1ce0f0a1b2c3d4e5f60718293a4b5c6';
    const file = workspaceFile('explorer-trace.json');
    // An OTLP JSON export of one span, as a collector's file exporter writes it.
    const start = BigInt(Date.now()) * 1_000_000n;
    writeFileSync(file.fsPath, JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'explorer-fixture' } }] },
        scopeSpans: [{ spans: [{ traceId, spanId: '00f067aa0ba902b7', name: 'GET /from-explorer', kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5_000_000n) }] }],
      }],
    }));
    const before = webviewTabs().length;
    // The Explorer calls a context menu command with the clicked resource and the whole selection.
    await vscode.commands.executeCommand('traceLens.openInWaterfall', file, [file]);
    const tab = await waitFor('the waterfall of the file', () => webviewTabs().find((t) => t.label.includes('GET /from-explorer')));
    assert.ok((tab.input as vscode.TabInputWebview).viewType.includes('traceLens.waterfall'));
    assert.equal(webviewTabs().length, before + 1, 'one panel for one file');
    await vscode.window.tabGroups.close(tab);
  });

  it('the view lists the traces opened and searched, newest first, beside the received ones; a click reopens; Clear empties both', async () => {
    for (const tab of webviewTabs()) await vscode.window.tabGroups.close(tab);
    await vscode.commands.executeCommand('traceLens.clearReceivedSpans');
    assert.deepEqual(hooks.recentTraceItems(), [], 'cleared');
    const byId = await sendTrace();
    const searchedFor = await sendTrace();
    await waitFor('both traces received', async () => ((await hooks.receivedTraceItems()).length === 2 ? true : undefined));

    await vscode.commands.executeCommand('traceLens.openTraceById', { traceId: byId.traceId });
    await waitFor('the opened trace listed', () => (hooks.recentTraceItems()[0]?.label === byId.spans[0].name ? true : undefined));
    const file = workspaceFile('recent-trace.json');
    const fileTraceId = 'feedc0de1b2c3d4e5f60718293a4b5c6';
    const start = BigInt(Date.now()) * 1_000_000n;
    writeFileSync(file.fsPath, JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'recent-fixture' } }] },
        scopeSpans: [{ spans: [{ traceId: fileTraceId, spanId: '00f067aa0ba902b8', name: 'GET /from-file', kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5_000_000n) }] }],
      }],
    }));
    await vscode.commands.executeCommand('traceLens.openTraceFile', file);
    await waitFor('the file\'s trace listed', () => (hooks.recentTraceItems()[0]?.label === 'GET /from-file' ? true : undefined));

    // Search as a person does: the first service, any operation, no filters, the newest result.
    // An accept that lands before a pick has its items ends the search with nothing chosen: search again then.
    let searching = false;
    const search = () => {
      searching = true;
      void Promise.resolve(vscode.commands.executeCommand('traceLens.searchTraces')).finally(() => { searching = false; });
    };
    search();
    const searched = await waitFor('a trace picked from the search listed', async () => {
      const top = hooks.recentTraceItems()[0];
      if (String(top?.tooltip ?? '').includes('Found by the search')) return top;
      if (!searching) search();
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return undefined;
    }, 30_000);
    assert.equal(searched.label, searchedFor.spans[0].name, 'the newest trace, the first result');
    assert.match(String(searched.tooltip), /Found by the search [\w-]+ · from local/);

    const items = hooks.recentTraceItems();
    assert.deepEqual(items.map((i) => i.label), [searchedFor.spans[0].name, 'GET /from-file', byId.spans[0].name], 'newest first');
    assert.match(String(items[1].tooltip), /Opened · from recent-trace\.json/);
    assert.deepEqual((await hooks.traceListItems()).map((i) => i.label), ['Opened and searched', 'Received'], 'two groups once a trace was opened');

    // A click on the file's entry opens its waterfall again.
    for (const tab of webviewTabs()) await vscode.window.tabGroups.close(tab);
    const click = items[1].command;
    assert.ok(click, 'a click runs a command');
    await vscode.commands.executeCommand(click.command, ...(click.arguments ?? []));
    await waitFor('the file\'s waterfall again', () => webviewTabs().find((t) => t.label.includes('GET /from-file')));
    for (const tab of webviewTabs()) await vscode.window.tabGroups.close(tab);

    // Kept per workspace, in its state: and cleared with the received spans.
    await vscode.commands.executeCommand('traceLens.clearReceivedSpans');
    assert.deepEqual(hooks.recentTraceItems(), []);
    assert.deepEqual(await hooks.traceListItems(), []);
  });

  it('the status bar item\'s menu leads, while the receiver listens, with copying the exporter settings for its port', async () => {
    await sendTrace(); // the receiver listens
    await vscode.env.clipboard.writeText('not yet');
    const menu = vscode.commands.executeCommand('traceLens.showActions');
    // Accepting before the quick pick is up does nothing: keep accepting until its first item ran.
    const copied = await waitFor('the exporter settings on the clipboard', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const text = await vscode.env.clipboard.readText();
      return text.startsWith('OTEL_') ? text : undefined;
    });
    await menu;
    const port = new URL(RECEIVER).port;
    assert.equal(copied, `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${port} OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`);
  });

  it('the Functions view lists a service\'s functions slowest p95 first, and a click opens the function', async () => {
    const service = 'functions-view-fixture';
    const checkout = await vscode.workspace.openTextDocument(workspaceFile('latency', 'latencyCheckout.ts'));
    const lineOf = (needle: string) => checkout.getText().split('\n').findIndex((l) => l.includes(needle));
    const cartLine = lineOf('validateCart span line') + 1;
    const priceLine = lineOf('priceItems span line') + 1;
    await sendToReceiver([
      { name: 'price items', attributes: { 'code.file.path': 'latency/latencyCheckout.ts', 'code.function.name': 'priceItems', 'code.line.number': priceLine }, durationsMs: Array.from({ length: 20 }, () => 5) },
      { name: 'validate cart', attributes: { 'code.file.path': 'latency/latencyCheckout.ts', 'code.function.name': 'validateCart', 'code.line.number': cartLine }, durationsMs: Array.from({ length: 20 }, (_, i) => 200 + i) },
    ], service);
    const group = await waitFor('the fixture service with both functions in the Functions view', () =>
      hooks.functionItems().find((g) => g.service.label === service && g.functions.length === 2), 30_000);
    assert.deepEqual(group.functions.map((f) => f.label), ['validateCart', 'priceItems'], 'slowest p95 first');
    assert.match(String(group.functions[0].description), /^p95 2\d\d ms · 20 calls$/);
    const click = group.functions[0].command;
    assert.ok(click, 'a click runs a command');
    await vscode.commands.executeCommand(click.command, ...(click.arguments ?? []));
    const editor = await waitFor('the editor on validateCart', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.fsPath === checkout.uri.fsPath && e.selection.active.line === cartLine - 1 ? e : undefined;
    });
    assert.ok(editor.document.lineAt(cartLine - 1).text.includes('validateCart span line'));
  });
});
