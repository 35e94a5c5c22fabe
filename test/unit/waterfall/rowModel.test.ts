import assert from 'node:assert/strict';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { SpanFlag } from '../../../src/core/waterfall/columnLayout';
import { RowModel } from '../../../webview/waterfall/rowModel';
import { syntheticTrace } from '../../../bench/waterfallSyntheticTrace';
import { span, trace } from './traceBuilder';

function sample() {
  // r ─ a ─ a1, a2 ; r ─ b (db) ; orphan o
  return buildWaterfall(trace([
    span('r', undefined, 0, 100), span('a', 'r', 10, 50), span('a1', 'a', 11, 20), span('a2', 'a', 21, 49),
    span('b', 'r', 60, 95, { service: 'db', error: true }), span('o', 'gone', 1, 2),
  ]));
}

describe('waterfall visible rows (webview model)', () => {
  it('skips a collapsed subtree and brings it back', () => {
    const m = new RowModel(sample().columns, 2);
    assert.deepEqual(Array.from(m.visible.subarray(0, m.visibleCount)), [0, 1, 2, 3, 4, 5]);
    assert.ok(m.setCollapsed(1, true));
    assert.deepEqual(Array.from(m.visible.subarray(0, m.visibleCount)), [0, 1, 4, 5]);
    assert.equal(m.indexOf(4), 2);
    assert.equal(m.indexOf(2), -1);
    assert.ok(!m.setCollapsed(2, true), 'a leaf does not collapse');
    assert.ok(m.reveal(3));
    assert.equal(m.visibleCount, 6);
  });

  it('filters by service and finds errors', () => {
    const m = new RowModel(sample().columns, 2);
    m.toggleService(1);
    assert.deepEqual(Array.from(m.visible.subarray(0, m.visibleCount)), [0, 1, 2, 3, 5]);
    assert.equal(m.findFlag(0, 1, SpanFlag.error), 4);
    assert.equal(m.findFlag(4, 1, SpanFlag.error), 4, 'wraps around to itself');
    assert.equal(m.findFlag(0, 1, SpanFlag.cycleBroken), -1);
  });

  it('collapses to the critical path', () => {
    const m = new RowModel(sample().columns, 2);
    m.collapseToCritical();
    const cols = sample().columns;
    for (let i = 0; i < m.visibleCount; i++) {
      const p = cols.parent[m.visible[i]];
      assert.ok(p < 0 || cols.flags[p] & SpanFlag.critical, 'every shown row hangs off the critical path');
    }
  });

  it('collapses a 10k-descendant subtree of a 100k trace in well under 100 ms', function () {
    // Builds a big trace: slow on a loaded machine, and the budget asserted is the collapse itself.
    this.timeout(60_000);
    const layout = buildWaterfall(syntheticTrace({ spans: 100_000, bigSubtree: 10_500 }));
    const m = new RowModel(layout.columns, layout.strings.services.length);
    const c = layout.columns;
    let big = -1;
    for (let r = 0; r < c.rowCount; r++) if (c.subtreeSize[r] > 10_000 && c.depth[r] === 1) { big = r; break; }
    assert.ok(big >= 0);
    // CPU time, not wall time: on a busy machine the thread may wait for a core, which is not work.
    const cpu0 = process.cpuUsage();
    m.setCollapsed(big, true);
    const cpu = process.cpuUsage(cpu0);
    const ms = (cpu.user + cpu.system) / 1000;
    assert.equal(m.visibleCount, c.rowCount - c.subtreeSize[big] + 1);
    assert.ok(ms < 100, `${ms} ms of CPU`);
  });
});
