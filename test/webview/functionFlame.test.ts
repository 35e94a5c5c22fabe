// Where time goes under a function, in its real webview bundle behind the real CSP in headless
// Chromium: the merged frames drawn by the shared flame graph, a frame's figures and its source
// link, the sample said as such, and hostile span names kept as text.
import assert from 'node:assert/strict';
import { layoutFlame } from '../../src/core/flame/flameLayout';
import { functionFlameSteps } from '../../src/core/flame/functionFlame';
import { functionFlameTree } from '../../src/core/flame/functionFlameTypes';
import { extractCodeLocation, locationKeyString } from '../../src/core/source/codeLocation';
import { runSync } from '../../src/core/timeSlicing';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { span, trace } from '../unit/waterfall/traceBuilder';
import { framePoint } from './flameFrames';
import { openViewPage, type ViewPage } from './viewHarness';
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const EVIL = '<img src=x onerror="window.__pwned=1">';
const RTL = 'invoice\u202Egpj.exe';
const CODE = { 'code.file.path': '/srv/app/src/checkout/order.ts', 'code.line.number': 87, 'code.function.name': 'placeOrder' };
const CHARGE = { 'code.file.path': '/srv/app/src/payment/charge.ts', 'code.line.number': 12, 'code.function.name': 'chargeCard' };

function call(p: string) {
  return trace([
    span(`${p}root`, undefined, 0, 200, { service: 'frontend', name: 'GET /checkout' }),
    span(`${p}pl`, `${p}root`, 10, 110, { service: 'checkout', name: 'placeOrder', attributes: CODE }),
    span(`${p}ch`, `${p}pl`, 20, 90, { service: 'payment', name: 'charge', attributes: CHARGE }),
    span(`${p}ev`, `${p}ch`, 30, 60, { service: EVIL, name: EVIL, error: true }),
    span(`${p}rt`, `${p}pl`, 92, 108, { service: 'cart', name: RTL }),
  ]);
}

describe('function flame graph webview', () => {
  let browser: RunningBrowser;
  let view: ViewPage;
  const traces = [call('a'), call('b'), call('c')];
  const key = locationKeyString(extractCodeLocation(traces[0].spans[1]));
  const flame = runSync(functionFlameSteps(traces, key, 'placeOrder'));
  const layout = layoutFlame(functionFlameTree(flame));
  const errors: string[] = [];

  before(async () => {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => { errors.push(`dialog ${d.message()}`); void d.dismiss(); });
    view = await openViewPage(page, 'functionFlame', { sharedStyles: ['flame.css'] });
    await view.post({ type: 'functionFlame', title: `placeOrder ${EVIL}`, basis: 'A sample: the 3 example traces the statistics kept for this function from Jaeger, not every call in the window.', sample: true, flame });
  });
  after(async () => { await browser?.close(); });

  const point = async (label: string) => {
    const i = flame.labels.indexOf(label);
    assert.ok(i >= 0, label);
    return framePoint(layout, flame.depth[i], i, (await view.page.locator('.fl-scroller').boundingBox())!);
  };

  it('says what it shows: the function, that the traces are a sample, calls and time', async () => {
    assert.equal(await view.page.locator('.ff-title').textContent(), `placeOrder ${EVIL}`);
    assert.match(await view.page.locator('.ff-basis.ff-sample').innerText(), /^A sample: the 3 example trace/);
    assert.equal(await view.page.locator('.ff-summary').innerText(), '3 calls in 3 traces · 300 ms in all · 100 ms a call · 4 frames');
    // The function itself is selected first.
    assert.match(await view.page.locator('.ff-detail').innerText(), /^placeOrder\nService\s+checkout\nCalls\s+3\nTotal\s+300 ms \(100 % of the function's\)\nSelf\s+42 ms/);
  });

  it('shows a clicked frame\'s total, self time and calls, and links it to its source', async () => {
    const p = await point('chargeCard');
    await view.page.mouse.click(p.x, p.y);
    await view.page.locator('#ff-frame-title:has-text("chargeCard")').waitFor();
    assert.match(await view.page.locator('.ff-detail').innerText(), /Calls\s+3\nTotal\s+210 ms \(70\.0 % of the function's\)\nSelf\s+120 ms\nPer call\s+70 ms/);
    await view.page.locator('.ff-source').click();
    const sent = await view.sent();
    assert.deepEqual(sent.at(-1), { type: 'openSource', location: { file: CHARGE['code.file.path'], line: 12, function: 'chargeCard' } });
  });

  it('keeps hostile names as text: on the canvas, in the tooltip and in the detail', async () => {
    const p = await point(EVIL);
    await view.page.mouse.move(p.x, p.y);
    assert.equal(await view.page.locator('.fl-tooltip-title').textContent(), `${EVIL} · ${EVIL}`);
    await view.page.mouse.click(p.x, p.y);
    await view.page.locator('#ff-frame-title').filter({ hasText: EVIL }).waitFor();
    const r = await point(RTL);
    await view.page.mouse.move(r.x, r.y);
    assert.equal(await view.page.locator('.fl-tooltip-title').textContent(), 'cart · invoice\\u202egpj.exe');
    const probe = await view.page.evaluate(() => ({
      pwned: window.__pwned,
      violations: window.__violations,
      foreign: document.querySelectorAll('function-flame img, function-flame svg, body script:not([nonce])').length,
    }));
    assert.equal(probe.pwned, undefined);
    assert.deepEqual(probe.violations, []);
    assert.equal(probe.foreign, 0);
    assert.deepEqual(errors, []);
  });

  it('ignores a malformed flame (a frame whose parent comes after it)', async () => {
    const bad = { ...flame, parent: [-1, 2, 0, 0] };
    await view.post({ type: 'functionFlame', title: 'bad', basis: 'x', sample: false, flame: bad });
    assert.equal(await view.page.locator('.ff-title').textContent(), `placeOrder ${EVIL}`);
  });
});
