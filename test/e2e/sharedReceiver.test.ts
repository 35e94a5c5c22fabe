import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForState } from '../backends/harness/latencyLoad';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import { freePort } from '../runner/codeServer';
import { Workbench } from '../runner/workbench';

/** The pid of the extension host that owns the shared receiver on `port`, from its hello; undefined when none answers. */
async function ownerPid(port: number): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/trace-lens/v1/hello`);
    return res.ok ? ((await res.json()) as { pid?: number }).pid : undefined;
  } catch {
    return undefined; // between owners
  }
}

// Two windows of one VS Code at once, each with its own extension host: the second shares the first
// one's receiver instead of meeting EADDRINUSE, both count the spans a service sends, and when the
// first window closes the second's extension host takes the port over and keeps counting.
describe('the built-in receiver in two windows at once', function () {
  this.timeout(240_000);

  it('both windows show the spans, neither asks about the port, and the second takes over when the first closes', async () => {
    const port = await freePort();
    // The port in each folder's settings, as receiver.test.ts does: one given in the user settings was seen
    // to be dropped a few seconds after start-up, leaving the first window on 4318.
    const folders = [0, 1].map((i) => {
      const folder = mkdtempSync(path.join(os.tmpdir(), `trace-lens-window${i}-`));
      mkdirSync(path.join(folder, '.vscode'));
      writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port, 'traceLens.local.grpcPort': 0 }));
      return folder;
    });
    const first = await Workbench.open({
      folder: folders[0],
      userSettings: { 'workbench.startupEditor': 'none' },
      vsix: process.env.TRACE_LENS_VSIX,
      // A closed window's extension host otherwise waits 3 hours for the page to reconnect.
      env: { VSCODE_RECONNECTION_GRACE_TIME: '2000' },
    });
    let second: Workbench | undefined;
    try {
      await first.waitForStatusBarText(/Trace Lens: local · waiting for spans/);
      second = await first.openWindow(folders[1]);
      await second.waitForStatusBarText(/Trace Lens: local · waiting for spans/);

      const sent = await sendTestTrace({ otlpHttpUrl: `http://127.0.0.1:${port}`, otlpEncoding: 'protobuf' });
      const counted = new RegExp(`Trace Lens: local · ${sent.spans.length} spans`);
      for (const [i, window] of [first, second].entries()) {
        // A background tab's workbench does not render: look at each window in front, as a person would.
        await window.page.bringToFront();
        const text = await window.waitForStatusBarText(counted, 60_000).catch(async (err) => {
          await window.screenshot(`e2e-shared-receiver-window${i + 1}-failed`);
          throw new Error(`window ${i + 1}: ${String(err)}; status bar: ${(await window.statusBarTexts()).join(' | ')}`);
        });
        assert.match(text, counted);
      }

      // A port-conflict prompt would be a notification naming the port: no window may show one.
      for (const window of [first, second]) {
        const toasts = await window.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
        assert.ok(!toasts.some((t) => /in use|Use Another Port/i.test(t)), `no port prompt, saw: ${toasts.join(' | ')}`);
      }
      await second.screenshot('e2e-shared-receiver-second-window');

      // The owner is the first window's extension host: once it is gone, the second window's owns the port.
      const firstOwner = await ownerPid(port);
      assert.ok(firstOwner, 'the shared receiver names its owner');
      await first.page.close();
      const secondOwner = await waitForState('another extension host to own the port', async () => {
        const pid = await ownerPid(port);
        return pid !== undefined && pid !== firstOwner ? pid : undefined;
      }, 60_000);
      assert.notEqual(secondOwner, firstOwner);
      const later = await sendTestTrace({ otlpHttpUrl: `http://127.0.0.1:${port}`, otlpEncoding: 'protobuf' });
      await second.page.bringToFront();
      const total = sent.spans.length + later.spans.length;
      assert.match(await second.waitForStatusBarText(new RegExp(`local · ${total} spans`), 60_000), new RegExp(`${total} spans`));
    } finally {
      await second?.close();
      await first.close();
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    }
  });
});
