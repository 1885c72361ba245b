#!/usr/bin/env bash
# Chromium (Debian `chromium`) for the browser tests (examples/viewer): nothing runs as a server —
# each test launches its own headless browser through playwright-core with a fresh profile.
# `start` installs the package when /usr/bin/chromium is missing and prints
# `LIENTHONG_CHROMIUM=/usr/bin/chromium`; `stop` has nothing to stop.
source "$(dirname "$0")/lib.sh"
BIN=/usr/bin/chromium

case "${1:-}" in
  start)
    if [ ! -x "$BIN" ]; then apt_install chromium; fi
    if ! "$BIN" --version >&2 2>/dev/null; then log "chromium does not run"; exit 3; fi
    echo "LIENTHONG_CHROMIUM=$BIN"
    ;;
  stop) ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
