// Synthetic traces for the waterfall bench and browser tests: a request fanning out over
// services with realistic depth (up to ~12) and branching, 10 attributes per span, some
// errors and events, and one subtree of ~10k descendants to time collapse/expand.
import type { Resource, Span, Trace } from '../src/core/model/trace';

export interface SyntheticOptions {
  spans: number;
  /** Size of the one large subtree under the root (for the collapse measurement). */
  bigSubtree?: number;
  seed?: number;
}

const SERVICES = ['frontend', 'checkout', 'payment', 'cart', 'catalog', 'shipping', 'email', 'currency', 'ads', 'recommend', 'auth', 'db-proxy'];
const OPS = ['GET /api/cart', 'POST /api/checkout', 'SELECT orders', 'INSERT payment', 'redis GET', 'grpc Charge', 'render template', 'kafka publish', 'http.client', 'validate'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

export function syntheticTrace(o: SyntheticOptions): Trace {
  const rand = rng(o.seed ?? 7);
  const traceId = '4bf92f3577b34da6a3ce929d0e0e' + hex(o.spans % 65536, 4);
  const resources: Resource[] = SERVICES.map((s, i) => ({ serviceName: s, attributes: { 'service.name': s, 'host.name': `host-${i}`, 'service.version': '1.4.2', 'telemetry.sdk.language': 'nodejs' } }));
  const base = 1_760_000_000_000_000_000n;
  const spans: Span[] = [];
  const make = (parent: Span | undefined, startNs: number, durNs: number, svc: number, depth: number): Span => {
    const i = spans.length;
    const op = OPS[Math.floor(rand() * OPS.length)];
    const error = rand() < 0.01;
    const s: Span = {
      traceId,
      spanId: hex(i + 1, 16),
      parentSpanId: parent?.spanId,
      name: `${op}`,
      kind: depth === 0 ? 'server' : rand() < 0.5 ? 'client' : 'internal',
      startTimeUnixNano: base + BigInt(Math.round(startNs)),
      endTimeUnixNano: base + BigInt(Math.round(startNs + durNs)),
      attributes: {
        'http.request.method': 'GET', 'http.route': `/api/item/${i % 50}`, 'http.response.status_code': error ? 500 : 200,
        'server.address': `svc-${svc}.internal`, 'net.peer.port': 8080 + (i % 3), 'db.system': 'postgresql',
        'db.statement': `SELECT * FROM items WHERE id = $1 -- ${i}`, 'user.tier': i % 7 === 0 ? 'gold' : 'basic',
        'code.function': `handle${op.replace(/\W/g, '')}`, 'code.lineno': 10 + (i % 300),
      },
      events: rand() < 0.05 ? [{ timeUnixNano: base + BigInt(Math.round(startNs + durNs / 2)), name: error ? 'exception' : 'retry', attributes: error ? { 'exception.type': 'Error', 'exception.stacktrace': `Error: boom\n    at charge (/srv/pay.js:${i % 90 + 1}:5)` } : {} }] : [],
      links: [],
      status: { code: error ? 'error' : 'unset' },
      resource: resources[svc],
      scope: { name: '@opentelemetry/instrumentation-http', version: '0.57.0' },
    };
    spans.push(s);
    return s;
  };

  const total = o.spans;
  const root = make(undefined, 0, 5e9, 0, 0);
  // Breadth-limited random expansion: each node gets 0..6 children inside its own time range.
  const queue: { span: Span; start: number; dur: number; depth: number; budget: number }[] = [];
  const big = Math.min(o.bigSubtree ?? 0, total - 2);
  if (big > 0) {
    const b = make(root, 1e8, 2e9, 1, 1);
    queue.push({ span: b, start: 1e8, dur: 2e9, depth: 1, budget: big });
  }
  queue.push({ span: root, start: 0, dur: 5e9, depth: 0, budget: total - 1 - (big > 0 ? big + 1 : 0) });
  let head = 0;
  while (head < queue.length) {
    const q = queue[head++];
    let budget = q.budget;
    if (budget <= 0) continue;
    const kids = q.depth >= 11 ? 0 : Math.min(budget, 2 + Math.floor(rand() * 5));
    if (kids === 0) continue;
    budget -= kids;
    const shares: number[] = [];
    for (let k = 0; k < kids; k++) shares.push(rand() + 0.1);
    const sum = shares.reduce((a, b) => a + b, 0);
    const slot = q.dur / kids;
    for (let k = 0; k < kids; k++) {
      const parallel = rand() < 0.3;
      const start = q.start + (parallel ? rand() * q.dur * 0.2 : k * slot + rand() * slot * 0.1);
      const dur = Math.max(1000, (parallel ? q.dur * 0.6 : slot * 0.85) * rand());
      const svc = rand() < 0.3 ? Math.floor(rand() * SERVICES.length) : (q.span === root ? 0 : SERVICES.indexOf(q.span.resource.serviceName));
      const child = make(q.span, start, Math.min(dur, q.start + q.dur - start), svc, q.depth + 1);
      const share = Math.floor((budget * shares[k]) / sum);
      queue.push({ span: child, start, dur: Math.min(dur, q.start + q.dur - start), depth: q.depth + 1, budget: share });
    }
    // Leftover budget from rounding goes to the last child so the count is exact.
    const given = queue.slice(-kids).reduce((a, x) => a + x.budget, 0);
    queue[queue.length - 1].budget += budget - given;
  }
  // Rounding and depth limits can leave us short: top up with leaves under the root.
  while (spans.length < total) make(root, 4.5e9 + rand() * 4e8, 1e6 + rand() * 5e7, 2, 1);
  return { traceId, spans, warnings: [] };
}
