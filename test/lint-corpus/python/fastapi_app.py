from fastapi import FastAPI, Request
from opentelemetry import trace

app = FastAPI()
tracer = trace.get_tracer("api")


@app.middleware("http")
async def trace_requests(request: Request, call_next):
    with tracer.start_as_current_span(f"{request.method} {request.url.path}") as span:  # expect: SN002
        span.set_attribute("http.request.header.cookie", request.headers.get("cookie"))  # expect: SD001 SD002
        span.set_attribute("client.user_ip", request.client.host)  # expect: SD001
        span.set_attribute("http.route", request.scope.get("route").path)
        return await call_next(request)


def query(table: str, user_id: int):
    span = tracer.start_span("db query " + table)  # expect: SN001
    span.set_attribute("db.sql.table", table)
    span.set_attribute("enduser.id", user_id)
    span.end()
    with tracer.start_as_current_span("SELECT orders"):
        pass
    with tracer.start_as_current_span("sync tenant 4411"):  # expect: SN011
        pass
