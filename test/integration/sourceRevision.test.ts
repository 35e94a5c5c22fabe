// Lines follow the code, inside the extension host: a lens placed by a span's line alone (no function
// name) lands on the function the line meant at the span's commit, not on what that line number holds
// after local edits; and a save moves it again.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { sendToReceiver } from './otlpSender';
import { waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';
const COMMITTED = ['function alpha() {', '  return 1;', '}', '', 'function beta() {', '  return 2;', '}', ''];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

async function lensLines(uri: vscode.Uri): Promise<number[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses.filter((l) => l.command?.command === 'traceLens.showFunctionTraces').map((l) => l.range.start.line);
}

describe('lenses follow the code through git', function () {
  this.timeout(90_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('traceLens.clearReceivedSpans');
  });

  it('a span recorded at line 5 of a commit (beta) keeps its lens on beta after lines were inserted above it; Explain Source Mapping says what became of each revision', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const folder = workspaceFile('revlens').fsPath;
    mkdirSync(folder, { recursive: true });
    const file = workspaceFile('revlens', 'revOrders.js');
    writeFileSync(file.fsPath, COMMITTED.join('\n'));
    git(folder, 'init', '-q');
    git(folder, 'add', '.');
    git(folder, 'commit', '-qm', 'orders');
    const commit = git(folder, 'rev-parse', 'HEAD').trim();
    // Local edits: gamma inserted above; alpha now starts at line 5, beta at 9.
    writeFileSync(file.fsPath, ['function gamma() {', '  return 3;', '}', '', ...COMMITTED].join('\n'));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);

    await sendToReceiver([{ name: 'rev beta', attributes: { 'code.file.path': '/srv/app/revlens/revOrders.js', 'code.line.number': 5, 'vcs.ref.head.revision': commit }, durationsMs: [4, 5, 6] }], 'revision-fixture');
    // Lenses are placed at once from the recorded line, then again when git has answered.
    const lines = await waitFor('the lens on beta (line 9)', async () => {
      const l = await lensLines(file);
      return l.includes(8) ? l : undefined;
    }, 30_000);
    assert.ok(!lines.includes(4), `not on alpha, which holds line 5 now: ${lines.join(', ')}`);

    // Two more lines above, saved: the lens moves with beta.
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.uri.fsPath === file.fsPath);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// one\n// two\n'));
    await document.save();
    await waitFor('the lens on beta after the save (line 11)', async () => ((await lensLines(file)).includes(10) ? true : undefined), 30_000);

    // A commit the repository does not have: the line is used as recorded, and Explain Source Mapping says why.
    const unknown = 'deadbeef'.repeat(5);
    await sendToReceiver([{ name: 'rev unknown', attributes: { 'code.file.path': '/srv/app/revlens/revOrders.js', 'code.line.number': 4, 'vcs.ref.head.revision': unknown }, durationsMs: [3] }], 'revision-fixture');
    await waitFor('a lens from the unknown revision\'s line as recorded (4, inside gamma, lines 3-5 now)', async () => ((await lensLines(file)).includes(2) ? true : undefined), 30_000);
    const report = await waitFor('both revisions in Explain Source Mapping', async () => {
      const r = await vscode.commands.executeCommand<{ text: string }>('traceLens.explainSourceMapping');
      return r.text.includes(unknown.slice(0, 12)) && r.text.includes(commit.slice(0, 12)) ? r.text : undefined;
    }, 30_000);
    assert.match(report, /## Revisions/);
    assert.match(report, new RegExp(`line 5 of revision ${commit.slice(0, 12)} is line (9|11) in the working tree`));
    assert.match(report, /line 4 is used as recorded: revision deadbeefdead is not in the git repository/);
  });

  it('a live lint finding from a span recorded at a commit lands on the line that holds that code now', async () => {
    const folder = workspaceFile('revlint').fsPath;
    mkdirSync(folder, { recursive: true });
    const file = workspaceFile('revlint', 'ledger.ts');
    const committed = ['export function settle(): void {', '  const total = 1;', '  void total;', '}', ''];
    writeFileSync(file.fsPath, committed.join('\n'));
    git(folder, 'init', '-q');
    git(folder, 'add', '.');
    git(folder, 'commit', '-qm', 'ledger');
    const commit = git(folder, 'rev-parse', 'HEAD').trim();
    writeFileSync(file.fsPath, ['// header', '// more header', '', ...committed].join('\n'));
    await sendToReceiver([{ name: 'settle ledger', attributes: { 'code.file.path': '/srv/app/revlint/ledger.ts', 'code.line.number': 2, 'vcs.ref.head.revision': commit, 'payment.card_number': '4111 1111 1111 1111' }, durationsMs: [2] }], 'revision-lint-fixture');
    const finding = await waitFor('a Trace Lens finding in ledger.ts', () =>
      vscode.languages.getDiagnostics(file).find((d) => d.source === 'Trace Lens'), 30_000);
    assert.equal(finding.range.start.line, 4, 'recorded line 2 (const total) is line 5 now');
  });
});
