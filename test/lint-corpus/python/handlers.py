from opentelemetry import trace as otel_trace
from opentelemetry.trace import SpanKind

tracer = otel_trace.get_tracer(__name__)
PASSWORD_ATTR = "user.password"
ORDER_SPAN = "order.process"
LEGACY_SPAN = "legacy import 20931"


@tracer.start_as_current_span("handle_payment")
def handle_payment(order_id, user, request):
    span = otel_trace.get_current_span()
    span.set_attribute("app.order.id", order_id)
    span.set_attribute(PASSWORD_ATTR, user.password)  # expect: SD001 SD002
    span.set_attribute("app.card_number", user.card_number)  # expect: SD001
    span.set_attribute("app.headers", str(request.headers))  # expect: SD002
    span.set_attribute("app.auth", request.headers.get("Authorization"))  # expect: SD001 SD002
    span.set_attribute("gen_ai.usage.input_tokens", 10)
    span.set_attribute("author", user.name)
    span.set_attributes({"app.plan": user.plan, "app.api_key": user.api_key})  # expect: SD001 SD002


@tracer.start_as_current_span(f"refund {LEGACY_SPAN}")  # expect: SN011
def refund(order_id):
    with tracer.start_as_current_span(f"refund order {order_id}") as span:  # expect: SN001
        span.update_name("refund order %s" % order_id)  # expect: SN001
        span.update_name("refund order")
    with tracer.start_as_current_span("refund {}".format(order_id), kind=SpanKind.SERVER):  # expect: SN001
        pass
    with tracer.start_as_current_span("refund " + order_id):  # expect: SN001
        pass
    with tracer.start_as_current_span(ORDER_SPAN):
        pass
    with tracer.start_as_current_span(LEGACY_SPAN):  # expect: SN011
        pass
    with tracer.start_as_current_span("fetch invoice 7f3a9c2e11"):  # expect: SN011
        pass
    with tracer.start_as_current_span(name="send mail to ops@example.com"):  # expect: SN011
        pass


def view(request):
    with tracer.start_as_current_span(request.path) as span:  # expect: SN002
        span.set_attribute("http.route", "/orders/{id}")
    with tracer.start_as_current_span(f"{request.method} {request.url.path}"):  # expect: SN002
        pass
    with tracer.start_as_current_span(
        "checkout",
        attributes={"app.user.email": request.user.email, "app.session_id": request.session.session_key},  # expect: SD001
    ):
        pass
