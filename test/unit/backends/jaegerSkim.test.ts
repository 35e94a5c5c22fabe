import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { jaegerDocumentToTraces } from '../../../src/core/backends/convertDocuments';
import { JaegerSkimmer, skimJaegerDocument } from '../../../src/core/backends/jaegerSkim';
import type { Trace } from '../../../src/core/model/trace';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { buildSpanDetail } from '../../../src/core/waterfall/spanDetail';
import { searchTrace } from '../../../src/core/waterfall/traceSearch';
import { toJaegerJson } from '../../../bench/waterfallJaegerJson';
import { syntheticTrace } from '../../../bench/waterfallSyntheticTrace';
import { fixtureDir } from './traceExpectations';

const T = '00000000000000000123456789abcdef';
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** What the full path gives: JSON.parse and the converters (as a file: loadTraceFile). */
function fullPath(text: string): Trace[] | Error {
  try {
    return jaegerDocumentToTraces(JSON.parse(text) as unknown, 'test');
  } catch (err) {
    return err as Error;
  }
}

/**
 * The skim's traces, with every span expanded, equal the full path's; so do the waterfall's
 * columns, every row's detail and a search. `skimmed`: whether the skim must read these bytes
 * itself (else it may leave them to the full path, which then gives the result).
 */
function assertSame(text: string, skimmed: boolean): void {
  const full = fullPath(text);
  const skim = skimJaegerDocument(bytes(text));
  if (skimmed) assert.ok(skim, 'the skim read the document itself');
  if (!skim) return;
  assert.ok(!(full instanceof Error), `the full path failed (${String(full)}) where the skim did not`);
  assert.equal(skim.traces.length, full.length);
  for (let t = 0; t < full.length; t++) {
    const a: Trace = skim.traces[t];
    const b: Trace = full[t];
    assert.equal(a.traceId, b.traceId);
    assert.deepEqual(a.warnings, b.warnings);
    // What the layout reads comes from the skim itself; `expand` adds the attributes.
    const withoutAttributes = (spans: Trace['spans']) => spans.map((s) => ({ ...s, attributes: {} }));
    assert.deepEqual(withoutAttributes(a.spans), withoutAttributes(b.spans));
    assert.deepEqual(a.spans.map(skim.spans.full), b.spans);
    const la = buildWaterfall(a, { spanSource: skim.spans });
    const lb = buildWaterfall(b);
    assert.deepEqual(la.columns, lb.columns);
    assert.deepEqual(la.strings, lb.strings);
    assert.deepEqual(la.summary, lb.summary);
    for (let row = 0; row < la.columns.rowCount; row++) assert.deepEqual(buildSpanDetail(la, row), buildSpanDetail(lb, row), `detail of row ${row}`);
    // Searches the skim answers from the bytes (those matching every span included), asked twice.
    for (const query of SEARCHES) {
      const expected = searchTrace(lb, query);
      assert.deepEqual(searchTrace(la, query), expected, query);
      assert.deepEqual(searchTrace(la, query), expected, `${query}, again`);
    }
  }
  // A Jaeger file reads the same (format detection included).
  const file = loadTraceFile(text);
  assert.equal(file.format, 'jaeger');
  assert.deepEqual(file.traces.map((tr) => tr.spans.length), skim.traces.map((tr) => tr.spans.length));
}

const SEARCHES = ['db.system=postgres', 'GOLD', 'retry', '1.5', '1500', 'café', 'http.route=/r/1', 'e+', 'esc', 'x',
  // Every span (a key, a value, a key=value), and what only the special tags hold (not attributes).
  'http', '/r/', '/R', 'http.route=', 'HTTP.ROUTE=/r', 'db.system=', 'e', 'server', 'span.kind', 'otel', 'error', 'true', 'false', 'error=true',
  // Numbers as the converter writes them, null values, duplicate keys, other layouts.
  'i=7', 'f=1500', 'f=1.5', 'b=false', 'n=', 'big', '1234567890123456', '12345678901234567', '-0', '0', 'dup=first', 'dup=second', 'dup', '"', '\\', 'ünï', 'K', 'spaced'];

interface SpanSpec { id: string; parent?: string; name?: unknown; tags?: unknown[]; extra?: Record<string, unknown> }

function doc(spans: SpanSpec[], trace: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    data: [{
      traceID: T,
      // First, as a writer may put them: the converter notes them before the spans' own.
      ...trace,
      spans: spans.map((s, i) => ({
        traceID: T,
        spanID: s.id,
        operationName: s.name ?? `op-${i}`,
        references: s.parent ? [{ refType: 'CHILD_OF', traceID: T, spanID: s.parent }] : [],
        startTime: 1_700_000_000_000_000 + i * 10,
        duration: 1000 - i,
        tags: s.tags ?? [{ key: 'span.kind', type: 'string', value: 'server' }, { key: 'http.route', type: 'string', value: `/r/${i}` }],
        logs: [],
        processID: 'p1',
        warnings: null,
        ...s.extra,
      })),
      processes: { p1: { serviceName: 'api', tags: [{ key: 'host.name', type: 'string', value: 'h1' }] } },
      ...('warnings' in trace ? {} : { warnings: null }),
    }],
    total: 0, limit: 0, offset: 0, errors: null,
  };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => (i + 1).toString(16).padStart(16, '0'));
const chain = (n: number): SpanSpec[] => ids(n).map((id, i) => ({ id, parent: i > 0 ? ids(n)[Math.floor((i - 1) / 2)] : undefined }));

describe('Jaeger skim: the same trace as JSON.parse and the converters, from the bytes', () => {
  it('reads the answers recorded from Jaeger 2.12 (trace by id, searches) exactly as the converters do', () => {
    const dir = fixtureDir('jaeger');
    for (const file of ['v1-trace.json', 'v1-search-service.json', 'v1-search-tags.json']) {
      assertSame(readFileSync(path.join(dir, file), 'utf8'), true);
    }
    // No trace in them: left to the full path, which says so (an empty list, or the 404's error).
    for (const file of ['v1-search-empty.json', 'v1-trace-not-found.json']) {
      assert.equal(skimJaegerDocument(readFileSync(path.join(dir, file))), undefined, file);
    }
  });

  it('reads generated traces (the bench\'s) and their pretty-printed form', () => {
    const trace = syntheticTrace({ spans: 1500, bigSubtree: 300, seed: 3 });
    const text = toJaegerJson(trace);
    assertSame(text, true);
    assertSame(JSON.stringify(JSON.parse(text), null, 2), true);
  });

  it('decodes escapes and unicode in what it reads, and repairs lone surrogates as the converters do', () => {
    const spans: SpanSpec[] = chain(6);
    spans[0].name = 'quote " back \\ slash / tab \t nl \n';
    spans[1].name = 'caf\u00e9 \u65e5\u672c \ud83d\ude00';
    spans[2].name = 'lone \ud800 surrogate';
    spans[3].tags = [{ key: 'span.kind', type: 'string', value: 'cli\u0065nt' }, { key: 'note', type: 'string', value: 'esc \\" \u00e9 \ud83d\ude00' }];
    spans[4].tags = [{ key: 'otel.status_code', type: 'string', value: 'ERROR' }, { key: 'otel.status_description', type: 'string', value: 'bo\u006fm "x"' }];
    assertSame(JSON.stringify(doc(spans)), true);
    // Written with \u escapes for every non-ASCII character, as some encoders do.
    const ascii = JSON.stringify(doc(spans)).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    assertSame(ascii, true);
  });

  it('takes numbers written as strings, and missing or odd fields, as the converters do', () => {
    const spans: SpanSpec[] = chain(8);
    spans[1].extra = { startTime: '1700000000000123', duration: '77' };
    spans[2].extra = { startTime: undefined, duration: undefined };
    spans[3].extra = { references: undefined, parentSpanID: spans[0].id, tags: undefined, logs: undefined, processID: undefined };
    spans[4].name = 42;
    spans[5].extra = { logs: [{ timestamp: 1_700_000_000_000_100, fields: [{ key: 'event', type: 'string', value: 'exception' }, { key: 'exception.stacktrace', type: 'string', value: 'Error: x\n    at f (/a.js:1:2)' }] }, { fields: [] }] };
    spans[6].extra = { references: [{ refType: 'FOLLOWS_FROM', traceID: T, spanID: spans[0].id }, { refType: 'FOLLOWS_FROM', traceID: 'ab', spanID: 'cd' }], warnings: ['skew'] };
    spans[7].tags = [{ key: 'i', type: 'int64', value: 7 }, { key: 'f', type: 'float64', value: 1.5e3 }, { key: 'b', type: 'bool', value: false }, { key: 'n', type: 'string', value: null }, { key: 'error', type: 'bool', value: true }];
    const text = JSON.stringify(doc(spans));
    assertSame(text, true);
    // A number written otherwise than JavaScript writes it: a search for "1500" still finds it.
    assert.ok(text.includes('"value":1500'));
    assertSame(text.replace('"value":1500', '"value":1.5e3'), true);
    // Duplicate ids, a self-parent, a span without an id, an inline process.
    const odd = chain(4);
    odd.push({ id: odd[1].id }, { id: '00000000000000ff', parent: '00000000000000ff' }, { id: '' }, { id: '0000000000000abc', extra: { process: { serviceName: 'inline', tags: [] } } });
    assertSame(JSON.stringify(doc(odd, { warnings: ['trace warning first'] })), true);
  });

  it('searches attributes from the bytes exactly as over the converted spans (duplicate keys, numbers, error tags, case, unicode)', () => {
    const spans: SpanSpec[] = chain(10);
    spans[1].tags = [{ key: 'dup', type: 'string', value: 'first' }, { key: 'x', type: 'string', value: 'y' }, { key: 'dup', type: 'string', value: 'second' }];
    spans[2].tags = [{ key: 'Dup', type: 'string', value: 'FIRST' }, { key: 'dup', type: 'string', value: 'first' }];
    spans[3].tags = [{ key: 'error', type: 'bool', value: true }, { key: 'otel.status_code', type: 'string', value: 'OK' }, { key: 'K', type: 'int64', value: -0 }];
    spans[4].tags = [{ key: 'error', type: 'string', value: 'false' }, { key: 'f', type: 'float64', value: 1.5 }, { key: 'big', type: 'int64', value: 1234567890123456 }];
    spans[5].tags = [{ key: 'ünïcode', type: 'string', value: 'KELVIN \u212a' }, { key: 'q', type: 'string', value: 'a "quoted" \\ value' }];
    spans[6].tags = [{ type: 'string', value: 'spaced out', key: 'order' }, { key: 'n', type: 'string' }, { key: 'b', type: 'bool', value: false }];
    spans[7].tags = [{ key: 'i', type: 'INT64', value: 7.9 }, { key: 'f', type: 'Float64', value: 1500 }, { key: 'z', type: 'int64', value: 0 }];
    spans[8].tags = [];
    spans[9].tags = [{ key: 'span.kind', type: 'string', value: 'server' }, { key: 'http.route', type: 'string', value: '/R/9' }, { key: 'http.route', type: 'string', value: '/r/9' }];
    const text = JSON.stringify(doc(spans)).replace('"type":"Float64","value":1500', '"type":"Float64","value":1.5e3')
      // More digits than a double holds: it reads back otherwise than its bytes (lint forbids the literal).
      .replace('"value":1234567890123456}', '"value":12345678901234567891}');
    assertSame(text, true);
    assertSame(JSON.stringify(JSON.parse(text), null, 1), true);
  });

  it('leaves to the full path whatever would make a converter warn about a value it does not decode', () => {
    const cases: unknown[][] = [
      [{ key: 'x', type: 'int64', value: '42' }],
      [{ key: 'x', type: 'bool', value: 'yes' }],
      [{ key: 'x', type: 'string', value: 3 }],
      [{ key: 'x', type: 'binary', value: 'AQID' }],
      [{ key: 'x', type: 'string', value: 'lone \ud800' }],
      [{ key: 'x', type: 'string', value: 'y'.repeat(40_000) }],
      [{ key: 'x', type: 'int64', value: null }],
      ['not a tag'],
      Array.from({ length: 1100 }, (_, i) => ({ key: `k${i}`, type: 'string', value: 'v' })),
    ];
    for (const tags of cases) {
      const spans = chain(3);
      spans[1].tags = tags;
      // 1e999 is not JSON.stringify's: write it by hand.
      const text = JSON.stringify(doc(spans)).replace('"value":null', '"value":1e999');
      assert.equal(skimJaegerDocument(bytes(text)), undefined, JSON.stringify(tags).slice(0, 60));
      assertSame(text, false);
    }
  });

  it('gives up (never hangs, never throws) on malformed and truncated bytes; the full path gives the typed error', () => {
    const text = JSON.stringify(doc(chain(40)));
    for (let cut = 0; cut < text.length; cut += 97) {
      assert.equal(skimJaegerDocument(bytes(text.slice(0, cut))), undefined, `cut at ${cut}`);
    }
    const broken = [
      text.replace('"spans":[', '"spans":[,'),
      text.replace('"duration":1000', '"duration":01000'),
      text.replace('"duration":1000', '"duration":1000.'),
      text.replace('"op-0"', '"op\u0001-0"'),
      text.replace('"op-0"', '"op\\x-0"'),
      text.replace('"warnings":null', '"warnings":nul'),
      text.replace('"http.route"', '"http.route\\u12g4"'),
      `${text} x`,
      text.replace('}],"total"', '},],"total"'),
      '{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}',
      '{"resourceSpans":[]}',
      '[]',
      '',
    ];
    for (const b of broken) {
      assert.equal(skimJaegerDocument(bytes(b)), undefined, b.slice(0, 80));
      assert.ok(fullPath(b) instanceof Error || (fullPath(b) as Trace[]).length === 0, b.slice(0, 80));
    }
  });

  it('reads an answer as it arrives, in chunks of any size, to the same traces as when read whole', () => {
    const text = toJaegerJson(syntheticTrace({ spans: 400, seed: 5 }));
    const whole = skimJaegerDocument(bytes(text));
    assert.ok(whole);
    const all = bytes(text);
    // Sizes that cut keys, escapes, numbers and literals anywhere, one byte at a time included.
    for (const size of [1, 7, 1000, 20_000, 65_536]) {
      const skimmer = new JaegerSkimmer();
      let readBefore = 0;
      for (let at = 0; at < all.length; at += size) {
        skimmer.add(all.subarray(at, at + size));
        if (at > all.length / 2 && readBefore === 0) readBefore = skimmer.bytes().length;
      }
      assert.ok(skimmer.reading, `size ${size}`);
      assert.deepEqual(skimmer.bytes(), Buffer.from(all));
      const streamed = skimmer.finish();
      assert.ok(streamed, `size ${size}`);
      assert.deepEqual(streamed.traces, whole.traces, `size ${size}`);
      assert.deepEqual(streamed.traces[0].spans.map(streamed.spans.full), whole.traces[0].spans.map(whole.spans.full));
    }
  });

  it('stops reading an answer as soon as its bytes cannot be Jaeger\'s, and never takes a cut answer for a whole one', () => {
    const otlp = new JaegerSkimmer();
    otlp.add(bytes(`{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"stringValue":"${'v'.repeat(20_000)}`));
    assert.equal(otlp.reading, false);
    assert.equal(otlp.finish(), undefined);
    const text = JSON.stringify(doc(chain(20)));
    const cut = new JaegerSkimmer();
    cut.add(bytes(text.slice(0, text.length - 1)));
    assert.equal(cut.reading, true, 'still waiting for the rest');
    assert.equal(cut.finish(), undefined);
    // Complete, then something after it: not JSON.
    const trailing = new JaegerSkimmer();
    trailing.add(bytes(text));
    trailing.add(bytes(' {}'));
    assert.equal(trailing.finish(), undefined);
  });
});
