#!/bin/bash
# bench/analysis.sh - `make bench`: council's power analysis beside brute
# force (EU-27, 2^27 coalitions) and the textbook pseudo-polynomial
# programs (weighted games up to 400 members, total weight up to 10^6), in
# one run, release build.  See bench/analysis.c; results in
# docs/PERFORMANCE.md, "Power analysis".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=build-bench
test -f $BUILD/build.ninja || meson setup $BUILD -Dbuildtype=release -Db_ndebug=if-release >/dev/null
ninja -C $BUILD bench_analysis >/dev/null
echo "power analysis (CPU seconds; ratio = other / council)"
$BUILD/bench_analysis "$@"
