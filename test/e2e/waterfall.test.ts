import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { sendTestTrace, type SentTrace } from '../backends/harness/sendTestTrace';
import { freePort } from '../runner/codeServer';
import { Workbench } from '../runner/workbench';

/** A workspace with the file the test trace's placeOrder span points at (src/checkout/order.ts:87). */
function checkoutWorkspace(port: number): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-wf-'));
  mkdirSync(path.join(folder, '.vscode'));
  writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
  mkdirSync(path.join(folder, 'src/checkout'), { recursive: true });
  const lines = Array.from({ length: 100 }, (_, i) => (i === 86 ? 'export async function placeOrder() { /* line 87 */ }' : `// line ${i + 1}`));
  writeFileSync(path.join(folder, 'src/checkout/order.ts'), `${lines.join('\n')}\n`);
  return folder;
}

// Open Trace by ID as a person does it: palette, paste the id, read the waterfall, click a span, jump to source.
for (const theme of ['Default Dark Modern', 'Default Light Modern'] as const) {
  const label = theme.includes('Dark') ? 'dark' : 'light';
  describe(`the waterfall in the workbench (${label} theme)`, function () {
    this.timeout(180_000);
    let workbench: Workbench;
    let folder: string;
    let sent: SentTrace;
    let frame: Frame;

    before(async () => {
      const port = await freePort();
      folder = checkoutWorkspace(port);
      workbench = await Workbench.open({
        folder,
        colorScheme: label,
        userSettings: { 'workbench.startupEditor': 'none', 'workbench.colorTheme': theme, 'chat.commandCenter.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
      });
      await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/);
      sent = await sendTestTrace({ otlpHttpUrl: `http://127.0.0.1:${port}`, otlpEncoding: 'protobuf' });
    });

    after(async () => {
      await workbench?.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('opens the trace from the palette and shows the header and every span', async () => {
      await workbench.runCommand('Trace Lens: Open Trace by ID');
      await workbench.typeIntoQuickInput(/Trace Lens: Open Trace by ID/, sent.traceId);
      frame = await workbench.webviewFrame('.wf-row:not([hidden]) .wf-name');
      await frame.locator('.wf-title-name').waitFor();
      assert.equal(await frame.locator('.wf-title-name').innerText(), 'GET /checkout');
      const names = await frame.locator('.wf-row:not([hidden]) .wf-name').allInnerTexts();
      for (const span of sent.spans) assert.ok(names.includes(span.name), `${span.name} is a row; rows: ${names.join(', ')}`);
      assert.equal(names.length, sent.spans.length);
      await workbench.screenshot(`waterfall-${label}`);
    });

    it('shows a span\'s detail and jumps to its source line', async () => {
      await frame.locator('.wf-row:not([hidden])', { hasText: 'placeOrder' }).first().click();
      const detail = frame.locator('.wf-detail');
      await detail.locator('text=Span attributes').waitFor();
      assert.match(await detail.innerText(), /code\.function\.name/);
      await workbench.screenshot(`waterfall-detail-${label}`);
      await detail.locator('.wf-source button').click();
      await workbench.page.locator('.tab.active[data-resource-name="order.ts"]').waitFor({ timeout: 30_000 });
      await workbench.waitForStatusBarText(/Ln 87, Col 1/);
    });

    it('selects the span a traceparent names', async () => {
      const charge = sent.spans.find((s) => s.name === 'chargeCard');
      assert.ok(charge);
      await workbench.runCommand('Trace Lens: Open Trace by ID');
      await workbench.typeIntoQuickInput(/Trace Lens: Open Trace by ID/, `00-${sent.traceId}-${charge.spanId}-01`);
      // The panel was hidden by the source editor: its webview is rebuilt when shown again.
      frame = await workbench.webviewFrame('#wf-detail-title:has-text("chargeCard")');
      const title = frame.locator('#wf-detail-title');
      assert.equal((await title.innerText()).trim(), 'chargeCard');
    });
  });
}
