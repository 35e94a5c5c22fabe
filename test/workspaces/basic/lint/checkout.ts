import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('checkout');

export function chargeCard(amount: number): void {
  tracer.startActiveSpan('charge card', (span) => {
    span.setAttribute('payment.amount', amount);
    validateCart();
    span.end();
  });
}

function validateCart(): void {
  // The live-lint test sends a span claiming code.file.path .../lint/checkout.ts, code.line.number 15 (the next line).
  const valid = true;
  if (!valid) throw new Error('invalid cart');
}
