#!/usr/bin/env bash
# Builds (once) the real trace servers the contract tests run against, into a
# cache outside the repository, and prints where each one is.
#
#   bash scripts/backends/ensure-servers.sh [jaeger|zipkin|all]...
#
# stdout: one line per server, "<name> <version> <path>" (the harness parses
# it); build progress goes to stderr. Idempotent: a server whose marker file
# matches its recipe is reused. Cache: ${TRACE_LENS_CACHE:-$HOME/.cache/trace-lens-dev}/servers.
#
# Jaeger is the approved release only: v2.12.0, Go module v1.75.0 (see
# scripts/backends/README.md). Grafana Tempo is never built, downloaded or run:
# its client is tested against responses authored from Grafana's documented API.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${TRACE_LENS_CACHE:-$HOME/.cache/trace-lens-dev}/servers"
mkdir -p "$cache"

JAEGER_VERSION=2.12.0
JAEGER_MODULE_VERSION=v1.75.0
ZIPKIN_VERSION=3.6.1

log() { echo "[ensure-servers] $*" >&2; }

# Marker content describes the recipe: a changed recipe rebuilds.
marker_ok() { [[ -f "$1/.built" && "$(cat "$1/.built")" == "$2" && -e "$3" ]]; }

# Serialises concurrent builds of one server (parallel test processes).
with_lock() {
  local name="$1"; shift
  exec {lockfd}>"$cache/.lock-$name"
  flock "$lockfd"
  local rc=0
  "$@" || rc=$?
  flock -u "$lockfd"
  return "$rc"
}

# The checked-in go.sum pins every module, so nothing is looked up in the checksum database.
go_env() {
  export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
  command -v go >/dev/null || { log "go is not installed"; return 1; }
}

build_jaeger() {
  local dir="$cache/jaeger-$JAEGER_VERSION" bin recipe
  bin="$dir/jaeger"
  recipe="jaeger $JAEGER_VERSION module=$JAEGER_MODULE_VERSION wrapper=$(cat "$here/jaeger-build/go.mod" "$here/jaeger-build/go.sum" | sha256sum | cut -c1-16)"
  if marker_ok "$dir" "$recipe" "$bin"; then
    echo "jaeger $JAEGER_VERSION $bin"; return 0
  fi
  go_env || return 1
  log "building Jaeger $JAEGER_VERSION (module $JAEGER_MODULE_VERSION); cold builds take minutes on 2 cores"
  local start work pkg=github.com/jaegertracing/jaeger/internal/version
  start=$(date +%s)
  work="$(mktemp -d)"
  cp "$here/jaeger-build/go.mod" "$here/jaeger-build/go.sum" "$work/"
  mkdir -p "$dir"
  (cd "$work" && go build -trimpath \
      -ldflags "-s -w -X $pkg.latestVersion=v$JAEGER_VERSION" \
      -o "$bin.tmp" github.com/jaegertracing/jaeger/cmd/jaeger) || { rm -rf "$work"; log "Jaeger build failed"; return 1; }
  rm -rf "$work"
  mv "$bin.tmp" "$bin"
  echo "$recipe" > "$dir/.built"
  log "Jaeger $JAEGER_VERSION built in $(( $(date +%s) - start )) s"
  echo "jaeger $JAEGER_VERSION $bin"
}

build_zipkin() {
  local dir="$cache/zipkin-$ZIPKIN_VERSION" jar recipe
  jar="$dir/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  recipe="zipkin $ZIPKIN_VERSION maven io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec"
  if marker_ok "$dir" "$recipe" "$jar"; then
    echo "zipkin $ZIPKIN_VERSION $jar"; return 0
  fi
  command -v mvn >/dev/null || { log "mvn is not installed"; return 1; }
  command -v java >/dev/null || { log "java (17+) is not installed"; return 1; }
  log "fetching Zipkin $ZIPKIN_VERSION from Maven Central"
  local start
  start=$(date +%s)
  mkdir -p "$dir"
  mvn -q -B -Dstyle.color=never dependency:copy "-Dartifact=io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" "-DoutputDirectory=$dir" >&2 \
    || { log "Zipkin download failed"; return 1; }
  echo "$recipe" > "$dir/.built"
  log "Zipkin $ZIPKIN_VERSION fetched in $(( $(date +%s) - start )) s"
  echo "zipkin $ZIPKIN_VERSION $jar"
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(all)
status=0
for target in "${targets[@]}"; do
  case "$target" in
    all) for s in jaeger zipkin; do with_lock "$s" "build_$s" || status=1; done ;;
    jaeger|zipkin) with_lock "$target" "build_$target" || status=1 ;;
    *) log "unknown server '$target' (expected jaeger, zipkin or all)"; exit 2 ;;
  esac
done
exit "$status"
