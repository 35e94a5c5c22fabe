// Writes a Trace as OTLP JSON (what the Collector's file exporter or Tempo returns), so the
// bench can time the whole path a user waits for: JSON text → model → columns → painted rows.
import type { AttributeValue, Attributes, Trace } from '../src/core/model/trace';

function anyValue(v: AttributeValue): unknown {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'bigint') return { intValue: v.toString() };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (v === null) return {};
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: keyValues(v as Attributes) } };
}

function keyValues(attrs: Attributes): unknown[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

const KIND: Record<string, number> = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS: Record<string, number> = { unset: 0, ok: 1, error: 2 };

export function toOtlpJson(trace: Trace): string {
  const byResource = new Map<object, Trace['spans']>();
  for (const s of trace.spans) {
    let list = byResource.get(s.resource);
    if (!list) { list = []; byResource.set(s.resource, list); }
    list.push(s);
  }
  const resourceSpans = [...byResource.values()].map((spans) => ({
    resource: { attributes: keyValues(spans[0].resource.attributes) },
    scopeSpans: [{
      scope: { name: spans[0].scope.name, version: spans[0].scope.version },
      spans: spans.map((s) => ({
        traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, kind: KIND[s.kind],
        startTimeUnixNano: s.startTimeUnixNano.toString(), endTimeUnixNano: s.endTimeUnixNano.toString(),
        attributes: keyValues(s.attributes),
        events: s.events.map((e) => ({ timeUnixNano: e.timeUnixNano.toString(), name: e.name, attributes: keyValues(e.attributes) })),
        links: [], status: { code: STATUS[s.status.code], message: s.status.message },
      })),
    }],
  }));
  return JSON.stringify({ resourceSpans });
}
