#!/bin/bash
# bench/verify.sh - `council verify` on one store written through the app's
# own write path (bench/gen_store: group commits of 16, a checkpoint each,
# ~32 events a proposal), beside the baselines of the same run on the same
# file (issue 14 item 5):
#
#   verify: time and peak RSS        vs sha256sum over the store's bytes
#   verify --since a checkpoint at 99%, 90%, 50% of the log
#                                    vs the full verify (cost follows the
#                                       events added, RSS stays flat)
#
# and, with COUNCIL_BASE=path/to/another/council, the same verify by that
# build (a baseline commit) on the same store, side by side.
#
#   EVENTS=100000 bench/verify.sh     (the store is cached in build-bench/)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
EVENTS=${EVENTS:-100000}
BUILD=build-bench
test -f $BUILD/build.ninja || meson setup $BUILD -Dbuildtype=release -Db_ndebug=if-release >/dev/null
ninja -C $BUILD council gen_store >/dev/null
COUNCIL="$ROOT/$BUILD/council"
db="$ROOT/$BUILD/verify-e$EVENTS.db"
if [ ! -f "$db.done" ]; then
	rm -f "$db" "$db"-* "$db.key"
	"$ROOT/$BUILD/gen_store" "$db" $(( EVENTS / 32 > 0 ? EVENTS / 32 : 1 )) 30 16 3 >&2
	touch "$db.done"
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# seconds and peak RSS (MB) of one run: "S MB"
run1() {
	/usr/bin/time -f '%e %M' -o "$T/t" "$@" >/dev/null 2>"$T/err" ||
		{ echo "verify failed: $(cat "$T/err")" >&2; exit 1; }
	awk '{ printf "%.2f %.0f", $1, $2 / 1024 }' "$T/t"
}
# median of 3 "S MB" runs (by seconds)
run3() { for _ in 1 2 3; do run1 "$@"; echo; done | sort -g | sed -n 2p; }

events=$(sqlite3 "$db" "SELECT max(seq) FROM events")
bytes=$(stat -c %s "$db")
s=$(date +%s%N); for _ in 1 2 3; do sha256sum "$db" >/dev/null; done; e=$(date +%s%N)
sha=$(awk -v d=$((e - s)) 'BEGIN { printf "%.3f", d / 3e9 }')
printf 'store: %d events, %d checkpoints, %.0f MB; sha256sum %.3fs\n' "$events" \
	"$(sqlite3 "$db" "SELECT count(*) FROM checkpoints")" "$(echo "$bytes / 1000000" | bc -l)" "$sha"
report() { # LABEL "S MB"
	set -- "$1" $2
	printf '%-34s %7.2fs %6d MB   sha256sum / it: %.3fx\n' "$1" "$2" "$3" \
		"$(echo "$sha / $2" | bc -l)"
}
if [ -n "${COUNCIL_BASE:-}" ]; then
	report "verify (COUNCIL_BASE)" "$(run3 "$COUNCIL_BASE" --db "$db" verify)"
fi
report "verify" "$(run3 "$COUNCIL" --db "$db" verify)"
for pct in 99 90 50; do
	size=$(sqlite3 "$db" "SELECT min(size) FROM checkpoints WHERE size >= $events * $pct / 100")
	sqlite3 "$db" "SELECT note FROM checkpoints WHERE size = $size" | head -c -1 > "$T/cp"
	report "verify --since $pct% ($((events - size)) added)" \
		"$(run3 "$COUNCIL" --db "$db" verify --since "$T/cp")"
done
