import assert from 'node:assert/strict';
import { traceqlInputProblem, validateTraceQL } from '../../../src/core/traceql/traceqlValidation';

describe('TraceQL validation (Grafana\'s lezer grammar)', () => {
  it('accepts the queries of Tempo\'s documentation: spansets, pipelines, structural operators', () => {
    for (const q of [
      '{ status = error }',
      '{ resource.service.name = "checkout" && duration > 500ms }',
      '{ span.http.status_code >= 500 } | count() > 2',
      '{ resource.service.name = "frontend" } >> { name = "SELECT" }',
      '{ .http.method = "GET" }\n  && { .db.system = "redis" }',
      '',
    ]) assert.deepEqual(validateTraceQL(q), [], q);
  });

  it('locates what is wrong or missing and says it', () => {
    assert.deepEqual(validateTraceQL('{ status = }'), [{ from: 11, to: 11, message: 'Something is missing before "}".' }]);
    assert.deepEqual(validateTraceQL('{ duration > 1s && '), [{ from: 18, to: 18, message: 'The query ends too early: a value, an operator\'s right side or a closing } is missing.' }]);
    const [p] = validateTraceQL('from spans where x');
    assert.equal(p.from, 0);
    assert.match(p.message, /^Unexpected "from/);
  });

  it('gives the search box one line with the column', () => {
    assert.equal(traceqlInputProblem('{ status = error }'), undefined);
    assert.equal(traceqlInputProblem('{ status = }'), 'TraceQL, column 12: Something is missing before "}".');
  });
});
