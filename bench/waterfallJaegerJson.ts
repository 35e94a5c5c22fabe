// Writes a Trace as Jaeger's v1 query API answers it (`GET /api/traces/{id}`, what Jaeger UI
// reads), so the bench can serve the bytes a user's Open Trace by ID really receives.
import type { AttributeValue, Attributes, Trace } from '../src/core/model/trace';

function tag(key: string, v: AttributeValue): unknown {
  if (typeof v === 'string') return { key, type: 'string', value: v };
  if (typeof v === 'boolean') return { key, type: 'bool', value: v };
  if (typeof v === 'bigint') return { key, type: 'int64', value: Number(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { key, type: 'int64', value: v } : { key, type: 'float64', value: v };
  return { key, type: 'string', value: JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) };
}

const tags = (attrs: Attributes) => Object.entries(attrs).map(([k, v]) => tag(k, v));
const micros = (ns: bigint) => Number(ns / 1000n);

export function toJaegerJson(trace: Trace): string {
  const processIds = new Map<object, string>();
  const processes: Record<string, unknown> = {};
  for (const s of trace.spans) {
    if (processIds.has(s.resource)) continue;
    const id = `p${processIds.size + 1}`;
    processIds.set(s.resource, id);
    const { 'service.name': _service, ...rest } = s.resource.attributes;
    processes[id] = { serviceName: s.resource.serviceName, tags: tags(rest) };
  }
  const spans = trace.spans.map((s) => ({
    traceID: s.traceId,
    spanID: s.spanId,
    operationName: s.name,
    references: s.parentSpanId ? [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId }] : [],
    startTime: micros(s.startTimeUnixNano),
    duration: micros(s.endTimeUnixNano - s.startTimeUnixNano),
    tags: [
      ...tags(s.attributes),
      { key: 'span.kind', type: 'string', value: s.kind },
      ...(s.status.code === 'error' ? [{ key: 'error', type: 'bool', value: true }] : []),
      { key: 'otel.scope.name', type: 'string', value: s.scope.name },
    ],
    logs: s.events.map((e) => ({ timestamp: micros(e.timeUnixNano), fields: [{ key: 'event', type: 'string', value: e.name }, ...tags(e.attributes)] })),
    processID: processIds.get(s.resource),
    warnings: null,
  }));
  return JSON.stringify({ data: [{ traceID: trace.traceId, spans, processes, warnings: null }], total: 0, limit: 0, offset: 0, errors: null });
}
