import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.Arrays;

/**
 * Run under the OpenTelemetry Java agent by the receiver test: two @WithSpan
 * methods and one manual span with every attribute type. Prints the ids it
 * created so the test can check parents and content.
 */
public class TraceLensDemo {
  static SpanContext checkoutContext;

  @WithSpan
  static int checkout(@SpanAttribute("order.id") String orderId) {
    Span current = Span.current();
    checkoutContext = current.getSpanContext();
    System.out.println("CHECKOUT " + current.getSpanContext().getTraceId() + " " + current.getSpanContext().getSpanId());
    return priceOf(orderId);
  }

  @WithSpan("price lookup")
  static int priceOf(String orderId) {
    Span current = Span.current();
    System.out.println("PRICE " + current.getSpanContext().getSpanId());
    Tracer tracer = GlobalOpenTelemetry.getTracer("trace-lens-manual", "1.0.0");
    Span manual = tracer.spanBuilder("manual work")
        .setSpanKind(SpanKind.CLIENT)
        .addLink(checkoutContext, Attributes.of(AttributeKey.stringKey("link.reason"), "same order"))
        .setAttribute("app.string", "value ✓")
        .setAttribute("app.long", 1L << 60)
        .setAttribute("app.double", 2.5)
        .setAttribute("app.bool", true)
        .setAttribute(AttributeKey.stringArrayKey("app.strings"), Arrays.asList("a", "b"))
        .setAttribute(AttributeKey.longArrayKey("app.longs"), Arrays.asList(1L, -2L))
        .setAttribute(AttributeKey.doubleArrayKey("app.doubles"), Arrays.asList(0.5, 1.5))
        .setAttribute(AttributeKey.booleanArrayKey("app.bools"), Arrays.asList(true, false))
        .startSpan();
    manual.addEvent("cache miss", Attributes.of(AttributeKey.longKey("attempt"), 3L));
    manual.setStatus(StatusCode.ERROR, "manual failure");
    System.out.println("MANUAL " + manual.getSpanContext().getSpanId());
    manual.end();
    return 42;
  }

  public static void main(String[] args) {
    checkout("order-17");
    // The agent's shutdown hook flushes the batch span processor.
  }
}
