#!/usr/bin/env bash
# Starts every real service the *.service.test.ts files need, exports their URLs, runs the given
# command, and stops the services whatever happens. Usage: with-services.sh <command…>
source "$(dirname "$0")/lib.sh"
SERVICES=(postgres orthanc chromium)
cleanup() {
  for s in "${SERVICES[@]}"; do bash "$ROOT/scripts/services/$s.sh" stop || true; done
}
trap cleanup EXIT INT TERM
for s in "${SERVICES[@]}"; do
  line=$(bash "$ROOT/scripts/services/$s.sh" start)
  export "${line?}"
done
"$@"
