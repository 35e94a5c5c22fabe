// What the waterfall tells the user besides the rows (#15 bugs 2, 3, 11, 12), in the real bundle
// and CSS in headless Chromium: an error alone, notices once each, no bare "None" in the detail.
import assert from 'node:assert/strict';
import { buildWaterfall } from '../../src/core/waterfall/layout';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { msAt, span, trace } from '../unit/waterfall/traceBuilder';
import { openWaterfallPage, type WaterfallPage } from './waterfallHarness';
// Browser globals for the page.evaluate callbacks (the root tsconfig has no DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

describe('waterfall webview notices', () => {
  let browser: RunningBrowser;
  let wp: WaterfallPage;

  const visibleText = () => wp.page.evaluate(() => document.body.innerText as string);
  const occurrences = (text: string, part: string) => text.split(part).length - 1;

  before(async () => {
    browser = await launchBrowser();
    // No trace yet: the page starts the way a panel whose fetch fails does.
    wp = await openWaterfallPage(await browser.context.newPage(), undefined);
  });
  after(async () => { await browser?.close(); });

  it('shows an error alone, without the toolbar and rows of a trace that is not there (bug 2)', async () => {
    const message = 'Trace 4bf92f3577b34da6a3ce929d0e0e4736 is not in the built-in receiver.';
    await wp.post({ type: 'error', message });
    await wp.page.waitForSelector('.wf-status.wf-status-error:not([hidden])');
    assert.equal(await wp.page.textContent('.wf-status'), message);
    for (const part of ['.wf-toolbar', '.wf-header', '.wf-main', '.wf-notices']) {
      assert.equal(await wp.page.isHidden(part), true, `${part} is hidden in the error state`);
    }
    assert.equal(await wp.page.locator('vscode-textfield.wf-search').isVisible(), false, 'no search box for a trace that is not there');
  });

  it('says the windowed-mode notice once (bug 12), and brings the trace parts back', async () => {
    const spans = [span('r', undefined, 0, 100, { name: 'root' })];
    for (let i = 0; i < 30; i++) spans.push(span(`c${i}`, 'r', i, i + 1));
    const layout = buildWaterfall(trace(spans), { spanLimit: 10 });
    wp.session.setLayout(layout);
    await wp.postTrace(wp.session.traceMessage()!);
    await wp.page.waitForSelector('.wf-toolbar:not([hidden])');
    const text = await visibleText();
    assert.equal(occurrences(text, 'Windowed mode'), 1, text);
    assert.equal(await wp.page.isHidden('.wf-status'), true, 'the error is gone with the trace shown');
  });

  it('says when the span a traceparent names is not in the trace (bug 3)', async () => {
    const layout = buildWaterfall(trace([span('r', undefined, 0, 10, { name: 'root' }), span('c', 'r', 1, 2, { name: 'child' })]));
    wp.session.setLayout(layout, '00f067aa0ba902b7');
    await wp.postTrace(wp.session.traceMessage()!);
    await wp.page.waitForSelector('.wf-notices:not([hidden])');
    const notices = await wp.page.locator('.wf-notices p').allTextContents();
    assert.equal(notices.length, 1, notices.join(' | '));
    assert.match(notices[0], /Span 00f067aa0ba902b7 \(from the traceparent\) is not in this trace/);
    assert.doesNotMatch(await visibleText(), /Windowed mode/, 'the previous trace\'s notice is gone');
  });

  it('shows an event without remaining attributes as its heading only, never a bare "None" (bug 11)', async () => {
    const stack = 'Error: boom\n    at handler (/app/src/order.ts:12:5)';
    const layout = buildWaterfall(trace([span('r', undefined, 0, 10, {
      name: 'root',
      events: [
        { timeUnixNano: msAt(1), name: 'cache.miss', attributes: {} },
        // The stack trace is shown as frames, so no attribute remains for the table.
        { timeUnixNano: msAt(2), name: 'exception', attributes: { 'exception.stacktrace': stack } },
      ],
    })]));
    wp.session.setLayout(layout);
    await wp.postTrace(wp.session.traceMessage()!);
    await wp.page.click('.wf-row:not([hidden]) .wf-name');
    await wp.page.waitForSelector('.wf-detail:not([hidden]) .wf-event');
    const events = await wp.page.evaluate(() => [...document.querySelectorAll('.wf-detail .wf-event')].map((e) => ({
      text: e.innerText as string, tables: e.querySelectorAll('table').length, frames: e.querySelectorAll('.wf-frames li').length,
    })));
    assert.equal(events.length, 2);
    for (const e of events) {
      assert.doesNotMatch(e.text, /\bNone\b/, e.text);
      assert.equal(e.tables, 0, e.text);
    }
    assert.match(events[0].text, /cache\.miss/);
    assert.equal(events[1].frames, 2, 'the exception keeps its frames');
  });
});
