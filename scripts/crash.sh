#!/bin/bash
# crash.sh [BUILD_DIR] - a long crash campaign against `council serve`
# (`make crash`; KILLS=N sets the number of kills, default 50).
#
# A fresh store, 32 writers (24 delegations stating positions, 8 proposing)
# and the server killed with SIGKILL KILLS times at random moments, 0.3 to
# 1.5 s apart, restarted each time.  Prints the writes acknowledged, those
# lost (acknowledged but missing from the record afterwards: checked by
# receipt against the log the API serves and `council log export`), the
# `council verify` failures (after each crash and at the end) and the
# restart time (spawn to the first /healthz answer), median and max.
# Exits 1 if anything was lost or failed to verify.  The campaign itself is
# tests/http/crash.mjs, which crash.test.mjs runs with 3 kills in make check.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
export COUNCIL="$BUILD/council"
[ -x "$COUNCIL" ] || { echo "crash.sh: no $COUNCIL (make build first)" >&2; exit 2; }
exec node "$ROOT/tests/http/crash.mjs" "${KILLS:-50}"
