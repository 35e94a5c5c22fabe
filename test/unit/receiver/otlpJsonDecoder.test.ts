import assert from 'node:assert/strict';
import { decodeOtlpJson, decodeOtlpJsonText, decodeOtlpJsonTextAsync } from '../../../src/core/receiver/otlpJsonDecoder';
import { ConversionContext } from '../../../src/core/backends/conversionContext';
import { convertResourceSpans } from '../../../src/core/backends/otlpJson';
import { MISSING_TIME } from '../../../src/core/backends/traceAssembly';
import { MalformedOtlpError } from '../../../src/core/receiver/receiverErrors';
import { assertSharedEmptyLists } from './otlpTestBodies';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const PARENT = 'eee19b7ec3c1b173';

function request(spans: unknown[], resourceAttributes: unknown[] = [{ key: 'service.name', value: { stringValue: 'svc' } }]) {
  return { resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 'lib', version: '1' }, spans }] }] };
}

describe('decodeOtlpJson', () => {
  it('decodes the spec encoding: hex ids, integer enums, 64-bit values as strings or numbers', () => {
    const result = decodeOtlpJson(
      request([
        {
          traceId: TRACE.toUpperCase(),
          spanId: SPAN,
          parentSpanId: PARENT,
          name: 'op',
          kind: 3,
          startTimeUnixNano: '1544712660000000000',
          endTimeUnixNano: 1544712661000000000,
          attributes: [
            { key: 'i', value: { intValue: '9007199254740993' } },
            { key: 'j', value: { intValue: 5 } },
            { key: 'd', value: { doubleValue: 'NaN' } },
            { key: 'bytes', value: { bytesValue: 'AAH/' } },
            { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { boolValue: true } }] } } },
            { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, {}] } } },
          ],
          events: [{ timeUnixNano: '1544712660500000000', name: 'e', attributes: [] }],
          links: [{ traceId: TRACE, spanId: PARENT, traceState: 'k=v' }],
          status: { code: 2, message: 'bad' },
        },
      ]),
    );
    assert.equal(result.rejectedSpans, 0);
    const s = result.spans[0];
    assert.equal(s.traceId, TRACE);
    assert.equal(s.parentSpanId, PARENT);
    assert.equal(s.kind, 'client');
    assert.equal(s.startTimeUnixNano, 1544712660000000000n);
    assert.equal(s.endTimeUnixNano, 1544712661000000000n);
    assert.equal(s.attributes.i, 9007199254740993n);
    assert.equal(s.attributes.j, 5);
    assert.ok(Number.isNaN(s.attributes.d as number));
    assert.deepEqual(s.attributes.bytes, new Uint8Array([0, 1, 255]));
    assert.deepEqual(s.attributes.kv, { a: true });
    assert.deepEqual(s.attributes.arr, ['x', null]);
    assert.equal(s.events[0].timeUnixNano, 1544712660500000000n);
    assert.deepEqual(s.links, [{ traceId: TRACE, spanId: PARENT, traceState: 'k=v', attributes: {} }]);
    assert.deepEqual(s.status, { code: 'error', message: 'bad' });
    assert.equal(s.resource.serviceName, 'svc');
    assert.deepEqual(s.scope, { name: 'lib', version: '1' });
  });

  it('tolerates base64 ids, enum names, snake_case keys and instrumentationLibrarySpans', () => {
    const result = decodeOtlpJson({
      resource_spans: [
        {
          instrumentationLibrarySpans: [
            {
              instrumentationLibrary: { name: 'old-lib' },
              spans: [
                {
                  trace_id: Buffer.from(TRACE, 'hex').toString('base64'),
                  span_id: Buffer.from(SPAN, 'hex').toString('base64'),
                  name: 'old',
                  kind: 'SPAN_KIND_SERVER',
                  status: { code: 'STATUS_CODE_OK' },
                },
              ],
            },
          ],
        },
      ],
    });
    assert.equal(result.rejectedSpans, 0);
    const s = result.spans[0];
    assert.equal(s.traceId, TRACE);
    assert.equal(s.spanId, SPAN);
    assert.equal(s.kind, 'server');
    assert.equal(s.status.code, 'ok');
    assert.equal(s.scope.name, 'old-lib');
    assert.equal(s.resource.serviceName, 'unknown_service');
  });

  it('rejects spans with invalid ids or wrong field types, keeping the others (partial success)', () => {
    const ok = { traceId: TRACE, spanId: SPAN, name: 'ok' };
    const result = decodeOtlpJson(
      request([
        ok,
        { traceId: '00000000000000000000000000000000', spanId: SPAN, name: 'zero' },
        { traceId: 'xyz', spanId: SPAN },
        { traceId: TRACE, spanId: SPAN, name: 42 },
        { traceId: TRACE, spanId: SPAN, startTimeUnixNano: 'soon' },
        { traceId: TRACE, spanId: SPAN, attributes: { not: 'an array' } },
        { traceId: TRACE, spanId: SPAN, attributes: [{ key: 'i', value: { intValue: 'twelve' } }] },
        'not a span',
      ]),
    );
    assert.deepEqual(result.spans.map((s) => s.name), ['ok']);
    assert.equal(result.rejectedSpans, 7);
    assert.ok(result.rejectionReasons.length > 0 && result.rejectionReasons.length <= 5);
  });

  it('refuses structural errors above the span level and invalid JSON as malformed', () => {
    assert.throws(() => decodeOtlpJsonText('{"resourceSpans": ['), MalformedOtlpError);
    assert.throws(() => decodeOtlpJson([]), MalformedOtlpError);
    assert.throws(() => decodeOtlpJson({ resourceSpans: 'nope' }), MalformedOtlpError);
    assert.throws(() => decodeOtlpJson({ resourceSpans: [{ scopeSpans: [{ spans: {} }] }] }), MalformedOtlpError);
    assert.throws(() => decodeOtlpJson({ resourceSpans: [{ resource: { attributes: 5 } }] }), MalformedOtlpError);
  });

  it('accepts an empty request', () => {
    assert.equal(decodeOtlpJsonText('{}').spans.length, 0);
  });

  it('keeps a __proto__ attribute key as data', () => {
    const s = decodeOtlpJsonText(
      JSON.stringify(request([{ traceId: TRACE, spanId: SPAN, attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] }])),
    ).spans[0];
    assert.equal(Object.getPrototypeOf(s.attributes), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(s.attributes, '__proto__')?.value, 'x');
  });

  it('gives received spans without events or links the shared, frozen empty lists the protobuf decoder gives', () => {
    const [a, b, linked] = decodeOtlpJson(
      request([
        { traceId: TRACE, spanId: SPAN, name: 'bare', startTimeUnixNano: '1', endTimeUnixNano: '2' },
        { traceId: TRACE, spanId: PARENT, name: 'empty lists', startTimeUnixNano: '1', endTimeUnixNano: '2', events: [], links: [] },
        { traceId: TRACE, spanId: 'eee19b7ec3c1b172', name: 'linked', startTimeUnixNano: '1', endTimeUnixNano: '2', links: [{ traceId: TRACE, spanId: SPAN }] },
      ]),
    ).spans;
    assertSharedEmptyLists(a, b, linked);
    // A file's or backend's spans (lenient) keep lists of their own: trace assembly may add to them.
    const ctx = new ConversionContext();
    const fromFile = convertResourceSpans(request([{ traceId: TRACE, spanId: SPAN, name: 'bare', startTimeUnixNano: '1', endTimeUnixNano: '2' }]).resourceSpans, ctx);
    assert.ok(!Object.isFrozen(fromFile[0].events) && !Object.isFrozen(fromFile[0].links));
  });

  it('keeps every value as sent through the table that shares repeated short strings, when it fills and clears too', () => {
    const long = 'x'.repeat(65);
    const spans = Array.from({ length: 9000 }, (_, i) => ({
      traceId: TRACE,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: i % 2 ? 'GET /orders' : `op ${i}`,
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
      attributes: [{ key: 'v', value: { stringValue: `value ${i}` } }, { key: 'long', value: { stringValue: long } }, { key: 'm', value: { stringValue: 'GET' } }],
    }));
    const decoded = decodeOtlpJson(request(spans)).spans;
    assert.equal(decoded.length, 9000);
    decoded.forEach((s, i) => {
      assert.equal(s.name, i % 2 ? 'GET /orders' : `op ${i}`);
      assert.deepEqual(s.attributes, { v: `value ${i}`, long, m: 'GET' });
    });
  });

  it('decodes big bodies in slices after parsing, with the same result as the sync decoder', async () => {
    const spans = Array.from({ length: 3000 }, (_, i) => ({ traceId: TRACE, spanId: (i + 1).toString(16).padStart(16, '0'), name: `s${i}` }));
    spans.push({ traceId: 'bad', spanId: SPAN, name: 'bad' });
    const text = JSON.stringify(request(spans));
    const viaAsync = await decodeOtlpJsonTextAsync(text, 0);
    assert.deepEqual(viaAsync, decodeOtlpJsonText(text));
    assert.equal(viaAsync.spans.length, 3000);
    assert.equal(viaAsync.rejectedSpans, 1);
    await assert.rejects(decodeOtlpJsonTextAsync('{"resourceSpans":{}}'), MalformedOtlpError);
  });
});

describe('decodeOtlpJson, strict and lenient', () => {
  it('refuses in strict mode what the lenient mode (backends, files) keeps and counts', () => {
    const body = request([
      { traceId: TRACE, spanId: SPAN, parentSpanId: 'not-an-id', name: 'orphaned', startTimeUnixNano: 'soon' },
      { traceId: TRACE, spanId: PARENT, name: 'fine', links: [{ traceId: 'x', spanId: 'y' }] },
    ]);
    const strict = decodeOtlpJson(body);
    assert.deepEqual(strict.spans.map((s) => s.name), ['fine']);
    assert.equal(strict.spans[0].droppedLinksCount, 1);
    assert.equal(strict.spans[0].startTimeUnixNano, 0n);
    assert.equal(strict.rejectedSpans, 1);
    assert.match(strict.rejectionReasons[0], /parentSpanId/);

    const ctx = new ConversionContext();
    const lenient = convertResourceSpans(body.resourceSpans, ctx);
    assert.deepEqual(lenient.map((s) => [s.name, s.parentSpanId, s.startTimeUnixNano]), [['orphaned', undefined, MISSING_TIME], ['fine', undefined, MISSING_TIME]]);
    assert.equal(lenient[1].droppedLinksCount, undefined);
    assert.deepEqual(ctx.warnings(), ['1 span(s) had an unreadable parent id and are shown as roots.', '1 link(s) or reference(s) with unreadable ids were dropped.']);
    assert.throws(() => decodeOtlpJson({ resourceSpans: {} }), MalformedOtlpError);
    assert.deepEqual(convertResourceSpans([{ scopeSpans: {} }, 7], new ConversionContext()), []);
  });
});
