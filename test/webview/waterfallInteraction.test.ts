// The waterfall webview driven like a user: keyboard, collapse, search, errors, critical path,
// service filter, detail actions; with the real bundle, CSP and host session.
import assert from 'node:assert/strict';
import { SpanFlag } from '../../src/core/waterfall/columnLayout';
import { buildWaterfall, type WaterfallLayout } from '../../src/core/waterfall/layout';
import { syntheticTrace } from '../../bench/waterfallSyntheticTrace';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { openWaterfallPage, until, type WaterfallPage } from './waterfallHarness';

// Browser globals for the page.evaluate callbacks (the root tsconfig has no DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const ROW_H = 22;

describe('waterfall webview interaction', () => {
  let browser: RunningBrowser;
  let wp: WaterfallPage;
  let layout: WaterfallLayout;

  const state = () => wp.page.evaluate(() => {
    const sel = document.querySelector('.wf-row[aria-selected="true"]:not([hidden])');
    return {
      visible: parseFloat(document.querySelector('.wf-spacer').style.height) / 22,
      domRows: document.querySelectorAll('.wf-row').length,
      selectedName: sel?.querySelector('.wf-name')?.textContent ?? null,
      selectedExpanded: sel?.getAttribute('aria-expanded') ?? null,
      selectedLevel: sel?.getAttribute('aria-level') ?? null,
      activeDescendantOk: !!sel && document.querySelector('.wf-scroller').getAttribute('aria-activedescendant') === sel.id,
      matchLabel: document.querySelector('.wf-match-label').textContent,
      focusedSearch: document.activeElement?.tagName === 'VSCODE-TEXTFIELD',
    };
  });
  const name = (row: number) => layout.strings.names[layout.columns.name[row]];

  before(async () => {
    browser = await launchBrowser();
    layout = buildWaterfall(syntheticTrace({ spans: 20_000, bigSubtree: 10_500 }));
    wp = await openWaterfallPage(await browser.context.newPage(), layout);
    await wp.postTrace(wp.session.traceMessage()!);
    await wp.page.focus('.wf-scroller');
  });
  after(async () => { await browser?.close(); });

  it('is a treegrid with at most 150 rows in the DOM for 20k spans', async () => {
    const s = await state();
    assert.equal(s.visible, 20_000);
    assert.ok(s.domRows <= 150 && s.domRows > 10, String(s.domRows));
    const role = await wp.page.getAttribute('.wf-scroller', 'role');
    assert.equal(role, 'treegrid');
    assert.equal(s.selectedLevel, '1');
    assert.ok(s.activeDescendantOk);
  });

  it('moves with the arrows and collapses/expands with left/right', async () => {
    await wp.page.keyboard.press('ArrowDown');
    let s = await state();
    assert.equal(s.selectedName, name(1));
    assert.equal(s.selectedLevel, '2');
    assert.equal(s.selectedExpanded, 'true');
    await wp.page.keyboard.press('ArrowLeft');
    s = await state();
    assert.equal(s.selectedExpanded, 'false');
    assert.equal(s.visible, 20_000 - (layout.columns.subtreeSize[1] - 1));
    await wp.page.keyboard.press('ArrowLeft');
    s = await state();
    assert.equal(s.selectedName, name(0), 'left on a collapsed row goes to the parent');
    await wp.page.keyboard.press('ArrowDown');
    await wp.page.keyboard.press('ArrowRight');
    s = await state();
    assert.equal(s.visible, 20_000);
    assert.equal(s.selectedExpanded, 'true');
  });

  it('keeps the DOM small after End and scrolling', async () => {
    await wp.page.keyboard.press('End');
    const s = await state();
    assert.equal(s.selectedName, name(layout.columns.rowCount - 1));
    assert.ok(s.domRows <= 150);
    const top = await wp.page.evaluate(() => document.querySelector('.wf-scroller').scrollTop);
    assert.ok(top > (20_000 - 60) * ROW_H);
    await wp.page.keyboard.press('Home');
  });

  it('opens the detail with Enter, copies an id, closes with Escape', async () => {
    await wp.page.keyboard.press('Enter');
    await wp.page.waitForSelector('.wf-detail:not([hidden])');
    const title = await wp.page.textContent('.wf-detail-title');
    assert.equal(title, name(0));
    await wp.page.click('.wf-id-row vscode-button');
    await until('the copy request', () => wp.effects.some((e) => e.kind === 'copy'));
    assert.deepEqual(wp.effects.find((e) => e.kind === 'copy')?.value, layout.tree.spans[layout.rowToNode[0]].spanId);
    await wp.page.keyboard.press('Escape');
    assert.equal(await wp.page.isHidden('.wf-detail'), true);
  });

  it('searches from "/" and steps through matches', async () => {
    await wp.page.keyboard.press('/');
    assert.equal((await state()).focusedSearch, true);
    await wp.page.keyboard.type('user.tier=gold');
    await wp.page.waitForFunction(() => /\d+ \/ \d+/.test(document.querySelector('.wf-match-label').textContent));
    const expected = layout.tree.spans.filter((sp) => sp.attributes['user.tier'] === 'gold').length;
    let s = await state();
    assert.equal(s.matchLabel, `1 / ${expected}`);
    const firstMatch = s.selectedName;
    await wp.page.keyboard.press('Enter');
    s = await state();
    assert.equal(s.matchLabel, `2 / ${expected}`);
    await wp.page.keyboard.press('Shift+Enter');
    s = await state();
    assert.equal(s.selectedName, firstMatch);
  });

  it('jumps to the next error', async () => {
    await wp.page.click('vscode-button[title="Next error"]');
    const selected = await wp.page.evaluate(() => document.querySelector('.wf-row[aria-selected="true"]:not([hidden])')?.classList.contains('wf-err'));
    assert.equal(selected, true);
  });

  it('collapses to the critical path and filters by service', async () => {
    await wp.page.click('vscode-button[title="Collapse everything not on the critical path"]');
    let s = await state();
    const c = layout.columns;
    let expected = 0;
    for (let r = 0; r < c.rowCount;) { expected++; r += c.subtreeSize[r] > 1 && !(c.flags[r] & SpanFlag.critical) ? c.subtreeSize[r] : 1; }
    assert.equal(s.visible, expected);
    assert.equal(await wp.page.evaluate(() => document.querySelector('trace-waterfall').classList.contains('wf-critical-on')), true);
    await wp.page.click('vscode-button[title="Expand every span"]');
    await wp.page.click('.wf-chip >> nth=0');
    s = await state();
    const hidden = Array.from(c.service).filter((x) => x === 0).length;
    assert.equal(s.visible, 20_000 - hidden);
    assert.equal(await wp.page.getAttribute('.wf-chip >> nth=0', 'aria-pressed'), 'false');
    await wp.page.click('.wf-chip >> nth=0');
    assert.equal((await state()).visible, 20_000);
  });

  it('zooms by dragging on the ruler, with z on a span, and resets with 0', async () => {
    const box = (await wp.page.locator('.wf-ruler-track').boundingBox())!;
    await wp.page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await wp.page.mouse.down();
    await wp.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
    await wp.page.mouse.up();
    const ticks = await wp.page.locator('.wf-tick').allTextContents();
    assert.ok(await wp.page.isVisible('vscode-button[title^="Show the whole trace"]'), 'reset appears when zoomed');
    const firstBar = () => wp.page.evaluate(() => {
      const bar = document.querySelector('.wf-row:not([hidden]) .wf-bar');
      return { left: parseFloat(bar.style.left), width: parseFloat(bar.style.width) };
    });
    // The root spans the whole trace: zoomed to its second quarter it fills the track.
    const root = await firstBar();
    assert.ok(root.left === 0 && root.width > 99.9, JSON.stringify(root));
    assert.notDeepEqual(ticks, ['0 ms']);
    await wp.page.focus('.wf-scroller');
    await wp.page.keyboard.press('Home');
    await wp.page.keyboard.press('ArrowDown');
    await wp.page.keyboard.press('z');
    const zoomed = await wp.page.evaluate(() => {
      const bar = document.querySelector('.wf-row[aria-selected="true"] .wf-bar');
      return { left: parseFloat(bar.style.left), width: parseFloat(bar.style.width) };
    });
    assert.ok(Math.abs(zoomed.left - 100 * 0.05 / 1.1) < 0.01 && Math.abs(zoomed.width - 100 / 1.1) < 0.01, JSON.stringify(zoomed));
    await wp.page.keyboard.press('0');
    assert.equal(await wp.page.isHidden('vscode-button[title^="Show the whole trace"]'), true);
    const full = await firstBar();
    assert.ok(full.left === 0 && full.width > 99.9);
  });

  it('asks the host to compare this trace with another from the toolbar', async () => {
    await wp.page.click('.wf-toolbar vscode-button[title="Compare this trace with another"]');
    const sent = await wp.page.evaluate(() => (window.__sent as Array<{ type: string }>).map((m) => m.type));
    assert.equal(sent.at(-1), 'compare');
  });

  it('raised no page errors and no CSP violations', async () => {
    const v = await wp.page.evaluate(() => window.__violations);
    assert.deepEqual(v, []);
    assert.deepEqual(wp.effects.filter((e) => e.kind === 'rejected'), []);
  });
});
