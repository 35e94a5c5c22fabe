import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import { freePort } from '../runner/codeServer';
import { Workbench } from '../runner/workbench';

function workspaceWithPort(port: number): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-recv-'));
  mkdirSync(path.join(folder, '.vscode'));
  writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
  return folder;
}

// The zero-setup default as a person sees it: spans arrive, the status bar counts them.
describe('the built-in receiver in the workbench', function () {
  this.timeout(180_000);

  it('counts arriving spans in the status bar', async () => {
    const port = await freePort();
    const folder = workspaceWithPort(port);
    const workbench = await Workbench.open({ folder, userSettings: { 'workbench.startupEditor': 'none' } });
    try {
      await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/);
      const sent = await sendTestTrace({ otlpHttpUrl: `http://127.0.0.1:${port}`, otlpEncoding: 'protobuf' });
      const text = await workbench.waitForStatusBarText(new RegExp(`Trace Lens: local · ${sent.spans.length} spans`));
      assert.match(text, /local · \d+ spans/);
      await workbench.screenshot('e2e-receiver-spans');
    } finally {
      await workbench.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('keeps received spans across a window reload', async () => {
    const port = await freePort();
    const folder = workspaceWithPort(port);
    const workbench = await Workbench.open({ folder, userSettings: { 'workbench.startupEditor': 'none' } });
    try {
      await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/);
      const sent = await sendTestTrace({ otlpHttpUrl: `http://127.0.0.1:${port}` });
      await workbench.waitForStatusBarText(new RegExp(`local · ${sent.spans.length} spans`));
      // The old page shows the same count until it unloads: wait for the new document, not a delay.
      const reloaded = workbench.page.waitForEvent('framenavigated', { predicate: (f) => f === workbench.page.mainFrame(), timeout: 60_000 });
      await workbench.runCommand('Developer: Reload Window');
      await reloaded;
      // After the reload the receiver starts again and restores what it saved.
      await workbench.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const text = await workbench.waitForStatusBarText(new RegExp(`local · ${sent.spans.length} spans`), 60_000).catch(async (err) => {
        await workbench.screenshot('e2e-receiver-reload-failed');
        throw new Error(`${String(err)}; status bar: ${(await workbench.statusBarTexts()).join(' | ')}`);
      });
      assert.match(text, new RegExp(`${sent.spans.length} spans`));
    } finally {
      await workbench.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('says so when the port is taken, without crashing', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const folder = workspaceWithPort(port);
    const workbench = await Workbench.open({ folder, userSettings: { 'workbench.startupEditor': 'none' } });
    try {
      const text = await workbench.waitForStatusBarText(new RegExp(`port ${port} in use`));
      assert.match(text, /Trace Lens: local · port \d+ in use/);
      await workbench.screenshot('e2e-receiver-port-in-use');
    } finally {
      await workbench.close();
      blocker.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
