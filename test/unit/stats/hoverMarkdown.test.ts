import assert from 'node:assert/strict';
import { buildHoverMarkdown, commandUri, escapeMarkdown, sparkline } from '../../../src/core/stats/hoverMarkdown';
import { statsFixture } from './lensText.test';

function decodeArgs(uri: string): unknown {
  return JSON.parse(decodeURIComponent(uri.slice(uri.indexOf('?') + 1)));
}

describe('hover markdown', () => {
  it('shows percentiles against the previous window with trend arrows', () => {
    const md = buildHoverMarkdown(statsFixture(), { lookbackMs: 3_600_000 });
    assert.match(md, /\| p95 \| 48 ms \| 30 ms \| ↑ \+60% \|/);
    assert.match(md, /\| p99 \| 120 ms \| 121 ms \| → −1% \|/);
    assert.match(md, /\| calls \| 1,234 \| 1,000 \|/);
    assert.match(md, /· last 1h · 1,234 calls\n/);
    assert.match(md, /Quantiles: DDSketch over every span received, relative error ≤ 1 %/);
  });

  it('says why a sampled percentile is not shown: its interval, not the number of values', () => {
    const current = { ...statsFixture().current, count: 1270, spread: { p50: 0.01, p95: 0.04, p99: 0.61 } };
    const md = buildHoverMarkdown(statsFixture({ basis: { kind: 'sample', method: 'ddsketch', sampleTraces: 1270 }, current }), { lookbackMs: 3_600_000 });
    assert.match(md, /\| p95 \| 48 ms \|/);
    assert.match(md, /\| p99 \| uncertain \(±61 % in this sample\) \|/);
    assert.match(md, /_p99 not shown: in a sample of part of the window, the 95 % interval is wider than ±10 %\._/);
    assert.doesNotMatch(md, /Too few values/);
  });

  it('draws the histogram as unicode blocks', () => {
    const line = sparkline({ boundsNs: [], counts: [0, 5, 50, 400, 500, 200, 50, 20, 5, 2, 1, 1] });
    assert.equal(line.length, 12);
    assert.equal(line[0], '▁');
    assert.equal(line[4], '█');
    assert.ok(/^[▁▂▃▄▅▆▇█]+$/.test(line));
  });

  it('links to the slowest and latest failing traces with encoded command arguments', () => {
    const md = buildHoverMarkdown(statsFixture(), { lookbackMs: 3_600_000 });
    const links = [...md.matchAll(/\]\((command:[^)\s]+)\)/g)].map((m) => m[1]);
    assert.equal(links.length, 4);
    assert.ok(links[0].startsWith('command:traceLens.openTraceById?'));
    assert.deepEqual(decodeArgs(links[0]), [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }]);
    assert.deepEqual(decodeArgs(links[1]), [{ traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) }]);
    const show = decodeArgs(links[2]) as Array<{ locationKey: string; traceIds: string[] }>;
    assert.equal(show[0].locationKey, statsFixture().keyString);
    assert.deepEqual(show[0].traceIds, ['a'.repeat(32), 'c'.repeat(32)]);
    // Where time goes under the function: the same arguments, to the flame graph.
    assert.ok(links[3].startsWith('command:traceLens.showFunctionFlameGraph?'));
    assert.deepEqual(decodeArgs(links[3]), show);
  });

  it('escapes span-derived text so it cannot inject links, HTML or icons', () => {
    const evil = statsFixture({
      services: ['<img src=x onerror=alert(1)>', '[click](command:workbench.action.terminal.new)', '$(alert) svc'],
      location: { functionName: 'evil.`Svc`.**run**', source: 'code' },
    });
    const md = buildHoverMarkdown(evil, { lookbackMs: 3_600_000 });
    assert.ok(!md.includes('<img'));
    assert.ok(!md.includes('[click](command:workbench'));
    assert.ok(!md.includes('$(alert)'));
    assert.ok(!md.includes('[declined](http'));
    assert.equal(escapeMarkdown('a|b\nc'), 'a\\|b c');
  });

  it('keeps parentheses out of command URIs so markdown link targets stay intact', () => {
    const uri = commandUri('traceLens.showFunctionTraces', { functionName: 'pkg.(*T).Method' });
    assert.ok(!/[()]/.test(uri));
    assert.deepEqual(decodeArgs(uri), [{ functionName: 'pkg.(*T).Method' }]);
  });

  it('says when figures are approximate or based on few samples', () => {
    const md = buildHoverMarkdown(statsFixture({ lowConfidence: true, source: 'server', basis: { kind: 'exact', method: 'tempo-buckets' }, current: { ...statsFixture().current, count: 142, approximate: true } }), { lookbackMs: 900_000 });
    assert.match(md, /Tempo TraceQL metrics, power-of-two buckets \(approximate\)/);
    assert.match(md, /\| p95 \| ~48 ms \|/);
    assert.match(md, /Few samples \(142\)/);
    assert.match(md, /last 15m · 142 calls/);
  });

  it('names a sample and says which percentiles it cannot support', () => {
    const md = buildHoverMarkdown(
      statsFixture({ lowConfidence: true, basis: { kind: 'sample', method: 'ddsketch', sampleTraces: 60, ofAtLeast: 200 }, current: { ...statsFixture().current, count: 15 }, previous: undefined }),
      { lookbackMs: 3_600_000 },
    );
    assert.match(md, /· last 1h · 15 calls in a sample of 60 traces \(of ≥ 200\)\n/);
    assert.match(md, /\| p50 \| 12 ms \| – \|/);
    assert.match(md, /\| p95 \| needs ≥ 20 samples \| – \|/);
    assert.match(md, /\| p99 \| needs ≥ 100 samples \| – \|/);
    assert.match(md, /\| calls \(in the sample\) \| 15 \|/);
    assert.ok(!/\| calls \| /.test(md), 'no bare call count for a sample');
    assert.match(md, /Quantiles: DDSketch over the sampled spans/);
    assert.match(md, /Sampled: figures come from 15 calls found in 60 sampled traces of at least 200 in the window/);
    assert.match(md, /p95 needs ≥ 20 samples, p99 needs ≥ 100 samples/);
    assert.ok(!/\b48 ms\b/.test(md) && !/\b120 ms\b/.test(md), 'unsupported percentiles are not shown as numbers');
  });

  it('states the Prometheus bucket tolerance for Jaeger SPM figures', () => {
    const md = buildHoverMarkdown(statsFixture({ source: 'server', basis: { kind: 'exact', method: 'prometheus-histogram', bucketRelativeWidth: 0.1, countApproximate: true } }), { lookbackMs: 3_600_000 });
    assert.match(md, /Quantiles: Prometheus histogram \(Jaeger SPM\), within one bucket \(buckets ≤ 10 % wide\)/);
    assert.match(md, /\| p99 \| ~120 ms \|/);
    assert.match(md, /· last 1h · ~1,234 calls\n/);
    assert.match(md, /\| calls \| ~1,234 \|/);
  });
});
