package shop;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

class EventsAndBuilders {
  void record(Span span, String token, String orderId) {
    Attributes attrs = Attributes.builder()
        .put("app.order.id", orderId)
        .put("app.auth_token", token) // expect: SD001 SD002
        .build();
    span.addEvent("order.created", attrs);
    span.addEvent("login", Attributes.of(AttributeKey.stringKey("user.passwd"), token)); // expect: SD001 SD002
    span.addEvent("ok", Attributes.of(AttributeKey.stringKey("app.region"), "eu"));
  }
}
