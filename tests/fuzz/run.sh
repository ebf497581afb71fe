#!/bin/bash
# run.sh - build every fuzz target (tests/fuzz/fuzz_*.c) with clang and
# libFuzzer + ASan + UBSan, and run each for FUZZ_SECONDS (default 60).
# Prints "ok - NAME" or "FAIL - NAME" per target.  Corpora are kept in
# build-fuzz/ so repeated runs go deeper.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=build-fuzz
SECS=${FUZZ_SECONDS:-60}
mkdir -p "$OUT"
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c17 -D_GNU_SOURCE -Isrc"
LIBS="$(pkg-config --cflags --libs jansson libsodium sqlite3 libcrypto) -lm -lpthread"
# every library source, so a new module can never be missing here, and the
# country-code table that meson generates (src/core/iso3166.h)
python3 scripts/gen_iso3166.py "$(pkg-config --variable=prefix iso-codes)/share/iso-codes/json/iso_3166-1.json" \
	"$OUT/iso3166_table.c" || exit 1
LIBSRC="$(echo src/core/*.c src/store/*.c src/app/*.c) $OUT/iso3166_table.c"
status=0
for f in tests/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	if ! clang $CFLAGS -DCN_DATADIR="\"$ROOT/data\"" "$f" $LIBSRC $LIBS -o "$OUT/$name" 2>"$OUT/$name.build.log"; then
		echo "FAIL - $name (build)"
		cat "$OUT/$name.build.log"
		status=1
		continue
	fi
	mkdir -p "$OUT/corpus-$name"
	seeds=""
	[ -d "tests/fuzz/seeds/$name" ] && seeds="tests/fuzz/seeds/$name"
	if "$OUT/$name" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=0 -artifact_prefix="$OUT/$name-" "$OUT/corpus-$name" $seeds >"$OUT/$name.log" 2>&1; then
		echo "ok - $name ($SECS s, $(grep -o 'cov: [0-9]*' "$OUT/$name.log" | tail -1))"
	else
		echo "FAIL - $name"
		tail -40 "$OUT/$name.log"
		status=1
	fi
done
exit $status
