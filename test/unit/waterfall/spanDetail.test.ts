import assert from 'node:assert/strict';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { buildSpanDetail, detailStack, DETAIL_VALUE_LIMIT } from '../../../src/core/waterfall/spanDetail';
import { searchTrace } from '../../../src/core/waterfall/traceSearch';
import { msAt, sid, span, trace } from './traceBuilder';

function sample() {
  const root = span('r', undefined, 0, 100, {
    name: 'GET /checkout',
    attributes: { 'http.route': '/checkout', 'code.filepath': 'src/app.ts', 'code.lineno': 42, big: 2n ** 70n, raw: new Uint8Array([1, 2, 3, 255]), list: [1, 'a', true], huge: 'v'.repeat(DETAIL_VALUE_LIMIT + 10) },
    links: [{ traceId: '1'.repeat(32), spanId: '2'.repeat(16), attributes: { why: 'batch' } }],
    events: [{
      timeUnixNano: msAt(30), name: 'exception', attributes: {
        'exception.type': 'Error',
        'exception.stacktrace': 'Error: boom\n    at charge (/srv/pay.js:10:5)\n    at /srv/main.js:3:1',
      },
    }],
    error: true,
  });
  root.resource.attributes['host.name'] = 'box-1';
  return trace([root, span('c', 'r', 10, 20, { name: 'SELECT users', attributes: { 'db.statement': 'select * from users where id = ?' } })]);
}

describe('waterfall span detail', () => {
  it('carries the span\'s revision into its source location and shows code.stacktrace as frames', () => {
    const sha = 'c0ffee1234567890c0ffee1234567890c0ffee12';
    const root = span('r', undefined, 0, 10, { service: 'deployed', attributes: { 'code.filepath': '/app/orders.js', 'code.lineno': 7, 'code.stacktrace': 'Error\n    at placeOrder (/app/orders.js:7:3)\n    at main (/app/index.js:2:1)' } });
    root.resource.attributes['vcs.ref.head.revision'] = sha;
    const d = buildSpanDetail(buildWaterfall(trace([root, span('c', 'r', 1, 2, { service: 'deployed' })])), 0)!;
    assert.deepEqual(d.revision, { commit: sha, attribute: 'vcs.ref.head.revision' });
    assert.equal(d.source?.revision, sha);
    assert.deepEqual(d.stack?.map((f) => [f.file, f.line]), [[undefined, undefined], ['/app/orders.js', 7], ['/app/index.js', 2]]);
    const child = buildSpanDetail(buildWaterfall(trace([root, span('c', 'r', 1, 2, { service: 'deployed' })])), 1)!;
    assert.equal(child.revision?.commit, sha, 'the resource\'s revision holds for every span of the service');
    assert.equal(child.stack, undefined);
  });

  it('groups attributes and formats every value type as text', () => {
    const layout = buildWaterfall(sample());
    const d = buildSpanDetail(layout, 0)!;
    assert.equal(d.name, 'GET /checkout');
    assert.equal(d.spanId, sid('r'));
    assert.equal(d.statusCode, 'error');
    const get = (k: string) => d.attributes.span.find((a) => a.key === k);
    assert.deepEqual(get('big'), { key: 'big', value: (2n ** 70n).toString(), type: 'int' });
    assert.deepEqual(get('raw'), { key: 'raw', value: 'AQID/w==', type: 'bytes' });
    assert.deepEqual(get('list'), { key: 'list', value: '[1,"a",true]', type: 'array' });
    assert.match(get('huge')!.value, /… \(10 more characters\)$/);
    assert.ok(d.attributes.resource.some((a) => a.key === 'host.name' && a.value === 'box-1'));
    assert.deepEqual(d.source, { file: 'src/app.ts', line: 42, column: undefined, function: undefined });
    assert.equal(d.links[0].traceId, '1'.repeat(32));
    assert.equal(d.events[0].offsetNs, 30e6);
    assert.deepEqual(d.events[0].stack?.map((f) => [f.file, f.line, f.column, f.function]), [
      [undefined, undefined, undefined, undefined], ['/srv/pay.js', 10, 5, 'charge'], ['/srv/main.js', 3, 1, undefined],
    ]);
    assert.equal(d.critical, true);
  });

  it('rejects rows out of range', () => {
    const layout = buildWaterfall(sample());
    assert.equal(buildSpanDetail(layout, 2), undefined);
    assert.equal(buildSpanDetail(layout, -1), undefined);
    assert.equal(buildSpanDetail(layout, 0.5), undefined);
  });
});

describe('waterfall stack trace parsing', () => {
  it('reads Python, Java, Go, .NET and Ruby frames', () => {
    const py = detailStack('Traceback (most recent call last):\n  File "/app/views.py", line 12, in handler\n    do()\nValueError: x');
    assert.deepEqual(py[1], { text: 'File "/app/views.py", line 12, in handler', function: 'handler', file: '/app/views.py', line: 12 });
    const java = detailStack('java.lang.IllegalStateException: x\n\tat com.acme.Pay.charge(Pay.java:88)');
    // Java frames carry their package folders, as the statistics read them, so the link finds the right Pay.java.
    assert.deepEqual([java[1].function, java[1].file, java[1].line], ['com.acme.Pay.charge', 'com/acme/Pay.java', 88]);
    const go = detailStack('goroutine 1 [running]:\nmain.charge(0x1)\n\t/src/pay.go:21 +0x1d');
    assert.deepEqual([go[1].function, go[1].file, go[1].line], ['main.charge', '/src/pay.go', 21]);
    assert.equal(go.length, 2);
    const net = detailStack('   at Acme.Pay.Charge() in /src/Pay.cs:line 17');
    assert.deepEqual([net[0].function, net[0].file, net[0].line], ['Acme.Pay.Charge', '/src/Pay.cs', 17]);
    const rb = detailStack("app/pay.rb:5:in `charge'");
    assert.deepEqual([rb[0].function, rb[0].file, rb[0].line], ['charge', 'app/pay.rb', 5]);
  });

  it('caps frames and line length', () => {
    const frames = detailStack(Array.from({ length: 1000 }, () => `x${'y'.repeat(5000)}`).join('\n'));
    assert.equal(frames.length, 200);
    assert.equal(frames[0].text.length, 2000);
  });
});

describe('waterfall search', () => {
  it('matches names, services, attribute keys and values, and key=value', () => {
    const layout = buildWaterfall(sample());
    assert.deepEqual(Array.from(searchTrace(layout, 'select')), [1]);
    assert.deepEqual(Array.from(searchTrace(layout, 'SVC')), [0, 1]);
    assert.deepEqual(Array.from(searchTrace(layout, 'http.route')), [0]);
    assert.deepEqual(Array.from(searchTrace(layout, 'where id')), [1]);
    assert.deepEqual(Array.from(searchTrace(layout, 'http.route=/check')), [0]);
    assert.deepEqual(Array.from(searchTrace(layout, 'http.route=/nope')), []);
    assert.deepEqual(Array.from(searchTrace(layout, sid('c'))), [1]);
    assert.deepEqual(Array.from(searchTrace(layout, '   ')), []);
  });
});
