#!/bin/bash
# run.sh - build every fuzz target (tests/fuzz/fuzz_*.c) and run each for
# FUZZ_SECONDS (default 60).  Prints "ok - NAME (...)" or "FAIL - NAME"
# per target, with its executions per second.
#
# The targets link meson's own libcouncil.a, built (build-fuzz/) by clang
# with -Dfuzz=true (libFuzzer's coverage instrumentation on the whole
# library) and ASan + UBSan: whatever the library holds, the fuzzers hold,
# with no source list kept here.  Corpora are kept in the build directory
# (corpus-NAME) so repeated runs go deeper.
#
# The short run (FUZZ_SMOKE=1, `make check`) runs no libFuzzer and builds
# nothing with clang: each target, linked with tests/fuzz/replay.c into
# the sanitised gcc build the other tests use (FUZZ_REPLAY_BUILD, default
# build-check/, as replay_NAME), runs over its seeds once.  The clang
# build of the whole library was most of the smoke run's cost (74 s of
# CPU of 101 on a 2-CPU VM, 2026-12-06), and a second's mutations found
# nothing the seeds did not; what it checked still holds: every target
# builds (now with -Werror too) and keeps its properties on every seed,
# fuzz_http's in either order.
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
# a UBSan report is a finding: stop there (gcc's default goes on)
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
OUT=build-fuzz
[ "$SMOKE" = 0 ] || OUT=${FUZZ_REPLAY_BUILD:-build-check}
if [ "$SMOKE" != 0 ]; then
	[ -f "$OUT/build.ninja" ] || {
		echo "FAIL - no build in $OUT/ to link the targets into (make build-check)"
		exit 1
	}
elif [ ! -f "$OUT/build.ninja" ]; then
	mkdir -p "$OUT"
	# -Dwerror=false: a warning only clang gives must not stop fuzzing;
	# the gcc builds (make build-check) keep -Werror.
	if ! CC=clang meson setup "$OUT" -Dfuzz=true -Dwerror=false \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debugoptimized >"$OUT/setup.log" 2>&1; then
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
	bin=$OUT/$name
	[ "$SMOKE" = 0 ] || bin=$OUT/replay_${name#fuzz_}
	# a fuzz_*.c missing from meson.build's fuzz_targets fails here
	if ! ninja -C "$OUT" "${bin#"$OUT"/}" >"$OUT/$name.build.log" 2>&1; then
		echo "FAIL - $name (build)"
		tail -30 "$OUT/$name.build.log"
		status=1
		continue
	fi
	if [ "$name" = fuzz_http ] && ! http_alone "$bin"; then
		status=1
		continue
	fi
	if [ "$SMOKE" != 0 ]; then
		if [ -z "$(ls -A "tests/fuzz/seeds/$name" 2>/dev/null)" ]; then
			echo "FAIL - $name: no seeds in tests/fuzz/seeds/$name"
			status=1
		elif "$bin" "tests/fuzz/seeds/$name" >"$OUT/$name.log" 2>&1; then
			echo "ok - $name ($(grep -c '^Running: ' "$OUT/$name.log") seeds)"
		else
			echo "FAIL - $name"
			tail -40 "$OUT/$name.log"
			status=1
		fi
		continue
	fi
	corpus="$OUT/corpus-$name"
	mkdir -p "$corpus" "$OUT/long-$name"
	seeds=()
	[ -d "tests/fuzz/seeds/$name" ] && seeds+=("tests/fuzz/seeds/$name")
	if [ -d "tests/fuzz/seeds-long/$name" ]; then
		open=""
		rm -f "$OUT/long-$name"/*
		for input in tests/fuzz/seeds-long/"$name"/*; do
			if "$bin" "$input" >"$OUT/$name.long.log" 2>&1; then
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
	if "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
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
