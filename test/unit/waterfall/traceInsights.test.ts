// The waterfall's insight marks: the detectors on the layout's own tree, spans turned into rows.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { toJaegerJson } from '../../../bench/waterfallJaegerJson';
import { jaegerDocumentToTraces } from '../../../src/core/backends/convertDocuments';
import { skimJaegerDocument } from '../../../src/core/backends/jaegerSkim';
import { detectInsights } from '../../../src/core/insights/insightDetector';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { waterfallInsights } from '../../../src/core/waterfall/traceInsights';
import { isHostMessage } from '../../../src/core/protocol/waterfallProtocol';

const FILE = path.resolve(__dirname, '../../insights-corpus/traces/orders-n-plus-one.json');

describe('waterfall insights', () => {
  const traces = loadTraceFile(readFileSync(FILE), { fileName: 'orders-n-plus-one.json' }).traces;

  it('marks the rows of each N+1 span and its parent, as the detectors over the whole trace find them', () => {
    for (const trace of traces) {
      const layout = buildWaterfall(trace);
      const found = waterfallInsights(layout);
      const expected = detectInsights([trace]);
      assert.deepEqual(found.map((i) => i.ruleId), expected.map((i) => i.ruleId));
      const [pi001] = found;
      const ids = pi001.rows.map((r) => layout.tree.spans[layout.rowToNode[r]].spanId);
      assert.deepEqual(new Set(ids), new Set(expected[0].spanIds));
      assert.deepEqual(pi001.rows, [...pi001.rows].sort((a, b) => a - b));
      assert.equal(layout.tree.spans[layout.rowToNode[pi001.parentRow]].spanId, expected[0].parentSpanId);
      assert.equal(pi001.title, 'N+1 queries');
      assert.ok(isHostMessage({ type: 'insights', traceId: trace.traceId, insights: found }), 'the message passes the webview check');
    }
  });

  it('finds the same in a trace read without its attributes (a Jaeger answer, skimmed), whose spans stay without them', () => {
    for (const trace of traces) {
      const answer = Buffer.from(toJaegerJson(trace));
      const skimmed = skimJaegerDocument(answer);
      assert.ok(skimmed, 'the Jaeger skim reads the answer');
      const layout = buildWaterfall(skimmed.traces[0], { spanSource: skimmed.spans });
      assert.deepEqual(Object.keys(layout.tree.spans[0].attributes), [], 'the skim leaves the attributes to be decoded on demand');
      const found = waterfallInsights(layout);
      // The same answer converted whole (Jaeger's JSON holds microseconds, so not `trace` itself).
      const expected = waterfallInsights(buildWaterfall(jaegerDocumentToTraces(JSON.parse(answer.toString('utf8')), 'answer')[0]));
      assert.equal(found.length, 1);
      assert.deepEqual(found, expected);
      assert.deepEqual(Object.keys(layout.tree.spans[0].attributes), [], 'the layout keeps its spans as they were');
    }
  });

  it('finds nothing in the eager twin', () => {
    const eager = loadTraceFile(readFileSync(FILE.replace('orders-n-plus-one', 'orders-eager')), { fileName: 'x.json' }).traces;
    for (const t of eager) assert.deepEqual(waterfallInsights(buildWaterfall(t)), []);
  });

  it('refuses malformed insight messages', () => {
    const ok = { ruleId: 'PI001', title: 't', message: 'm', rows: [1], parentRow: -1 };
    assert.ok(isHostMessage({ type: 'insights', traceId: 'a', insights: [ok] }));
    for (const bad of [{ ...ok, ruleId: 'PI999' }, { ...ok, rows: [] }, { ...ok, rows: [-1] }, { ...ok, rows: [1.5] }, { ...ok, message: 1 }, { ...ok, parentRow: -2 }, { ...ok, message: 'x'.repeat(2000) }]) {
      assert.equal(isHostMessage({ type: 'insights', traceId: 'a', insights: [bad] }), false, JSON.stringify(bad).slice(0, 80));
    }
    assert.equal(isHostMessage({ type: 'insights', traceId: 'a', insights: Array(101).fill(ok) }), false);
  });
});
