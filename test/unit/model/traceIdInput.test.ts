import * as assert from 'node:assert/strict';
import { findTraceIdsInText, parseTraceIdInput } from '../../../src/core/model/traceIdInput';

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function ok(input: string) {
  const r = parseTraceIdInput(input);
  assert.ok(r.ok, `${input}: ${r.ok ? '' : r.message}`);
  return r.reference;
}

describe('parseTraceIdInput', () => {
  it('accepts 32 and 16 hex ids in any case, with whitespace', () => {
    assert.deepEqual(ok(`  ${ID.toUpperCase()} `), { traceId: ID });
    assert.deepEqual(ok('a3ce929d0e0e4736'), { traceId: '0000000000000000a3ce929d0e0e4736' });
  });

  it('takes the trace and span from a traceparent', () => {
    assert.deepEqual(ok(`00-${ID}-00f067aa0ba902b7-01`), { traceId: ID, spanId: '00f067aa0ba902b7' });
    assert.deepEqual(ok(`traceparent: 00-${ID}-00f067aa0ba902b7-01`), { traceId: ID, spanId: '00f067aa0ba902b7' });
  });

  it('finds ids in URLs and log lines', () => {
    assert.equal(ok(`http://localhost:16686/trace/${ID}?uiFind=x`).traceId, ID);
    assert.equal(ok(`https://grafana.example/explore?traceId=${ID}&x=1`).traceId, ID);
    assert.equal(ok(`2026-01-01 ERROR payment failed trace_id=${ID} span_id=00f067aa0ba902b7`).traceId, ID);
    assert.equal(ok(`{"level":"error","traceId":"${ID}"}`).traceId, ID);
  });

  it('explains what is wrong with bad input', () => {
    for (const [input, pattern] of [
      ['', /Paste a trace id/],
      ['abc123', /32 or 16 hex characters; this has 6/],
      ['0'.repeat(32), /all-zero/],
      ['no id here', /No trace id found/],
      [`${ID}ff`, /this has 34/],
    ] as const) {
      const r = parseTraceIdInput(input);
      assert.equal(r.ok, false, input);
      if (!r.ok) assert.match(r.message, pattern);
    }
  });

  it('does not take a longer hex run for an id', () => {
    assert.equal(parseTraceIdInput(`sha ${'a'.repeat(40)}`).ok, false);
  });
});

describe('findTraceIdsInText', () => {
  it('finds labelled ids and traceparents with their offsets', () => {
    const text = `a trace_id=${ID} b\n"traceId": "a3ce929d0e0e4736"\ntraceparent=00-${ID}-00f067aa0ba902b7-01 and sha=${'f'.repeat(32)}`;
    const found = findTraceIdsInText(text);
    assert.equal(found.length, 3);
    for (const m of found) assert.equal(text.slice(m.start, m.end).padStart(32, '0'), m.reference.traceId);
    assert.equal(found[2].reference.spanId, '00f067aa0ba902b7');
  });
});
