import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startTempoReplay, type TempoReplay } from '../backends/harness/tempoReplay';
import { setGlobal, waitFor, workspaceFile } from './support';

// Completion in a .traceql document from Tempo's tag APIs, with the extension pointed at the replay
// of Grafana Tempo's documented HTTP API (test/fixtures/backends/tempo-documented; no Tempo runs).
const EXTENSION_ID = 'trace-lens.trace-lens';

describe('TraceQL completion in a .traceql document (Tempo documented API, replayed)', function () {
  this.timeout(120_000);
  let replay: TempoReplay;
  const file = workspaceFile('queries.traceql');

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    replay = await startTempoReplay({ shiftTo: Date.now() });
    await setGlobal('backend.url', replay.url);
    await setGlobal('backend.type', 'tempo');
    await vscode.workspace.fs.writeFile(file, new Uint8Array(0));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await setGlobal('backend.type', undefined);
    await setGlobal('backend.url', undefined);
    await replay?.close();
    await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
  });

  /** Completion labels at the end of `text`, typed into the open .traceql document. */
  async function labelsAt(text: string): Promise<string[]> {
    const doc = await vscode.workspace.openTextDocument(file);
    assert.equal(doc.languageId, 'traceql', 'the .traceql extension selects the TraceQL language');
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', file, doc.positionAt(text.length));
    return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  }

  it('completes attribute names and values from Tempo, narrowed by the other conditions', async () => {
    // The backend is rebuilt when the settings change: wait until it is Tempo's.
    const names = await waitFor('Tempo\'s attribute names', async () => {
      const labels = await labelsAt('{ resource.');
      return labels.includes('service.name') ? labels : undefined;
    });
    assert.ok(names.includes('deployment.environment.name'));
    assert.ok(!names.includes('http.route'), 'span attributes are not offered after resource.');
    const services = await labelsAt('{ resource.service.name = ');
    assert.ok(services.includes('checkout') && services.includes('frontend'), services.join(', '));
    const before = replay.requests.length;
    const names2 = await labelsAt('{ resource.service.name = "checkout" && name = ');
    assert.ok(names2.includes('chargeCard') && !names2.includes('renderCart'), names2.join(', '));
    assert.ok(replay.requests.slice(before).some((r) => r.query.q === '{ resource.service.name = "checkout" }'));
  });

  it('marks syntax errors as diagnostics from Grafana\'s TraceQL grammar, and clears them once fixed', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const write = (text: string) => editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text));
    await write('{ resource.service.name = "checkout" && status = }');
    const [d] = await waitFor('a TraceQL diagnostic', () => {
      const found = vscode.languages.getDiagnostics(file).filter((x) => x.source === 'Trace Lens');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(d.message, 'Something is missing before "}".');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.range.start.character, 49);
    await write('{ resource.service.name = "checkout" && status = error }');
    await waitFor('the diagnostic to clear', () => (vscode.languages.getDiagnostics(file).some((x) => x.source === 'Trace Lens') ? undefined : true));
  });
});
