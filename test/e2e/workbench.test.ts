import * as assert from 'node:assert/strict';
import path from 'node:path';
import { Workbench } from '../runner/workbench';
import { repoRoot } from '../runner/vscodeRuntime';

// What a person sees in the workbench with the packaged extension installed from its .vsix.
describe('the workbench with Trace Lens installed from the .vsix', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({
      folder: path.join(repoRoot, 'test/workspaces/basic'),
      userSettings: { 'workbench.startupEditor': 'none', 'typescript.referencesCodeLens.enabled': true, 'workbench.colorTheme': 'Default Dark Modern' },
    });
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the backend in the status bar', async () => {
    const text = await workbench.waitForStatusBarText(/Trace Lens: local/);
    assert.match(text, /Trace Lens: local/);
    await workbench.screenshot('e2e-status-bar');
  });

  it('opens its log from the command palette', async () => {
    await workbench.runCommand('Trace Lens: Show Log');
    // Monaco renders spaces as no-break spaces: match them with \s.
    const output = workbench.page.locator('.monaco-editor .view-lines', { hasText: /Trace\sLens\s\S+\sactivated/ });
    await output.waitFor({ timeout: 30_000 });
    assert.match(await output.innerText(), /activated/);
    await workbench.screenshot('e2e-show-log');
  });

  it('opens a file, reads its CodeLens and hovers a function (harness check with the built-in TypeScript features)', async () => {
    await workbench.openFile('app.ts');
    const lenses = await workbench.codeLensTexts(90_000);
    assert.ok(lenses.some((l) => /reference/.test(l)), `CodeLens texts: ${lenses.join(' | ')}`);
    const hover = await workbench.hoverText('greet');
    assert.match(hover, /function greet\(name: string\): string/);
    await workbench.screenshot('e2e-codelens-hover');
  });

  it('reaches into a webview and screenshots it (harness check with the Markdown preview)', async () => {
    await workbench.openFile('README.md');
    await workbench.runCommand('Markdown: Open Preview to the Side');
    const frame = await workbench.webviewFrame('h1');
    assert.equal((await frame.locator('h1').innerText()).trim(), 'Basic workspace');
    await workbench.screenshot('e2e-webview');
  });
});
