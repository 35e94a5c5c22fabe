import { trace, SpanStatusCode } from '@opentelemetry/api';
import type { Request } from 'express';

const tracer = trace.getTracer('checkout');
const CHECKOUT_SPAN = 'checkout.submit';
const LEGACY_SPAN = 'legacy job 48213';

export async function handle(req: Request, id: string, orderId: number, tenant: string) {
  const a = tracer.startSpan(`GET /api/users/${id}`); // expect: SN001
  const b = tracer.startSpan('load order ' + orderId); // expect: SN001
  const c = tracer.startSpan(CHECKOUT_SPAN);
  const d = tracer.startSpan(LEGACY_SPAN); // expect: SN011
  const e = tracer.startSpan(req.path); // expect: SN002
  const f = tracer.startSpan(`${req.method} ${req.originalUrl}`); // expect: SN002
  const g = tracer.startSpan(`${req.method} ${req.route.path}`);
  const h = tracer.startSpan('GET /api/users/{id}');
  const i = tracer.startSpan('oauth2 callback');
  const j = tracer.startSpan('GET /api/orders/9f8e7d6c5b'); // expect: SN011
  await tracer.startActiveSpan(`tenant ${tenant}`, async (span) => { // expect: SN001
    span.updateName(`tenant ${tenant} done`); // expect: SN001
    span.updateName('tenant done');
    span.end();
  });
  tracer.startActiveSpan(
    'sync user 550e8400-e29b-41d4-a716-446655440000', // expect: SN011
    (span) => span.end(),
  );
  const k = tracer.startSpan(util.format('job %s', id)); // expect: SN001
  const l = tracer.startSpan(`${this.constructor.name}.handle`);
  const m = tracer.startSpan('render v2 page');
  const n = tracer.startSpan('report 2024-01-31'); // expect: SN011
  const o = tracer.startSpan('GET /search?q=shoes'); // expect: SN011
  const p = tracer.startSpan(nameFromCaller);
  for (const s of [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p]) s.setStatus({ code: SpanStatusCode.OK });
}

// Not OpenTelemetry: similar names on other objects.
export function lookalikes(user: { updateName(n: string): void }, id: string, timer: { startSpan?: unknown }) {
  user.updateName(`user ${id}`);
  const label = `GET /api/users/${id}`;
  startSpanTimer(`job ${id}`);
  return [label, timer];
}
declare const util: { format(f: string, ...a: unknown[]): string };
declare const nameFromCaller: string;
declare function startSpanTimer(n: string): void;
