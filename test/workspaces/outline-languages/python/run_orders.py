"""Runs orders.service under the OpenTelemetry Python SDK with the README's CodeLocationProcessor,
exporting OTLP/HTTP protobuf to the endpoint in argv[1]."""
import inspect
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


class CodeLocationProcessor(SpanProcessor):
    def on_start(self, span, parent_context=None):
        for frame in inspect.stack()[1:]:
            if "/opentelemetry/" not in frame.filename and "contextlib" not in frame.filename:
                span.set_attributes({"code.function.name": frame.function,
                                     "code.file.path": frame.filename, "code.line.number": frame.lineno})
                return


provider = TracerProvider(resource=Resource.create({"service.name": "python-orders"}))
provider.add_span_processor(CodeLocationProcessor())
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{sys.argv[1]}/v1/traces")))
trace.set_tracer_provider(provider)

from orders.service import OrderService  # noqa: E402  (after the provider, so its tracer is the SDK's)

service = OrderService()
for i in range(7):
    service.create_order(i)
for i in range(3):
    service.cancel_order(i)
provider.shutdown()
