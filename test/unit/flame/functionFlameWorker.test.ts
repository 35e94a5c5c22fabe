import assert from 'node:assert/strict';
import path from 'node:path';
import { syntheticTrace } from '../../../bench/waterfallSyntheticTrace';
import { toOtlpJson } from '../../../bench/waterfallOtlpJson';
import { functionFlameSteps, tracesWithCallsSteps } from '../../../src/core/flame/functionFlame';
import { extractCodeLocation, locationKeyString } from '../../../src/core/source/codeLocation';
import { runSync } from '../../../src/core/timeSlicing';
import { FunctionFlameWorkerClient } from '../../../src/webviews/functionFlame/functionFlameWorkerClient';

// The worker's TypeScript entry, loaded through tsx (the extension runs dist/functionFlameWorker.js).
const entry = path.resolve(__dirname, '../../../src/webviews/functionFlame/functionFlameWorker.ts');
const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(entry)});`;

describe('function flame graph worker', function () {
  this.timeout(120_000);
  let c: FunctionFlameWorkerClient;
  beforeEach(() => { c = new FunctionFlameWorkerClient(bootstrap, { eval: true }); });
  afterEach(async () => { await c.dispose(); });

  it('merges in-memory traces sent in slices and a backend answer as bytes, as functionFlameSteps does here', async () => {
    const a = syntheticTrace({ spans: 20_000, seed: 3 });
    const b = syntheticTrace({ spans: 5_000, seed: 4 });
    const key = locationKeyString(extractCodeLocation(a.spans[1]));
    const expected = runSync(functionFlameSteps([a, b], key, 'f'));
    assert.ok(expected.calls[0] > 10, 'the function is called in both traces');
    await c.addTrace(a);
    c.addResponse({ traceId: b.traceId, format: 'otlp', source: 'the answer', url: 'http://tempo.test/api/v2/traces/x', body: new TextEncoder().encode(toOtlpJson(b)) });
    const { flame } = await c.merge(key, 'f');
    assert.equal(flame.tracesRead, 2);
    assert.deepEqual(flame.calls, expected.calls);
    assert.deepEqual(flame.labels, expected.labels);
    assert.deepEqual(flame.selfNs.map((v) => Math.round(v / 1e3)), expected.selfNs.map((v) => Math.round(v / 1e3)));
  });

  it('hands over only the traces that hold a call', () => {
    const a = syntheticTrace({ spans: 2_000, seed: 3 });
    const key = locationKeyString(extractCodeLocation(a.spans[1]));
    const other = { traceId: 'f'.repeat(32), spans: a.spans.slice(0, 1), warnings: [] };
    assert.deepEqual(runSync(tracesWithCallsSteps([a, other], key)).map((t) => t.traceId), [a.traceId]);
  });
});
