// Package orders is traced by hand; cmd/shop's span processor names each span's function
// (code.function.name = "github.com/acme/shop/orders.(*Server).Serve") and nothing else.
package orders

import (
	"context"

	"go.opentelemetry.io/otel"
)

var tracer = otel.Tracer("github.com/acme/shop/orders")

// Server handles orders.
type Server struct{ handled int }

// Serve handles one request.
func (s *Server) Serve(ctx context.Context) error {
	_, span := tracer.Start(ctx, "serve")
	defer span.End()
	s.handled++
	return nil
}

// Idle is not traced.
func (s *Server) Idle() {}

// Quote prices an order.
func Quote(ctx context.Context, items int) int {
	_, span := tracer.Start(ctx, "quote")
	defer span.End()
	return items * 3
}
