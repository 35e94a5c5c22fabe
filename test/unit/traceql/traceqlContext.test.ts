import assert from 'node:assert/strict';
import { cachedTagSource, traceqlCompletionContext } from '../../../src/core/traceql/traceqlCompletion';

/** The context at the `|` of `query`. */
function at(query: string) {
  const offset = query.indexOf('|');
  return traceqlCompletionContext(query.slice(0, offset) + query.slice(offset + 1), offset);
}

describe('TraceQL completion: where the cursor is', () => {
  it('attribute names where a condition starts, scoped after span. or resource.', () => {
    assert.deepEqual(at('{ |'), { kind: 'attribute', prefix: '', from: 2 });
    assert.deepEqual(at('{ dur|'), { kind: 'attribute', prefix: 'dur', from: 2 });
    assert.deepEqual(at('{ status = error && span.http.r|'), { kind: 'attribute', scope: 'span', prefix: 'http.r', from: 25 });
    assert.deepEqual(at('{ (.ser|'), { kind: 'attribute', scope: '', prefix: 'ser', from: 4 });
    assert.deepEqual(at('{ bogus.x|'), { kind: 'none' }, 'not a scope');
    assert.deepEqual(at('|{ }'), { kind: 'none' }, 'outside a spanset');
    assert.deepEqual(at('{ name = "a" } && { |'), { kind: 'attribute', prefix: '', from: 20 });
  });

  it('values after an operator, bare or in the quote being typed, narrowed by the other conditions', () => {
    assert.deepEqual(at('{ resource.service.name = |'), { kind: 'value', attribute: 'resource.service.name', prefix: '', from: 26, quoted: false, narrowing: undefined });
    assert.deepEqual(at('{ resource.service.name = "che|'), { kind: 'value', attribute: 'resource.service.name', prefix: 'che', from: 26, quoted: true, narrowing: undefined });
    assert.deepEqual(at('{ resource.service.name = "checkout" && name = |'), {
      kind: 'value', attribute: 'name', prefix: '', from: 47, quoted: false, narrowing: '{ resource.service.name = "checkout" }',
    });
    assert.deepEqual(at('{ span.http.response.status_code >= 2| }'), { kind: 'value', attribute: 'span.http.response.status_code', prefix: '2', from: 36, quoted: false, narrowing: undefined });
    assert.equal(at('{ span."odd name" != |').kind, 'value');
    assert.deepEqual(at('{ name = "a|b" }'), { kind: 'value', attribute: 'name', prefix: 'a', from: 9, quoted: true, narrowing: undefined });
    // A brace or quote inside a string is text, not structure.
    assert.deepEqual(at('{ name = "}{\\"" && sta|'), { kind: 'attribute', prefix: 'sta', from: 19 });
  });

  it('tag names are fetched once a minute, not per keystroke; a failure is not cached', async () => {
    let calls = 0;
    let fail = true;
    let now = 0;
    const source = cachedTagSource({
      tags: async () => { calls++; if (fail) throw new Error('down'); return { span: ['a'] }; },
      typedTagValues: async () => [],
    }, 60_000, () => now);
    await assert.rejects(source.tags(), /down/);
    fail = false;
    assert.deepEqual(await source.tags(), { span: ['a'] });
    await source.tags();
    assert.equal(calls, 2);
    now = 61_000;
    await source.tags();
    assert.equal(calls, 3);
  });
});
