"""The order service of test/e2e/outlineLanguages.test.ts, traced with the OpenTelemetry Python SDK."""
from opentelemetry import trace

tracer = trace.get_tracer("orders.service")


def audited(fn):
    return fn


class OrderService:
    @audited
    def create_order(self, order_id):
        with tracer.start_as_current_span("create order"):
            return {"id": order_id}

    def cancel_order(self, order_id):
        with tracer.start_as_current_span("cancel order"):
            return None

    def untraced(self):
        return None
