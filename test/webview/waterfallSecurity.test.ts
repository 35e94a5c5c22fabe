// Hostile span data in the real webview bundle, behind the real CSP, in headless Chromium:
// nothing executes, text is shown literally, and the layout holds.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Span } from '../../src/core/model/trace';
import { buildWaterfall } from '../../src/core/waterfall/layout';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { msAt, span, trace } from '../unit/waterfall/traceBuilder';
import { framePoint, traceFlameLayout } from './flameFrames';
import { openWaterfallPage, until, type WaterfallPage } from './waterfallHarness';
// Browser globals for the page.evaluate callbacks (the root tsconfig has no DOM lib, and adding it
// would change the types of every other file). Module-scoped: nothing leaks into the program.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */


const MB = 'A'.repeat(1 << 20);
const PAYLOADS = {
  img: '<img src=x onerror="window.__pwned=1;alert(1)">',
  script: '</script><script>window.__pwned=2</script>',
  svg: '"><svg onload="window.__pwned=3"><b>bold</b>',
  rtl: 'invoice\u202Egpj.exe',
  control: 'ctl\u0000\u0007\u001b[31mred\u0008\u200b!',
  js: 'javascript:window.__pwned=4//',
};

function hostileTrace() {
  const attrs: Span['attributes'] = {
    [PAYLOADS.img]: PAYLOADS.script, 'big.value': MB, [PAYLOADS.rtl]: PAYLOADS.control,
    'code.filepath': PAYLOADS.js, 'code.lineno': 3, nested: { [PAYLOADS.svg]: [PAYLOADS.img] },
  };
  const spans = [
    span('root', undefined, 0, 100, { name: PAYLOADS.img, service: PAYLOADS.script, attributes: attrs, error: true,
      events: [{ timeUnixNano: msAt(5), name: PAYLOADS.svg, attributes: { 'exception.stacktrace': `Error: ${PAYLOADS.img}\n    at x (${PAYLOADS.js}:1:1)` } }],
      links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), attributes: { [PAYLOADS.img]: MB } }] }),
    span('s1', 'root', 1, 50, { name: PAYLOADS.script, service: PAYLOADS.svg, attributes: { 'big.value': MB } }),
    span('s2', 'root', 2, 60, { name: PAYLOADS.rtl, service: PAYLOADS.rtl }),
    span('s3', 'root', 3, 70, { name: PAYLOADS.control, service: PAYLOADS.control }),
    span('s4', 'root', 4, 80, { name: MB, service: MB, attributes: { [MB.slice(0, 1000)]: MB } }),
    span('s5', 'root', 5, 90, { name: PAYLOADS.svg, service: 'plain' }),
  ];
  spans[0].status.message = PAYLOADS.svg;
  return trace(spans);
}

interface Probe { pwned: unknown; violations: unknown[]; foreign: number; rowHeights: number[]; pageOverflow: number; rowCount: number; names: string[] }

async function probe(page: Page): Promise<Probe> {
  return page.evaluate(() => {
    const w = window as unknown as { __pwned?: unknown; __violations: unknown[] };
    const rows = [...document.querySelectorAll('trace-waterfall .wf-row:not([hidden])')];
    return {
      pwned: w.__pwned,
      violations: w.__violations,
      foreign: document.querySelectorAll('trace-waterfall img, trace-waterfall svg, trace-waterfall b, body script:not([nonce])').length,
      rowHeights: rows.map((r) => r.getBoundingClientRect().height),
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      rowCount: document.querySelectorAll('trace-waterfall .wf-row').length,
      names: rows.map((r) => r.querySelector('.wf-name')!.textContent ?? ''),
    };
  });
}

for (const withoutCsp of [false, true]) {
  describe(`waterfall webview with hostile span data (${withoutCsp ? 'escaping alone, no CSP' : 'real CSP'})`, () => {
    let browser: RunningBrowser;
    let wp: WaterfallPage;
    const dialogs: string[] = [];
    const pageErrors: string[] = [];

    before(async () => {
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      wp = await openWaterfallPage(page, buildWaterfall(hostileTrace()), { withoutCsp });
      await wp.postTrace(wp.session.traceMessage()!);
    });
    after(async () => { await browser?.close(); });

    it('executes nothing and triggers no CSP violation while drawing rows', async () => {
      const p = await probe(wp.page);
      assert.equal(p.pwned, undefined);
      assert.deepEqual(p.violations, []);
      assert.equal(p.foreign, 0, 'no element was created from span data');
      assert.deepEqual(dialogs, []);
      assert.deepEqual(pageErrors, []);
    });

    it('shows names literally, with bidi and control characters made visible', async () => {
      const p = await probe(wp.page);
      assert.equal(p.names[0], PAYLOADS.img);
      assert.ok(p.names.includes(PAYLOADS.script));
      assert.ok(p.names.includes(PAYLOADS.svg));
      assert.ok(p.names.includes('invoice\\u202egpj.exe'), p.names.join(' | '));
      assert.ok(p.names.includes('ctl\\u0000\\u0007\\u001b[31mred\\u0008\\u200b!'));
      const big = p.names.find((n) => n.startsWith('AAAA'))!;
      assert.ok(big.length <= 513, 'a 1 MB name is shortened for the row');
      const service = await wp.page.locator('.wf-row:not([hidden]) .wf-service').first().textContent();
      assert.equal(service, PAYLOADS.script);
    });

    it('keeps the layout: fixed row heights, no page overflow, few rows in the DOM', async () => {
      const p = await probe(wp.page);
      assert.equal(p.rowHeights.length, 6);
      for (const h of p.rowHeights) assert.equal(h, 22);
      assert.ok(p.pageOverflow <= 0, `page overflows by ${p.pageOverflow}px`);
      assert.ok(p.rowCount <= 150);
    });

    it('shows the detail of a hostile span as text, clipped, without overflow', async () => {
      await wp.page.locator('.wf-row:not([hidden]) .wf-name').first().click();
      await wp.page.waitForSelector('.wf-detail:not([hidden]) .wf-detail-title');
      const d = await wp.page.evaluate(() => {
        const pane = document.querySelector('.wf-detail')!;
        const values = [...pane.querySelectorAll('.wf-attrs td')].map((td) => td.textContent ?? '');
        const keys = [...pane.querySelectorAll('.wf-attrs th')].map((th) => th.textContent ?? '');
        return {
          title: pane.querySelector('.wf-detail-title')!.textContent,
          keys, values,
          status: [...pane.querySelectorAll('dd')].map((x) => x.textContent ?? ''),
          frames: [...pane.querySelectorAll('.wf-frames li')].map((x) => x.textContent ?? ''),
          overflow: pane.scrollWidth - pane.clientWidth,
          pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          foreign: document.querySelectorAll('trace-waterfall img, trace-waterfall svg, trace-waterfall b').length,
        };
      });
      assert.equal(d.title, PAYLOADS.img);
      assert.ok(d.keys.includes(PAYLOADS.img));
      assert.ok(d.values.includes(PAYLOADS.script));
      assert.ok(d.keys.includes('invoice\\u202egpj.exe'));
      const big = d.values.find((v) => v.startsWith('AAAA'))!;
      assert.ok(big.length < 17_000 && /more characters\)$/.test(big), 'a 1 MB value is clipped and says so');
      assert.ok(d.status.some((s) => s === `error: ${PAYLOADS.svg}`));
      assert.ok(d.frames.some((f) => f.includes(PAYLOADS.js)));
      assert.equal(d.foreign, 0);
      assert.ok(d.overflow <= 0, `detail overflows by ${d.overflow}px`);
      assert.ok(d.pageOverflow <= 0);
      const p = await probe(wp.page);
      assert.equal(p.pwned, undefined);
      assert.deepEqual(p.violations, []);
    });

    it('sends a javascript: "file" and a link to the host as data; the host decides what to open', async () => {
      const count = (kind: string) => wp.effects.filter((e) => e.kind === kind).length;
      const sources = count('openSource');
      await wp.page.locator('.wf-source .wf-link').click();
      await until('the openSource request', () => count('openSource') > sources);
      const opened = wp.effects.filter((e) => e.kind === 'openSource');
      const loc = opened.at(-1)?.value as { file: string; line: number } | undefined;
      assert.equal(loc?.file, PAYLOADS.js);
      assert.equal(loc?.line, 3);
      const traces = count('openTrace');
      await wp.page.locator('.wf-detail-section .wf-link', { hasText: 'Trace aaaa' }).click();
      await until('the openTrace request', () => count('openTrace') > traces);
      assert.deepEqual(wp.effects.filter((e) => e.kind === 'openTrace').at(-1)?.value, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
      const p = await probe(wp.page);
      assert.equal(p.pwned, undefined);
      assert.deepEqual(dialogs, []);
    });

    it('ignores malformed host messages', async () => {
      await wp.page.evaluate(async () => {
        // Messages are delivered in order: once a marker posted last arrives, the webview has handled the rest.
        const handled = new Promise<void>((resolve) => window.addEventListener('message', (e: { data: unknown }) => e.data === 'test-marker' && resolve()));
        window.postMessage({ type: 'trace', summary: {}, strings: { names: [], services: [] }, columns: { rowCount: 5, startNs: [1, 2] } }, '*');
        window.postMessage({ type: 'error', message: { toString: 1 } }, '*');
        window.postMessage('<img src=x onerror=alert(1)>', '*');
        window.postMessage('test-marker', '*');
        await handled;
      });
      const p = await probe(wp.page);
      assert.equal(p.rowHeights.length, 6, 'the trace on screen is unchanged');
      assert.deepEqual(pageErrors, []);
      assert.equal(p.pwned, undefined);
    });

    it('keeps hostile names text in the flame graph: drawn on the canvas, told in tooltips and the status line as text', async () => {
      const toggle = wp.page.locator('vscode-checkbox.wf-flame-toggle');
      await toggle.click();
      await wp.page.locator('.fl-scroller').waitFor({ state: 'visible' });
      const columns = buildWaterfall(hostileTrace()).columns;
      const flame = traceFlameLayout(columns);
      const box = (await wp.page.locator('.fl-scroller').boundingBox())!;
      const told: string[] = [];
      for (let row = 0; row < columns.rowCount; row++) {
        const p = framePoint(flame, columns.depth[row], row, box);
        await wp.page.mouse.move(p.x, p.y);
        told.push((await wp.page.locator('.fl-tooltip .fl-tooltip-title').textContent()) ?? '');
      }
      assert.equal(told[0], `${PAYLOADS.script} · ${PAYLOADS.img}`);
      assert.ok(told.includes(`${PAYLOADS.svg} · ${PAYLOADS.script}`), told.join(' | '));
      assert.ok(told.includes('invoice\\u202egpj.exe · invoice\\u202egpj.exe'), told.join(' | '));
      assert.ok(told.includes('ctl\\u0000\\u0007\\u001b[31mred\\u0008\\u200b! · ctl\\u0000\\u0007\\u001b[31mred\\u0008\\u200b!'));
      await wp.page.mouse.click(box.x + 5, box.y + 10);
      await wp.page.locator('.fl-status', { hasText: PAYLOADS.img }).waitFor();
      const p = await probe(wp.page);
      assert.equal(p.pwned, undefined);
      assert.deepEqual(p.violations, []);
      assert.equal(p.foreign, 0, 'no element was created from span data');
      assert.equal(await wp.page.locator('.fl-tooltip *:not(div)').count(), 0, 'the tooltip holds text lines only');
      // Hiding a hostile service from the legend: the graph's note counts services, it names none.
      await wp.page.locator('.wf-chip >> nth=0').click();
      assert.equal(await wp.page.locator('.fl-note').textContent(), '1 service hidden: their spans are outlines');
      assert.equal((await probe(wp.page)).foreign, 0);
      await wp.page.locator('.wf-chip >> nth=0').click();
      await wp.page.locator('.fl-note').waitFor({ state: 'hidden' });
      assert.deepEqual(pageErrors, []);
      await toggle.click();
      await wp.page.locator('.wf-grid').waitFor({ state: 'visible' });
    });

    // Last: proves the probes above would have caught an injection (it pollutes the page).
    it('detects an injection when one happens (the probes can fail)', async () => {
      await wp.page.evaluate((html) => { const d = document.createElement('div'); d.innerHTML = html; document.body.append(d); }, PAYLOADS.img.replace('alert(1)', ''));
      // The image fails to load, then its handler runs (no CSP) or the CSP reports the inline handler.
      await wp.page.waitForFunction(
        (csp) => {
          const w = window as unknown as { __pwned?: unknown; __violations: unknown[] };
          return csp ? w.__violations.length > 0 : w.__pwned !== undefined;
        },
        !withoutCsp,
        { timeout: 30_000 },
      );
      const p = await probe(wp.page);
      if (withoutCsp) assert.equal(p.pwned, 1);
      else {
        assert.equal(p.pwned, undefined);
        assert.ok(p.violations.length > 0, 'the CSP blocked the inline handler and reported it');
      }
    });
  });
}

// An N+1 whose spans, parent and statement are hostile: the marked rows, the toolbar's insight line
// and the detail of a marked span show it as text, and nothing executes.
describe('waterfall webview: insight marks on hostile spans (real CSP)', () => {
  let browser: RunningBrowser;
  let wp: WaterfallPage;
  const pageErrors: string[] = [];

  function hostileNPlusOne() {
    const loop = Array.from({ length: 6 }, (_, i) => span(`q${i}`, 'root', 10 + i * 3, 12 + i * 3, {
      name: i % 2 === 0 ? PAYLOADS.img : PAYLOADS.rtl,
      attributes: { 'db.system': 'sqlite', 'db.statement': 'SELECT <img src=x onerror=window.__pwned=5> FROM t WHERE id = ?' },
    }));
    return trace([span('root', undefined, 0, 40, { name: PAYLOADS.script, service: PAYLOADS.control }), ...loop]);
  }

  before(async () => {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    wp = await openWaterfallPage(page, buildWaterfall(hostileNPlusOne()));
    await wp.postTrace(wp.session.traceMessage()!);
  });
  after(async () => { await browser?.close(); });

  it('marks the six spans of the N+1 and steps to it from the toolbar, as text', async () => {
    const insights = await wp.session.insightsMessage();
    assert.ok(insights, 'the session finds the insights of its trace');
    assert.deepEqual(insights.insights.map((i) => i.ruleId), ['PI001']);
    await wp.post(insights);
    await wp.page.locator('.wf-insights:not([hidden])').waitFor();
    assert.equal(await wp.page.locator('.wf-row.wf-insight:not([hidden])').count(), 6);
    await wp.page.locator('vscode-button', { hasText: 'Insight ›' }).click();
    await wp.page.locator('.wf-row.wf-insight-current').first().waitFor();
    const seen = await wp.page.evaluate(() => ({
      label: document.querySelector('.wf-insight-label')!.textContent as string,
      marked: [...document.querySelectorAll('.wf-row.wf-insight-current:not([hidden]) .wf-name')].map((n) => n.textContent as string),
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      violations: (window as unknown as { __violations: unknown[] }).__violations,
      foreign: document.querySelectorAll('trace-waterfall img, trace-waterfall svg, trace-waterfall b, body script:not([nonce])').length,
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    assert.equal(seen.marked.length, 6);
    assert.ok(seen.marked.includes(PAYLOADS.img), seen.marked.join(' | '));
    assert.ok(seen.marked.includes('invoice\\u202egpj.exe'), 'bidi controls in a marked name are made visible');
    assert.match(seen.label, /^1 \/ 1 · PI001 N\+1 queries: N\+1: 6 × /);
    assert.ok(seen.label.includes(PAYLOADS.script), `the parent's name is quoted literally: ${seen.label}`);
    assert.equal(seen.pwned, undefined);
    assert.deepEqual(seen.violations, []);
    assert.equal(seen.foreign, 0);
    assert.ok(seen.pageOverflow <= 0, `page overflows by ${seen.pageOverflow}px`);
    // The first span of the pattern is selected and its detail shows the hostile name as text.
    await wp.page.waitForSelector('.wf-detail:not([hidden]) .wf-detail-title');
    assert.equal(await wp.page.locator('.wf-detail-title').textContent(), PAYLOADS.img);
    assert.deepEqual(pageErrors, []);
  });

  it('ignores insights of another trace and malformed ones', async () => {
    const good = (await wp.session.insightsMessage())!;
    await wp.page.evaluate(async (m) => {
      const handled = new Promise<void>((resolve) => window.addEventListener('message', (e: { data: unknown }) => e.data === 'test-marker' && resolve()));
      window.postMessage({ ...m, traceId: 'f'.repeat(32), insights: m.insights.map((i: { rows: number[] }) => ({ ...i, rows: [0] })) }, '*');
      window.postMessage({ type: 'insights', traceId: m.traceId, insights: [{ ruleId: 'XX<img>', title: 't', message: 'm', rows: [0], parentRow: -1 }] }, '*');
      window.postMessage({ type: 'insights', traceId: m.traceId, insights: [{ ruleId: 'PI001', title: 't', message: { toString: 1 }, rows: [0], parentRow: -1 }] }, '*');
      window.postMessage('test-marker', '*');
      await handled;
    }, good as unknown as { traceId: string; insights: { rows: number[] }[] });
    assert.equal(await wp.page.locator('.wf-row.wf-insight:not([hidden])').count(), 6, 'the marks of this trace are unchanged');
    assert.equal(await wp.page.locator('.wf-row.wf-insight:not([hidden])', { hasText: PAYLOADS.script }).count(), 0, 'the root is not marked');
    assert.deepEqual(pageErrors, []);
  });
});
