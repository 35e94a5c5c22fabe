import os

os.environ["OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST"] = "x-request-id,Authorization"  # expect: SD005
os.environ.setdefault("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_RESPONSE", "content-type,set-cookie")  # expect: SD005
os.environ["OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST"] = "x-request-id,user-agent"

OTLP_HEADERS = {"x-honeycomb-team": "hcaik_01hq2w3e4r5t6y7u8i9o0p"}
API_TOKEN = "tok_8d7f6e5a4b3c2d1e0f9a"  # expect: SD003
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"  # expect: SD003
PRIVATE_KEY = ("-----BEGIN RSA PRIVATE KEY-----\n"  # expect: SD003
               "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
               "-----END RSA PRIVATE KEY-----")
DB_PASSWORD = os.environ.get("DB_PASSWORD")
TOKEN_ENV = "SERVICE_TOKEN"
AUTH_URL = "https://login.example.com/oauth2/v2.0/token"
