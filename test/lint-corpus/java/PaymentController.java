package shop;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.semconv.HttpAttributes;

public class PaymentController {
  private final Tracer tracer = GlobalOpenTelemetry.getTracer("payments");

  public void charge(String cardNumber, String last4, String email, String route) {
    Span span = tracer.spanBuilder("charge card " + cardNumber).startSpan(); // expect: SN001
    span.setAttribute("payment.card.last4", last4);
    span.setAttribute(HttpAttributes.HTTP_ROUTE, route);
    Span.current().setAttribute("user.email", email); // expect: SD001
    span.setAttribute("payment.card_number", cardNumber); // expect: SD001
    Span refund = tracer.spanBuilder("refund").setAttribute("payment.amount", 10L).startSpan();
    refund.end();
    span.end();
  }
}
