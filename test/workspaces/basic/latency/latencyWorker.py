# Fixture of test/integration/latency.test.ts: no symbol provider for Python here; Trace Lens's bundled
# parser finds the functions, and the spans' code.* line numbers and literal span names place the lenses.
from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def process_job(job):
    with tracer.start_as_current_span("latencyFixture.pyJob"):
        return job * 2


def unused():
    return None
