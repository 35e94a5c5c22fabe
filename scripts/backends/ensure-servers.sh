#!/usr/bin/env bash
# Builds (once) the real trace servers the contract tests run against, into a
# cache outside the repository, and prints where each one is.
#
#   bash scripts/backends/ensure-servers.sh [tempo|jaeger|zipkin|all]...
#
# stdout: one line per server, "<name> <version> <path>" (the harness parses
# it); build progress goes to stderr. Idempotent: a server whose marker file
# matches its recipe is reused. Cache: ${TRACE_LENS_CACHE:-$HOME/.cache/trace-lens-dev}/servers.
#
# Versions are those the package registries reachable here actually serve
# (see scripts/backends/README.md): the Go module proxy answers 403 "This
# module version is not available" for Jaeger v2.20.0 and for every version
# of github.com/grafana/tempo, so Jaeger is built from module tag v1.76.0
# (the v2.13.0 release) and Tempo fails with a clear message unless the proxy
# serves it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${TRACE_LENS_CACHE:-$HOME/.cache/trace-lens-dev}/servers"
mkdir -p "$cache"

JAEGER_VERSION=2.13.0
JAEGER_MODULE_VERSION=v1.76.0
TEMPO_VERSION=3.0.3
TEMPO_COMMIT=1900ed7bb5cad1a3edc285783d7d4ac4278337dc
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

# $1: readonly when the checked-in go.sum must already pin every module (so
# nothing is looked up in the checksum database), mod when go may add to it
# (only ever in a temporary copy of the wrapper, never in the repo).
go_env() {
  export GOTOOLCHAIN=local GOFLAGS="-mod=$1"
  command -v go >/dev/null || { log "go is not installed"; return 1; }
}

build_jaeger() {
  local dir="$cache/jaeger-$JAEGER_VERSION" bin recipe
  bin="$dir/jaeger"
  recipe="jaeger $JAEGER_VERSION module=$JAEGER_MODULE_VERSION wrapper=$(cat "$here/jaeger-build/go.mod" "$here/jaeger-build/go.sum" | sha256sum | cut -c1-16)"
  if marker_ok "$dir" "$recipe" "$bin"; then
    echo "jaeger $JAEGER_VERSION $bin"; return 0
  fi
  go_env readonly || return 1
  log "building Jaeger $JAEGER_VERSION (module $JAEGER_MODULE_VERSION); cold builds take minutes on 2 cores"
  local start work pkg=github.com/jaegertracing/jaeger/internal/version
  start=$(date +%s)
  work="$(mktemp -d)"
  cp "$here/jaeger-build/go.mod" "$here/jaeger-build/go.sum" "$here/jaeger-build/tools.go" "$work/"
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

build_tempo() {
  local dir="$cache/tempo-$TEMPO_VERSION" bin recipe
  bin="$dir/tempo"
  recipe="tempo $TEMPO_VERSION commit=$TEMPO_COMMIT"
  if marker_ok "$dir" "$recipe" "$bin"; then
    echo "tempo $TEMPO_VERSION $bin"; return 0
  fi
  go_env mod || return 1
  log "building Tempo $TEMPO_VERSION (commit $TEMPO_COMMIT); cold builds take many minutes on 2 cores"
  local start work
  start=$(date +%s)
  work="$(mktemp -d)"
  cp "$here/tempo-build/go.mod" "$here/tempo-build/tools.go" "$work/"
  [[ -f "$here/tempo-build/go.sum" ]] && cp "$here/tempo-build/go.sum" "$work/"
  mkdir -p "$dir"
  # Tempo's go.mod has replace directives (so `go install` refuses it): the
  # wrapper requires Tempo at the commit and copies them from Tempo's own go.mod;
  # Tempo's go.sum seeds the wrapper's, so dependencies are verified without
  # the checksum database (which many modules are missing from here).
  if ! (cd "$work" \
        && go mod download -json "github.com/grafana/tempo@$TEMPO_COMMIT" >"$work/dl.json" \
        && gomod="$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' "$work/dl.json")" \
        && version="$(sed -n 's/.*"Version": "\(.*\)".*/\1/p' "$work/dl.json" | head -1)" \
        && go mod edit -require="github.com/grafana/tempo@$version" -go="$(sed -n 's/^go //p' "$gomod")" \
        && awk '/^replace[ \t]*\(/{b=1;next} b&&/^\)/{b=0;next} b{print "replace " $0} /^replace [^(]/{print}' "$gomod" >>go.mod \
        && go mod download github.com/grafana/tempo \
        && cat "$(go env GOMODCACHE)/github.com/grafana/tempo@$version/go.sum" >>go.sum \
        && go build -trimpath -ldflags "-s -w" -o "$bin.tmp" github.com/grafana/tempo/cmd/tempo); then
    log "Tempo build failed: $(cat "$work/dl.json" 2>/dev/null | sed -n 's/.*"Error": "\(.*\)".*/\1/p')"
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
  mv "$bin.tmp" "$bin"
  echo "$recipe" > "$dir/.built"
  log "Tempo $TEMPO_VERSION built in $(( $(date +%s) - start )) s"
  echo "tempo $TEMPO_VERSION $bin"
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
    all) for s in jaeger zipkin tempo; do with_lock "$s" "build_$s" || status=1; done ;;
    tempo|jaeger|zipkin) with_lock "$target" "build_$target" || status=1 ;;
    *) log "unknown server '$target' (expected tempo, jaeger, zipkin or all)"; exit 2 ;;
  esac
done
exit "$status"
