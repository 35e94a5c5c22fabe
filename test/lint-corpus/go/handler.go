package shop

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"go.opentelemetry.io/otel"
	attr "go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

const (
	orderSpan   = "order.process"
	legacySpan  = "import batch 88231"
	passwordKey = "db.password"
)

var tracer = otel.Tracer("shop")

func Handle(ctx context.Context, r *http.Request, orderID string, userID int64, token string) {
	ctx, span := tracer.Start(ctx, fmt.Sprintf("GET /orders/%s", orderID)) // expect: SN001
	defer span.End()
	_, s2 := tracer.Start(ctx, r.URL.Path) // expect: SN002
	defer s2.End()
	_, s3 := tracer.Start(ctx, r.Method+" "+r.URL.Path) // expect: SN002
	defer s3.End()
	_, s4 := tracer.Start(ctx, "user "+orderID, trace.WithSpanKind(trace.SpanKindServer)) // expect: SN001
	defer s4.End()
	_, s5 := tracer.Start(ctx, orderSpan)
	defer s5.End()
	_, s6 := tracer.Start(ctx, legacySpan) // expect: SN011
	defer s6.End()
	_, s7 := otel.Tracer("other").Start(ctx, "sync 2f9c8e7d6a5b") // expect: SN011
	defer s7.End()
	span.SetName(fmt.Sprintf("order %d", userID)) // expect: SN001
	span.SetName("order")
	span.SetAttributes(
		attr.String("app.order.id", orderID),
		attr.String(passwordKey, os.Getenv("DB_PASSWORD")), // expect: SD001
		attr.String("app.token", token), // expect: SD001 SD002
		attr.String("app.auth_header", r.Header.Get("Authorization")), // expect: SD001 SD002
		attr.Int64("app.user.id", userID),
		attr.String("gen_ai.usage.input_tokens", "5"),
	)
	span.SetAttributes(attr.Key("app.user.email").String(r.FormValue("email"))) // expect: SD001
	span.SetAttributes(attr.String("app.headers", fmt.Sprint(r.Header))) // expect: SD002
	_, s8 := tracer.Start(ctx, "checkout", trace.WithAttributes(attr.String("app.credit_card", r.FormValue("cc")))) // expect: SD001
	defer s8.End()
}

func init() {
	os.Setenv("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST", "Authorization,X-Request-Id") // expect: SD005
	os.Setenv("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_RESPONSE", "Content-Type")
}

const githubToken = "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB" // expect: SD003
