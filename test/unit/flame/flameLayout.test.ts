import assert from 'node:assert/strict';
import { layoutFlame } from '../../../src/core/flame/flameLayout';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { span, trace } from '../waterfall/traceBuilder';

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

describe('flame graph layout', () => {
  it('gives each span its share of its parent, packed from the parent\'s left edge in row order', () => {
    const c = buildWaterfall(trace([
      span('root', undefined, 0, 100),
      span('a', 'root', 10, 60),
      span('b', 'root', 70, 90),
      span('a1', 'a', 20, 30),
    ])).columns;
    const { x, width, maxDepth } = layoutFlame({ count: c.rowCount, parent: c.parent, subtreeSize: c.subtreeSize, depth: c.depth, value: c.durationNs });
    assert.equal(maxDepth, 2);
    // Rows are pre-order: root, a, a1, b.
    close(x[0], 0, 'root x'); close(width[0], 1, 'root width');
    close(x[1], 0, 'a x'); close(width[1], 0.5, 'a width');
    close(x[2], 0, 'a1 x'); close(width[2], 0.1, 'a1 width');
    close(x[3], 0.5, 'b x'); close(width[3], 0.2, 'b width');
  });

  it('scales children running in parallel down together so they stay under their parent', () => {
    const c = buildWaterfall(trace([
      span('root', undefined, 0, 100),
      span('p1', 'root', 0, 80),
      span('p2', 'root', 0, 80),
    ])).columns;
    const { x, width } = layoutFlame({ count: c.rowCount, parent: c.parent, subtreeSize: c.subtreeSize, depth: c.depth, value: c.durationNs });
    close(width[1], 0.5, 'p1'); close(width[2], 0.5, 'p2'); close(x[2], 0.5, 'p2 x');
  });

  it('puts several roots side by side by their values and gives zero-length frames no width', () => {
    const parent = Int32Array.from([-1, 0, -1]);
    const { x, width } = layoutFlame({ count: 3, parent, subtreeSize: Int32Array.from([2, 1, 1]), depth: Int32Array.from([0, 1, 0]), value: Float64Array.from([3, 0, 1]) });
    close(width[0], 0.75, 'first root'); close(x[2], 0.75, 'second root x'); close(width[2], 0.25, 'second root');
    assert.equal(width[1], 0);
  });
});
