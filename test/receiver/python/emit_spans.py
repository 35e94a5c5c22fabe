"""Emits a known workload through the OpenTelemetry Python SDK's OTLP/HTTP protobuf
exporter (or, with argv[2] == "grpc", its OTLP/gRPC exporter) to the endpoint in argv[1], and prints what an in-memory exporter saw of
the same spans as JSON, so the Node test can compare field by field.
Attribute values are printed with their type so big integers survive JSON."""
import json
import sys

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

endpoint = sys.argv[1]
# "http/protobuf" (default) or "grpc": the SDK's default exporter for each OTLP protocol.
protocol = sys.argv[2] if len(sys.argv) > 2 else "http/protobuf"
if protocol == "grpc":
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True)
else:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    exporter = OTLPSpanExporter(endpoint=endpoint)
memory = InMemorySpanExporter()
provider = TracerProvider(resource=Resource.create({"service.name": "python-sdk-test", "service.version": "3.2.1"}))
provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=50))
provider.add_span_processor(SimpleSpanProcessor(memory))
tracer = provider.get_tracer("py-test-scope", "0.4.2")

with tracer.start_as_current_span("linked-target", kind=SpanKind.PRODUCER) as target:
    target_ctx = target.get_span_context()

with tracer.start_as_current_span(
    "POST /checkout",
    kind=SpanKind.SERVER,
    attributes={
        "http.request.method": "POST",
        "http.response.status_code": 201,
        "app.big": 2**62 + 1,
        "app.negative": -(2**40),
        "app.ratio": 0.75,
        "app.flag": False,
        "app.strings": ["x", "y"],
        "app.ints": [7, 8, 9],
        "app.floats": [1.25, 2.5],
        "app.bools": [True, False],
        "app.unicode": "grüße ✓",
        "code.function": "checkout",
        "code.namespace": "shop.views",
        "code.filepath": "/srv/shop/views.py",
        "code.lineno": 88,
    },
) as root:
    with tracer.start_as_current_span(
        "charge card",
        kind=SpanKind.CLIENT,
        links=[Link(target_ctx, {"link.kind": "follows"})],
    ) as child:
        child.add_event("payment.declined", {"reason": "insufficient funds", "amount": 4200})
        child.set_status(Status(StatusCode.ERROR, "card declined"))
    with tracer.start_as_current_span("render", kind=SpanKind.INTERNAL) as render:
        render.set_status(Status(StatusCode.OK))

provider.force_flush()
provider.shutdown()


def typed(v):
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", str(v)]
    if isinstance(v, float):
        return ["double", v]
    if isinstance(v, str):
        return ["string", v]
    if isinstance(v, (list, tuple)):
        return ["array", [typed(x) for x in v]]
    raise TypeError(type(v))


def attrs(a):
    return {k: typed(v) for k, v in (a or {}).items()}


out = []
for s in memory.get_finished_spans():
    ctx = s.get_span_context()
    out.append(
        {
            "traceId": format(ctx.trace_id, "032x"),
            "spanId": format(ctx.span_id, "016x"),
            "parentSpanId": format(s.parent.span_id, "016x") if s.parent else None,
            "name": s.name,
            "kind": s.kind.name.lower(),
            "start": str(s.start_time),
            "end": str(s.end_time),
            "attributes": attrs(s.attributes),
            "events": [{"name": e.name, "time": str(e.timestamp), "attributes": attrs(e.attributes)} for e in s.events],
            "links": [
                {"traceId": format(l.context.trace_id, "032x"), "spanId": format(l.context.span_id, "016x"), "attributes": attrs(l.attributes)}
                for l in s.links
            ],
            "status": {"code": s.status.status_code.name.lower(), "message": s.status.description},
            "resource": attrs(s.resource.attributes),
            "scope": {"name": s.instrumentation_scope.name, "version": s.instrumentation_scope.version},
        }
    )
print(json.dumps(out))
