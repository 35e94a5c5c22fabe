import type { Attributes, Resource, Span, SpanEvent } from '../../../src/core/model/trace';

const resources = new Map<string, Resource>();

export function resourceOf(serviceName: string): Resource {
  let r = resources.get(serviceName);
  if (!r) resources.set(serviceName, (r = { serviceName, attributes: { 'service.name': serviceName } }));
  return r;
}

let counter = 0;

export interface SpanInit {
  name?: string;
  attributes?: Attributes;
  startMs?: number;
  durationNs?: number;
  error?: boolean;
  message?: string;
  service?: string;
  traceId?: string;
  events?: SpanEvent[];
}

/** A model span with sensible defaults; times in ms since the epoch, duration in ns. */
export function makeSpan(init: SpanInit = {}): Span {
  counter++;
  const startNs = BigInt(Math.round((init.startMs ?? 1_763_726_400_000) * 1e6));
  const span: Span = {
    traceId: init.traceId ?? counter.toString(16).padStart(32, '0'),
    spanId: counter.toString(16).padStart(16, '0'),
    name: init.name ?? 'span',
    kind: 'internal',
    startTimeUnixNano: startNs,
    endTimeUnixNano: startNs + BigInt(Math.round(init.durationNs ?? 1_000_000)),
    attributes: init.attributes ?? {},
    events: init.events ?? [],
    links: [],
    status: init.error ? { code: 'error', message: init.message ?? 'failed' } : { code: 'unset' },
    resource: resourceOf(init.service ?? 'svc'),
    scope: { name: 'test' },
  };
  return span;
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
