# Shared helpers of the service scripts: state under $LIENTHONG_SERVICES_DIR (default .tmp/services),
# free loopback ports, apt installs when a service is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${LIENTHONG_SERVICES_DIR:-$ROOT/.tmp/services}"
mkdir -p "$STATE"

log() { echo "[services] $*" >&2; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

wait_http() { # url seconds
  local url=$1 tries=$(( $2 * 5 ))
  for _ in $(seq "$tries"); do
    if node -e "fetch('$url').then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}
