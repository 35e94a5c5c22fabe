import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toOtlpJson } from '../../bench/waterfallOtlpJson';
import type { Trace } from '../../src/core/model/trace';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import { freePort } from '../runner/codeServer';
import { Workbench } from '../runner/workbench';
import { buildWaterfall } from '../../src/core/waterfall/layout';
import { span, trace } from '../unit/waterfall/traceBuilder';
import { framePoint, traceFlameLayout } from '../webview/flameFrames';

/** One request, its placeOrder span pointing at src/checkout/order.ts:87; `slowBy` ms slower in placeOrder. */
function checkoutTrace(traceId: string, slowBy: number): Trace {
  const code = { 'code.file.path': '/srv/app/src/checkout/order.ts', 'code.line.number': 87, 'code.function.name': 'placeOrder' };
  const t = trace([
    span('root', undefined, 0, 100 + slowBy, { service: 'frontend', name: 'GET /checkout' }),
    span('place', 'root', 10, 50 + slowBy, { service: 'checkout', name: 'placeOrder', attributes: code }),
    span('charge', 'place', 12, 40, { service: 'checkout', name: 'chargeCard' }),
  ]);
  t.traceId = traceId;
  for (const s of t.spans) s.traceId = traceId;
  return t;
}

/** A checkout with some depth and a fan-out of 300 cache reads, each far narrower than a pixel. */
function shopTrace(): Trace {
  const code = { 'code.file.path': '/srv/app/src/checkout/order.ts', 'code.line.number': 87, 'code.function.name': 'placeOrder' };
  const spans = [
    span('root', undefined, 0, 300, { service: 'frontend', name: 'GET /checkout' }),
    span('auth', 'root', 2, 20, { service: 'auth', name: 'verifyToken' }),
    span('place', 'root', 20, 280, { service: 'checkout', name: 'placeOrder', attributes: code }),
    span('cart', 'place', 22, 80, { service: 'cart', name: 'GET /cart' }),
    span('items', 'cart', 25, 60, { service: 'db', name: 'SELECT cart_items' }),
    span('charge', 'place', 85, 200, { service: 'payment', name: 'chargeCard' }),
    span('gateway', 'charge', 90, 190, { service: 'payment', name: 'POST /v1/charges', error: true }),
    span('stock', 'place', 200, 270, { service: 'inventory', name: 'reserveStock' }),
  ];
  for (let i = 0; i < 300; i++) spans.push(span(`r${i}`, 'stock', 201 + i * 0.2, 201.15 + i * 0.2, { service: 'cache', name: 'redis GET' }));
  const t = trace(spans);
  t.traceId = 'd'.repeat(32);
  for (const s of t.spans) s.traceId = t.traceId;
  return t;
}

function workspace(port: number): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-views-'));
  mkdirSync(path.join(folder, '.vscode'));
  writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
  mkdirSync(path.join(folder, 'src/checkout'), { recursive: true });
  const lines = Array.from({ length: 100 }, (_, i) => (i === 86 ? 'export async function placeOrder() { /* line 87 */ }' : `// line ${i + 1}`));
  writeFileSync(path.join(folder, 'src/checkout/order.ts'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(folder, 'baseline.json'), toOtlpJson(checkoutTrace('b'.repeat(32), 0)));
  writeFileSync(path.join(folder, 'candidate.json'), toOtlpJson(checkoutTrace('c'.repeat(32), 40)));
  writeFileSync(path.join(folder, 'shop.json'), toOtlpJson(shopTrace()));
  return folder;
}

// The analysis views as a person uses them: from the palette, reading the view, clicking through.
describe('the analysis views in the workbench', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let folder: string;
  let port: number;

  before(async () => {
    port = await freePort();
    folder = workspace(port);
    workbench = await Workbench.open({
      folder,
      colorScheme: 'dark',
      userSettings: { 'workbench.startupEditor': 'none', 'chat.commandCenter.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
    });
    await workbench.waitForStatusBarText(/Trace Lens: local/);
  });

  after(async () => {
    await workbench?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('compares two trace files: the changed spans by impact, then a span\'s code and the candidate\'s waterfall at that span', async () => {
    await workbench.runCommand('Trace Lens: Compare Two Traces…');
    await workbench.pickQuickInputItem(/Compare traces: the baseline/, 'Trace file…');
    await workbench.pickInFileDialog(/The baseline trace file/, path.join(folder, 'baseline.json'));
    await workbench.pickQuickInputItem(/Compare traces: the candidate/, 'Trace file…');
    await workbench.pickInFileDialog(/The candidate trace file/, path.join(folder, 'candidate.json'));
    const frame = await workbench.webviewFrame('.cmp-row');
    const rows = await frame.locator('.cmp-row .cmp-name').allInnerTexts();
    // Both 40 ms slower: the root first (equal changes keep tree order), then the span that explains it.
    assert.deepEqual(rows, ['frontend: GET /checkout', 'checkout: placeOrder']);
    const place = frame.locator('.cmp-row', { hasText: 'placeOrder' });
    assert.match(await place.innerText(), /\+40 ms\s+\+100 %/);
    await workbench.screenshot('compare-dark');
    await place.locator('[data-action="source"]').click();
    await workbench.page.locator('.tab.active[data-resource-name="order.ts"]').waitFor({ timeout: 30_000 });
    await workbench.waitForStatusBarText(/Ln 87, Col 1/);
    // Back to the comparison (its webview rebuilds when shown again), then into the candidate's waterfall.
    await workbench.page.locator('.tab', { hasText: 'Compare bbbbbbb' }).click();
    const again = await workbench.webviewFrame('.cmp-row');
    await again.locator('.cmp-row', { hasText: 'placeOrder' }).locator('[data-action="right"]').click();
    const waterfall = await workbench.webviewFrame('#wf-detail-title:has-text("placeOrder")');
    assert.equal((await waterfall.locator('.wf-title-name').innerText()).trim(), 'GET /checkout');
  });

  it('compares the waterfall\'s trace with another from its toolbar', async () => {
    await workbench.runCommand('Trace Lens: Open Trace File');
    await workbench.pickInFileDialog(/Open a trace file/, path.join(folder, 'baseline.json'));
    const waterfall = await workbench.webviewFrame('.wf-title-name:has-text("GET /checkout")');
    await waterfall.locator('vscode-button[title="Compare this trace with another"]').click();
    // The waterfall's trace is the baseline: only the candidate is asked for.
    await workbench.pickQuickInputItem(/Compare traces: the candidate/, 'Trace file…');
    await workbench.pickInFileDialog(/The candidate trace file/, path.join(folder, 'candidate.json'));
    await workbench.page.locator('.tab.active', { hasText: 'Compare bbbbbbb · ccccccc (+40 ms)' }).waitFor({ timeout: 30_000 });
    const frame = await workbench.webviewFrame('.cmp-side-root');
    assert.match(await frame.locator('.cmp-side').first().innerText(), /Baseline\s+frontend: GET \/checkout\s+100 ms · 3 spans · baseline\.json/);
  });

  it('shows a trace as a flame graph: a clicked frame selects its span, shows its detail and leads to its source', async () => {
    await workbench.runCommand('Trace Lens: Open Trace File');
    await workbench.pickInFileDialog(/Open a trace file/, path.join(folder, 'shop.json'));
    const waterfall = await workbench.webviewFrame('.wf-title-name:has-text("GET /checkout")');
    await waterfall.locator('.wf-meta-item', { hasText: 'Spans 308' }).waitFor();
    await waterfall.locator('vscode-checkbox.wf-flame-toggle').click();
    const scroller = waterfall.locator('.fl-scroller');
    await scroller.waitFor({ state: 'visible' });
    assert.equal(await waterfall.locator('.wf-grid').isVisible(), false);
    // Where placeOrder's frame is, from the layout module the webview draws with.
    const columns = buildWaterfall(shopTrace()).columns;
    const place = columns.name.findIndex((n, r) => columns.parent[r] === 0 && columns.subtreeSize[r] > 1);
    const point = framePoint(traceFlameLayout(columns), 1, place, (await scroller.boundingBox())!);
    await workbench.page.mouse.move(point.x, point.y);
    assert.match(await waterfall.locator('.fl-tooltip').innerText(), /^checkout · placeOrder\ntotal 260 ms · self 17 ms/);
    await workbench.page.mouse.click(point.x, point.y);
    const detail = waterfall.locator('.wf-detail');
    await waterfall.locator('#wf-detail-title:has-text("placeOrder")').waitFor();
    assert.match(await waterfall.locator('.fl-status').innerText(), /^checkout · placeOrder — total 260 ms/);
    await workbench.page.mouse.move(point.x, point.y + 60);
    await workbench.screenshot('flame-graph-dark');
    await detail.locator('.wf-source button').click();
    await workbench.page.locator('.tab.active[data-resource-name="order.ts"]').waitFor({ timeout: 30_000 });
    await workbench.waitForStatusBarText(/Ln 87, Col 1/);
  });

  it('draws the service map of received traces and opens a service\'s trace', async () => {
    const sent = await sendTestTrace({ otlpHttpUrl: `http://127.0.0.1:${port}`, otlpEncoding: 'protobuf' });
    await workbench.runCommand('Trace Lens: Show Service Map');
    const frame = await workbench.webviewFrame('.sm-node[data-service="checkout"]');
    const edge = frame.locator('.sm-edge[data-from="frontend"][data-to="checkout"] .sm-edge-label');
    assert.match(await edge.textContent() ?? '', /^1 · 100 % err · p95 85 ms$/);
    await workbench.screenshot('service-map-dark');
    await frame.locator('.sm-node[data-service="frontend"]').click();
    await workbench.pickQuickInputItem(/Traces of frontend/, 'GET /checkout');
    const waterfall = await workbench.webviewFrame('.wf-title-name:has-text("GET /checkout")');
    const names = await waterfall.locator('.wf-row:not([hidden]) .wf-name').allInnerTexts();
    assert.equal(names.length, sent.spans.length);
  });
});
