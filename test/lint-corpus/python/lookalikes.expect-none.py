from opentelemetry import trace

tracer = trace.get_tracer("ok")
ROUTE = "GET /users/{id}"


class Profile:
    def update_name(self, name):
        self.name = name

    def set_attribute(self, key, value):
        setattr(self, key, value)


def ok(profile, user_id, request, span_name):
    profile.update_name(f"user {user_id}")
    profile.set_attribute("password", "x")
    with tracer.start_as_current_span("oauth2 callback") as span:
        span.set_attribute("gen_ai.usage.output_tokens", 5)
        span.set_attribute("messaging.kafka.message.key", user_id)
        span.set_attribute("app.password_length", len(request.password))
        span.set_attribute("app.has_token", request.token is not None)
        span.set_attribute("app.token.type", "bearer")
    with tracer.start_as_current_span(ROUTE):
        pass
    with tracer.start_as_current_span(f"{request.method} {ROUTE}"):
        pass
    with tracer.start_as_current_span(span_name):
        pass
    with tracer.start_as_current_span("GET /users/{user_id}", attributes={"app.user.id": user_id}):
        pass
    message = f"user {user_id} logged in"
    log_path = request.path
    return message, log_path
