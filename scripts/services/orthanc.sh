#!/usr/bin/env bash
# Orthanc + DICOMweb plugin (Debian `orthanc orthanc-dicomweb`): own storage dir, DICOM protocol off,
# HTTP on a free high port. Orthanc binds 0.0.0.0, so RemoteAccessAllowed=false refuses anything
# but loopback. `start` prints `LIENTHONG_ORTHANC_URL=…`; `stop` ends it.
source "$(dirname "$0")/lib.sh"
DIR="$STATE/orthanc"

plugin() { ls /usr/lib/orthanc/libOrthancDicomWeb.so* 2>/dev/null | sort -V | tail -1 || true; }

case "${1:-}" in
  start)
    if ! command -v Orthanc >/dev/null || [ -z "$(plugin)" ]; then apt_install orthanc orthanc-dicomweb; fi
    rm -rf "$DIR" && mkdir -p "$DIR/storage" "$DIR/config"
    PORT=$(free_port)
    cat > "$DIR/config/orthanc.json" <<JSON
{
  "Name": "lienthong-test",
  "StorageDirectory": "$DIR/storage",
  "IndexDirectory": "$DIR/storage",
  "HttpPort": $PORT,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomServerEnabled": false,
  "HttpCompressionEnabled": false,
  "Plugins": ["$(plugin)"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": true, "WadoRoot": "/wado", "StudiesMetadata": "Full", "SeriesMetadata": "Full" }
}
JSON
    Orthanc "$DIR/config" > "$DIR/log" 2>&1 &
    echo $! > "$DIR/pid"
    if ! wait_http "http://127.0.0.1:$PORT/system" 30; then
      log "Orthanc did not start; last log lines:"; tail -20 "$DIR/log" >&2; exit 3
    fi
    log "Orthanc ready on 127.0.0.1:$PORT"
    echo "LIENTHONG_ORTHANC_URL=http://127.0.0.1:$PORT"
    ;;
  stop)
    if [ -f "$DIR/pid" ]; then
      kill "$(cat "$DIR/pid")" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$(cat "$DIR/pid")" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$(cat "$DIR/pid")" 2>/dev/null || true
      log "Orthanc stopped"
    fi
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
