#!/bin/bash
# run.sh - build every fuzz target (tests/fuzz/fuzz_*.c) and run each for
# FUZZ_SECONDS (default 60).  Prints "ok - NAME (...)" or "FAIL - NAME"
# per target, with its executions per second.
#
# The targets link meson's own libcouncil.a, built (build-fuzz/) by clang
# with -Dfuzz=true (libFuzzer's coverage instrumentation on the whole
# library) and ASan + UBSan: whatever the library holds, the fuzzers hold,
# with no source list kept here.  Corpora are kept in the build directory
# so repeated runs go deeper: corpus-NAME for the long run, smoke-NAME for
# the short one (in build-fuzz-smoke/, below), so what the long run learns
# from seeds-long (below) never turns the short run red.
#
# The short run builds in build-fuzz-smoke/ without optimisation (-O0):
# it runs each target for a second, so its cost is the build, and clang
# at -O2 took 106 s of CPU for it against 74 s at -O0 on a 2-CPU VM
# (2026-12-06); the long run keeps -O2, which fuzzes two to three times
# faster.
#
# Seeds: tests/fuzz/seeds/NAME, always.  tests/fuzz/seeds-long/NAME holds
# edge cases that reach open bugs (tests/fuzz/README.md), so only the long
# run (`make fuzz`) uses them: it runs each one alone first, and fails
# naming those that still crash, then fuzzes from all the others too.  The
# short run of `make check` (FUZZ_SMOKE=1) leaves them out, so it stays
# green while those bugs are open.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SECS=${FUZZ_SECONDS:-60}
SMOKE=${FUZZ_SMOKE:-0}
OUT=build-fuzz
BUILDTYPE=debugoptimized
[ "$SMOKE" = 0 ] || { OUT=build-fuzz-smoke; BUILDTYPE=debug; }
mkdir -p "$OUT"
if [ ! -f "$OUT/build.ninja" ]; then
	# -Dwerror=false: a warning only clang gives must not stop fuzzing;
	# the gcc builds (make build-check) keep -Werror.
	if ! CC=clang meson setup "$OUT" -Dfuzz=true -Dwerror=false \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype="$BUILDTYPE" >"$OUT/setup.log" 2>&1; then
		echo "FAIL - fuzz build setup (clang, meson)"
		tail -20 "$OUT/setup.log"
		exit 1
	fi
fi
# fuzz_http keeps a store between inputs (building it costs seconds), so
# an input must meet the same store whatever ran before it, or a crash
# found by the fuzzer would not reproduce from its own file: run the seeds
# in order and in reverse, and each seed must get the same statuses.
http_alone() {
	local bin=$1 fwd rev
	local -a files=(tests/fuzz/seeds/fuzz_http/*)
	# An input is one request.  libFuzzer runs an input again when it
	# suspects a leak (more allocations than frees: a cache filled), so
	# only an input's first answer counts.
	statuses() { # FILE... -> one line per file: NAME STATUS
		FUZZ_HTTP_TRACE=1 "$bin" "$@" 2>&1 | awk '
			/^Running: / { f = $2; sub(/.*\//, "", f); s[f] = ""; next }
			/ -> [0-9][0-9][0-9] / && s[f] == "" {
				for (i = 1; i < NF; i++)
					if ($i == "->") s[f] = " " $(i + 1) }
			END { for (f in s) print f s[f] }' | sort
	}
	fwd=$(statuses "${files[@]}")
	rev=$(statuses $(printf '%s\n' "${files[@]}" | tac))
	if [ -z "$fwd" ] || [ "$fwd" != "$rev" ]; then
		echo "FAIL - fuzz_http: an input's answers depend on the inputs before it"
		diff <(echo "$fwd") <(echo "$rev") | head -20
		return 1
	fi
	echo "ok - fuzz_http: $(echo "$fwd" | wc -l) seeds get the same answers in either order"
}

status=0
for f in tests/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	# a fuzz_*.c missing from meson.build's fuzz_targets fails here
	if ! ninja -C "$OUT" "$name" >"$OUT/$name.build.log" 2>&1; then
		echo "FAIL - $name (build)"
		tail -30 "$OUT/$name.build.log"
		status=1
		continue
	fi
	if [ "$name" = fuzz_http ] && ! http_alone "$OUT/$name"; then
		status=1
		continue
	fi
	corpus="$OUT/corpus-$name"
	[ "$SMOKE" = 0 ] || corpus="$OUT/smoke-$name"
	mkdir -p "$corpus" "$OUT/long-$name"
	seeds=()
	[ -d "tests/fuzz/seeds/$name" ] && seeds+=("tests/fuzz/seeds/$name")
	if [ "$SMOKE" = 0 ] && [ -d "tests/fuzz/seeds-long/$name" ]; then
		open=""
		rm -f "$OUT/long-$name"/*
		for input in tests/fuzz/seeds-long/"$name"/*; do
			if "$OUT/$name" "$input" >"$OUT/$name.long.log" 2>&1; then
				cp "$input" "$OUT/long-$name/"
			else
				open="$open $(basename "$input")"
			fi
		done
		seeds+=("$OUT/long-$name")
		if [ -n "$open" ]; then
			echo "FAIL - $name: open bugs still reproduce (tests/fuzz/seeds-long/$name:$open)"
			status=1
		fi
	fi
	if "$OUT/$name" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$OUT/$name-" \
		"$corpus" "${seeds[@]}" >"$OUT/$name.log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$name.log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/$name.log")
		echo "ok - $name ($SECS s, $execs runs, $rate/s, $(grep -o 'cov: [0-9]*' "$OUT/$name.log" | tail -1))"
	else
		echo "FAIL - $name"
		tail -40 "$OUT/$name.log"
		status=1
	fi
done
exit $status
