package web

import (
	"net/http"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

func Middleware(next http.Handler) http.Handler {
	tracer := otel.Tracer("web")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), "http.request", trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		span.SetName(r.Method + " " + r.URL.Path) // expect: SN002
		span.SetAttributes(semconv.HTTPRoute(r.Pattern))
		if c, err := r.Cookie("session"); err == nil {
			span.SetAttributes(attribute.String("session.id", c.Value)) // expect: SD001
		}
		span.SetAttributes(attribute.String("enduser.id", r.Header.Get("X-User-Id")))
		span.SetAttributes(attribute.String("http.request.header.cookie", r.Header.Get("Cookie"))) // expect: SD001 SD002
		_, child := tracer.Start(ctx, "load user "+r.Header.Get("X-User-Id")) // expect: SN001
		child.End()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
