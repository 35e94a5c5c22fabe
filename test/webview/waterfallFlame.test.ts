// The waterfall's flame-graph toggle in headless Chromium with the real bundle, CSP and host
// session: frames drawn, a click selects the span and shows its detail, search, selection and the
// legend's service filter are shared with the rows, and frames narrower than a pixel merge into a
// block that zooms in.
import assert from 'node:assert/strict';
import { buildWaterfall, type WaterfallLayout } from '../../src/core/waterfall/layout';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { span, trace } from '../unit/waterfall/traceBuilder';
import { framePoint, traceFlameLayout } from './flameFrames';
import { openWaterfallPage, type WaterfallPage } from './waterfallHarness';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A checkout whose charge step fans out into 3,000 one-ms calls: far narrower than a pixel each. */
function fanOutTrace() {
  const spans = [
    span('root', undefined, 0, 6_000, { service: 'frontend', name: 'GET /checkout' }),
    span('place', 'root', 10, 2_000, { service: 'checkout', name: 'placeOrder' }),
    span('fan', 'root', 2_000, 5_100, { service: 'checkout', name: 'loadItems', error: true }),
  ];
  for (let i = 0; i < 3_000; i++) spans.push(span(`i${i}`, 'fan', 2_000 + i, 2_001 + i, { service: 'db', name: `SELECT item ${i}` }));
  return trace(spans);
}

describe('waterfall webview: the flame graph toggle', () => {
  let browser: RunningBrowser;
  let wp: WaterfallPage;
  let layout: WaterfallLayout;

  const box = async () => (await wp.page.locator('.fl-scroller').boundingBox())!;
  const rowOf = (name: string) => layout.columns.name.findIndex((n) => layout.strings.names[n] === name);
  const point = async (row: number) => framePoint(traceFlameLayout(layout.columns), layout.columns.depth[row], row, await box());
  const tooltip = () => wp.page.locator('.fl-tooltip').innerText();

  before(async () => {
    browser = await launchBrowser();
    layout = buildWaterfall(fanOutTrace());
    wp = await openWaterfallPage(await browser.context.newPage(), layout);
    await wp.postTrace(wp.session.traceMessage()!);
  });
  after(async () => { await browser?.close(); });

  it('replaces the rows with a painted flame graph and back', async () => {
    await wp.page.locator('vscode-checkbox.wf-flame-toggle').click();
    await wp.page.locator('.fl-scroller').waitFor({ state: 'visible' });
    assert.equal(await wp.page.locator('.wf-grid').isVisible(), false, 'the rows are hidden while the graph shows');
    const painted = await wp.page.evaluate(() => {
      const canvas = document.querySelector('.fl-canvas');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
      return opaque / (canvas.width * canvas.height);
    });
    // Three full rows of a tall canvas at least: the root, its two children, the fan-out below.
    assert.ok(painted > 0.02, `painted share ${painted}`);
    await wp.page.locator('vscode-checkbox.wf-flame-toggle').click();
    await wp.page.locator('.wf-grid').waitFor({ state: 'visible' });
    await wp.page.locator('vscode-checkbox.wf-flame-toggle').click();
    await wp.page.locator('.fl-scroller').waitFor({ state: 'visible' });
  });

  it('selects a clicked frame\'s span and shows its detail, with total and self time', async () => {
    const place = rowOf('placeOrder');
    const p = await point(place);
    await wp.page.mouse.move(p.x, p.y);
    assert.match(await tooltip(), /^checkout · placeOrder\ntotal 1\.99 s · self 1\.99 s/);
    await wp.page.mouse.click(p.x, p.y);
    await wp.page.locator('#wf-detail-title:has-text("placeOrder")').waitFor();
    assert.match(await wp.page.locator('.fl-status').innerText(), /^checkout · placeOrder — total 1\.99 s/);
    // Same selection: the rows select the span too.
    await wp.page.locator('vscode-checkbox.wf-flame-toggle').click();
    assert.equal(await wp.page.locator('.wf-row[aria-selected="true"]:not([hidden]) .wf-name').innerText(), 'placeOrder');
    await wp.page.locator('vscode-checkbox.wf-flame-toggle').click();
  });

  it('merges 3,000 sub-pixel frames into one block that says so, and zooms into it on click', async () => {
    const first = rowOf('SELECT item 0');
    const b = await box();
    const fan = rowOf('loadItems');
    const fanPoint = await point(fan);
    const y = b.y + layout.columns.depth[first] * 20 + 10;
    await wp.page.mouse.move(fanPoint.x, y);
    assert.match(await tooltip(), /^3,000 spans too narrow to draw one by one\nClick to zoom in/);
    await wp.page.mouse.click(fanPoint.x, y);
    await wp.page.locator('.fl-reset').waitFor({ state: 'visible' });
    // Zoomed 8× at a time: a few clicks make single calls wide enough to be frames of their own.
    for (let k = 0; k < 4 && /too narrow/.test(await tooltip().catch(() => 'too narrow')); k++) {
      await wp.page.mouse.move(fanPoint.x, y + 1);
      await wp.page.mouse.move(fanPoint.x, y);
      if (/too narrow/.test(await tooltip())) await wp.page.mouse.click(fanPoint.x, y);
    }
    await wp.page.mouse.move(fanPoint.x, y + 1);
    assert.match(await tooltip(), /^db · SELECT item \d+\ntotal 1 ms/);
    await wp.page.locator('.fl-reset').click();
    await wp.page.locator('.fl-reset').waitFor({ state: 'hidden' });
  });

  it('shares the search: stepping to a match selects it in the graph, zooming out to show it', async () => {
    await wp.page.locator('vscode-textfield.wf-search').click();
    await wp.page.keyboard.type('SELECT item 2999');
    await wp.page.keyboard.press('Enter');
    await wp.page.locator('.fl-status', { hasText: 'db · SELECT item 2999' }).waitFor();
    // The match sits at the right end of the fan-out and is now wide enough to hover.
    await wp.page.locator('.fl-reset').waitFor({ state: 'visible' });
    await wp.page.screenshot({ path: 'test-results/flame-webview.png' });
  });

  it('moves between frames with the keyboard and opens a span with Enter', async () => {
    await wp.page.locator('.fl-scroller').focus();
    await wp.page.keyboard.press('ArrowUp');
    await wp.page.locator('.fl-status', { hasText: 'checkout · loadItems' }).waitFor();
    await wp.page.keyboard.press('ArrowLeft');
    await wp.page.locator('.fl-status', { hasText: 'checkout · placeOrder' }).waitFor();
    await wp.page.keyboard.press('Enter');
    await wp.page.locator('#wf-detail-title:has-text("placeOrder")').waitFor();
  });

  it('hides the frames of a service hidden in the legend, until selecting one of its spans shows it again', async () => {
    await wp.page.locator('.fl-scroller').focus();
    await wp.page.keyboard.press('0');
    await wp.page.locator('.fl-reset').waitFor({ state: 'hidden' });
    // No search left from earlier tests: frames are drawn at full strength.
    await wp.page.locator('vscode-textfield.wf-search').click();
    await wp.page.keyboard.press('ControlOrMeta+a');
    await wp.page.keyboard.press('Backspace');
    await wp.page.locator('.wf-match-label').filter({ hasText: /^$/ }).waitFor({ state: 'attached' });
    const flame = traceFlameLayout(layout.columns);
    const place = rowOf('placeOrder');
    const load = rowOf('loadItems');
    // Inside placeOrder's frame, right of its label and above any error stripe.
    const inside = async () => {
      const b = await box();
      return { x: b.x + (flame.x[place] + flame.width[place]) * b.width - 8, y: b.y + layout.columns.depth[place] * 20 + 5 };
    };
    /** Waits until the canvas pixel under a page point is transparent (`clear`) or painted. */
    const waitForPixel = (p: { x: number; y: number }, clear: boolean) => wp.page.waitForFunction(({ x, y, clear }) => {
      const canvas = document.querySelector('.fl-canvas');
      const r = canvas.getBoundingClientRect();
      const k = canvas.width / r.width;
      const alpha = canvas.getContext('2d').getImageData(Math.floor((x - r.left) * k), Math.floor((y - r.top) * k), 1, 1).data[3];
      return clear ? alpha === 0 : alpha > 0;
    }, { ...p, clear });
    await wp.page.waitForFunction(() => !document.querySelector('.fl-note') || document.querySelector('.fl-note').hidden);
    await waitForPixel(await inside(), false);

    await wp.page.locator('.wf-chip', { hasText: 'checkout' }).click();
    assert.equal(await wp.page.locator('.wf-chip', { hasText: 'checkout' }).getAttribute('aria-pressed'), 'false');
    await wp.page.locator('.fl-note', { hasText: '1 service hidden' }).waitFor();
    await waitForPixel(await inside(), true);
    // The children of a hidden span stay where they were: the fan-out under loadItems is still drawn.
    const fanTop = { x: (await point(load)).x, y: (await box()).y + layout.columns.depth[rowOf('SELECT item 0')] * 20 + 5 };
    await waitForPixel(fanTop, false);
    // A hidden frame has no tooltip and a click does not select it.
    const lp = await point(load);
    await wp.page.mouse.move(lp.x, lp.y - 40);
    await wp.page.mouse.move(lp.x, lp.y);
    assert.equal(await wp.page.locator('.fl-tooltip').isVisible(), false);
    const before = await wp.page.locator('.fl-status').innerText();
    await wp.page.mouse.click(lp.x, lp.y);
    assert.equal(await wp.page.locator('.fl-status').innerText(), before);
    assert.doesNotMatch(before, /loadItems/);

    // A search match of the hidden service is selected: its service shows again, in the legend and the graph.
    await wp.page.locator('vscode-textfield.wf-search').click();
    await wp.page.keyboard.type('loadItems');
    await wp.page.keyboard.press('Enter');
    await wp.page.locator('.fl-status', { hasText: 'checkout · loadItems' }).waitFor();
    assert.equal(await wp.page.locator('.wf-chip', { hasText: 'checkout' }).getAttribute('aria-pressed'), 'true');
    await wp.page.locator('.fl-note').waitFor({ state: 'hidden' });
    await waitForPixel(await inside(), false);
  });
});
