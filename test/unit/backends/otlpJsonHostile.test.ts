import assert from 'node:assert/strict';
import { otlpDocumentToTraces } from '../../../src/core/backends/convertDocuments';
import { MalformedResponseError } from '../../../src/core/errors';

const TRACE_HEX = '5b8efff798038103d269b633813fc60c';
const TRACE_B64 = Buffer.from(TRACE_HEX, 'hex').toString('base64');
const SPAN_A = 'eee19b7ec3c1b174';
const SPAN_B = 'eee19b7ec3c1b173';
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

function doc(spans: unknown[], resourceAttrs: unknown[] = [{ key: 'service.name', value: { stringValue: 'svc' } }]) {
  return { resourceSpans: [{ resource: { attributes: resourceAttrs }, scopeSpans: [{ scope: { name: 'lib', version: '1' }, spans }] }] };
}

describe('OTLP JSON converter: dialects', () => {
  it('reads protobuf-JSON (base64 ids, enum names, int64 strings, omitted zeros)', () => {
    const [t] = otlpDocumentToTraces(
      {
        batches: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tempo-svc' } }] },
            instrumentationLibrarySpans: [
              {
                instrumentationLibrary: { name: 'old-lib' },
                spans: [
                  {
                    traceId: TRACE_B64,
                    spanId: b64(SPAN_A),
                    parentSpanId: '',
                    name: 'root',
                    kind: 'SPAN_KIND_SERVER',
                    startTimeUnixNano: '1700000000123456789',
                    endTimeUnixNano: '1700000001123456789',
                    attributes: [
                      { key: 'big', value: { intValue: '9007199254740993' } },
                      { key: 'small', value: { intValue: '-42' } },
                      { key: 'nan', value: { doubleValue: 'NaN' } },
                      { key: 'bytes', value: { bytesValue: 'AQID' } },
                      { key: 'empty', value: {} },
                      { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ boolValue: true }] } } }] } } },
                    ],
                    status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
                  },
                ],
              },
            ],
          },
        ],
      },
      'x',
    );
    const s = t.spans[0];
    assert.equal(t.traceId, TRACE_HEX);
    assert.equal(s.spanId, SPAN_A);
    assert.equal(s.parentSpanId, undefined);
    assert.equal(s.kind, 'server');
    assert.equal(s.startTimeUnixNano, 1700000000123456789n);
    assert.equal(s.endTimeUnixNano - s.startTimeUnixNano, 1_000_000_000n);
    assert.equal(s.attributes.big, 9007199254740993n);
    assert.equal(s.attributes.small, -42);
    assert.ok(Number.isNaN(s.attributes.nan));
    assert.deepEqual(s.attributes.bytes, new Uint8Array([1, 2, 3]));
    assert.equal(s.attributes.empty, null);
    assert.deepEqual(s.attributes.kv, { a: [true] });
    assert.deepEqual(s.status, { code: 'error', message: 'bad' });
    assert.equal(s.scope.name, 'old-lib');
    assert.equal(s.resource.serviceName, 'tempo-svc');
  });

  it('reads the Jaeger v3 dialect (hex ids, integer enums) and mixes per field', () => {
    const [t] = otlpDocumentToTraces(
      {
        result: doc([
          { traceId: TRACE_HEX, spanId: SPAN_A, kind: 2, startTimeUnixNano: 1700000000000000000, endTimeUnixNano: '1700000000000001000', status: { code: 2 } },
          // Same trace, base64 ids and a hex parent in one span: decided per field.
          { traceId: TRACE_B64, spanId: b64(SPAN_B), parentSpanId: SPAN_A, kind: 'SPAN_KIND_CLIENT', startTimeUnixNano: '1700000000000000500', endTimeUnixNano: '1700000000000000900' },
        ]),
      },
      'x',
    );
    assert.equal(t.spans.length, 2);
    assert.equal(t.spans[0].kind, 'server');
    assert.equal(t.spans[0].status.code, 'error');
    assert.equal(t.spans[1].parentSpanId, SPAN_A);
    assert.equal(t.spans[1].kind, 'client');
    assert.deepEqual(t.warnings, []);
  });

  it('accepts Tempo v2 `{"trace":{}}` as an empty answer but rejects unrelated JSON', () => {
    assert.deepEqual(otlpDocumentToTraces({ trace: {} }, 'x'), []);
    assert.throws(() => otlpDocumentToTraces({ hello: 'world' }, 'Tempo'), MalformedResponseError);
    assert.throws(() => otlpDocumentToTraces('text', 'Tempo'), MalformedResponseError);
    assert.throws(() => otlpDocumentToTraces(null, 'Tempo'), (e: unknown) => e instanceof MalformedResponseError && /resourceSpans/.test(e.userMessage));
  });
});

describe('OTLP JSON converter: hostile input', () => {
  const span = (over: Record<string, unknown>) => ({ traceId: TRACE_HEX, spanId: SPAN_A, name: 'x', startTimeUnixNano: '100', endTimeUnixNano: '200', ...over });

  it('caps a 10 MB attribute value and says so', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const [t] = otlpDocumentToTraces(doc([span({ attributes: [{ key: 'sql', value: { stringValue: huge } }] })]), 'x');
    const v = t.spans[0].attributes.sql as string;
    assert.ok(v.length <= 32 * 1024 + 1);
    assert.ok(t.warnings.some((w) => /1 attribute value\(s\) longer than 32768 characters were truncated/.test(w)));
  });

  it('bounds attribute counts, array lengths and nesting depth', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    let deep: unknown = { stringValue: 'bottom' };
    for (let i = 0; i < 100; i++) deep = { arrayValue: { values: [deep] } };
    const long = { arrayValue: { values: Array.from({ length: 100_000 }, () => ({ intValue: '1' })) } };
    const [t] = otlpDocumentToTraces(doc([span({ attributes: [...many.slice(0, 10), { key: 'deep', value: deep }, { key: 'long', value: long }, ...many.slice(10)] })]), 'x');
    const a = t.spans[0].attributes;
    assert.equal(Object.keys(a).length, 1024);
    assert.equal((a.long as unknown[]).length, 1024);
    let d: unknown = a.deep;
    let depth = 0;
    while (Array.isArray(d)) {
      d = d[0];
      depth++;
    }
    assert.ok(depth <= 8 && d === null, `cut at depth ${depth}`);
    assert.ok(t.warnings.some((w) => /attribute\(s\) beyond 1024/.test(w)));
    assert.ok(t.warnings.some((w) => /nested deeper/.test(w)));
  });

  it('repairs lone surrogates and is not fooled by __proto__ keys', () => {
    const [t] = otlpDocumentToTraces(
      JSON.parse(
        JSON.stringify(doc([span({ name: 'bad\ud800name', attributes: [{ key: '__proto__', value: { stringValue: 'polluted' } }, { key: 'constructor', value: { intValue: 1 } }] })])),
      ),
      'x',
    );
    const s = t.spans[0];
    assert.equal(s.name, 'bad\ufffdname');
    assert.equal(Object.getPrototypeOf(s.attributes), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(s.attributes, '__proto__')?.value, 'polluted');
    assert.equal(s.attributes.constructor, 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('drops spans without ids, keeps the first of duplicates, and leaves cycles and orphans to the span tree', () => {
    const ids = ['0000000000000001', '0000000000000002', '0000000000000003', '0000000000000004', '0000000000000005'];
    const [t] = otlpDocumentToTraces(
      doc([
        span({ spanId: undefined }),
        span({ traceId: '0'.repeat(32) }),
        'not a span',
        span({ spanId: ids[0], parentSpanId: ids[1] }),
        span({ spanId: ids[1], parentSpanId: ids[2] }),
        span({ spanId: ids[2], parentSpanId: ids[0] }),
        span({ spanId: ids[3], parentSpanId: ids[3] }),
        span({ spanId: ids[4], parentSpanId: 'ffffffffffffff00' }),
        span({ spanId: ids[4], name: 'duplicate' }),
      ]),
      'x',
    );
    assert.equal(t.spans.length, 5);
    assert.equal(t.spans.find((s) => s.spanId === ids[4])?.name, 'x');
    // Parent ids stay as sent (the detail pane shows them): the span tree breaks the loops and
    // reports them, the same for every source (test/unit/waterfall/traceWarnings.test.ts).
    assert.equal(t.spans.find((s) => s.spanId === ids[3])?.parentSpanId, ids[3]);
    assert.deepEqual(t.spans.filter((s) => ids.slice(0, 3).includes(s.spanId)).map((s) => s.parentSpanId), [ids[1], ids[2], ids[0]]);
    assert.equal(t.spans.find((s) => s.spanId === ids[4])?.parentSpanId, 'ffffffffffffff00');
    for (const re of [/no valid trace or span id/, /duplicate/]) assert.ok(t.warnings.some((w) => re.test(w)), `warning ${re}`);
    for (const re of [/parent cycle/, /reference a parent that is not in the trace/]) assert.ok(!t.warnings.some((w) => re.test(w)), `no converter warning ${re}`);
  });

  it('survives wrong types everywhere and negative durations', () => {
    const [t] = otlpDocumentToTraces(
      {
        resourceSpans: [
          { resource: 'nope', scopeSpans: 'nope' },
          null,
          {
            resource: { attributes: [{ key: 'service.name', value: { intValue: 3 } }, { nokey: true }, 5] },
            scopeSpans: [
              null,
              {
                scope: 42,
                spans: [
                  span({
                    name: 7,
                    kind: 'weird',
                    startTimeUnixNano: '300',
                    endTimeUnixNano: '100',
                    attributes: 'x',
                    events: [{ name: 'e' }, null, { timeUnixNano: 'soon', name: 1 }],
                    links: [{ traceId: 'not-an-id', spanId: 'bad!' }, { traceId: TRACE_HEX, spanId: SPAN_B, attributes: [{ key: 'k', value: { boolValue: 'true' } }] }],
                    status: 'error',
                    droppedAttributesCount: '3',
                  }),
                  span({ spanId: SPAN_B, startTimeUnixNano: undefined, endTimeUnixNano: undefined, attributes: [{ key: 'i', value: { intValue: 'abc' } }, { key: 'd', value: { doubleValue: {} } }, { key: 's', value: { stringValue: 5 } }] }),
                ],
              },
            ],
          },
        ],
      },
      'x',
    );
    assert.equal(t.spans.length, 2);
    const [a, b] = t.spans;
    assert.equal(a.name, '');
    assert.equal(a.kind, 'unspecified');
    assert.equal(a.endTimeUnixNano, a.startTimeUnixNano);
    assert.equal(a.resource.serviceName, 'unknown_service');
    assert.equal(a.events.length, 2);
    assert.equal(a.events[0].timeUnixNano, a.startTimeUnixNano);
    assert.deepEqual(a.links, [{ traceId: TRACE_HEX, spanId: SPAN_B, attributes: { k: true } }]);
    assert.equal(a.status.code, 'unset');
    assert.equal(a.droppedAttributesCount, 3);
    assert.equal(b.startTimeUnixNano, 300n, 'missing start placed at the trace start');
    assert.deepEqual(b.attributes, { i: 'abc', d: null, s: '5' });
    for (const re of [/ended before they started/, /no valid start time/, /unexpected type/, /unreadable ids were dropped/]) {
      assert.ok(t.warnings.some((w) => re.test(w)), `warning ${re}`);
    }
  });

  it('separates several traces in one document, in order of appearance', () => {
    const other = 'f'.repeat(32);
    const traces = otlpDocumentToTraces(doc([span({}), span({ traceId: other, spanId: SPAN_B }), span({ spanId: SPAN_B })]), 'x');
    assert.deepEqual(traces.map((t) => [t.traceId, t.spans.length]), [[TRACE_HEX, 2], [other, 1]]);
  });

  it('handles a 50k-deep parent chain without recursion or quadratic work', function () {
    this.timeout(60_000);
    // Worst case for tree repair: each span the child of the previous one, listed leaf first.
    const n = 50_000;
    const id = (i: number) => (i + 1).toString(16).padStart(16, '0');
    const spans = Array.from({ length: n }, (_, k) => {
      const i = n - 1 - k;
      return span({ spanId: id(i), parentSpanId: i ? id(i - 1) : '' });
    });
    const t0 = performance.now();
    const [t] = otlpDocumentToTraces(doc(spans), 'x');
    const ms = performance.now() - t0;
    assert.equal(t.spans.length, n);
    assert.equal(t.spans.filter((s) => s.parentSpanId === undefined).length, 1);
    assert.deepEqual(t.warnings, []);
    // A quadratic walk would take minutes; linear work is well under a second even on a busy machine.
    assert.ok(ms < 20_000, `${ms} ms`);
  });
});
