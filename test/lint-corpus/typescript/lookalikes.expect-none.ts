import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('lookalikes');
const ROUTE = '/api/users/{id}';

export function ok(method: string, id: string, route: string, spanName: string) {
  const s1 = tracer.startSpan('oauth2 callback');
  const s2 = tracer.startSpan('GET /api/users/{id}');
  const s3 = tracer.startSpan(`${method} ${ROUTE}`);
  const s4 = tracer.startSpan('sha256 digest');
  const s5 = tracer.startSpan('http2 upgrade');
  const s6 = tracer.startSpan(spanName);
  const s7 = tracer.startSpan('v1.2.3 migration');
  s1.setAttribute('gen_ai.usage.input_tokens', 1);
  s1.setAttribute('gen_ai.usage.output_tokens', 1);
  s1.setAttribute('messaging.kafka.message.key', id);
  s1.setAttribute('author', 'me');
  s1.setAttribute('app.authored_by', 'me');
  s1.setAttribute('app.tokens.total', 5);
  s1.setAttribute('http.route', route);
  s1.setAttribute('app.password_policy.length', 12);
  const logger = { setAttribute(k: string, v: unknown) { return [k, v]; } };
  logger.setAttribute('password', id);
  const map = new Map<string, string>();
  map.set('password', id);
  const fake = { startSpan: (n: string) => n };
  fake.startSpan(`user ${id}`);
  const message = `user ${id} has token`;
  return [s1, s2, s3, s4, s5, s6, s7, message];
}
