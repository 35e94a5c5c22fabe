import assert from 'node:assert/strict';
import { exceptionLocationOf, extractCodeLocation, locationKeyString, locationLabel, qualifiedFunctionName } from '../../../src/core/source/codeLocation';
import { makeSpan } from '../stats/makeSpan';

describe('code location extraction', () => {
  it('reads the current code.* attributes', () => {
    const loc = extractCodeLocation(
      makeSpan({ attributes: { 'code.file.path': '/app/src/svc.py', 'code.function.name': 'orders.svc.Svc.serve', 'code.line.number': 42, 'code.column.number': 5 } }),
    );
    assert.deepEqual(loc, { source: 'code', filePath: '/app/src/svc.py', functionName: 'orders.svc.Svc.serve', lineNumber: 42, columnNumber: 5 });
  });

  it('reads the older names, and numbers sent as bigint or string', () => {
    const loc = extractCodeLocation(makeSpan({ attributes: { 'code.filepath': 'Svc.java', 'code.function': 'serve', 'code.namespace': 'com.example.Svc', 'code.lineno': 12n, 'code.column': '7' } }));
    assert.deepEqual(loc, { source: 'code', filePath: 'Svc.java', functionName: 'serve', namespace: 'com.example.Svc', lineNumber: 12, columnNumber: 7 });
  });

  it('gives old and new conventions for the same function the same key', () => {
    const old = extractCodeLocation(makeSpan({ attributes: { 'code.filepath': '/app/Svc.java', 'code.function': 'serve', 'code.namespace': 'com.example.Svc' } }));
    const cur = extractCodeLocation(makeSpan({ attributes: { 'code.file.path': 'file:///app/Svc.java', 'code.function.name': 'com.example.Svc.serve' } }));
    assert.equal(locationKeyString(old), locationKeyString(cur));
    assert.equal(qualifiedFunctionName(old), 'com.example.Svc.serve');
  });

  it('ignores hostile attribute values', () => {
    const loc = extractCodeLocation(
      makeSpan({ name: 'op', attributes: { 'code.file.path': 42, 'code.function.name': ['x'], 'code.line.number': -1, 'code.filepath': '   ' } }),
    );
    assert.deepEqual(loc, { spanName: 'op', source: 'span.name' });
    const big = extractCodeLocation(makeSpan({ attributes: { 'code.function.name': 'f'.repeat(100_000), 'code.line.number': 1e12 } }));
    assert.equal(big.functionName?.length, 1024);
    assert.equal(big.lineNumber, undefined);
  });

  it('falls back to the top user frame of code.stacktrace', () => {
    const stack = 'Error\n    at handler (/app/node_modules/x/index.js:1:1)\n    at Orders.place (/app/src/orders.js:30:7)';
    const loc = extractCodeLocation(makeSpan({ attributes: { 'code.stacktrace': stack } }));
    assert.deepEqual(loc, { source: 'code.stacktrace', filePath: '/app/src/orders.js', functionName: 'Orders.place', lineNumber: 30, columnNumber: 7 });
  });

  it('falls back to the span name, and reads exception events only as a hint', () => {
    const span = makeSpan({
      name: 'process_payment',
      error: true,
      events: [{ timeUnixNano: 1n, name: 'exception', attributes: { 'exception.stacktrace': 'Traceback (most recent call last):\n  File "/app/pay.py", line 9, in charge\n    x()\n' } }],
    });
    const loc = extractCodeLocation(span);
    assert.equal(loc.source, 'span.name');
    assert.equal(locationKeyString(loc), 'name\u0000process_payment');
    assert.deepEqual(exceptionLocationOf(span), { source: 'exception.stacktrace', filePath: '/app/pay.py', functionName: 'charge', lineNumber: 9 });
  });

  it('labels locations for humans', () => {
    assert.equal(locationLabel({ functionName: 'com.example.Svc.serve' }), 'Svc.serve');
    assert.equal(locationLabel({ spanName: 'checkout' }), '"checkout"');
    assert.equal(locationLabel({ filePath: '/app/src/orders/service.py' }), 'orders/service.py');
  });
});
