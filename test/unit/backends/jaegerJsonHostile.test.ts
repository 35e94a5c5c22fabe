import assert from 'node:assert/strict';
import { jaegerDocumentToTraces } from '../../../src/core/backends/convertDocuments';
import { MalformedResponseError } from '../../../src/core/errors';

const T = '00000000000000000123456789abcdef';

describe('Jaeger v1 JSON converter: mapping and hostile input', () => {
  it('maps references, tag types, logs, processes, warnings and otel.* tags', () => {
    const [t] = jaegerDocumentToTraces(
      {
        data: [
          {
            traceID: '123456789abcdef',
            processes: { p1: { serviceName: 'api', tags: [{ key: 'host.name', type: 'string', value: 'h1' }] } },
            warnings: ['clock skew adjusted'],
            spans: [
              {
                traceID: '123456789abcdef',
                spanID: '00000000000000a1',
                operationName: 'root',
                references: [],
                startTime: 1_700_000_000_000_001,
                duration: 2_500,
                processID: 'p1',
                tags: [
                  { key: 'span.kind', type: 'string', value: 'server' },
                  { key: 'otel.status_code', type: 'string', value: 'ERROR' },
                  { key: 'otel.status_description', type: 'string', value: 'boom' },
                  { key: 'error', type: 'bool', value: true },
                  { key: 'otel.scope.name', type: 'string', value: 'lib' },
                  { key: 'otel.scope.version', type: 'string', value: '2' },
                  { key: 'b', type: 'bool', value: false },
                  { key: 'i', type: 'int64', value: 42 },
                  { key: 'f', type: 'float64', value: 1.25 },
                  { key: 'bin', type: 'binary', value: 'AQID' },
                  { key: 'big', type: 'int64', value: '9007199254740993' },
                ],
                logs: [{ timestamp: 1_700_000_000_000_500, fields: [{ key: 'event', type: 'string', value: 'retry' }, { key: 'n', type: 'int64', value: 2 }] }],
                warnings: ['something odd'],
              },
              {
                traceID: '123456789abcdef',
                spanID: '00000000000000a2',
                operationName: 'child',
                references: [
                  { refType: 'FOLLOWS_FROM', traceID: 'ffffffffffffffffffffffffffffffff', spanID: '00000000000000f1' },
                  { refType: 'CHILD_OF', traceID: '123456789abcdef', spanID: '00000000000000a1' },
                ],
                startTime: 1_700_000_000_000_100,
                duration: 100,
                processID: 'p1',
                tags: [{ key: 'w3c.tracestate', type: 'string', value: 'k=v' }],
              },
              {
                traceID: '123456789abcdef',
                spanID: '00000000000000a3',
                operationName: 'async',
                references: [{ refType: 'FOLLOWS_FROM', traceID: '123456789abcdef', spanID: '00000000000000a1' }],
                startTime: 1_700_000_000_000_200,
                duration: 100,
                processID: 'missing',
              },
            ],
          },
        ],
      },
      'x',
    );
    assert.equal(t.traceId, T);
    const [root, child, async] = t.spans;
    assert.equal(root.kind, 'server');
    assert.deepEqual(root.status, { code: 'error', message: 'boom' });
    assert.deepEqual(root.scope, { name: 'lib', version: '2' });
    assert.deepEqual(root.attributes, { b: false, i: 42, f: 1.25, bin: new Uint8Array([1, 2, 3]), big: 9007199254740993n });
    assert.equal(root.startTimeUnixNano, 1_700_000_000_000_001_000n);
    assert.equal(root.endTimeUnixNano - root.startTimeUnixNano, 2_500_000n);
    assert.deepEqual(root.events, [{ timeUnixNano: 1_700_000_000_000_500_000n, name: 'retry', attributes: { n: 2 } }]);
    assert.equal(root.resource.serviceName, 'api');
    assert.deepEqual(root.resource.attributes, { 'host.name': 'h1', 'service.name': 'api' });
    assert.equal(child.resource, root.resource, 'one resource per process');
    assert.equal(child.parentSpanId, '00000000000000a1');
    assert.deepEqual(child.links, [{ traceId: 'f'.repeat(32), spanId: '00000000000000f1', attributes: {} }]);
    assert.equal(child.traceState, 'k=v');
    assert.equal(async.parentSpanId, '00000000000000a1', 'FOLLOWS_FROM in the same trace is the parent when there is no CHILD_OF');
    assert.equal(async.resource.serviceName, 'unknown_service');
    assert.ok(t.warnings.includes('clock skew adjusted'));
    assert.ok(t.warnings.includes('Span 00000000000000a1: something odd'));
  });

  it('survives wrong types, missing processes and broken references', () => {
    const [t] = jaegerDocumentToTraces(
      {
        data: [
          {
            traceID: 'x',
            processes: 'nope',
            spans: [
              null,
              { traceID: 'nothex', spanID: '1' },
              {
                traceID: 'abc',
                spanID: 'def',
                operationName: ['x'],
                references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: 'zz' }, 'x', { refType: 'FOLLOWS_FROM' }],
                startTime: 'yesterday',
                duration: -10,
                tags: [{ key: 'i', type: 'int64', value: 'many' }, { key: 'b', type: 'bool', value: 'maybe' }, { type: 'string' }, { key: 's', value: { o: 1 } }],
                logs: [{ timestamp: null, fields: 'x' }],
              },
            ],
          },
        ],
      },
      'x',
    );
    assert.equal(t.spans.length, 1);
    const s = t.spans[0];
    assert.equal(s.name, '');
    assert.equal(s.parentSpanId, undefined);
    assert.deepEqual(s.links, []);
    assert.deepEqual(s.attributes, { i: 'many', b: 'maybe', s: '{"o":1}' });
    assert.equal(s.events.length, 1);
    assert.equal(s.startTimeUnixNano, 0n);
    assert.ok(t.warnings.some((w) => /no valid start time/.test(w)));
  });

  it('accepts a bare trace object and a list of traces; rejects other shapes', () => {
    const trace = { traceID: 'a', spans: [{ traceID: 'a', spanID: 'b', startTime: 1, duration: 1 }], processes: {} };
    assert.equal(jaegerDocumentToTraces(trace, 'x').length, 1);
    assert.equal(jaegerDocumentToTraces([trace], 'x').length, 1);
    assert.throws(() => jaegerDocumentToTraces({ errors: [{ code: 500, msg: 'x' }] }, 'Jaeger'), MalformedResponseError);
    assert.throws(() => jaegerDocumentToTraces([1, 2], 'Jaeger'), MalformedResponseError);
  });
});
