import { trace as otelTrace } from '@opentelemetry/api';
import * as api from '@opentelemetry/api';

const t = otelTrace.getTracer('aliases');
const KEYS = { PASSWORD: 'user.password' };

export function run(id: string) {
  const s = t.startSpan(`alias ${id}`); // expect: SN001
  s.setAttribute(KEYS.PASSWORD, 'x'); // expect: SD001
  s.end();
  const s2 = api.trace.getTracer('x').startSpan('invoice 20240101'); // expect: SN011
  api.trace.getActiveSpan()?.setAttribute('app.private_key', 'k'); // expect: SD001
  s2.end();
}
