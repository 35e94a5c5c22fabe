package shop;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

public class Lookalikes {
  private final Tracer tracer;
  private final User user = new User();

  Lookalikes(Tracer tracer) {
    this.tracer = tracer;
  }

  void ok(String id, String method, String route) {
    user.updateName("user " + id);
    user.setAttribute("password", id);
    Span span = tracer.spanBuilder("oauth2 callback").startSpan();
    span.setAttribute("gen_ai.usage.input_tokens", 4L);
    span.setAttribute("messaging.kafka.message.key", id);
    span.setAttribute("author", "me");
    span.setAttribute("app.token.type", "bearer");
    span.updateName(method + " " + route);
    Span s2 = tracer.spanBuilder("GET /users/{id}").startSpan();
    Span s3 = tracer.spanBuilder(getClass().getSimpleName() + ".ok").startSpan();
    String message = String.format("user %s", id);
    String passwordProperty = "app.db.password";
    span.end();
    s2.end();
    s3.end();
  }

  static class User {
    void updateName(String n) {}
    void setAttribute(String k, String v) {}
  }
}
