#!/usr/bin/env bash
# PostgreSQL 15 (Debian `postgresql`) as a private cluster: initdb into a temp dir as user postgres,
# listening on 127.0.0.1 only, on a free port. `start` prints `LIENTHONG_PG_URL=…`; `stop` ends it.
# The cluster lives in its own folder under the system temp dir, not in the clone: user postgres
# must reach it, and a clone inside a private folder (a home, `mktemp -d`) is mode 700.
source "$(dirname "$0")/lib.sh"
STATE_DIR="$STATE/postgres"

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  echo "$bin"
}

case "${1:-}" in
  start)
    BIN=$(pg_bin)
    if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then apt_install postgresql; BIN=$(pg_bin); fi
    rm -rf "$STATE_DIR" && mkdir -p "$STATE_DIR"
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/lienthong-postgres.XXXXXX")"
    echo "$DIR" > "$STATE_DIR/cluster"
    mkdir -p "$DIR/sock"
    chmod 755 "$DIR"
    chown -R postgres:postgres "$DIR"
    PORT=$(free_port)
    su postgres -s /bin/sh -c "'$BIN/initdb' -D '$DIR/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
    su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/log' -o \"-c listen_addresses=127.0.0.1 -p $PORT -k $DIR/sock -c fsync=off\" -w start >/dev/null"
    su postgres -s /bin/sh -c "'$BIN/createdb' -h 127.0.0.1 -p $PORT -U postgres lienthong"
    echo "$PORT" > "$STATE_DIR/port"
    log "PostgreSQL ready on 127.0.0.1:$PORT"
    echo "LIENTHONG_PG_URL=postgres://postgres@127.0.0.1:$PORT/lienthong"
    ;;
  stop)
    BIN=$(pg_bin)
    DIR="$(cat "$STATE_DIR/cluster" 2>/dev/null || true)"
    if [ -n "$DIR" ] && [ -d "$DIR/data" ] && [ -n "$BIN" ]; then
      su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$DIR/data' -m fast -w stop >/dev/null" || true
      log "PostgreSQL stopped"
    fi
    [ -n "$DIR" ] && rm -rf "$DIR"
    rm -rf "$STATE_DIR"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
