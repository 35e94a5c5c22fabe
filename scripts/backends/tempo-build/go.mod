// Wrapper that builds Tempo's command from the Go module proxy. Tempo's own
// go.mod has replace directives, so `go install` refuses it; ensure-servers.sh
// adds the require of github.com/grafana/tempo at the pinned commit and copies
// Tempo's replace lines from the module cache, in a temporary copy of this
// folder. Do not run `go mod tidy` here.
module tracelens.dev/tempo-build

go 1.25
