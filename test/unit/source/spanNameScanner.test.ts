import assert from 'node:assert/strict';
import { scanSpanNameCalls } from '../../../src/core/source/spanNameScanner';

describe('span name scanner', () => {
  it('finds the supported call shapes with 0-based lines and columns', () => {
    const text = [
      'with tracer.start_as_current_span("process_payment") as span:',
      "    span2 = tracer.start_span(name='charge')",
      "tracer.startActiveSpan('checkout', async (span) => {});",
      'const s = tracer.startSpan(`render`);',
      'ctx, span := tracer.Start(ctx, "db.query")',
      'Span span = tracer.spanBuilder("placeOrder").startSpan();',
      'using var activity = Source.StartActivity("SendEmail");',
    ].join('\n');
    const sites = scanSpanNameCalls(text);
    assert.deepEqual(
      sites.map((s) => [s.name, s.line]),
      [['process_payment', 0], ['charge', 1], ['checkout', 2], ['render', 3], ['db.query', 4], ['placeOrder', 5], ['SendEmail', 6]],
    );
    assert.equal(sites[0].column, text.indexOf('process_payment'));
  });

  it('skips dynamic names and escape sequences', () => {
    const sites = scanSpanNameCalls('tracer.startSpan(`load ${id}`);\ntracer.startSpan(name);\ntracer.start_span("a\\"b")');
    assert.deepEqual(sites, []);
  });

  it('is bounded on large inputs', () => {
    const text = 'tracer.startSpan("x");\n'.repeat(20_000);
    assert.equal(scanSpanNameCalls(text).length, 10_000);
  });
});
