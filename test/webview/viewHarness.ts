// Loads the real bundle of a message-driven view (the comparison, the service map) in headless
// Chromium behind the real HTML and CSP (the page MessagePanel serves), with a fake
// `acquireVsCodeApi` that records what the webview sends. Used by the browser tests and by
// bench/compare.bench.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { createNonce, renderWaterfallHtml } from '../../src/webviews/waterfall/waterfallHtml';
import { ORIGIN, PAGE_PRELUDE, THEME } from './waterfallHarness';
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const root = path.resolve(__dirname, '../..');

const bundles = new Map<string, Promise<string>>();
/** The webview entry (`webview/<view>/main.ts`) bundled as the build does it (browser, iife, minified like production). */
function bundleView(view: string): Promise<string> {
  let bundle = bundles.get(view);
  if (!bundle) {
    bundle = esbuild.build({
      entryPoints: [path.join(root, 'webview', view, 'main.ts')],
      bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2022', minify: true, logLevel: 'silent',
    }).then((r) => r.outputFiles[0].text);
    bundles.set(view, bundle);
  }
  return bundle;
}

const INIT = `(() => {${PAGE_PRELUDE}
  window.acquireVsCodeApi = () => ({ postMessage: (m) => { window.__sent.push(m); }, getState: () => undefined, setState: () => {} });
})();`;

export interface ViewPage {
  page: Page;
  /**
   * Posts a host message as VS Code would; resolves once the page has handled it and painted the
   * next frame, with the ms that took in the page (from the message to the frame).
   */
  post(msg: object): Promise<number>;
  /** What the webview sent to the host, in order. */
  sent(): Promise<Array<Record<string, unknown>>>;
}

/**
 * `view`: the folder under webview/ and the stylesheet under media/ (`compare`, `serviceMap`);
 * `sharedStyles`: further stylesheets under media/ the panel serves with it (MessagePanel's option).
 */
export async function openViewPage(page: Page, view: string, options: { withoutCsp?: boolean; sharedStyles?: string[] } = {}): Promise<ViewPage> {
  const js = await bundleView(view);
  const css = readFileSync(path.join(root, `media/${view}.css`), 'utf8');
  const shared = options.sharedStyles ?? [];
  let html = renderWaterfallHtml({ cspSource: ORIGIN, nonce: createNonce(), scriptUri: `${ORIGIN}/view.js`, styleUris: [`${ORIGIN}/theme.css`, ...shared.map((f) => `${ORIGIN}/shared/${f}`), `${ORIGIN}/view.css`], title: view });
  if (options.withoutCsp) html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
  await page.route(`${ORIGIN}/**`, async (route) => {
    const body: Record<string, [string, string]> = {
      '/index.html': ['text/html', html], '/view.js': ['text/javascript', js], '/view.css': ['text/css', css], '/theme.css': ['text/css', THEME],
      ...Object.fromEntries(shared.map((f) => [`/shared/${f}`, ['text/css', readFileSync(path.join(root, 'media', f), 'utf8')] as [string, string]])),
    };
    const hit = body[new URL(route.request().url()).pathname];
    return hit ? route.fulfill({ status: 200, contentType: hit[0], body: hit[1] }) : route.fulfill({ status: 404, body: '' });
  });
  await page.addInitScript(INIT);
  await page.goto(`${ORIGIN}/index.html`);
  // Through JSON, as VS Code carries webview messages: undefined fields are dropped.
  const sent = () => page.evaluate(() => JSON.parse(JSON.stringify(window.__sent)) as Array<Record<string, unknown>>);
  await page.waitForFunction(() => (window.__sent as Array<{ type: string }>).some((m) => m.type === 'ready'), undefined, { timeout: 30_000 });
  const post = async (msg: object) => page.evaluate((m) => new Promise<number>((resolve) => {
    const t0 = performance.now();
    window.postMessage(m, '*');
    window.__afterNextPaint(() => resolve(performance.now() - t0));
  }), msg as unknown as Record<string, unknown>);
  return { page, post, sent };
}
