#!/usr/bin/env bash
# The packages as a vendor installs them: every publishable package is packed (`npm pack`) into a
# fresh folder outside the workspace, installed from those tarballs into an empty project — no
# workspaces, no tsconfig paths, no sources — and used there through its documented entry points:
#
#   1. an ESM script and a CommonJS script (catalogue, identifiers, HL7 v2 → FHIR, a DICOM folder
#      scan of the repository's real-world fixtures, and the hub client against a hub started with
#      `npx lienthong hub serve` on a free loopback port and a temporary SQLite file);
#   2. a type-check of a consumer file with skipLibCheck off: as ESM under module node16, as
#      CommonJS under module node20 (moduleResolution node16), and under bundler;
#   3. a minified browser bundle (esbuild) of the validators and the catalogue search, gzipped and
#      compared with the budgets the packages declare.
#
# Usage: bash scripts/consumer/run.sh                      (the machine's node)
#        CONSUMER_NODE_HOME=$NODE_LTS_HOME bash scripts/consumer/run.sh   (after node_lts_install 22, scripts/node-lts.sh)
# CONSUMER_NODE_HOME is a Node installation (bin/node, include/node); its bin goes first in PATH,
# so npm, node-gyp (better-sqlite3 compiles from source where no prebuilt addon can be downloaded,
# against that Node's own headers) and every script run on it. The build must have run first (`npm run build`). Nothing is reused across
# runs except npm's own cache; the temporary folder and the hub are removed/stopped on any exit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
START=$(date +%s)
step() { echo; echo "--- consumer: $1 ($(($(date +%s) - START))s)"; }
fail() { echo "consumer: FAILED: $*" >&2; exit 1; }

# Inputs: the repository's own real-world fixtures (fixtures/real-world/SOURCES.md): LAB-ORU-1 is a
# CBC lab message (HL7 v2.5, two OBR groups) from Microsoft's FHIR-Converter samples.
export CONSUMER_HL7_FILE="${CONSUMER_HL7_FILE:-$ROOT/fixtures/real-world/hl7v2/LAB-ORU-1.hl7}"
export CONSUMER_DICOM_DIR="${CONSUMER_DICOM_DIR:-$ROOT/fixtures/real-world/dicom}"
export CONSUMER_REPO_ROOT="$ROOT"
export CONSUMER_FACILITY=01001
[ -f "$CONSUMER_HL7_FILE" ] || fail "no HL7 v2 fixture at $CONSUMER_HL7_FILE"
[ -d "$CONSUMER_DICOM_DIR" ] || fail "no DICOM fixture folder at $CONSUMER_DICOM_DIR"

# The Node to test: CONSUMER_NODE_HOME, else the installation of the `node` on PATH.
if [ -n "${CONSUMER_NODE_HOME:-}" ]; then
  NODE_HOME="$CONSUMER_NODE_HOME"
else
  NODE_HOME="$(cd "$(dirname "$(readlink -f "$(command -v node)")")/.." && pwd)"
fi
[ -x "$NODE_HOME/bin/node" ] || fail "no executable $NODE_HOME/bin/node (CONSUMER_NODE_HOME=${CONSUMER_NODE_HOME:-})"
export PATH="$NODE_HOME/bin:$PATH"
# node-gyp compiles against the headers of the Node that runs it; point it at that Node's own
# headers so nothing is downloaded (the machine's npm config may name another Node's nodedir).
if [ -f "$NODE_HOME/include/node/node.h" ]; then
  export npm_config_nodedir="$NODE_HOME"
else
  echo "consumer: warning: $NODE_HOME/include/node has no headers; node-gyp will try to download them" >&2
fi
# better-sqlite3's install script (`prebuild-install || node-gyp rebuild --release`) first tries to
# download a prebuilt addon from GitHub; where GitHub cannot be reached (this project's machines)
# that fails at once and node-gyp compiles it (python3, make, g++).
export npm_config_update_notifier=false

WORK="$(mktemp -d /tmp/lienthong-consumer.XXXXXX)"
APP="$WORK/app"
HUB_PID=""

stop_hub() {
  [ -n "$HUB_PID" ] || return 0
  local pid=$HUB_PID
  HUB_PID=""
  # SIGTERM to the whole group is the graceful stop; after 10 s the group is killed.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 -- "-$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  stop_hub || true
  rm -rf "$WORK"
  if [ "$status" -ne 0 ]; then
    echo "consumer: FAILED after $(($(date +%s) - START))s (exit $status); temporary folder removed" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "consumer: Node $(node --version) from $NODE_HOME, npm $(npm --version), work folder $WORK"

step "the build is there, then npm pack of every publishable package"
mkdir -p "$WORK/tarballs" "$APP"
node "$HERE/pack.mjs" "$WORK/tarballs"

step "an empty project installs the tarballs (npm install ../tarballs/*.tgz)"
node "$HERE/make-app.mjs" "$APP" "$WORK/tarballs"
cp "$HERE"/consumer.mjs "$HERE"/consumer.cjs "$HERE"/consumer.ts "$HERE"/browser-entry.js "$APP/"
cp "$HERE"/tsconfig.node16.json "$HERE"/tsconfig.node20.json "$HERE"/tsconfig.bundler.json "$APP/"
cp "$APP/consumer.ts" "$APP/consumer.mts" # the same file, type-checked as an ES module
echo "better-sqlite3 is compiled from source for Node $(node --version) when no prebuilt addon can be downloaded: a minute or two…"
# --strict-allow-scripts: a dependency with an install script that the project's allowScripts
# does not list fails the install (npm 11 would otherwise run it and only print a warning).
if ! (cd "$APP" && npm install --no-audit --no-fund --strict-allow-scripts ../tarballs/*.tgz) \
  >"$WORK/npm-install.log" 2>&1; then
  tail -n 80 "$WORK/npm-install.log" >&2
  fail "npm install of the tarballs failed (log above)"
fi
cat "$WORK/npm-install.log"
if grep -q 'install-scripts' "$WORK/npm-install.log"; then
  fail "npm reported install scripts not covered by allowScripts (see above)"
fi

step "the @lienthong packages came from the tarballs; the native addon loads"
(cd "$APP" && node "$HERE/check-install.mjs" "$WORK/tarballs")

step "start a hub: npx lienthong hub serve (127.0.0.1, free port, temporary SQLite file)"
mkdir -p "$WORK/hub"
HUB_DB="$WORK/hub/hub.db"
created="$(cd "$APP" && npx lienthong hub facility add "$CONSUMER_FACILITY" \
  --name 'Bệnh viện kiểm thử (synthetic)' --db "$HUB_DB" --json)" ||
  fail "lienthong hub facility add failed"
CONSUMER_HUB_KEY="$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).credential.apiKey)' "$created")"
export CONSUMER_HUB_KEY
# Its own process group (setsid), so stopping it reaches npm exec, its shell and the node process.
# --port 0: the system picks a free port; the hub prints the address it got (stdout holds only
# that answer). Logs at info level, on stderr, so the graceful stop can be checked below.
(cd "$APP" && LIENTHONG_LOG_LEVEL=info exec setsid npx lienthong hub serve --host 127.0.0.1 --port 0 --db "$HUB_DB") \
  >"$WORK/hub/stdout.log" 2>"$WORK/hub/stderr.log" &
HUB_PID=$!
CONSUMER_HUB_URL=""
for _ in $(seq 150); do
  # The address in the command's answer.
  CONSUMER_HUB_URL="$({ grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/hub/stdout.log" || true; } | head -n 1)"
  [ -n "$CONSUMER_HUB_URL" ] && break
  kill -0 "$HUB_PID" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$CONSUMER_HUB_URL" ] ||
  ! node -e 'fetch(process.argv[1]).then(async (r) => { const b = await r.json(); process.exit(b.status === "ok" ? 0 : 1); }, () => process.exit(1))' \
    "$CONSUMER_HUB_URL/health"; then
  cat "$WORK/hub/stdout.log" "$WORK/hub/stderr.log" >&2
  fail "the hub did not start or /health did not answer {status: ok} (logs above)"
fi
export CONSUMER_HUB_URL
echo "hub listening on $CONSUMER_HUB_URL (/health ok)"

step "ESM consumer (consumer.mjs)"
(cd "$APP" && node consumer.mjs) || fail "consumer.mjs"

step "CommonJS consumer (consumer.cjs)"
(cd "$APP" && node consumer.cjs) || fail "consumer.cjs"

step "stop the hub (SIGTERM: graceful shutdown)"
stop_hub || fail "the hub did not stop within 10 s of SIGTERM"
grep -q 'SIGTERM received' "$WORK/hub/stderr.log" || fail "the hub did not report the SIGTERM"
grep -q '"hub stopped"' "$WORK/hub/stderr.log" || fail "the hub did not log a graceful stop"
echo "hub stopped gracefully"

step "type-check consumer.ts with the installed .d.ts (skipLibCheck off)"
for config in tsconfig.node16.json tsconfig.node20.json tsconfig.bundler.json; do
  echo "tsc -p $config"
  (cd "$APP" && node node_modules/typescript/bin/tsc -p "$config") || fail "type errors under $config"
done

step "browser bundle (esbuild, minified, gzip) against the declared size budgets"
(cd "$APP" && node "$HERE/bundle.mjs") || fail "browser bundle"

step "all good on Node $(node --version) in $(($(date +%s) - START))s"
