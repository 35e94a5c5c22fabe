import assert from 'node:assert/strict';
import { computeCriticalPath, criticalPathSpanIds } from '../../../src/core/waterfall/criticalPath';
import { computeSelfTimes } from '../../../src/core/waterfall/selfTime';
import { buildSpanTree } from '../../../src/core/waterfall/spanTree';
import type { Span } from '../../../src/core/model/trace';
import { sid, span, trace } from './traceBuilder';

function path(spans: Span[]): { names: string[]; segments: string[] } {
  const tree = buildSpanTree(trace(spans));
  const cp = computeCriticalPath(tree, tree.primaryRoot);
  return {
    names: cp.nodes.map((n) => tree.spans[n].name.replace('op-', '')),
    segments: cp.segments.map((s) => `${tree.spans[s.node].name.replace('op-', '')}:${s.startNs / 1e6}-${s.endNs / 1e6}`),
  };
}

describe('waterfall critical path', () => {
  it('follows sequential children and the gaps between them', () => {
    const r = path([span('r', undefined, 0, 10), span('a', 'r', 1, 4), span('b', 'r', 5, 9)]);
    assert.deepEqual(r.names, ['r', 'a', 'b']);
    assert.deepEqual(r.segments, ['r:0-1', 'a:1-4', 'r:4-5', 'b:5-9', 'r:9-10']);
  });

  it('takes only the last-finishing of parallel children', () => {
    const r = path([span('r', undefined, 0, 10), span('fast', 'r', 1, 5), span('slow', 'r', 1, 8), span('mid', 'r', 1, 6)]);
    assert.deepEqual(r.names, ['r', 'slow']);
    assert.deepEqual(r.segments, ['r:0-1', 'slow:1-8', 'r:8-10']);
  });

  it('skips a child overlapping the chosen one and takes the one ending before its start', () => {
    // c ends last (6-9); b (4-7) overlaps it; a (1-3) ends before c starts.
    const r = path([span('r', undefined, 0, 10), span('a', 'r', 1, 3), span('b', 'r', 4, 7), span('c', 'r', 6, 9)]);
    assert.deepEqual(r.names, ['r', 'a', 'c']);
    assert.deepEqual(r.segments, ['r:0-1', 'a:1-3', 'r:3-6', 'c:6-9', 'r:9-10']);
  });

  it('descends through nested children', () => {
    const r = path([
      span('r', undefined, 0, 100), span('a', 'r', 10, 90), span('a1', 'a', 20, 40), span('a2', 'a', 50, 80),
      span('a2x', 'a2', 55, 60), span('a2y', 'a2', 55, 75), span('side', 'r', 5, 50),
    ]);
    assert.deepEqual(r.names, ['r', 'a', 'a1', 'a2', 'a2y']);
    assert.deepEqual(r.segments, ['r:0-10', 'a:10-20', 'a1:20-40', 'a:40-50', 'a2:50-55', 'a2y:55-75', 'a2:75-80', 'a:80-90', 'r:90-100']);
  });

  it('clamps a child that outlives its parent', () => {
    const r = path([span('r', undefined, 0, 10), span('late', 'r', 6, 15), span('early', 'r', 1, 4)]);
    assert.deepEqual(r.names, ['r', 'early', 'late']);
    assert.deepEqual(r.segments, ['r:0-1', 'early:1-4', 'r:4-6', 'late:6-10']);
  });

  it('segments tile the root duration exactly', () => {
    const spans = [span('r', undefined, 0, 50)];
    for (let i = 0; i < 20; i++) spans.push(span(`c${i}`, 'r', (i * 7) % 40, ((i * 7) % 40) + 3 + (i % 5)));
    const tree = buildSpanTree(trace(spans));
    const cp = computeCriticalPath(tree, tree.primaryRoot);
    let cursor = 0;
    for (const s of cp.segments) { assert.equal(s.startNs, cursor); cursor = s.endNs; }
    assert.equal(cursor, 50e6);
  });
});

describe('waterfall self time', () => {
  it('subtracts the union of children, counting overlaps once', () => {
    const tree = buildSpanTree(trace([
      span('r', undefined, 0, 10), span('a', 'r', 1, 4), span('b', 'r', 3, 6), span('c', 'r', 8, 12),
    ]));
    const self = computeSelfTimes(tree);
    const at = (name: string) => self[tree.spans.findIndex((s) => s.name === name)] / 1e6;
    assert.equal(at('op-r'), 10 - 5 - 2, 'covered: 1-6 and 8-10 (c clipped to the parent)');
    assert.equal(at('op-a'), 3);
    assert.equal(at('op-c'), 4);
  });
});

describe('waterfall critical path ids', () => {
  it('lists the span ids of the primary root path', () => {
    const tree = buildSpanTree(trace([span('r', undefined, 0, 10), span('a', 'r', 1, 4), span('b', 'r', 5, 9), span('x', 'r', 2, 3)]));
    assert.deepEqual(criticalPathSpanIds(tree), [sid('r'), sid('a'), sid('b')]);
  });
});
