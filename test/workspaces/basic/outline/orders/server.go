// Fixture of test/integration/outlineLenses.test.ts: spans named by the Go function only
// (code.function.name = "github.com/acme/shop/orders.(*Server).Serve"), no file path.
package orders

import "context"

type Server struct{ queue []string }

// Serve handles one request.
func (s *Server) Serve(ctx context.Context) error {
	return nil
}

func (s *Server) Idle() {}
