// Hand-built traces for the waterfall tests: times in ms from a fixed epoch, ids readable.
import type { Resource, Span, Trace } from '../../../src/core/model/trace';

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const EPOCH = 1_700_000_000_000_000_000n;
const resources = new Map<string, Resource>();

export function resource(service: string): Resource {
  let r = resources.get(service);
  if (!r) { r = { serviceName: service, attributes: { 'service.name': service } }; resources.set(service, r); }
  return r;
}

export interface SpanOptions {
  service?: string;
  name?: string;
  error?: boolean;
  attributes?: Span['attributes'];
  events?: Span['events'];
  links?: Span['links'];
}

/** `id` is padded to a 16-hex span id; start/end in ms. */
export function span(id: string, parent: string | undefined, startMs: number, endMs: number, o: SpanOptions = {}): Span {
  return {
    traceId: TRACE_ID,
    spanId: sid(id),
    parentSpanId: parent === undefined ? undefined : sid(parent),
    name: o.name ?? `op-${id}`,
    kind: 'internal',
    startTimeUnixNano: EPOCH + BigInt(Math.round(startMs * 1e6)),
    endTimeUnixNano: EPOCH + BigInt(Math.round(endMs * 1e6)),
    attributes: o.attributes ?? {},
    events: o.events ?? [],
    links: o.links ?? [],
    status: { code: o.error ? 'error' : 'unset' },
    resource: resource(o.service ?? 'svc'),
    scope: { name: 'test' },
  };
}

export function sid(id: string): string {
  return Buffer.from(id).toString('hex').padStart(16, '0').slice(-16);
}

export function msAt(ms: number): bigint {
  return EPOCH + BigInt(Math.round(ms * 1e6));
}

export function trace(spans: Span[]): Trace {
  return { traceId: TRACE_ID, spans, warnings: [] };
}
