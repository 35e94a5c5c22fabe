import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replayScenario, SHOP_SOURCE } from '../insights-corpus/replay';
import { freePort } from '../runner/codeServer';
import { repoRoot } from '../runner/vscodeRuntime';
import { Workbench } from '../runner/workbench';

// Performance insights as a person sees them: the recorded N+1 service (test/insights-corpus: the
// OpenTelemetry Python SDK on real SQLite) sends its traces to the built-in receiver, and its handler
// shows the diagnostic, the lens suffix and the hover section; the hover's example trace opens in the
// waterfall with the loop's spans marked. Run `npm run package` first.

const CORPUS = path.join(repoRoot, 'test/insights-corpus');
const USER_SETTINGS = { 'workbench.startupEditor': 'none', 'chat.commandCenter.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden' };
/** code.line.number of the N+1 handler's SERVER span in the recording. */
const HANDLER_LINE = 166;

describe('performance insights in the workbench', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let folder: string;
  let traceIds: string[];

  before(async () => {
    const port = await freePort();
    folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-insights-'));
    mkdirSync(path.join(folder, '.vscode'));
    mkdirSync(path.join(folder, 'services'));
    writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
    // The service's own source: the spans' code.file.path (test/insights-corpus/services/shop.py) maps to it by suffix.
    copyFileSync(path.join(CORPUS, SHOP_SOURCE), path.join(folder, SHOP_SOURCE));
    workbench = await Workbench.open({ folder, userSettings: USER_SETTINGS, vsix: process.env.TRACE_LENS_VSIX });
    await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/, 60_000);
    const replay = replayScenario(CORPUS, 'orders-n-plus-one', Date.now() - 2_000);
    traceIds = replay.traceIds;
    const r = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: replay.body });
    assert.equal(r.status, 200, await r.text());
    await workbench.waitForStatusBarText(new RegExp(`Trace Lens: local · ${replay.spans.length} spans`), 30_000);
  });

  after(async () => {
    await workbench?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('shows the N+1 in the lens of the handler and lists it in Problems', async () => {
    await workbench.openFile(SHOP_SOURCE);
    const page = workbench.page;
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${HANDLER_LINE}`);
    await page.keyboard.press('Enter');
    const lens = page.locator('.codelens-decoration', { hasText: /N\+1: \d+ × SELECT … per call/ }).first();
    await lens.waitFor({ timeout: 90_000 });
    assert.match(await lens.innerText(), /12 calls · 0% errors · N\+1: \d+ × SELECT … per call$/);
    await page.locator('.monaco-editor .squiggly-info').first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('e2e-insights-lens');
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: /N\+1/ }).first();
    await row.waitFor({ timeout: 30_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /N\+1: \d+ × SELECT sku, qty FROM order_items WHERE order_id = \? in one call of "GET \/orders"/);
    assert.match(text, /in 12 traces, 8–28 calls each/);
    assert.match(text, /Trace Lens/);
    assert.match(text, /PI001/);
    assert.match(text, new RegExp(`\\[Ln ${HANDLER_LINE}, Col \\d+\\]`));
    await workbench.screenshot('e2e-insights-problems');
    await page.keyboard.press('Control+Shift+M');
  });

  it('hovers the handler: the insight with its evidence and example traces', async () => {
    await workbench.openFile(SHOP_SOURCE);
    const hover = await workbench.hoverUntil(/^list_orders_n_plus_one$/, 'Performance insights');
    const text = await hover.innerText();
    assert.match(text, /PI001\s+N\+1 queries: N\+1: \d+ × SELECT sku, qty FROM order_items WHERE order_id = \? in one call of "GET \/orders"/);
    assert.match(text, /In 12 traces, 8–28 calls each\./);
    assert.match(text, /Example trace \([\d.]+ ms\)/);
    await workbench.screenshot('e2e-insights-hover');
    await hover.locator('a', { hasText: /^Example trace \(/ }).click();
  });

  it('opens the example trace in the waterfall with the loop\'s spans marked and steps to the insight', async () => {
    const frame = await workbench.webviewFrame('.wf-insights:not([hidden])', 60_000);
    assert.equal(await frame.locator('.wf-title-name').innerText(), 'GET /orders');
    const meta = await frame.locator('.wf-meta').innerText();
    assert.ok(traceIds.some((id) => meta.includes(id)), `a replayed trace: ${meta}`);
    assert.equal(await frame.locator('.wf-insight-label').innerText(), '1 insight');
    const marked = await frame.locator('.wf-row.wf-insight:not([hidden]) .wf-name').allInnerTexts();
    assert.ok(marked.length >= 5, `marked rows: ${marked.join(', ')}`);
    assert.ok(marked.every((n) => n === 'SELECT'), `only the loop's statements are marked: ${marked.join(', ')}`);
    await frame.locator('vscode-button', { hasText: 'Insight ›' }).click();
    const label = frame.locator('.wf-insight-label');
    await label.filter({ hasText: /^1 \/ 1 · PI001 N\+1 queries: N\+1: \d+ × SELECT/ }).waitFor();
    const count = Number(/N\+1: (\d+) ×/.exec(await label.innerText())![1]);
    assert.ok(count >= 8 && count <= 28, `the example's loop: ${count}`);
    await frame.locator('.wf-row.wf-insight-current.wf-selected').waitFor();
    assert.equal(await frame.locator('.wf-row.wf-insight-current.wf-selected .wf-name').innerText(), 'SELECT');
    await workbench.screenshot('e2e-insights-waterfall');
  });
});
