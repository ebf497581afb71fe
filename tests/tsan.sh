#!/bin/bash
# tsan.sh BUILD_DIR - `make tsan`: ThreadSanitizer over the code that runs
# threads, and over the server under the HTTP suite.
#
# The server runs a writer thread, libmicrohttpd's pool, and threads that
# watch the store, hold deadlines, deliver webhooks and mail, reap idle
# sessions and take snapshots; `council verify` reads the log on a second
# thread (app/eventpipe.h) and checks signatures and leaves on others.
# The sanitised build of `make check` (ASan, UBSan) sees none of their
# races; this one (-fsanitize=thread, BUILD_DIR) runs:
#
#   - every unit test but test_oom (its --wrap=malloc and fork per
#     failure point are not ThreadSanitizer's to run) and test_property
#     (`make property`; single-threaded);
#   - every tests/http/*.test.mjs against the build's `council`; of
#     stream.test.mjs, all but its bound on the server's memory, which
#     ThreadSanitizer's shadow memory exceeds (185 MiB, 2026-12-07): the
#     run names its other tests (their describe block) and that one is
#     reported skipped;
#   - tests/cli/test_multiserver.sh: three servers on one PostgreSQL
#     database, and the standby taking over.
#
# Each report goes to a file of its own (TSAN_OPTIONS log_path); the run
# fails if a test fails or any report was written, and prints them.
# Libraries linked in from Debian (SQLite, jansson, libmicrohttpd) are
# not instrumented: their own accesses are not seen, their locks are.
# About 7 minutes on a 2-CPU VM (2026-12-07).
set -u
BUILD=${1:-build-tsan}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
failed=0

run() { # NAME COMMAND...
	local name=$1 out
	shift
	out=$(TSAN_OPTIONS="halt_on_error=0 exitcode=0 second_deadlock_stack=1 log_path=$reports/$name" \
		timeout -k 30 900 "$@" 2>&1)
	local rc=$?
	# the CLI scripts print "FAIL - " lines and exit 0 (tests/run.sh
	# counts them)
	printf '%s\n' "$out" | grep -qE '^(FAIL - |not ok )' && [ "$rc" = 0 ] && rc=1
	if [ "$rc" = 0 ]; then
		echo "ok - $name"
	else
		echo "FAIL - $name (exit $rc)"
		printf '%s\n' "$out" | grep -E '^(not ok|FAIL|\[  FAILED|# fail)' | head -20 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

for t in "$BUILD"/test_*; do
	name=$(basename "$t")
	case "$name" in *.p | test_oom | test_property) continue ;; esac
	[ -x "$t" ] || continue
	run "$name" "$t"
done
for t in tests/http/*.test.mjs; do
	name=$(basename "$t" .test.mjs)
	only=()
	[ "$name" = stream ] && only=(--test-name-pattern='a quiet stream beside the others')
	run "http-$name" env COUNCIL="$ROOT/$BUILD/council" node --test --test-reporter=tap \
		"${only[@]}" "$t"
done
run multiserver env COUNCIL="$ROOT/$BUILD/council" bash tests/cli/test_multiserver.sh

n=$(find "$reports" -type f | wc -l)
if [ "$n" -gt 0 ]; then
	for f in "$reports"/*; do
		echo "---- $(basename "$f")"
		cat "$f"
	done
fi
echo "tsan: $failed failed, $n ThreadSanitizer report file(s)"
[ "$failed" = 0 ] && [ "$n" = 0 ]
