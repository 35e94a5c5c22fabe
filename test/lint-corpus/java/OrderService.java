package shop;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import javax.servlet.http.HttpServletRequest;

public class OrderService {
  private static final String PASSWORD_KEY = "db.password";
  private static final String LEGACY_SPAN = "legacy export 77120";
  private static final AttributeKey<String> TOKEN = AttributeKey.stringKey("app.refresh_token"); // expect: SD001
  private final Tracer tracer;

  OrderService(Tracer tracer) {
    this.tracer = tracer;
  }

  @WithSpan("process order")
  void process(@SpanAttribute("app.order.id") String orderId, @SpanAttribute("app.user.password") String password) { // expect: SD001
    Span span = tracer.spanBuilder("order " + orderId).startSpan(); // expect: SN001
    span.setAttribute(PASSWORD_KEY, password); // expect: SD001 SD002
    span.setAttribute("app.order.id", orderId);
    span.setAttribute(stringKey("app.api_key"), System.getenv("API_KEY")); // expect: SD001
    span.updateName(String.format("order %s done", orderId)); // expect: SN001
    span.updateName("order done");
    span.end();
  }

  @WithSpan("export 2024-03-05") // expect: SN011
  void export(@SpanAttribute String password) { // expect: SD001
    Span span = tracer.spanBuilder(LEGACY_SPAN).setAttribute("app.cvv", "000").startSpan(); // expect: SN011 SD001
    span.end();
  }

  void http(HttpServletRequest request) {
    Span span = tracer.spanBuilder(request.getRequestURI()).startSpan(); // expect: SN002
    span.setAttribute("app.auth", request.getHeader("Authorization")); // expect: SD001 SD002
    span.setAttribute("app.headers", request.getHeaderNames().toString());
    Span.current().setAttribute("app.session", request.getSession().getId()); // expect: SD001
    Attributes attrs = Attributes.of(stringKey("app.ssn"), "x", AttributeKey.longKey("app.count"), 1L); // expect: SD001
    span.end();
  }

  void settings() {
    System.setProperty("otel.instrumentation.http.server.capture-request-headers", "Authorization,X-Request-Id"); // expect: SD005
    System.setProperty("otel.instrumentation.http.client.capture-request-headers", "X-Request-Id");
  }

  private static final String STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"; // expect: SD003
  private static final String JDBC_PASSWORD = "Pr0duction-Passw0rd-2024"; // expect: SD003
}
