import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { syntheticTrace } from '../../../bench/waterfallSyntheticTrace';
import { toJaegerJson } from '../../../bench/waterfallJaegerJson';
import { toOtlpJson } from '../../../bench/waterfallOtlpJson';
import { generateSdkSpans, toOtlpProtobuf } from '../../../bench/receiverLoadSpans';
import { decodeOtlpProtobuf } from '../../../src/core/receiver/otlpProtobufDecoder';
import { PREVIEW_PREFIX_BYTES, previewOtlpProtobuf, previewTraces } from '../../../src/core/traceFiles/documentPreview';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';

const fixtures = path.resolve(__dirname, '../../fixtures/backends');

/** Every cut of the document: the preview holds only spans of the whole, more as the cut grows, all at the end. */
function checkCuts(bytes: Uint8Array, cuts = 9): void {
  const whole = loadTraceFile(bytes).traces.flatMap((t) => t.spans);
  const ids = new Map(whole.map((s) => [s.spanId, s]));
  let previous = 0;
  for (let k = 1; k <= cuts; k++) {
    const end = Math.round((bytes.byteLength * k) / cuts);
    const spans = (previewTraces(bytes.subarray(0, end), 'cut') ?? []).flatMap((t) => t.spans);
    for (const s of spans) {
      const full = ids.get(s.spanId);
      assert.ok(full, `span ${s.spanId} of the preview is in the whole document`);
      assert.equal(s.name, full.name);
      assert.equal(s.startTimeUnixNano, full.startTimeUnixNano);
      assert.equal(s.parentSpanId, full.parentSpanId);
    }
    assert.ok(spans.length >= previous, `cut ${k}: ${spans.length} spans after ${previous}`);
    previous = spans.length;
  }
  assert.equal(previous, whole.length, 'the whole document previews as all its spans');
}

describe('document preview: the spans complete in the first bytes', () => {
  it('reads answers recorded from Jaeger (v1 and v3) and Zipkin, and Tempo\'s documented answers, at every cut', () => {
    for (const file of ['jaeger-2.12.0/v1-trace.json', 'jaeger-2.12.0/v3-trace.json', 'jaeger-2.12.0/v1-search-service.json', 'zipkin-3.6.1/trace.json', 'zipkin-3.6.1/traces-service.json',
      'tempo-documented/trace-v1-00f3a1b2c3d4e5f60718293a4b5c6d7e.json', 'tempo-documented/trace-v2-0d4b7e2a9c1f5836b2e4a7c9d1f30e58.json']) {
      checkCuts(new Uint8Array(readFileSync(path.join(fixtures, file))));
    }
  });

  it('keeps OTLP resources with their spans, and leaves Jaeger services unnamed until the processes arrive', () => {
    const trace = syntheticTrace({ spans: 3_000, bigSubtree: 0 });
    const otlp = new TextEncoder().encode(toOtlpJson(trace));
    const otlpPreview = previewTraces(otlp.subarray(0, 200_000), 'otlp')!.flatMap((t) => t.spans);
    assert.ok(otlpPreview.length > 50);
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    for (const s of otlpPreview) assert.equal(s.resource.serviceName, byId.get(s.spanId)!.resource.serviceName);
    const jaeger = new TextEncoder().encode(toJaegerJson(trace));
    const jaegerPreview = previewTraces(jaeger.subarray(0, 200_000), 'jaeger')!.flatMap((t) => t.spans);
    assert.ok(jaegerPreview.length > 50);
    assert.ok(jaegerPreview.every((s) => s.resource.serviceName === ''), 'no service is guessed');
    checkCuts(otlp, 5);
    checkCuts(jaeger, 5);
  });

  it('is not fooled by braces, brackets, quotes and escapes inside strings', () => {
    const trace = syntheticTrace({ spans: 200, bigSubtree: 0 });
    trace.spans.forEach((s, i) => {
      s.name = `weird ${i} "}]{[\\" \\\\ \u2028 },{"spans":[{`;
      s.attributes['db.statement'] = 'SELECT "a" FROM t WHERE x = \'}\' -- ]';
    });
    checkCuts(new TextEncoder().encode(toOtlpJson(trace)), 13);
    checkCuts(new TextEncoder().encode(toJaegerJson(trace)), 13);
  });

  it('reads OTLP protobuf cut anywhere (an answer streamed over HTTP): the whole spans before the cut, in order, with their resource', async () => {
    // Two resource spans, as two exports concatenated: cuts fall in the first, between them and in the second.
    const spans = await generateSdkSpans(40, 10);
    const bytes = Buffer.concat([toOtlpProtobuf(spans.slice(0, 20)), toOtlpProtobuf(spans.slice(20))]);
    const whole = decodeOtlpProtobuf(bytes).spans;
    assert.equal(whole.length, 40);
    let previous = 0;
    const counts = new Set<number>();
    for (let end = 1; end < bytes.byteLength; end += 7) {
      const cut = bytes.subarray(0, end);
      const shown = (previewOtlpProtobuf(cut) ?? []).flatMap((t) => t.spans).sort((a, b) => whole.findIndex((w) => w.spanId === a.spanId) - whole.findIndex((w) => w.spanId === b.spanId));
      const k = shown.length;
      assert.ok(k >= previous, `cut at ${end}: ${k} spans after ${previous}`);
      assert.deepEqual(shown.map((s) => [s.spanId, s.name, s.startTimeUnixNano, s.resource.serviceName, s.attributes]), whole.slice(0, k).map((s) => [s.spanId, s.name, s.startTimeUnixNano, s.resource.serviceName, s.attributes]), `cut at ${end}: the first ${k} spans`);
      previous = k;
      counts.add(k);
    }
    assert.ok([...counts].some((k) => k > 0 && k < 20) && [...counts].some((k) => k > 20 && k < 40), `cuts inside each resource spans show part of it: ${[...counts].join(', ')}`);
    assert.equal((previewOtlpProtobuf(bytes) ?? []).flatMap((t) => t.spans).length, 40, 'the whole message previews as all its spans');
    assert.equal(previewOtlpProtobuf(new TextEncoder().encode('\n{"resourceSpans":[]}')), undefined, 'JSON that starts with a newline is not protobuf');
  });

  it('reads the first 200 spans of a big protobuf message (Jaeger\'s gRPC answer) from its first bytes, the same as from all of it', async () => {
    const bytes = toOtlpProtobuf(await generateSdkSpans(1_500, 1_500));
    assert.ok(bytes.byteLength > 2 * PREVIEW_PREFIX_BYTES);
    const whole = decodeOtlpProtobuf(bytes).spans;
    const shown = (previewOtlpProtobuf(bytes) ?? []).flatMap((t) => t.spans);
    const view = (s: (typeof whole)[number]) => [s.spanId, s.parentSpanId, s.name, s.startTimeUnixNano, s.resource.serviceName, s.scope.name, s.attributes];
    assert.deepEqual(shown.map(view).sort(), whole.slice(0, 200).map(view).sort());
  });

  it('says nothing for a prefix without a complete span or of no known layout', () => {
    assert.equal(previewTraces(new TextEncoder().encode('{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[{"traceId":"ab'), 'x'), undefined);
    assert.equal(previewTraces(new TextEncoder().encode('{"hello":[{"a":1}]}'), 'x'), undefined);
    assert.equal(previewTraces(new Uint8Array(0), 'x'), undefined);
  });
});
