//go:build tools

// Package build names Tempo's command so the wrapper module has a reason to
// require it.
package build

import _ "github.com/grafana/tempo/cmd/tempo"
