import assert from 'node:assert/strict';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { isHostMessage, isWaterfallColumns, isWebviewMessage } from '../../../src/core/protocol/waterfallProtocol';
import { createNonce, renderWaterfallHtml, waterfallCsp } from '../../../src/webviews/waterfall/waterfallHtml';
import { WaterfallSession } from '../../../src/webviews/waterfall/waterfallSession';
import { span, trace } from './traceBuilder';

function session() {
  const calls: string[] = [];
  const s = new WaterfallSession({
    ready: () => calls.push('ready'),
    openSource: (l) => calls.push(`source ${l.file}:${l.line}`),
    openTrace: (t, sp) => calls.push(`trace ${t} ${sp}`),
    copy: (t) => calls.push(`copy ${t}`),
    rejected: () => calls.push('rejected'),
  });
  s.setLayout(buildWaterfall(trace([span('r', undefined, 0, 10, { name: 'root' }), span('c', 'r', 1, 2, { name: 'child' })])));
  return { s, calls };
}

describe('waterfall host session and protocol', () => {
  it('answers detail and search requests', () => {
    const { s } = session();
    const d = s.handle({ type: 'detail', requestId: 7, row: 1 });
    assert.equal(d?.type, 'detail');
    assert.equal(d?.type === 'detail' && d.detail?.name, 'child');
    const out = s.handle({ type: 'detail', requestId: 8, row: 99 });
    assert.deepEqual(out, { type: 'detail', requestId: 8, row: 99, detail: null });
    const r = s.handle({ type: 'search', requestId: 9, query: 'chi' });
    assert.ok(r?.type === 'searchResult' && Array.from(r.rows).join() === '1');
    assert.ok(isHostMessage(r));
  });

  it('passes commands to the callbacks and rejects anything malformed', () => {
    const { s, calls } = session();
    s.handle({ type: 'ready' });
    s.handle({ type: 'openSource', location: { file: 'src/a.ts', line: 3 } });
    s.handle({ type: 'openTrace', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    s.handle({ type: 'copy', text: 'abc' });
    for (const bad of [
      null, 'ready', [], { type: 'nope' }, { type: 'detail', requestId: -1, row: 0 }, { type: 'detail', requestId: 1, row: 1.5 },
      { type: 'search', requestId: 1, query: 'x'.repeat(1001) }, { type: 'openSource', location: { file: '' } },
      { type: 'openSource', location: { file: 'a\u0000b' } }, { type: 'openSource', location: { file: 'a', line: 0 } },
      { type: 'openTrace', traceId: '<script>' }, { type: 'openTrace', traceId: 'A'.repeat(32) }, { type: 'copy', text: '' },
    ]) assert.equal(s.handle(bad), undefined);
    assert.deepEqual(calls.slice(0, 4), ['ready', 'source src/a.ts:3', `trace ${'a'.repeat(32)} ${'b'.repeat(16)}`, 'copy abc']);
    assert.equal(calls.filter((c) => c === 'rejected').length, 13);
    assert.ok(isWebviewMessage({ type: 'ready' }));
    assert.ok(isWebviewMessage({ type: 'compare' }), 'the toolbar\'s Compare (the panel acts on it)');
    assert.equal(s.handle({ type: 'compare' }), undefined);
  });

  // #15 bug 3: a traceparent naming a span the trace does not hold was dropped without a word.
  it('says when the span a traceparent names is not in the trace, and selects it when it is', () => {
    const { s } = session();
    const layout = buildWaterfall(trace([span('r', undefined, 0, 10, { name: 'root' }), span('c', 'r', 1, 2, { name: 'child' })]));
    s.setLayout(layout, '00f067aa0ba902b7');
    const missing = s.traceMessage()!;
    assert.equal(missing.selectRow, undefined);
    assert.match(missing.notice ?? '', /^Span 00f067aa0ba902b7 \(from the traceparent\) is not in this trace/);
    assert.ok(isHostMessage(missing));
    s.setLayout(layout, layout.tree.spans[layout.rowToNode[1]].spanId);
    const found = s.traceMessage()!;
    assert.equal(found.selectRow, 1);
    assert.equal(found.notice, undefined);
    assert.ok(!isHostMessage({ ...found, notice: 42 }), 'a notice must be text');
  });

  it('sends columns as typed arrays and checks their lengths', () => {
    const { s } = session();
    const msg = s.traceMessage()!;
    assert.ok(msg.columns.startNs instanceof Float64Array);
    assert.ok(isHostMessage(msg));
    assert.ok(!isWaterfallColumns({ ...msg.columns, depth: new Int32Array(1) }));
    assert.ok(!isWaterfallColumns({ ...msg.columns, flags: Array.from(msg.columns.flags) }));
    assert.ok(!isWaterfallColumns({ ...msg.columns, eventStart: new Int32Array(0) }));
  });

  it('renders HTML with a strict CSP and a fresh nonce', () => {
    const nonce = createNonce();
    assert.match(nonce, /^[0-9a-f]{48}$/);
    assert.notEqual(createNonce(), nonce);
    const html = renderWaterfallHtml({ cspSource: 'vscode-resource:', nonce, scriptUri: 'x/waterfall.js', styleUris: ['x/waterfall.css'] });
    const csp = waterfallCsp('vscode-resource:', nonce);
    assert.ok(html.includes(csp.replace(/'/g, "'")));
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(!csp.includes('unsafe'));
    assert.match(html, new RegExp(`<script nonce="${nonce}" src="x/waterfall.js"></script>`));
    assert.doesNotMatch(html, /style=|<style/);
  });
});
