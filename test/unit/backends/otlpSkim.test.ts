// The OTLP skim (otlpSkim.ts) against the full path (JSON.parse and the converters) on the same
// bytes: recorded answers of a real Jaeger, Tempo's documented answers, the insights corpus, a
// generated trace, and hostile documents.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toOtlpJson } from '../../../bench/waterfallOtlpJson';
import { syntheticTrace } from '../../../bench/waterfallSyntheticTrace';
import { OtlpCutScan, skimOtlpJson } from '../../../src/core/backends/otlpSkim';
import { skimTraceResponse, traceFromResponse, type TraceResponse } from '../../../src/core/backends/traceResponse';
import type { Trace } from '../../../src/core/model/trace';
import { loadTraceFile, skimTraceFile } from '../../../src/core/traceFiles/loadTraceFile';
import { buildWaterfall, type SpanSource } from '../../../src/core/waterfall/layout';
import { buildSpanDetail } from '../../../src/core/waterfall/spanDetail';
import { waterfallInsights } from '../../../src/core/waterfall/traceInsights';
import { searchTrace } from '../../../src/core/waterfall/traceSearch';
import { fixtureDir } from './traceExpectations';

const T = '5b8efff798038103d269b633813fc60c';
/** Tempo's answers as its documentation gives them (no Tempo runs here). */
const TEMPO = path.resolve(__dirname, '../../fixtures/backends/tempo-documented');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

const SEARCHES = ['infinity', 'overflow=inf', 'http.route=/api', 'GET', 'postgresql', 'db.system=postgresql', 'gold', 'x', 'e', '200', 'http', 'code.function=',
  'true', '1.5', '"', '\\', 'ünï', 'K', 'k=v', 'dup=first', 'dup=second', 'dup', 'nested', 'zz-not-there', '-- 4242'];

/** Every span expanded equals the full path's, and so do the warnings, the waterfall's columns, each row's detail, searches and insights. */
function assertSameTraces(skimmed: { traces: Trace[]; spans: SpanSource }, full: Trace[]): void {
  assert.equal(skimmed.traces.length, full.length);
  for (let t = 0; t < full.length; t++) {
    const a = skimmed.traces[t];
    const b = full[t];
    assert.equal(a.traceId, b.traceId);
    assert.deepEqual(a.warnings, b.warnings);
    assert.equal(a.partial, b.partial);
    assert.deepEqual(a.spans.map(skimmed.spans.full), b.spans);
    const la = buildWaterfall(a, { spanSource: skimmed.spans });
    const lb = buildWaterfall(b);
    assert.deepEqual(la.columns, lb.columns);
    assert.deepEqual(la.strings, lb.strings);
    const rows = la.columns.rowCount;
    for (let row = 0; row < rows; row += Math.max(1, Math.floor(rows / 200))) assert.deepEqual(buildSpanDetail(la, row), buildSpanDetail(lb, row), `detail of row ${row}`);
    for (const query of SEARCHES) assert.deepEqual(searchTrace(la, query), searchTrace(lb, query), query);
    assert.deepEqual(waterfallInsights(la), waterfallInsights(lb));
  }
}

/** A file's bytes: the skim reads them, leaving some attributes in the bytes, and gives what loadTraceFile gives. */
function assertFileSame(text: string): void {
  const skimmed = skimTraceFile(bytes(text), { fileName: 'test.json' });
  assert.ok(skimmed, 'the skim read the file');
  const full = loadTraceFile(bytes(text), { fileName: 'test.json' }).traces;
  assertSameTraces(skimmed, full);
  const lacking = skimmed.traces.some((t) => t.spans.some((s) => Object.keys(s.attributes).length === 0 && Object.keys(skimmed.spans.full(s).attributes).length > 0));
  assert.ok(lacking, 'some attributes are read on demand');
}

interface SpanSpec { id: string; parent?: string; attributes?: unknown; extra?: Record<string, unknown> }

function doc(spans: SpanSpec[], resourceAttributes: unknown = [{ key: 'service.name', value: { stringValue: 'svc' } }]): Record<string, unknown> {
  return {
    resourceSpans: [{
      resource: { attributes: resourceAttributes },
      scopeSpans: [{
        scope: { name: 'lib', version: '1' },
        spans: spans.map((s) => ({
          traceId: T, spanId: s.id, parentSpanId: s.parent ?? '', name: `op-${s.id.slice(-1)}`, kind: 2,
          startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000',
          ...(s.attributes !== undefined ? { attributes: s.attributes } : {}),
          events: [{ timeUnixNano: '1700000000500000000', name: 'ev', attributes: [{ key: 'nested', value: { stringValue: 'in an event' } }] }],
          status: { code: 0 },
          ...s.extra,
        })),
      }],
    }],
  };
}

const A = 'eee19b7ec3c1b171';
const B = 'eee19b7ec3c1b172';
const C = 'eee19b7ec3c1b173';
const kv = (key: string, value: unknown) => ({ key, value });
const PLAIN = [kv('http.route', { stringValue: '/api/x' }), kv('http.response.status_code', { intValue: '200' }), kv('k', { stringValue: 'v' }),
  kv('f', { doubleValue: 1.5 }), kv('i', { intValue: 7 }), kv('b', { boolValue: true }), kv('dup', { stringValue: 'first' }), kv('dup', { stringValue: 'second' }),
  kv('esc', { stringValue: 'a "quoted" \\ back\nslash é ünïcödé \u00e9' }), kv('__proto__', { stringValue: 'not a prototype' })];

describe('OTLP skim: spans read with their attributes left in the bytes', () => {
  it('reads a generated 3,000-span trace as the full path does', () => {
    const trace = syntheticTrace({ spans: 3_000, bigSubtree: 500, seed: 3 });
    assertFileSame(toOtlpJson(trace));
  });

  it('reads every OTLP file of the insights corpus as the full path does', () => {
    const dir = path.resolve(__dirname, '../../insights-corpus/traces');
    let read = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      if (loadTraceFile(text).format !== 'otlp') continue;
      assertFileSame(text);
      read++;
    }
    assert.ok(read >= 10, `${read} corpus files`);
  });

  it("reads a real Jaeger's v3 answer and Tempo's documented answers as traceFromResponse does, Tempo's partial trace included", () => {
    const answers: [string, TraceResponse['format'], string][] = [
      [path.join(fixtureDir('jaeger'), 'v3-trace.json'), 'otlp', ''],
      ...readdirSync(TEMPO).filter((f) => f.startsWith('trace-v')).map((f): [string, TraceResponse['format'], string] => [path.join(TEMPO, f), 'tempo', f]),
    ];
    let partial = 0;
    for (const [file, format] of answers) {
      const body = new Uint8Array(readFileSync(file));
      const first = loadTraceFile(body).traces[0];
      const response: TraceResponse = { traceId: first.traceId, format, body, source: 'the answer', url: 'http://127.0.0.1/' };
      const skimmed = skimTraceResponse(response);
      assert.ok(skimmed, `the skim read ${path.basename(file)}`);
      const full = traceFromResponse(response);
      assertSameTraces({ traces: [skimmed.trace], spans: skimmed.spans }, [full]);
      if (full.partial) partial++;
    }
    assert.equal(partial, 1, "Tempo's partial answer");
  });

  it('leaves to the converters the lists it cannot vouch for, which keep their warnings', () => {
    const lists: unknown[] = [
      [kv('nested', { arrayValue: { values: [{ stringValue: 'a' }] } })],
      [kv('map', { kvlistValue: { values: [kv('a', { intValue: '1' })] } })],
      [kv('bytes', { bytesValue: 'AQID' })],
      [kv('long', { stringValue: 'x'.repeat(40_000) })],
      [kv('half', { stringValue: 'a\ud800b' })],
      [kv('frac', { intValue: 1.5 })],
      [kv('huge', { intValue: '123456789012345678' })],
      [kv('nan', { doubleValue: 'NaN' })],
      [kv('overflow', { doubleValue: 1 })],
      [kv('long', { intValue: 1 })],
      [kv('empty', {})],
      [kv('text-bool', { boolValue: 'true' })],
      [{ key: 1, value: { stringValue: 'x' } }],
      [kv('extra', { stringValue: 'x', intValue: '1' })],
      Array.from({ length: 1_100 }, (_, i) => kv(`k${i}`, { intValue: String(i) })),
      'not a list',
    ];
    for (const attributes of lists) {
      // Numbers that overflow to Infinity, whose text ("Infinity") their bytes do not hold.
      const text = JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes }])).replace('"doubleValue":1}', '"doubleValue":1e999}').replace('"intValue":1}', `"intValue":1${'0'.repeat(400)}}`);
      assertFileSame(text);
      const skimmed = skimTraceFile(bytes(text))!;
      const b = skimmed.traces[0].spans.find((s) => s.spanId === B)!;
      assert.deepEqual(skimmed.spans.full(b), b, `${JSON.stringify(attributes).slice(0, 60)}: decoded as usual`);
    }
  });

  it('reads pretty-printed, snake_case, BOM-led and empty-list documents', () => {
    assertFileSame(JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes: [] }, { id: C, parent: A }]), null, 2));
    assertFileSame(`\ufeff${JSON.stringify(doc([{ id: A, attributes: PLAIN }]))}`);
    const snake = JSON.stringify({ resource_spans: [{ resource: { attributes: [kv('service.name', { stringValue: 'svc' })] }, scope_spans: [{ spans: [{ trace_id: T, span_id: A, name: 'root', start_time_unix_nano: '1', end_time_unix_nano: '2', attributes: PLAIN }] }] }] });
    // Files are told apart by `resourceSpans`: a snake_case document is no file Trace Lens opens.
    assert.equal(skimTraceFile(bytes(snake)), undefined);
    assertFileSame(JSON.stringify({ batches: doc([{ id: A, attributes: PLAIN }]).resourceSpans }));
    assert.equal(skimTraceFile(bytes(JSON.stringify(doc([{ id: A, attributes: [] }, { id: B, parent: A }])))), undefined, 'nothing to cut: the full path reads it');
  });

  it('gives up on what could be taken for its own marks, escaped keys, broken and other documents', () => {
    const giveUps: [string, string][] = [
      ['a span list of one number', JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes: [0] }]))],
      ['a resource list of one number', JSON.stringify(doc([{ id: A, attributes: PLAIN }], [0]))],
      // The span without ids is skipped before its list is read: its mark would be free to take.
      ['a list of one number where a skipped span had a list cut', JSON.stringify(doc([{ id: 'zz', attributes: PLAIN }, { id: B, attributes: [0] }]))],
      ['a negative number', JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes: [-1] }]))],
      ['an escaped key', JSON.stringify(doc([{ id: A, attributes: PLAIN }])).replace('"traceId"', '"trace\\u0049d"')],
      ['an escaped "attributes"', JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes: [1] }])).replace('"attributes":[1]', '"attr\\u0069butes":[1]')],
      ['a truncated document', JSON.stringify(doc([{ id: A, attributes: PLAIN }])).slice(0, -3)],
      ['a syntax error outside the lists', JSON.stringify(doc([{ id: A, attributes: PLAIN }])).replace('"kind":2', '"kind":2,,')],
      ['one document per line', `${JSON.stringify(doc([{ id: A, attributes: PLAIN }]))}\n${JSON.stringify(doc([{ id: B, attributes: PLAIN }]))}`],
      ['a Jaeger document', JSON.stringify({ data: [{ traceID: T, spans: [{ traceID: T, spanID: A, attributes: PLAIN, tags: [] }], processes: {} }] })],
      ['an array', JSON.stringify([doc([{ id: A, attributes: PLAIN }])])],
    ];
    for (const [what, text] of giveUps) {
      assert.equal(skimTraceFile(bytes(text)), undefined, what);
      // The full path gives its own result or error, as always.
    }
    // A list with a raw control character is no JSON: not cut, so JSON.parse refuses the document.
    const control = JSON.stringify(doc([{ id: A, attributes: PLAIN }])).replace('/api/x', '/api\x01x');
    assert.equal(skimOtlpJson(bytes(control)), undefined);
    assert.throws(() => loadTraceFile(bytes(control)));
  });

  it('follows an answer in the pieces it arrives in, byte by byte or in chunks, as it follows it whole', () => {
    const whole = (b: Uint8Array) => {
      const scan = new OtlpCutScan();
      return scan.advance(b, true) ? scan.cuts : 'gave up';
    };
    /** Each piece's bytes so far, as the worker holds them (a view of a bigger buffer); then all of them. */
    const inPieces = (b: Uint8Array, ends: number[]) => {
      const held = new Uint8Array(b.length + 64);
      held.set(b);
      const scan = new OtlpCutScan();
      // Some with zeros after the bytes so far, as the worker passes them; some without.
      for (const end of ends) scan.advance(end % 2 ? held : held.subarray(0, end), false, end);
      return scan.advance(held.subarray(0, b.length), true) ? scan.cuts : 'gave up';
    };
    const small = [
      JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes: [] }, { id: C, parent: A }]), null, 2),
      `\ufeff${JSON.stringify(doc([{ id: A, attributes: PLAIN }]))}`,
      JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes: [kv('nested', { arrayValue: { values: [{ stringValue: 'a' }] } })] }])),
      JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes: [0] }])),
      JSON.stringify(doc([{ id: A, attributes: PLAIN }, { id: B, parent: A, attributes: [-1.5e3] }])),
      JSON.stringify(doc([{ id: A, attributes: PLAIN }])).slice(0, -3),
      `${JSON.stringify(doc([{ id: A, attributes: PLAIN }]))}  \n `,
      `${JSON.stringify(doc([{ id: A, attributes: PLAIN }]))}\n${JSON.stringify(doc([{ id: B, attributes: PLAIN }]))}`,
      JSON.stringify(doc([{ id: A, attributes: PLAIN }])).replace('"traceId"', '"trace\\u0049d"'),
    ];
    let cut = 0;
    for (const text of small) {
      const b = bytes(text);
      const expected = whole(b);
      if (expected !== 'gave up') cut++;
      assert.deepEqual(inPieces(b, Array.from({ length: b.length }, (_, k) => k)), expected, `byte by byte: ${text.slice(0, 80)}`);
    }
    assert.ok(cut >= 4, `${cut} documents with cuts`);
    // Bigger ones in pieces of random sizes, as the network hands them over.
    let seed = 11;
    const random = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };
    const big = [
      toOtlpJson(syntheticTrace({ spans: 400, bigSubtree: 100, seed: 5 })),
      JSON.stringify(JSON.parse(toOtlpJson(syntheticTrace({ spans: 150, bigSubtree: 40, seed: 6 }))), null, 1),
      readFileSync(path.join(fixtureDir('jaeger'), 'v3-trace.json'), 'utf8'),
    ];
    for (const text of big) {
      const b = bytes(text);
      const expected = whole(b);
      assert.notEqual(expected, 'gave up');
      for (const most of [16, 700, 70_000]) {
        const ends: number[] = [];
        for (let end = 0; end < b.length; end += 1 + Math.floor(random() * most)) ends.push(end);
        assert.deepEqual(inPieces(b, ends), expected, `pieces of up to ${most} bytes`);
      }
    }
  });

  it("answers a search from the bytes where they tell, and decodes a span's list only when they do not", () => {
    const text = JSON.stringify(doc([
      { id: A, attributes: PLAIN },
      { id: B, parent: A, attributes: [kv('http.route', { stringValue: '/r/1' }), kv('n', { doubleValue: 1e3 }), kv('ok', { boolValue: true })] },
      { id: C, parent: A, attributes: [kv('dup', { stringValue: 'first' }), kv('Dup', { stringValue: 'other' }), kv('dup', { stringValue: 'second' })] },
    ]));
    const skimmed = skimTraceFile(bytes(text))!;
    const [a, b, c] = skimmed.traces[0].spans;
    const m = skimmed.spans.attributesMatch;
    assert.equal(m(b, 'zz', undefined), false, 'not in the bytes');
    assert.equal(m(b, 'gold', 'http.route'), false);
    assert.equal(m(b, '/r/', 'nope'), false, 'no such key');
    assert.equal(m(b, '/r/', 'http.route'), true);
    assert.equal(m(b, 'route', undefined), true, 'a key');
    assert.equal(m(b, 'value', undefined), false, "in the bytes, but only in the list's syntax");
    assert.equal(m(b, 'tru', 'ok'), true, 'a boolean');
    assert.equal(m(b, '1000', undefined), undefined, 'a number is never told from its bytes (1e3 reads 1000)');
    assert.equal(m(c, 'first', 'dup'), false, 'a repeated key keeps its last value');
    assert.equal(m(c, 'second', 'dup'), true);
    assert.equal(m(c, 'other', 'dup'), true, "the key compared in lower case (Dup's own value)");
    assert.equal(m(a, 'a "quoted"', undefined), undefined, 'a list with escapes is decoded');
  });
});
