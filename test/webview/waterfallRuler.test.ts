// The ruler and the columns at real widths, with real fonts, in headless Chromium (#15 bug 1):
// tick labels never overlap (they did at the right end: "20 ms" over "25 ms", "120 ms" and the end
// tick "140 ms" at one x), and a narrow editor with the detail pane open keeps a usable timeline.
import assert from 'node:assert/strict';
import { buildWaterfall } from '../../src/core/waterfall/layout';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { span, trace } from '../unit/waterfall/traceBuilder';
import { openWaterfallPage, type WaterfallPage } from './waterfallHarness';
// Browser globals for the page.evaluate callbacks (the root tsconfig has no DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The smallest timeline the layout promises (waterfall.css: --wf-name-w and .wf-grid's min-width). */
const MIN_TIMELINE_PX = 160;

interface Tick { text: string; left: number; right: number }

describe('waterfall webview ruler and columns', () => {
  let browser: RunningBrowser;
  let wp: WaterfallPage;

  /** A root of `ms` with a few children, so there are rows to measure. */
  const show = async (ms: number) => {
    const spans = [span('r', undefined, 0, ms, { name: 'root' })];
    for (let i = 0; i < 5; i++) spans.push(span(`c${i}`, 'r', (i * ms) / 5, ((i + 1) * ms) / 5, { name: `step ${i}` }));
    wp.session.setLayout(buildWaterfall(trace(spans)));
    await wp.postTrace(wp.session.traceMessage()!);
  };
  const labelledTicks = (): Promise<Tick[]> => wp.page.evaluate(() => [...document.querySelectorAll('.wf-ruler .wf-tick')]
    .filter((t) => t.textContent !== '')
    .map((t) => { const r = t.getBoundingClientRect(); return { text: t.textContent as string, left: r.left, right: r.right }; })
    .sort((a: Tick, b: Tick) => a.left - b.left));
  const widths = () => wp.page.evaluate(() => ({
    track: document.querySelector('.wf-ruler-track').getBoundingClientRect().width as number,
    bar: document.querySelector('.wf-row:not([hidden]) .wf-cell-bar').getBoundingClientRect().width as number,
    detail: document.querySelector('.wf-detail').getBoundingClientRect() as { top: number; width: number },
    grid: document.querySelector('.wf-grid').getBoundingClientRect() as { bottom: number },
    rulerRight: document.querySelector('.wf-ruler').getBoundingClientRect().right as number,
  }));

  before(async () => {
    browser = await launchBrowser();
    wp = await openWaterfallPage(await browser.context.newPage(), undefined);
  });
  after(async () => { await browser?.close(); });

  it('draws no two tick labels over each other, and always labels the last tick', async () => {
    // 140 ms: ticks every 20 ms end on the trace's end; 25.4 and 26 ms: a tick just before the end.
    for (const ms of [140, 26, 25.4]) {
      for (const width of [480, 640, 820, 1000, 1400]) {
        await wp.page.setViewportSize({ width, height: 500 });
        // The ruler is drawn for the width the page has when the trace arrives.
        await show(ms);
        const ticks = await labelledTicks();
        const where = `${ms} ms at ${width} px: ${ticks.map((t) => `${t.text}@${t.left.toFixed(0)}-${t.right.toFixed(0)}`).join(', ')}`;
        assert.ok(ticks.length >= 2, where);
        for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i - 1].right <= ticks[i].left, where);
        const last = await wp.page.evaluate(() => [...document.querySelectorAll('.wf-ruler .wf-tick')].at(-1).textContent as string);
        assert.notEqual(last, '', `the last tick keeps its label (${where})`);
        const { rulerRight } = await widths();
        assert.ok(ticks.at(-1)!.right <= rulerRight + 0.5, `inside the ruler (${where})`);
      }
    }
  });

  it('places the labels again when the editor is resized, without a new trace', async () => {
    await wp.page.setViewportSize({ width: 1400, height: 500 });
    await show(140);
    assert.equal((await labelledTicks()).length, 8, '0 to 140 ms every 20 ms on a wide track');
    // 8 labels of ~40 px on a ~240 px track would overlap: the resize must lay the ruler out again.
    await wp.page.setViewportSize({ width: 480, height: 500 });
    await wp.page.waitForFunction(() => {
      const boxes = [...document.querySelectorAll('.wf-ruler .wf-tick')].filter((t) => t.textContent !== '')
        .map((t) => t.getBoundingClientRect()).sort((a, b) => a.left - b.left);
      return boxes.length >= 2 && boxes.every((b, i) => i === 0 || boxes[i - 1].right <= b.left);
    });
  });

  it('keeps a usable timeline in a narrow editor with the detail pane open', async () => {
    for (const width of [640, 520]) {
      await wp.page.setViewportSize({ width, height: 600 });
      await show(140);
      await wp.page.click('.wf-row:not([hidden]) .wf-name');
      await wp.page.waitForSelector('.wf-detail:not([hidden])');
      const w = await widths();
      assert.ok(w.track >= MIN_TIMELINE_PX, `ruler track ${w.track} px at ${width} px`);
      assert.ok(w.bar >= MIN_TIMELINE_PX, `bar cell ${w.bar} px at ${width} px`);
      assert.ok(w.detail.width >= 200, `the detail pane stays readable: ${w.detail.width} px at ${width} px`);
      // Below 600 px the pane moves under the rows instead of squeezing them.
      if (width < 600) assert.ok(w.detail.top >= w.grid.bottom - 0.5, `pane below the rows at ${width} px`);
      // The pane narrowed the track: its labels are placed again for the new width (a resize, not a new trace).
      await wp.page.waitForFunction(() => {
        const boxes = [...document.querySelectorAll('.wf-ruler .wf-tick')].filter((t) => t.textContent !== '')
          .map((t) => t.getBoundingClientRect()).sort((a, b) => a.left - b.left);
        return boxes.length >= 2 && boxes.every((b, i) => i === 0 || boxes[i - 1].right <= b.left);
      });
      await wp.page.keyboard.press('Escape');
      await wp.page.waitForSelector('.wf-detail', { state: 'hidden' });
    }
  });
});
