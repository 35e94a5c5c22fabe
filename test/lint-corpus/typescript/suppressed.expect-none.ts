import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('suppressions');

export function suppressed(id: string, password: string) {
  // trace-lens-disable-next-line SN001
  const a = tracer.startSpan(`job ${id}`);
  // trace-lens-disable-next-line SD001, SD002
  a.setAttribute('db.password', password);
  // trace-lens-disable-next-line
  a.setAttribute('app.secret', password);
  a.setAttribute('app.token', 'x'); // trace-lens-disable-line SD001
  a.end();
}
