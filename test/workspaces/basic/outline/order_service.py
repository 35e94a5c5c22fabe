# Fixture of test/integration/outlineLenses.test.ts: a Python service whose CodeLocationProcessor (see
# the README) reports the line of the `with tracer...` call; the workspace has no Python extension.
import functools

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class OrderService:
    @functools.lru_cache(maxsize=None)
    def create_order(self, order_id):
        with tracer.start_as_current_span("create order"):
            return {"id": order_id}

    def cancel_order(self, order_id):
        return None
