/** Building TraceQL from the structured search fields, with values quoted so input cannot change the query. */
import type { TraceQuery } from './traceBackend';

export function quoteTraceQL(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `.name` for ordinary attribute names, `."odd name"` otherwise; `scope` is `span`, `resource` or empty. */
export function attributeRef(name: string, scope: '' | 'span' | 'resource' = ''): string {
  const simple = /^[A-Za-z_][A-Za-z0-9_.:\-/]*$/.test(name);
  return `${scope}.${simple ? name : quoteTraceQL(name)}`;
}

function durationLiteral(ms: number): string {
  return `${Math.max(0, Math.round(ms * 1e6))}ns`;
}

/** The query's own TraceQL when given, else one spanset whose conditions one span must meet. */
export function buildTraceQL(q: Omit<TraceQuery, 'range' | 'limit'>): string {
  if (q.traceql && q.traceql.trim()) return q.traceql.trim();
  const conds: string[] = [];
  if (q.service) conds.push(`resource.service.name = ${quoteTraceQL(q.service)}`);
  if (q.operation) conds.push(`name = ${quoteTraceQL(q.operation)}`);
  for (const [k, v] of Object.entries(q.tags ?? {})) conds.push(`${attributeRef(k)} = ${quoteTraceQL(v)}`);
  if (q.minDurationMs !== undefined) conds.push(`duration >= ${durationLiteral(q.minDurationMs)}`);
  if (q.maxDurationMs !== undefined) conds.push(`duration <= ${durationLiteral(q.maxDurationMs)}`);
  if (q.errorsOnly) conds.push('status = error');
  return conds.length ? `{ ${conds.join(' && ')} }` : '{ }';
}
