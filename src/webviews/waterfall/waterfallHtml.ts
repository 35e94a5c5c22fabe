/**
 * The waterfall webview's HTML. Pure (no `vscode`) so the browser tests load exactly the page
 * and CSP the panel serves. Scripts run only with the per-render nonce; styles, fonts and
 * images only from the webview's own resource origin; nothing inline.
 */

export interface WaterfallHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Fresh per render. */
  nonce: string;
  scriptUri: string;
  styleUris: string[];
  /** The document's title; the waterfall's by default (the compare view shares this page and CSP). */
  title?: string;
}

export function createNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function waterfallCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderWaterfallHtml(o: WaterfallHtmlOptions): string {
  const styles = o.styleUris.map((u) => `<link rel="stylesheet" href="${attr(u)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(waterfallCsp(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    ${styles}
    <title>${attr(o.title ?? 'Trace waterfall')}</title>
  </head>
  <body>
    <script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
  </body>
</html>`;
}
