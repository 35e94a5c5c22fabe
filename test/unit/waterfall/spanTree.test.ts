import assert from 'node:assert/strict';
import { SpanFlag } from '../../../src/core/waterfall/columnLayout';
import { buildSpanTree } from '../../../src/core/waterfall/spanTree';
import { sid, span, trace } from './traceBuilder';

function ids(tree: ReturnType<typeof buildSpanTree>, nodes: Iterable<number>): string[] {
  return [...nodes].map((n) => tree.spans[n].name);
}
function childrenOf(tree: ReturnType<typeof buildSpanTree>, name: string): string[] {
  const v = tree.spans.findIndex((s) => s.name === name);
  return ids(tree, tree.childList.subarray(tree.childStart[v], tree.childStart[v + 1]));
}

describe('waterfall span tree', () => {
  it('links children to parents in start order whatever the input order', () => {
    const t = buildSpanTree(trace([span('c', 'a', 5, 6), span('a', undefined, 0, 10), span('b', 'a', 1, 2)]));
    assert.deepEqual(ids(t, t.roots), ['op-a']);
    assert.deepEqual(childrenOf(t, 'op-a'), ['op-b', 'op-c']);
    assert.equal(t.spans[t.primaryRoot].name, 'op-a');
    assert.deepEqual(t.warnings, []);
  });

  it('makes orphans flagged roots and warns', () => {
    const t = buildSpanTree(trace([span('a', undefined, 0, 10), span('o', 'missing', 2, 3), span('k', 'o', 2, 3)]));
    assert.deepEqual(ids(t, t.roots), ['op-a', 'op-o']);
    const o = t.spans.findIndex((s) => s.name === 'op-o');
    assert.ok(t.flags[o] & SpanFlag.orphan);
    assert.deepEqual(childrenOf(t, 'op-o'), ['op-k']);
    assert.equal(t.spans[t.primaryRoot].name, 'op-a', 'a true root is preferred over an earlier orphan');
    assert.match(t.warnings.join('\n'), /1 span\(s\) reference a parent/);
  });

  it('drops exact duplicates and keeps and flags different spans sharing an id', () => {
    const a = span('a', undefined, 0, 10);
    const b = span('b', 'a', 1, 2);
    const b2 = { ...span('b', 'a', 3, 4), name: 'other' };
    const t = buildSpanTree(trace([a, b, { ...b }, b2, span('c', 'b', 1.5, 1.8)]));
    assert.equal(t.spans.length, 4);
    assert.deepEqual(childrenOf(t, 'op-a'), ['op-b', 'other']);
    assert.deepEqual(childrenOf(t, 'op-b'), ['op-c'], 'children attach to the first span with the id');
    assert.ok(t.flags[t.spans.indexOf(b)] & SpanFlag.duplicateId);
    assert.ok(t.flags[t.spans.indexOf(b2)] & SpanFlag.duplicateId);
    assert.match(t.warnings.join('\n'), /reported twice/);
  });

  it('breaks parent cycles at the earliest span of the loop', () => {
    const t = buildSpanTree(trace([
      span('x', 'z', 2, 9), span('y', 'x', 3, 8), span('z', 'y', 4, 7),
      span('s', 's', 1, 2), span('r', undefined, 0, 20),
    ]));
    assert.deepEqual(ids(t, t.roots), ['op-r', 'op-s', 'op-x']);
    assert.deepEqual(childrenOf(t, 'op-x'), ['op-y']);
    assert.deepEqual(childrenOf(t, 'op-y'), ['op-z']);
    assert.deepEqual(childrenOf(t, 'op-z'), []);
    const x = t.spans.findIndex((s) => s.name === 'op-x');
    assert.ok(t.flags[x] & SpanFlag.cycleBroken);
    assert.match(t.warnings.join('\n'), /cycle/);
  });

  it('keeps several roots ordered by start', () => {
    const t = buildSpanTree(trace([span('b', undefined, 5, 6), span('a', undefined, 1, 2), span('c', undefined, 3, 4)]));
    assert.deepEqual(ids(t, t.roots), ['op-a', 'op-c', 'op-b']);
    assert.equal(t.startNs[t.roots[0]], 0, 'offsets are from the earliest start');
  });

  it('shifts a child of another service into its parent, with its subtree (Jaeger adjuster)', () => {
    // Client 0..10 ms; the server's clock is 100 ms ahead: 102..106, with a child 103..104.
    const t = buildSpanTree(trace([
      span('client', undefined, 0, 10, { service: 'front' }),
      span('server', 'client', 102, 106, { service: 'back' }),
      span('db', 'server', 103, 104, { service: 'back' }),
    ]));
    const server = t.spans.findIndex((s) => s.name === 'op-server');
    const db = t.spans.findIndex((s) => s.name === 'op-db');
    // Centred: latency (10 - 4) / 2 = 3 ms each side.
    assert.equal(t.startNs[server], 3e6);
    assert.equal(t.endNs[server], 7e6);
    assert.equal(t.startNs[db], 4e6, 'the subtree moves with the shifted span');
    assert.ok(t.flags[server] & SpanFlag.skewAdjusted);
    assert.equal(t.flags[server] & SpanFlag.clockSkew, 0, 'after the shift it fits');
    assert.equal(t.flags[db] & SpanFlag.skewAdjusted, 0);
  });

  it('aligns starts when the remote child is longer than its parent', () => {
    const t = buildSpanTree(trace([span('p', undefined, 10, 12, { service: 'a' }), span('c', 'p', 0, 5, { service: 'b' })]));
    const p = t.spans.findIndex((s) => s.name === 'op-p');
    const c = t.spans.findIndex((s) => s.name === 'op-c');
    assert.equal(t.startNs[c], t.startNs[p]);
    assert.equal(t.startNs[p], 0, 'origin re-based after the shift');
    assert.ok(t.flags[c] & SpanFlag.clockSkew, 'still overflows: flagged');
  });

  it('flags, without moving, a same-process child outside its parent', () => {
    const t = buildSpanTree(trace([span('p', undefined, 10, 20), span('c', 'p', 8, 15)]));
    const c = t.spans.findIndex((s) => s.name === 'op-c');
    assert.ok(t.flags[c] & SpanFlag.clockSkew);
    assert.equal(t.flags[c] & SpanFlag.skewAdjusted, 0);
    assert.equal(t.startNs[c], 0);
    assert.deepEqual(childrenOf(t, 'op-p'), ['op-c'], 'still shown within its parent');
  });

  it('walks a 200k-deep chain without overflowing the stack', function () {
    // Builds a big trace: slow on a loaded machine, and the budget asserted is the collapse itself.
    this.timeout(60_000);
    const spans = [span('0', undefined, 0, 1)];
    for (let i = 1; i < 200_000; i++) spans.push(span(String(i), String(i - 1), 0, 1));
    const t = buildSpanTree(trace(spans));
    assert.equal(t.roots.length, 1);
    assert.equal(t.parent[199_999], 199_998);
    assert.equal(sid('1').length, 16);
  });
});
