import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('orders');

export function processOrder(orderId: string, password: string): void {
  const span = tracer.startSpan(`process order ${orderId}`);
  span.setAttribute('user.password', password);
  span.end();
}
