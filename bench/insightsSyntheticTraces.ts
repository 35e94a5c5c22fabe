// GENERATED traces for the insight detectors' edge-case tests and bench: built in code, not
// recorded from an SDK (the recorded corpus is test/insights-corpus/). A small builder, attribute
// helpers with the semantic-convention names, and a mix of request shapes for the 10k-trace bench.
import type { Attributes, Resource, Span, SpanKind, Trace } from '../src/core/model/trace';

const BASE_NS = 1_765_000_000_000_000_000n;
const resources = new Map<string, Resource>();

function resourceOf(serviceName: string, host = 'host-1'): Resource {
  const key = `${serviceName}\u0000${host}`;
  let r = resources.get(key);
  if (!r) resources.set(key, (r = { serviceName, attributes: { 'service.name': serviceName, 'host.name': host } }));
  return r;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0').slice(-width);
}

let traceCounter = 0;

export interface SpanSpec {
  name: string;
  parent?: Span;
  /** ms after the trace's base time. */
  startMs: number;
  durationMs: number;
  kind?: SpanKind;
  attributes?: Attributes;
  service?: string;
  /** A different host.name means a different clock to the skew correction. */
  host?: string;
}

/** One generated trace, span by span. */
export class GeneratedTrace {
  readonly traceId: string;
  private readonly spans: Span[] = [];

  constructor(readonly service = 'generated-svc') {
    this.traceId = `9e4e${hex(++traceCounter, 28)}`;
  }

  span(spec: SpanSpec): Span {
    const start = BASE_NS + BigInt(Math.round(spec.startMs * 1e6));
    const span: Span = {
      traceId: this.traceId,
      spanId: hex(this.spans.length + 1 + traceCounter * 65536, 16),
      name: spec.name,
      kind: spec.kind ?? 'internal',
      startTimeUnixNano: start,
      endTimeUnixNano: start + BigInt(Math.round(spec.durationMs * 1e6)),
      attributes: spec.attributes ?? {},
      events: [],
      links: [],
      status: { code: 'unset' },
      resource: resourceOf(spec.service ?? this.service, spec.host),
      scope: { name: 'generated' },
    };
    if (spec.parent) span.parentSpanId = spec.parent.spanId;
    this.spans.push(span);
    return span;
  }

  trace(): Trace {
    return { traceId: this.traceId, spans: this.spans, warnings: [] };
  }
}

export function dbAttrs(statement: string | undefined, system = 'postgresql'): Attributes {
  const a: Attributes = { 'db.system.name': system, 'server.address': 'db.internal', 'db.namespace': 'shop' };
  if (statement !== undefined) a['db.query.text'] = statement;
  return a;
}

export function httpAttrs(method: string, url: string): Attributes {
  return { 'http.request.method': method, 'url.full': url };
}

export function codeAttrs(fn: string, file = 'src/app/handlers.ts', line = 10): Attributes {
  return { 'code.function.name': fn, 'code.file.path': file, 'code.line.number': line };
}

/** A request whose handler loops over `n` rows with one query each (PI001 when n ≥ 5 and long enough). */
export function nPlusOneTrace(n: number, perQueryMs: number, gapMs = 0.2): Trace {
  const t = new GeneratedTrace('orders');
  const total = 2 + n * (perQueryMs + gapMs) + 2;
  const root = t.span({ name: 'GET /orders', kind: 'server', startMs: 0, durationMs: total, attributes: codeAttrs('OrderController.list', 'src/orders/controller.ts', 42) });
  t.span({ name: 'SELECT orders', kind: 'client', parent: root, startMs: 0.5, durationMs: 1, attributes: dbAttrs('SELECT * FROM orders LIMIT 50') });
  let at = 2;
  for (let i = 0; i < n; i++) {
    t.span({ name: 'SELECT order_items', kind: 'client', parent: root, startMs: at, durationMs: perQueryMs, attributes: dbAttrs(`SELECT * FROM order_items WHERE order_id = ${1000 + i}`) });
    at += perQueryMs + gapMs;
  }
  return t.trace();
}

/**
 * `count` traces of mixed shapes with about 20 spans each, as a service's statistics window holds
 * them: N+1 loops, serial and parallel fan-outs, cache reads, and plain requests.
 */
export function syntheticInsightTraces(count: number): Trace[] {
  const out: Trace[] = [];
  for (let k = 0; k < count; k++) {
    const shape = k % 4;
    if (shape === 0) {
      out.push(nPlusOneTrace(15 + (k % 7), 0.8));
      continue;
    }
    const t = new GeneratedTrace(`svc-${k % 5}`);
    const root = t.span({ name: `GET /endpoint/${k % 10}`, kind: 'server', startMs: 0, durationMs: 120, attributes: codeAttrs(`Handler${k % 10}.handle`) });
    if (shape === 1) {
      // Serial fan-out to three services, then statements.
      for (let i = 0; i < 3; i++) t.span({ name: 'GET', kind: 'client', parent: root, startMs: 1 + i * 25, durationMs: 24, attributes: httpAttrs('GET', `http://svc-${i}.internal/api/items/${k}`) });
      for (let i = 0; i < 16; i++) t.span({ name: 'SELECT', kind: 'client', parent: root, startMs: 80 + i * 2, durationMs: i === 3 ? 1.9 : 0.5, attributes: dbAttrs(`SELECT * FROM t${i % 4} WHERE id = ${i}`) });
    } else if (shape === 2) {
      // Parallel fan-out and a cache-aside read.
      for (let i = 0; i < 3; i++) t.span({ name: 'GET', kind: 'client', parent: root, startMs: 1, durationMs: 30 + i, attributes: httpAttrs('GET', `http://svc-${i}.internal/api/x`) });
      const fn = t.span({ name: 'loadProduct', parent: root, startMs: 40, durationMs: 20, attributes: codeAttrs('ProductRepo.load', 'src/products/repo.ts', 7) });
      t.span({ name: 'GET', kind: 'client', parent: fn, startMs: 40.5, durationMs: 0.4, attributes: { ...dbAttrs('GET product:17', 'redis'), 'db.operation.name': 'GET' } });
      t.span({ name: 'SELECT', kind: 'client', parent: fn, startMs: 41, durationMs: 8, attributes: dbAttrs(`SELECT * FROM products WHERE id = ${k}`) });
      t.span({ name: 'SET', kind: 'client', parent: fn, startMs: 49.5, durationMs: 0.4, attributes: { ...dbAttrs('SET product:17 ?', 'redis'), 'db.operation.name': 'SET' } });
      for (let i = 0; i < 12; i++) t.span({ name: `step ${i}`, parent: root, startMs: 60 + i * 4, durationMs: 3.5, attributes: codeAttrs(`Step${i}.run`, 'src/steps.ts', 10 + i) });
    } else {
      // Plain work: nested internal spans.
      let parent = root;
      for (let i = 0; i < 19; i++) parent = t.span({ name: `work ${i}`, parent, startMs: 1 + i, durationMs: 110 - i * 5, attributes: codeAttrs(`Work${i}.run`, 'src/work.ts', i + 1) });
    }
    out.push(t.trace());
  }
  return out;
}
