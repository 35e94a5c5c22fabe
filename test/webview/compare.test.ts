// The compare webview in headless Chromium, behind the real CSP: the table of a real comparison,
// filters, click-through messages, and hostile span data kept as text.
import assert from 'node:assert/strict';
import { compareTraces } from '../../src/core/compare/traceComparison';
import type { ComparisonMessage } from '../../src/core/protocol/compareProtocol';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { span, trace } from '../unit/waterfall/traceBuilder';
import { openViewPage, type ViewPage } from './viewHarness';
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
type Node = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const HOSTILE = {
  img: '<img src=x onerror="window.__pwned=1">',
  script: '</script><script>window.__pwned=2</script>',
  rtl: 'invoice\u202Egpj.exe',
};

function comparison(): ComparisonMessage {
  const left = trace([
    span('root', undefined, 0, 100, { service: 'web', name: 'GET /checkout' }),
    span('cart', 'root', 1, 20, { service: HOSTILE.script, name: HOSTILE.img }),
    span('pay', 'root', 21, 90, { service: 'pay', name: 'charge', attributes: { 'code.filepath': '/app/pay.ts', 'code.lineno': 12 } }),
  ]);
  const right = trace([
    span('root', undefined, 0, 180, { service: 'web', name: 'GET /checkout' }),
    span('rec', 'root', 1, 11, { service: 'rec', name: HOSTILE.rtl }),
    span('pay', 'root', 21, 170, { service: 'pay', name: 'charge', attributes: { 'code.filepath': '/app/pay.ts', 'code.lineno': 12 }, error: true }),
  ]);
  return { type: 'comparison', comparison: compareTraces(left, right), leftLabel: HOSTILE.img, rightLabel: 'b.json' };
}

for (const withoutCsp of [false, true]) {
  describe(`compare webview (${withoutCsp ? 'escaping alone, no CSP' : 'real CSP'})`, function () {
    this.timeout(120_000);
    let browser: RunningBrowser;
    let cp: ViewPage;
    const dialogs: string[] = [];
    const pageErrors: string[] = [];

    before(async () => {
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      cp = await openViewPage(page, 'compare', { withoutCsp });
    });
    after(async () => { await browser?.close(); });

    it('shows the status while loading, then the spans by impact with both durations and the deltas', async () => {
      await cp.post({ type: 'loading', message: 'Loading the baseline…' });
      assert.equal(await cp.page.evaluate(() => document.querySelector('.cmp-status').textContent), 'Loading the baseline…');
      await cp.post(comparison());
      const rows = await cp.page.evaluate(() => [...document.querySelectorAll('.cmp-row')].map((r: Node) => [...r.cells].slice(0, 6).map((c: Node) => c.textContent)));
      assert.deepEqual(rows.map((r) => [r[0], r[4], r[5]]), [['changed', '+80 ms', '+80 %'], ['changed', '+80 ms', '+116 %'], ['missing', '−19 ms', '−100 %'], ['added', '+10 ms', '—']]);
      assert.equal(rows[1][1], 'pay: charge · error in candidateweb: GET /checkout', 'the name, then the path above it');
      assert.equal(rows[1][2], '69 ms');
      assert.equal(rows[1][3], '149 ms');
      assert.equal(await cp.page.evaluate(() => document.querySelector('.cmp-counts').textContent), '2 changed · 1 added · 1 missing · 0 unchanged');
      assert.equal(await cp.page.evaluate(() => document.querySelector('.cmp-status').hidden), true);
    });

    it('hostile names stay text: nothing runs, nothing is parsed as markup, bidi controls are shown', async () => {
      const probe = await cp.page.evaluate(() => ({
        pwned: window.__pwned,
        violations: window.__violations,
        foreign: document.querySelectorAll('trace-compare img, trace-compare script, body script:not([nonce])').length,
        names: [...document.querySelectorAll('.cmp-name')].map((n: Node) => n.textContent),
        header: document.querySelector('.cmp-header').textContent,
      }));
      assert.equal(probe.pwned, undefined);
      assert.equal(probe.foreign, 0);
      assert.deepEqual(probe.violations, []);
      assert.ok(probe.names.includes(`${HOSTILE.script}: ${HOSTILE.img}`), probe.names.join(' | '));
      assert.ok(probe.names.includes('rec: invoice\\u202egpj.exe'), 'the right-to-left override is shown, not obeyed');
      assert.ok(probe.header.includes(HOSTILE.img));
      assert.deepEqual(dialogs, []);
      assert.deepEqual(pageErrors, []);
    });

    it('filters by status, and clicks send typed openTrace and openSource messages', async () => {
      await cp.page.click('[data-filter="added"]');
      const visible = await cp.page.evaluate(() => [...document.querySelectorAll('.cmp-row')].filter((r: Node) => !r.hidden).map((r: Node) => r.dataset.status));
      assert.deepEqual(visible, ['added']);
      await cp.page.click('[data-filter="all"]');
      const c = comparison().comparison;
      await cp.page.click('.cmp-row[data-index="1"] [data-action="right"]');
      await cp.page.click('.cmp-row[data-index="1"] [data-action="left"]');
      await cp.page.click('.cmp-row[data-index="1"] [data-action="source"]');
      await cp.page.click('.cmp-header [data-action="right"]');
      const sent = (await cp.sent()).filter((m) => m.type !== 'ready');
      assert.deepEqual(sent, [
        { type: 'openTrace', side: 'right', spanId: c.spans[1].right!.spanId },
        { type: 'openTrace', side: 'left', spanId: c.spans[1].left!.spanId },
        { type: 'openSource', location: { file: '/app/pay.ts', line: 12 } },
        { type: 'openTrace', side: 'right' },
      ]);
      assert.equal(await cp.page.locator('.cmp-row[data-index="3"] [data-action="left"]').count(), 0, 'an added span has no baseline to open');
    });

    it('ignores a malformed message and shows an error without the table', async () => {
      await cp.post({ type: 'comparison', comparison: { ...comparison().comparison, spans: [{ status: 'evil' }] }, leftLabel: 'a', rightLabel: 'b' });
      assert.equal(await cp.page.locator('.cmp-row').count(), 4, 'the malformed comparison was not drawn');
      await cp.post({ type: 'error', message: 'b.json is not a trace file' });
      assert.equal(await cp.page.evaluate(() => document.querySelector('.cmp-table').hidden), true);
      assert.equal(await cp.page.evaluate(() => document.querySelector('.cmp-status').textContent), 'b.json is not a trace file');
    });
  });
}
