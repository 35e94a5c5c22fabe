// The service map webview in headless Chromium, behind the real CSP: the graph of a real map, laid
// out by dagre in the page, clicks on nodes and edges, keyboard, and hostile service names kept as text.
import assert from 'node:assert/strict';
import { jaegerDocumentToTraces } from '../../src/core/backends/convertDocuments';
import { buildServiceMap } from '../../src/core/serviceMap/serviceMap';
import type { ServiceMapMessage } from '../../src/core/protocol/serviceMapProtocol';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { fixtureDir, readFixture } from '../unit/backends/traceExpectations';
import { span, trace } from '../unit/waterfall/traceBuilder';
import { openViewPage, type ViewPage } from './viewHarness';
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
type Node = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const HOSTILE = '<svg onload="window.__pwned=1"><script>window.__pwned=2</script>';

function message(): ServiceMapMessage {
  const recorded = jaegerDocumentToTraces(readFixture(fixtureDir('jaeger'), 'v1-search-service.json'), 'fixture');
  const hostile = trace([span('a', undefined, 0, 10, { service: 'checkout' }), span('b', 'a', 1, 5, { service: HOSTILE, error: true }), span('c', 'a', 2, 4, { service: 'rtl\u202Eexe.txt' })]);
  return { type: 'serviceMap', map: buildServiceMap([...recorded, hostile]), source: 'the built-in OTLP receiver' };
}

for (const withoutCsp of [false, true]) {
  describe(`service map webview (${withoutCsp ? 'escaping alone, no CSP' : 'real CSP'})`, function () {
    this.timeout(120_000);
    let browser: RunningBrowser;
    let vp: ViewPage;
    const pageErrors: string[] = [];

    before(async () => {
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      vp = await openViewPage(page, 'serviceMap', { withoutCsp });
      await vp.post(message());
    });
    after(async () => { await browser?.close(); });

    it('draws a box per service and an arrow per call path with its calls, error rate and p95', async () => {
      const drawn = await vp.page.evaluate(() => ({
        nodes: [...document.querySelectorAll('.sm-node')].map((n: Node) => n.getAttribute('data-service')),
        names: [...document.querySelectorAll('.sm-node-name')].map((n: Node) => n.textContent),
        edges: [...document.querySelectorAll('.sm-edge')].map((e: Node) => `${e.getAttribute('data-from')}→${e.getAttribute('data-to')} ${e.querySelector('.sm-edge-label').textContent}`),
        summary: document.querySelector('.sm-summary').textContent,
      }));
      assert.deepEqual(drawn.nodes.sort(), [HOSTILE, 'checkout', 'frontend', 'rtl\u202Eexe.txt'].sort());
      assert.ok(drawn.edges.includes('frontend→checkout 2 · 100 % err · p95 85 ms'), drawn.edges.join(' | '));
      assert.equal(drawn.edges.length, 3);
      assert.match(drawn.summary, /^4 services · 3 call paths · from 3 traces \(15 spans\) of the built-in OTLP receiver/);
      assert.ok(drawn.names.includes('rtl\\u202eexe.txt'), 'the bidi override is shown, not obeyed');
    });

    it('hostile names stay text: nothing runs, no markup from span data, no CSP violation', async () => {
      const probe = await vp.page.evaluate(() => ({
        pwned: window.__pwned,
        violations: window.__violations,
        scripts: document.querySelectorAll('service-map script, service-map svg svg, body script:not([nonce])').length,
      }));
      assert.deepEqual(probe, { pwned: undefined, violations: [], scripts: 0 });
      assert.deepEqual(pageErrors, []);
    });

    it('a click on a service or an arrow, or Enter on one, asks the host', async () => {
      await vp.page.click('.sm-node[data-service="frontend"]');
      await vp.page.dispatchEvent('.sm-edge[data-from="frontend"]', 'click');
      await vp.page.focus('.sm-node[data-service="checkout"]');
      await vp.page.keyboard.press('Enter');
      const sent = (await vp.sent()).filter((m) => m.type !== 'ready');
      assert.deepEqual(sent, [
        { type: 'searchService', service: 'frontend' },
        { type: 'edgeTraces', from: 'frontend', to: 'checkout' },
        { type: 'searchService', service: 'checkout' },
      ]);
    });

    it('counts in the summary read as English for one of each', async () => {
      const one = trace([span('a', undefined, 0, 10, { service: 'frontend' }), span('b', 'a', 1, 5, { service: 'checkout' })]);
      await vp.post({ type: 'serviceMap', map: buildServiceMap([one]), source: 'the built-in OTLP receiver' });
      try {
        await vp.page.waitForFunction(() => document.querySelectorAll('.sm-node').length === 2);
        assert.match((await vp.page.textContent('.sm-summary')) ?? '', /^2 services · 1 call path · from 1 trace \(2 spans\) of /);
      } finally {
        // The tests below read the recorded map.
        await vp.post(message());
        await vp.page.waitForFunction(() => document.querySelectorAll('.sm-node').length === 4);
      }
    });

    it('ignores a malformed map and shows an error alone', async () => {
      await vp.post({ type: 'serviceMap', map: { ...message().map, nodes: [{ name: 5 }] }, source: 'x' });
      await vp.post({ type: 'serviceMap', map: { ...message().map, nodes: message().map.nodes.slice(1) }, source: 'an edge to a node not in the map' });
      assert.equal(await vp.page.locator('.sm-node').count(), 4, 'the malformed maps were not drawn');
      await vp.post({ type: 'error', message: 'The receiver is not running' });
      assert.equal(await vp.page.evaluate(() => document.querySelector('.sm-canvas').hidden), true);
      assert.equal(await vp.page.textContent('.sm-status'), 'The receiver is not running');
    });
  });
}
