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
import { layoutFlame } from '../../src/core/flame/flameLayout';
import { functionFlameSteps } from '../../src/core/flame/functionFlame';
import { functionFlameTree } from '../../src/core/flame/functionFlameTypes';
import { extractCodeLocation, locationKeyString } from '../../src/core/source/codeLocation';
import { runSync } from '../../src/core/timeSlicing';
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
function shopTrace(id = 'd', slowBy = 0): Trace {
  const code = { 'code.file.path': '/srv/app/src/checkout/order.ts', 'code.line.number': 87, 'code.function.name': 'placeOrder' };
  const chargeCode = { 'code.file.path': '/srv/app/src/checkout/order.ts', 'code.line.number': 95, 'code.function.name': 'chargeCard' };
  const spans = [
    span(`${id}root`, undefined, 0, 300 + slowBy, { service: 'frontend', name: 'GET /checkout' }),
    span(`${id}auth`, `${id}root`, 2, 20, { service: 'auth', name: 'verifyToken' }),
    span(`${id}place`, `${id}root`, 20, 280 + slowBy, { service: 'checkout', name: 'placeOrder', attributes: code }),
    span(`${id}cart`, `${id}place`, 22, 80, { service: 'cart', name: 'GET /cart' }),
    span(`${id}items`, `${id}cart`, 25, 60, { service: 'db', name: 'SELECT cart_items' }),
    span(`${id}charge`, `${id}place`, 85, 200 + slowBy, { service: 'payment', name: 'chargeCard', attributes: chargeCode }),
    span(`${id}gw`, `${id}charge`, 90, 190 + slowBy, { service: 'payment', name: 'POST /v1/charges', error: true }),
    span(`${id}stock`, `${id}place`, 200 + slowBy, 270 + slowBy, { service: 'inventory', name: 'reserveStock' }),
  ];
  for (let i = 0; i < 300; i++) spans.push(span(`${id}r${i}`, `${id}stock`, 201 + slowBy + i * 0.2, 201.15 + slowBy + i * 0.2, { service: 'cache', name: 'redis GET' }));
  const t = trace(spans);
  t.traceId = id.repeat(32);
  for (const s of t.spans) s.traceId = t.traceId;
  return t;
}

function workspace(port: number): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-views-'));
  mkdirSync(path.join(folder, '.vscode'));
  writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
  mkdirSync(path.join(folder, 'src/checkout'), { recursive: true });
  const lines = Array.from({ length: 100 }, (_, i) => (i === 86 ? 'export async function placeOrder() { /* line 87 */ }' : i === 94 ? 'export async function chargeCard() { /* line 95 */ }' : `// line ${i + 1}`));
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
    // The test above left the candidate's waterfall (also GET /checkout): this is the baseline's.
    const waterfall = await workbench.webviewFrame(`.wf-meta-item:has-text("${'b'.repeat(32)}")`);
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
    // The comparisons above left waterfalls of other GET /checkout traces: this one has 308 spans.
    const waterfall = await workbench.webviewFrame('.wf-meta-item:has-text("Spans 308")');
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

  it('shows where time goes under a function from its hover: the calls\' subtrees merged, a frame\'s figures and its source', async () => {
    // Three checkouts reach the receiver as OTLP JSON; the last one's charge is 60 ms slower.
    const sent = [shopTrace('e'), shopTrace('f'), shopTrace('a', 60)];
    // Within the statistics' lookback: the traces start 20 s ago.
    const shift = BigInt(Date.now() - 20_000) * 1_000_000n - sent[0].spans[0].startTimeUnixNano;
    for (const s of sent.flatMap((t) => t.spans)) { s.startTimeUnixNano += shift; s.endTimeUnixNano += shift; }
    for (const t of sent) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: toOtlpJson(t) });
      assert.equal(res.status, 200);
    }
    await workbench.openFile('src/checkout/order.ts');
    const page = workbench.page;
    // To line 87, where the function is: the editor draws lenses of the lines on screen only.
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill(':87');
    await page.keyboard.press('Enter');
    await workbench.waitForStatusBarText(/Ln 87, Col 1/);
    await page.locator('.codelens-decoration', { hasText: /3 calls/ }).first().waitFor({ timeout: 60_000 });
    const hover = await workbench.hoverUntil(/^placeOrder$/, 'Trace Lens');
    await hover.locator('a', { hasText: 'Where time goes…' }).click();
    const frame = await workbench.webviewFrame('.ff-summary');
    assert.match(await frame.locator('.ff-basis').innerText(), /^Every call in the 3 traces the built-in receiver holds\.$/);
    assert.equal(await frame.locator('.ff-basis.ff-sample').count(), 0);
    assert.match(await frame.locator('.ff-summary').innerText(), /^3 calls in 3 traces · 840 ms in all · 280 ms a call · 7 frames$/);
    // Where chargeCard's frame is, from the modules the extension and the webview use.
    const key = locationKeyString(extractCodeLocation(sent[0].spans[2]));
    const flame = runSync(functionFlameSteps(sent, key, 'placeOrder'));
    const charge = flame.labels.indexOf('chargeCard');
    const scroller = frame.locator('.fl-scroller');
    const point = framePoint(layoutFlame(functionFlameTree(flame)), 1, charge, (await scroller.boundingBox())!);
    await page.mouse.click(point.x, point.y);
    await frame.locator('#ff-frame-title:has-text("chargeCard")').waitFor();
    assert.match(await frame.locator('.ff-detail').innerText(), /Calls\s+3\nTotal\s+405 ms \(48\.2 % of the function's\)\nSelf\s+45 ms\nPer call\s+135 ms\nErrors\s+0/);
    await page.mouse.move(point.x + 40, point.y + 20);
    await workbench.screenshot('function-flame-dark');
    await frame.locator('.ff-source').click();
    await page.locator('.tab.active[data-resource-name="order.ts"]').waitFor({ timeout: 30_000 });
    await workbench.waitForStatusBarText(/Ln 95, Col 1/);
  });

  it('compares a function\'s example trace with another from the lens\'s pick', async () => {
    // order.ts is open from the test before: placeOrder's lens lists its example traces, slowest first.
    await workbench.page.locator('.codelens-decoration a', { hasText: /3 calls/ }).first().click();
    const widget = workbench.page.locator('.quick-input-widget').filter({ has: workbench.page.locator('.quick-input-title', { hasText: /Traces of placeOrder/ }) });
    const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'slowest' }).first();
    await row.hover();
    await row.locator('.codicon-diff').click();
    // The picked trace is the baseline: only the candidate is asked for.
    await workbench.pickQuickInputItem(/Compare traces: the candidate/, 'Trace file…');
    await workbench.pickInFileDialog(/The candidate trace file/, path.join(folder, 'candidate.json'));
    await workbench.page.locator('.tab.active', { hasText: /^Compare aaaaaaa · ccccccc/ }).waitFor({ timeout: 30_000 });
    // The service map below counts the calls the receiver holds: leave it empty, as the suite found it.
    await workbench.runCommand('Trace Lens: Clear Received Spans');
    await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/);
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
