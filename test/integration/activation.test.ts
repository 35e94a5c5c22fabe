import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'trace-lens.trace-lens';

describe('Trace Lens activation', () => {
  it('activates in the real extension host', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command its manifest declares', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const declared = (extension?.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of declared) assert.ok(registered.has(command), `${command} is registered`);
    assert.ok(declared.includes('traceLens.showLog'));
  });

  it('Show Log opens the Trace Lens log channel with the activation line', async () => {
    await vscode.commands.executeCommand('traceLens.showLog');
    // The output document appears, and fills from the log file, asynchronously.
    const deadline = Date.now() + 10_000;
    let channel: vscode.TextDocument | undefined;
    while (Date.now() < deadline) {
      channel = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.includes('Trace Lens'));
      if (channel && /Trace Lens .* activated/.test(channel.getText())) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(channel, `an output document for Trace Lens is open; open: ${vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', ')}`);
    assert.match(channel.getText(), /Trace Lens .* activated/);
  });
});
