// Loads the real waterfall bundle in headless Chromium behind the real HTML and CSP, with a
// fake `acquireVsCodeApi` whose messages go to the real host session (WaterfallSession) in
// Node. Used by the browser tests and by bench/waterfall.bench.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import type { WaterfallColumns } from '../../src/core/waterfall/columnLayout';
import type { WaterfallLayout } from '../../src/core/waterfall/layout';
import type { HostMessage, TraceMessage } from '../../src/core/protocol/waterfallProtocol';
import { createNonce, renderWaterfallHtml } from '../../src/webviews/waterfall/waterfallHtml';
import { WaterfallSession } from '../../src/webviews/waterfall/waterfallSession';
// Browser globals for the page.evaluate callbacks (the root tsconfig has no DOM lib, and adding it
// would change the types of every other file). Module-scoped: nothing leaks into the program.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */


const root = path.resolve(__dirname, '../..');
export const ORIGIN = 'https://waterfall.test';

let bundle: Promise<string> | undefined;
/** The webview entry bundled as the build does it (browser, iife, minified like production). */
export function bundleWaterfall(): Promise<string> {
  bundle ??= esbuild.build({
    entryPoints: [path.join(root, 'webview/waterfall/main.ts')],
    bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2022', minify: true, logLevel: 'silent',
  }).then((r) => r.outputFiles[0].text);
  return bundle;
}

/** Theme variables a VS Code webview gets from the workbench (a dark theme, enough to draw). */
export const THEME = `:root {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; --vscode-descriptionForeground: #9d9d9d;
  --vscode-panel-border: #3c3c3c; --vscode-errorForeground: #f48771; --vscode-editorWarning-foreground: #cca700;
  --vscode-list-hoverBackground: #2a2d2e; --vscode-list-activeSelectionBackground: #04395e; --vscode-list-inactiveSelectionBackground: #37373d;
  --vscode-focusBorder: #007fd4; --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-charts-green: #89d185;
  --vscode-charts-purple: #b180d7; --vscode-charts-yellow: #cca700; --vscode-terminal-ansiCyan: #11a8cd; --vscode-terminal-ansiMagenta: #bc3fbc;
  --vscode-terminal-ansiBrightBlue: #3b8eea; --vscode-terminal-ansiBrightGreen: #23d18b; --vscode-terminal-ansiBrightYellow: #f5f543;
  --vscode-terminal-ansiBrightMagenta: #d670d6; --vscode-terminal-ansiBrightCyan: #29b8db; --vscode-textLink-foreground: #3794ff;
}`;

/**
 * Before any page script: the VS Code API stand-in, a CSP-violation recorder, and a
 * helper that turns the binary columns (fetched like VS Code would deliver them) into the
 * trace message.
 */
/** What every webview page of the tests starts with: __name for tsx, the CSP-violation recorder, the sent-message list. */
export const PAGE_PRELUDE = `
  // tsx compiles closures passed to page.evaluate with keepNames, which calls __name().
  window.__name = (f) => f;
  window.__violations = [];
  window.__sent = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
  // Calls fn once the next frame has been painted: a frame runs its animation-frame callbacks, then
  // paints, then the tasks queued meanwhile run. A message task, not a timer: nothing waits a fixed time.
  window.__afterNextPaint = (fn) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); fn(); };
    requestAnimationFrame(() => channel.port2.postMessage(null));
  };
`;

const INIT = `(() => {${PAGE_PRELUDE}
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  } catch { /* longtask not supported: the list stays empty and the bench says so */ }
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__sent.push(m); if (window.__hostReceive) window.__hostReceive(m); },
    getState: () => state,
    setState: (s) => { state = s; },
  });
  // Plain JS on purpose: tsx would wrap named functions of an evaluated TS closure in __name().
  window.__deliverTrace = async (text) => {
    const t0 = performance.now();
    const bin = atob(text);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const buf = bytes.buffer;
    const dv = new DataView(buf);
    const headerLen = dv.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerLen)));
    const base = Math.ceil((headerLen + 4) / 8) * 8;
    const ctors = { Float64Array, Int32Array, Uint8Array, Uint16Array };
    const columns = { rowCount: header.rowCount };
    for (const p of header.parts) columns[p.key] = new ctors[p.type](buf, base + p.offset, p.length);
    const t1 = performance.now();
    // Rows are drawn synchronously on the message; the frame after them is the first paint.
    const painted = new Promise((resolve) => window.__afterNextPaint(() => resolve(performance.now())));
    const rowsRendered = new Promise((resolve) => {
      if (performance.getEntriesByName('wf-rows-rendered').length > 0) return resolve();
      new PerformanceObserver((marks, observer) => {
        if (marks.getEntriesByName('wf-rows-rendered').length === 0) return;
        observer.disconnect();
        resolve();
      }).observe({ type: 'mark' });
    });
    window.postMessage({ type: 'trace', summary: header.summary, strings: header.strings, columns, selectRow: header.selectRow, notice: header.notice }, '*');
    await rowsRendered;
    const rendered = performance.getEntriesByName('wf-rows-rendered').at(-1).startTime;
    const t2 = await painted;
    return { transferMs: t1 - t0, renderMs: t2 - t1, firstRowMs: rendered - t1 };
  };
})();`;

export interface PageOptions {
  /** Serve the page without its CSP (to check the escaping holds on its own). */
  withoutCsp?: boolean;
  /**
   * Where the page's messages go instead of the harness's own session ('ready' still resolves
   * the page): the bench sends them to the panel's worker.
   */
  host?: (message: unknown) => void;
}

/** Polls until `check` holds: the webview's effects reach the host asynchronously. */
export async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface WaterfallPage {
  page: Page;
  session: WaterfallSession;
  /** Host-side effects the webview asked for. */
  effects: { kind: string; value: unknown }[];
  /** Posts a host message as VS Code would (typed arrays cross as binary). */
  post(msg: HostMessage): Promise<void>;
  /**
   * Delivers the columns: one binary body from the "host", unpacked into typed
   * arrays and dispatched as the message event. Resolves with page-side timings (ms).
   */
  postTrace(msg: TraceMessage): Promise<{ transferMs: number; renderMs: number; firstRowMs: number }>;
}

const COLUMN_KEYS = ['startNs', 'durationNs', 'selfNs', 'depth', 'parent', 'subtreeSize', 'service', 'name', 'kind', 'flags', 'eventStart', 'eventTimeNs', 'eventIsError'] as const;

/** One buffer: a JSON header (summary, strings, selection, notice, column types and byte ranges) then 8-byte aligned columns. */
export function packTrace(msg: TraceMessage): Buffer {
  const parts: { key: string; type: string; offset: number; length: number }[] = [];
  let offset = 0;
  for (const key of COLUMN_KEYS) {
    const col = msg.columns[key] as unknown as ArrayBufferView & { length: number };
    parts.push({ key, type: col.constructor.name, offset, length: col.length });
    offset += Math.ceil(col.byteLength / 8) * 8;
  }
  const header = Buffer.from(JSON.stringify({ summary: msg.summary, strings: msg.strings, selectRow: msg.selectRow, notice: msg.notice, rowCount: msg.columns.rowCount, parts }));
  const headerLen = Math.ceil((header.length + 4) / 8) * 8;
  const out = Buffer.alloc(headerLen + offset);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  for (const p of parts) {
    const col = msg.columns[p.key as keyof WaterfallColumns] as unknown as ArrayBufferView;
    Buffer.from(col.buffer, col.byteOffset, col.byteLength).copy(out, headerLen + p.offset);
  }
  return out;
}

export async function openWaterfallPage(page: Page, layout: WaterfallLayout | undefined, options: PageOptions = {}): Promise<WaterfallPage> {
  const js = await bundleWaterfall();
  const css = readFileSync(path.join(root, 'media/waterfall.css'), 'utf8');
  const flameCss = readFileSync(path.join(root, 'media/flame.css'), 'utf8');
  const nonce = createNonce();
  let html = renderWaterfallHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/waterfall.js`, styleUris: [`${ORIGIN}/theme.css`, `${ORIGIN}/waterfall.css`, `${ORIGIN}/flame.css`] });
  if (options.withoutCsp) html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const body: Record<string, [string, string | Buffer]> = {
      '/index.html': ['text/html', html], '/waterfall.js': ['text/javascript', js], '/waterfall.css': ['text/css', css], '/flame.css': ['text/css', flameCss], '/theme.css': ['text/css', THEME],
    };
    const hit = body[url.pathname];
    if (!hit) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: hit[0], body: hit[1] });
  });
  const effects: { kind: string; value: unknown }[] = [];
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => { readyResolve = r; });
  const post = async (msg: HostMessage) => {
    if (msg.type === 'searchResult') {
      await page.evaluate(({ m, rows }) => window.postMessage({ ...m, rows: Int32Array.from(rows) }, '*'), { m: { ...msg, rows: undefined }, rows: Array.from(msg.rows) });
    } else {
      await page.evaluate((m) => window.postMessage(m, '*'), msg as unknown as Record<string, unknown>);
    }
  };
  const session = new WaterfallSession({
    ready: () => readyResolve(),
    openSource: (location) => effects.push({ kind: 'openSource', value: location }),
    openTrace: (traceId, spanId) => effects.push({ kind: 'openTrace', value: { traceId, spanId } }),
    copy: (text) => effects.push({ kind: 'copy', value: text }),
    rejected: (m) => effects.push({ kind: 'rejected', value: m }),
  });
  if (layout) session.setLayout(layout);
  await page.exposeFunction('__hostReceive', (m: unknown) => {
    if (options.host && (m as { type?: unknown } | null)?.type !== 'ready') { options.host(m); return; }
    const reply = session.handle(m);
    if (reply) void post(reply).catch(() => undefined);
  });
  await page.addInitScript(INIT);
  await page.goto(`${ORIGIN}/index.html`);
  await ready;

  const postTrace = async (msg: TraceMessage) => {
    // The page's CSP forbids fetch (connect-src 'none'): the bytes cross as base64 text and the
    // decode is counted in transferMs (more than VS Code's binary postMessage costs).
    const b64 = packTrace(msg).toString('base64');
    return page.evaluate((text) => (window as unknown as { __deliverTrace(t: string): Promise<{ transferMs: number; renderMs: number; firstRowMs: number }> }).__deliverTrace(text), b64);
  };
  return { page, session, effects, post, postTrace };
}
