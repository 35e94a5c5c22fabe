//go:build tools

// Package build pins the Jaeger command so `go mod download` records its
// dependencies in go.sum.
package build

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
