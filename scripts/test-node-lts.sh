#!/usr/bin/env bash
# Runs the whole unit suite again on a Node.js LTS line (scripts/node-lts.sh): 22 and 24 are what
# vendors deploy. Usage: bash scripts/test-node-lts.sh 22 [vitest arguments]. Native-addon test
# files included: the hub, the CLI's hub commands and the result-exchange outbox load
# better-sqlite3, so for this run the addon in node_modules is swapped for one compiled for that
# Node and put back afterwards, whatever happens.
#
# History: the Node 24 run used to skip those files because better-sqlite3 12 aborted at teardown
# (`RemoveEnvironmentCleanupHook: Assertion (env) != nullptr` from `Statement::~Statement`). The
# cause was Node, not the tests: 24.19.0 made `node::ObjectWrap` register an environment cleanup
# hook in its constructor and remove it in its destructor, and the removal CHECKs for a current
# Environment — absent when V8's GC finalises a Statement outside any context (idle GC, worker
# teardown). Addons compiled against those headers aborted (nodejs/node#65446). Later 24.x
# releases ship the fix, and better-sqlite3 12 compiled against them runs this suite cleanly.
set -euo pipefail
major="${1:?usage: bash scripts/test-node-lts.sh <major: 22, 24…> [vitest arguments]}"
shift
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/node-lts.sh
node_lts_install "$major" # sets NODE_LTS_HOME here: the binding below is built in a subshell
binding="$(node_lts_sqlite_binding "$major")"

addon="node_modules/better-sqlite3/build/Release/better_sqlite3.node"
backup="$(node_lts_dir "$major")/better_sqlite3.machine-node.node"
# Replaced by rename, never overwritten in place: a process that has the old file loaded keeps it.
swap_in() { cp "$1" "$addon.swap" && mv -f "$addon.swap" "$addon"; }
cp "$addon" "$backup"
trap 'swap_in "$backup"' EXIT
swap_in "$binding"

echo "Unit suite on Node $("$NODE_LTS_HOME/bin/node" --version), better-sqlite3 compiled for it" >&2
PATH="$NODE_LTS_HOME/bin:$PATH" "$NODE_LTS_HOME/bin/node" node_modules/vitest/vitest.mjs run "$@"
