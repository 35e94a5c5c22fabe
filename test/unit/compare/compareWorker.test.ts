import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { syntheticTrace } from '../../../bench/waterfallSyntheticTrace';
import { toOtlpJson } from '../../../bench/waterfallOtlpJson';
import { toJaegerJson } from '../../../bench/waterfallJaegerJson';
import { compareTraces } from '../../../src/core/compare/traceComparison';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';
import { CompareWorkerClient } from '../../../src/webviews/compare/compareWorkerClient';

// The worker's TypeScript entry, loaded through tsx (the extension runs dist/compareWorker.js).
const entry = path.resolve(__dirname, '../../../src/webviews/compare/compareWorker.ts');
const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(entry)});`;
const fixtures = path.resolve(__dirname, '../../fixtures/backends');
const encode = (s: string) => new TextEncoder().encode(s);

/** CPU time (user + system) of the process's main thread, from Linux's per-thread accounting (10 ms ticks). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

describe('compare worker', function () {
  this.timeout(120_000);
  let c: CompareWorkerClient;
  beforeEach(() => { c = new CompareWorkerClient(bootstrap, { eval: true }); });
  afterEach(async () => { await c.dispose(); });

  it('parses both documents in the worker, not on the host, and answers what compareTraces answers', async () => {
    const left = syntheticTrace({ spans: 20_000, seed: 3 });
    const right = syntheticTrace({ spans: 20_000, seed: 3 });
    for (let i = 5; i < right.spans.length; i += 40) right.spans[i].endTimeUnixNano += 3_000_000n;
    const leftBytes = encode(toOtlpJson(left));
    const rightBytes = encode(toJaegerJson(right));
    // What the worker should answer, from the same bytes parsed here (Jaeger JSON keeps µs, not ns).
    const expected = compareTraces(loadTraceFile(leftBytes.slice()).traces[0], loadTraceFile(rightBytes.slice()).traces[0]);
    const before = mainThreadCpuMs();
    const a = await c.loadDocument('left', leftBytes, 'a.json');
    const b = await c.loadDocument('right', rightBytes, 'b.json');
    const compared = await c.compare();
    const cpu = mainThreadCpuMs() - before;
    assert.equal(leftBytes.byteLength, 0, 'the bytes were transferred, not copied');
    assert.ok(a.type === 'loaded' && a.trace.spanCount === 20_000);
    assert.ok(b.type === 'loaded' && b.trace.traceId === right.traceId);
    assert.deepEqual(compared.comparison.counts, expected.counts);
    assert.ok(compared.comparison.counts.changed > 400, 'the slowed spans (1 in 40) are found');
    assert.equal(compared.comparison.counts.added + compared.comparison.counts.missing, 0, 'OTLP (ns) against Jaeger (µs) JSON of one trace: every span matched');
    assert.deepEqual(compared.comparison.spans.slice(0, 20).map((s) => [s.left?.spanId, s.deltaNs]), expected.spans.slice(0, 20).map((s) => [s.left?.spanId, s.deltaNs]));
    assert.ok(cpu < 150, `the host thread used ${cpu} ms of CPU while the worker parsed ~${((rightBytes.byteLength) / 1e6).toFixed(0)} MB`);
  });

  it('a recorded Jaeger answer against an in-memory trace, and a document of several traces asks which', async () => {
    const body = new Uint8Array(readFileSync(path.join(fixtures, 'jaeger-2.12.0/v1-trace.json')));
    const traceId = '321cb718f8d3c1298fcb248a07d65ce1';
    const loaded = await c.loadResponse('left', { traceId, format: 'jaeger-v1', body, source: "Jaeger's answer", url: `http://127.0.0.1:16686/api/traces/${traceId}` });
    assert.equal(loaded.trace.spanCount, 6);
    const search = readFileSync(path.join(fixtures, 'jaeger-2.12.0/v1-search-service.json'));
    const answer = await c.loadDocument('right', new Uint8Array(search), 'search.json');
    assert.ok(answer.type === 'choose');
    assert.equal(answer.choices.length, 2);
    const second = answer.choices.find((ch) => ch.traceId !== traceId)!;
    await assert.rejects(c.compare(), /Both traces must be loaded/);
    await c.pick('right', second.traceId);
    const compared = await c.compare({ minChangeNs: 0, minChangeRelative: 0 });
    assert.equal(compared.comparison.right.traceId, second.traceId);
    assert.equal(compared.comparison.counts.added + compared.comparison.counts.missing, 0, 'two runs of the same request match span for span');

    const inMemory = syntheticTrace({ spans: 3_000, seed: 5 });
    await c.loadTrace('right', inMemory);
    const vsSynthetic = await c.compare();
    assert.equal(vsSynthetic.comparison.right.spanCount, 3_000);
    assert.equal(vsSynthetic.comparison.counts.added, 3_000, 'nothing of a different request matches');
  });

  it('rejects with the parse error, and a trace the document does not hold', async () => {
    await assert.rejects(c.loadDocument('left', encode('{"hello": 1}'), 'odd.json'), (err: Error) => err.name === 'UnknownTraceFileFormatError' && /odd\.json/.test(err.message));
    await assert.rejects(c.loadDocument('left', encode(toOtlpJson(syntheticTrace({ spans: 10 }))), 'one.json', '0af7651916cd43dd8448eb211c80319c'), /one\.json does not hold trace 0af7651916cd43dd8448eb211c80319c/);
  });

  it('closing the panel cancels what is pending', async () => {
    const pending = c.loadDocument('left', encode(toOtlpJson(syntheticTrace({ spans: 30_000 }))), 'big.json');
    const cancelled = assert.rejects(pending, (err: Error) => err.name === 'CancelledError');
    await c.dispose();
    await cancelled;
  });
});
