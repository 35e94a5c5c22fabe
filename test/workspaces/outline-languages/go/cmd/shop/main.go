// Runs the orders package under the OpenTelemetry Go SDK, exporting OTLP/HTTP protobuf to
// OTEL_EXPORTER_OTLP_ENDPOINT. Used by test/e2e/outlineLanguages.test.ts.
package main

import (
	"context"
	"log"
	"runtime"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/acme/shop/orders"
)

// functionName records the function that started each span, by its qualified name only: no
// build path (binaries built with -trimpath or in CI carry paths that are not the reader's).
type functionName struct{}

func (functionName) OnStart(_ context.Context, s sdktrace.ReadWriteSpan) {
	pcs := make([]uintptr, 16)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for f, more := frames.Next(); more; f, more = frames.Next() {
		if !strings.Contains(f.Function, "go.opentelemetry.io/") {
			s.SetAttributes(attribute.String("code.function.name", f.Function))
			return
		}
	}
}
func (functionName) OnEnd(sdktrace.ReadOnlySpan)         {}
func (functionName) Shutdown(context.Context) error   { return nil }
func (functionName) ForceFlush(context.Context) error { return nil }

func main() {
	ctx := context.Background()
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(functionName{}), sdktrace.WithBatcher(exporter))
	otel.SetTracerProvider(provider)
	server := &orders.Server{}
	for i := 0; i < 12; i++ {
		_ = server.Serve(ctx)
	}
	for i := 0; i < 5; i++ {
		orders.Quote(ctx, i)
	}
	if err := provider.Shutdown(ctx); err != nil {
		log.Fatal(err)
	}
}
