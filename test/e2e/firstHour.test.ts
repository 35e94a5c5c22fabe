import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import { freePort } from '../runner/codeServer';
import { Workbench } from '../runner/workbench';
import { sendBatches } from './sdkSpans';

/** A workspace with the receiver on a free port and one exported trace file (OTLP JSON). */
function workspace(port: number): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-first-hour-'));
  mkdirSync(path.join(folder, '.vscode'));
  writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
  const start = BigInt(Date.now()) * 1_000_000n;
  writeFileSync(path.join(folder, 'exported-trace.json'), JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'file-fixture' } }] },
      scopeSpans: [{ spans: [{ traceId: '5eed0f0a1b2c3d4e5f60718293a4b5c6', spanId: '00f067aa0ba902b7', name: 'GET /exported', kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 7_000_000n) }] }],
    }],
  }));
  writeFileSync(path.join(folder, 'checkout.js'), [
    '// The functions the first hour\'s spans name: the Functions view lists them by p95.',
    'function priceItems(items) {',
    '  return items.length;',
    '}',
    '',
    'function validateCart(cart) {',
    '  return cart.ok;',
    '}',
    '',
  ].join('\n'));
  return folder;
}

// A new user's first hour as they see it: the Trace Lens view's welcome text, the status bar's menu, the
// walkthrough's first step turning green when the first span arrives, the view listing the trace, and
// the Explorer's menu on a trace file.
describe('the first hour in the workbench', function () {
  this.timeout(240_000);

  it('view welcome → status menu → walkthrough, green on the first span → the view lists it → the Explorer opens a trace file', async () => {
    const port = await freePort();
    const folder = workspace(port);
    const workbench = await Workbench.open({ folder, userSettings: { 'workbench.startupEditor': 'none' } });
    const { page } = workbench;
    try {
      // Before any span: not "0 spans", which read like a fault.
      await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/, 60_000);
      // The Trace Lens view, empty: its welcome text says what to do.
      await page.locator('.activitybar [aria-label^="Trace Lens"]').first().click();
      const welcome = page.locator('.welcome-view-content', { hasText: 'No traces received or opened yet' }).first();
      await welcome.waitFor({ timeout: 60_000 });
      assert.match(await welcome.innerText(), /Copy Exporter Settings/);
      await page.locator('.statusbar-item', { hasText: /Trace Lens: local/ }).first().click();
      await workbench.pickQuickInputItem(/Trace Lens: the built-in OTLP receiver/, 'Get Started with Trace Lens');

      const step = page.locator('[data-step-id$="receive"][aria-checked]').first();
      await step.waitFor({ timeout: 60_000 });
      assert.equal(await step.getAttribute('aria-checked'), 'false', 'nothing received yet');
      await sendTestTrace({ otlpHttpUrl: `http://127.0.0.1:${port}`, otlpEncoding: 'protobuf' });
      await page.locator('[data-step-id$="receive"][aria-checked="true"]').first().waitFor({ timeout: 60_000 });
      await workbench.screenshot('e2e-first-hour-walkthrough');
      // The view now lists the trace instead of the welcome text.
      const recentTraces = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Recent Traces' }) });
      const root = recentTraces.locator('.monaco-list-row', { hasText: /frontend/ }).first();
      await root.waitFor({ timeout: 60_000 });
      assert.equal(await welcome.isVisible(), false);

      await page.keyboard.press('Control+Shift+E');
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'exported-trace.json' }).first();
      await row.click({ button: 'right' });
      const item = page.locator('.context-view .action-item', { hasText: 'Open in Trace Lens Waterfall' }).first();
      const tab = page.locator('.tab', { hasText: 'GET /exported' }).first();
      // A menu ignores a click that comes right after it opened (the right button's own release must not
      // choose an item): click again while the menu is still up and no waterfall came.
      await item.waitFor();
      for (let attempt = 1; !(await tab.isVisible()); attempt++) {
        if (await item.isVisible()) await item.click();
        await tab.waitFor({ timeout: attempt < 5 ? 5_000 : 60_000 }).catch((err: unknown) => {
          if (attempt >= 5) throw err;
        });
      }
      assert.match(await tab.innerText(), /GET \/exported/);
      await workbench.screenshot('e2e-first-hour-explorer');

      // Functions by p95: spans that name functions of this workspace, slowest first; a click opens one.
      await sendBatches(port, [
        { name: 'price items', attributes: { 'code.file.path': 'checkout.js', 'code.function.name': 'priceItems', 'code.line.number': 2 }, durationsMs: Array.from({ length: 20 }, () => 5) },
        { name: 'validate cart', attributes: { 'code.file.path': 'checkout.js', 'code.function.name': 'validateCart', 'code.line.number': 6 }, durationsMs: Array.from({ length: 20 }, (_, i) => 200 + i) },
      ], { resource: { 'service.name': 'first-hour-shop' } });
      await page.locator('.activitybar [aria-label^="Trace Lens"]').first().click();
      const functionsPane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Functions by p95' }) });
      const slowest = functionsPane.locator('.monaco-list-row', { hasText: 'validateCart' }).first();
      await slowest.waitFor({ timeout: 60_000 });
      const rows = await functionsPane.locator('.monaco-list-row').allInnerTexts();
      const order = rows.map((r) => (/validateCart|priceItems/.exec(r) ?? [''])[0]).filter((n) => n !== '');
      assert.deepEqual(order, ['validateCart', 'priceItems'], `slowest p95 first: ${rows.join(' | ')}`);
      assert.match(rows.find((r) => r.includes('validateCart')) ?? '', /p95 2\d\d ms · 20 calls/);
      await slowest.click();
      await page.locator('.tab', { hasText: 'checkout.js' }).first().waitFor({ timeout: 60_000 });
      await workbench.waitForStatusBarText(/Ln 6, Col 1/);
      await workbench.screenshot('e2e-first-hour-functions');
    } catch (err) {
      await workbench.screenshot('e2e-first-hour-failed');
      throw err;
    } finally {
      await workbench.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
