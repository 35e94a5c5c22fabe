import { trace } from '@opentelemetry/api';
import { useEffect } from 'react';

const tracer = trace.getTracer('web');

export function CheckoutPage({ cartId, user }: { cartId: string; user: { email: string; password: string } }) {
  useEffect(() => {
    const span = tracer.startSpan(`render cart ${cartId}`); // expect: SN001
    span.setAttribute('app.cart.id', cartId);
    span.setAttribute('enduser.email', user.email); // expect: SD001
    span.setAttribute('app.login.password', user.password); // expect: SD001 SD002
    span.end();
  }, [cartId]);
  const s2 = tracer.startSpan('render checkout');
  s2.end();
  return (
    <form data-span="checkout 12345">
      <input type="password" name="password" autoComplete="current-password" />
      <div title={`cart ${cartId}`}>Pay</div>
    </form>
  );
}
