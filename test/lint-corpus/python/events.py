from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def login(user, password):
    span = trace.get_current_span()
    span.add_event("login.attempt", attributes={"user.id": user.id, "login.password": password})  # expect: SD001 SD002
    span.add_event("login.ok", {"user.id": user.id})
    with tracer.start_as_current_span("login", attributes={"enduser.id": user.id}):
        pass
