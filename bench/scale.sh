#!/bin/bash
# bench/scale.sh - `make bench-scale`: what a long record costs.  For stores
# of several sizes, written through the app's own write path (bench/gen_store:
# group commits of 16 commands, a signed checkpoint each, as the server
# writes), it measures each request the "years of history" issue names, beside
# a baseline taken in the same run on the same file:
#
#   CLI reads (show, members --at, proposals)  vs sqlite3 answering the same
#                                                 question on the same file
#   council serve start-up                     vs start-up on an empty store plus
#                                                 the snapshot's load (the server
#                                                 says it; issue 14's target)
#   GET /api/v1/proposals, first page          vs the same on the smallest store,
#     and ?status=open (the page's open list),    its server started beside
#     and the secretariat's calendar.ics,         (25 rounds in turn)
#     and ?opened_to= the record's first minutes,
#     and ?status=concluded&concluded_to= the same
#   durable writes, 32 clients (rate, p99)     vs the rate on the smallest store
#                                                 (5 runs each, the stores in
#                                                 turn: medians)
#   council verify (time, RSS)                 vs sha256sum over the store's bytes
#                                                 (run in turn, 25 times each)
#   council verify --since (1% added)          vs the full verify (cost follows
#                                                 what was added, not the log)
#   log export + verify --export               vs sha256sum over the export
#                                                 (in turn, 25 times each)
#   GET /healthz while 4 clients read lists    (latency)
#   server RSS after the list load
#
# and, on a store of each EVENTS size where nothing but the registry is
# public (every proposal an open meeting, with comments: q*):
#
#   GET /api/v1/log, the public's first page   vs the secretariat's same page
#     after the registry
#   GET /api/v1/search?q=, the public's         (a word only hidden texts hold)
#   GET /healthz while 4 clients page the        (latency)
#     public's log and search
#
# and, on each EVENTS store, the writer's world from a snapshot (issue 14
# item 1), before and after in the same run on the same log:
#
#   council serve start-up, and one CLI write (propose)
#     before: the store's snapshots deleted (the whole log folded), as
#             before snapshots existed
#     after:  from the snapshot the generator's commits wrote, plus the tail
#   beside start-up on a new store (init only) and the snapshot's size;
#   the target (issue 14): start-up at most 2x (start-up on an empty store
#   plus the snapshot's load, which the server says at start-up: the
#   snapshot read, checked and decoded), and under 1 s
#
# SNAPSHOT_ONLY=1 measures only that (the rest takes many minutes).
#
# Sizes: EVENTS="10000 100000" (stores of about that many events, ~32 events a
# proposal) and PROPOSALS="100 10000" (5 events a proposal); DURATION seconds
# per wrk run (default 5).  The first size of each list is the baseline for
# the "same figure at the smallest size" ratios.  Stores are cached in
# build-bench/scale/ (delete it to regenerate) and measured on a copy, so
# each run measures them at the size they were generated at.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
EVENTS=${EVENTS:-10000 100000}
PROPOSALS=${PROPOSALS:-100 10000}
DUR=${DURATION:-5}
BUILD=build-bench
CACHE=$BUILD/scale

scripts/install-deps.sh --bench
test -f $BUILD/build.ninja || meson setup $BUILD -Dbuildtype=release -Db_ndebug=if-release >/dev/null
# only what it runs: a release build of the tests may warn where the
# sanitizer build does not (-Werror)
ninja -C $BUILD council gen_store >/dev/null
mkdir -p "$CACHE"
# COUNCIL_BIN: measure another build of council (a baseline) on the same stores
COUNCIL="${COUNCIL_BIN:-$ROOT/$BUILD/council}"
T=$(mktemp -d "$ROOT/$BUILD/scale-run.XXXXXX")
SRV=
SRV2=
declare -A SMALL_DB SMALL_FEED
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null || true
	[ -n "$SRV2" ] && kill "$SRV2" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# seconds one run of a command takes (stdout and stderr discarded), read
# from bash's clock: a `date` process for the end would add a millisecond
# to every run, a tenth of a small store's verify
once() {
	local s e
	s=${EPOCHREALTIME/[.,]/}; "$@" >/dev/null 2>&1; e=${EPOCHREALTIME/[.,]/}
	awk -v d=$((e - s)) 'BEGIN { printf "%.4f", d / 1e6 }'
}
# seconds a command takes, median of 3
time3() {
	local a=()
	for _ in 1 2 3; do a+=("$(once "$@")"); done
	median "${a[@]}"
}
# A -- B: the median seconds of each of two commands, run in turn, so
# that what the machine does meanwhile weighs on both alike (a ratio of a
# run of A to a run of B a minute later varied by a third): 25 times
# each, or fewer once the pairs have taken 10 s (9 at least) or 30 s (3 at
# least).  The ratio of the medians of 9 pairs, taken six times in a row
# on the same export, spread from 0.48 to 0.71 at p100 and from 0.50 to
# 0.57 at p10000; of 25 pairs, from 0.51 to 0.55 and 0.54 to 0.60: the
# short commands' figures were the host's moment as much as the code's.
pairs() {
	local a=() b=() x=() y=() i t
	local t0=${EPOCHREALTIME/[.,]/}
	for i in "$@"; do shift; [ "$i" = -- ] && break; a+=("$i"); done
	b=("$@")
	for ((i = 1; i <= 25; i++)); do
		x+=("$(once "${a[@]}")")
		y+=("$(once "${b[@]}")")
		t=$((${EPOCHREALTIME/[.,]/} - t0))
		[ "$i" -ge 9 ] && [ "$t" -gt 10000000 ] && break
		[ "$i" -ge 3 ] && [ "$t" -gt 30000000 ] && break
	done
	echo "$(median "${x[@]}") $(median "${y[@]}")"
}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"; }
p99() {
	awk '/^ +99%/ { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1000 } printf "%.1f", v }' "$1"
}
rss_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# make (or reuse) a store: NAME PROPOSALS POSITIONS [OPEN meeting]; tokens
# beside it
store() {
	local db="$CACHE/$1.db"
	# A store cached before checkpoints named the one before them (their
	# chain line, docs/MERKLE.md) is not the shape the write path makes
	# now: its verify would check every signature.  Made again.
	if [ -f "$db.tokens" ] && [ "$(sqlite3 "$db" "SELECT instr(note, char(10) || 'previous ') > 0 FROM checkpoints ORDER BY size DESC LIMIT 1")" != 1 ]; then
		rm -f "$db.tokens"
	fi
	if [ ! -f "$db.tokens" ]; then
		rm -f "$db" "$db"-* "$db.key"
		"$ROOT/$BUILD/gen_store" "$db" "$2" "$3" 16 "${4:-3}" ${5:-} >&2
		{
			$COUNCIL --db "$db" token issue --role secretariat
			# the 32 delegations' in one call, "CODE TOKEN" a line
			$COUNCIL --db "$db" token issue $(printf -- '--member %s ' \
				BE CA DK FR IS IT LU NL NO PT GB US GR TR DE ES CZ HU PL BG EE LV \
				LT RO SK SI AL HR ME MK FI SE) | cut -d' ' -f2
		} > "$db.tokens.tmp"
		mv "$db.tokens.tmp" "$db.tokens"
	fi
	# A store cached by an earlier build: brought to this build's schema
	# (an index it adds) by a writable open that writes nothing, so that
	# no measured open below makes it
	$COUNCIL --db "$db" person list >/dev/null
	echo "$db"
}

# A copy of a cached store to measure on (the store, its key and tokens),
# in the run's directory: the measures write (the write benchmark adds
# some 18,000 events a second), and a cached store must stay the size it
# was generated at, or every run would measure a larger one.  DB NAME
work_copy() {
	local to="$T/$2.db"
	# never a journal of an earlier copy's beside this one
	rm -f "$to" "$to"-*
	cp "$1" "$to"; cp "$1.key" "$to.key"; cp "$1.tokens" "$to.tokens"
	[ -f "$1-wal" ] && cp "$1-wal" "$to-wal"
	# on the disk before anything is measured: the kernel's writeback of
	# a fresh copy (750 MB at 1M events) would otherwise share the disk
	# with the write benchmark's fsyncs
	sync "$to"*
	echo "$to"
}
drop_copy() { rm -f "$1" "$1"-* "$1.key" "$1.tokens"; }

# Until the server (process PID) answers /healthz on PORT; the run stops
# if it dies first.  PID PORT
until_up() {
	until curl -sf "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; do
		kill -0 "$1" 2>/dev/null || { echo "scale: the server died" >&2; exit 1; }
		sleep 0.01
	done
}

start_server() {
	PORT=$(port)
	local s e
	s=$(now_ns)
	$COUNCIL --db "$1" serve --listen 127.0.0.1:$PORT --threads 4 --quiet &
	SRV=$!
	until_up "$SRV" "$PORT"
	e=$(now_ns)
	START=$(awk -v d=$((e - s)) 'BEGIN { printf "%.3f", d / 1e9 }')
}
stop_server() { kill "$SRV"; wait "$SRV" 2>/dev/null || true; SRV=; }

# What the server says its start-up cost (not --quiet): the snapshot's
# load in ms, then the events folded after it and their ms; "0 N MS"
# when it folded the whole log.  DB
opened() {
	local port err="$T/opened.err"
	port=$(port)
	$COUNCIL --db "$1" serve --listen 127.0.0.1:$port --threads 4 2>"$err" &
	SRV=$!
	until_up "$SRV" "$port"
	stop_server
	sed -nE 's/^council: the world from the snapshot at event [0-9]+ \([0-9.]+ MB\) in ([0-9]+) ms, then ([0-9]+) events? in ([0-9]+) ms$/\1 \2 \3/p
		s/^council: the world folded from the whole log, ([0-9]+) events, in ([0-9]+) ms.*/0 \1 \2/p' "$err"
}

# HZ: the slowest of 20 GET /healthz while the load (process PID, a child
# of this shell) runs; then waits for it.  PID BASE
healthz_under() {
	local h=()
	sleep 0.5
	for _ in $(seq 20); do
		h+=("$(curl -s -o /dev/null -w '%{time_total}' "$2/healthz")")
		sleep 0.1
	done
	wait "$1"
	HZ=$(printf '%s\n' "${h[@]}" | sort -g | tail -1)
}

# POST JSON to URL as TOKEN; its answer on stdout; the run stops on an
# error.  URL TOKEN JSON
post() {
	curl -sf -H "Authorization: Bearer $2" -H 'Content-Type: application/json' "$1" -d "$3" ||
		{ echo "scale: POST $1 failed" >&2; exit 1; }
}

# What curl says of a GET of URL as TOKEN (none: ""), in curl's -w
# FORMAT.  FORMAT URL TOKEN
get_w() {
	local auth=()
	[ -n "$3" ] && auth=(-H "Authorization: Bearer $3")
	curl -s -o /dev/null -w "$1" "${auth[@]}" "$2"
}
# A first GET of URL, not timed: it fills the server's caches (about 2x
# the others at every size); the run stops unless it is 200.  URL TOKEN
get_first() {
	local code; code=$(get_w '%{http_code}' "$1" "$2")
	[ "$code" = 200 ] || { echo "scale: GET $1 answered $code" >&2; exit 1; }
}
# Seconds a GET of URL takes as TOKEN: the median of 9 after the first.
# URL TOKEN
get_median() {
	local a=()
	get_first "$1" "$2"
	for _ in 1 2 3 4 5 6 7 8 9; do a+=("$(get_w '%{time_total}' "$1" "$2")"); done
	median "${a[@]}"
}

# A second server, on the family's smallest store: SRV2, PORT2.  DB
start_second() {
	PORT2=$(port)
	$COUNCIL --db "$1" serve --listen 127.0.0.1:$PORT2 --threads 4 --quiet &
	SRV2=$!
	until_up "$SRV2" "$PORT2"
}
stop_second() { kill "$SRV2"; wait "$SRV2" 2>/dev/null || true; SRV2=; }

# The proposals opened in the generated record's first ten minutes (every
# store's starts at 2024-04-01T00:00:00Z, bench/gen_store): 19 to 120 of
# them, the last page of a walk by id from the newest.
EARLY="opened_to=2024-04-01T00:10:00Z"
# and those concluded then (the generated silences conclude seconds after
# they open)
EARLY_DONE="status=concluded&concluded_to=2024-04-01T00:10:00Z"

# The first page, ?status=open, the calendar and the record's first
# minutes (opened, and concluded), on the server at BASE and on the
# smallest store's at SBASE, in turn: 25 rounds of the ten GETs (a first
# of each not counted).  Prints the medians "PAGE OPEN CAL EARLY DONE" at
# BASE, then the smallest's as one word "PAGE,OPEN,CAL,EARLY,DONE".
# BASE FEED TOKEN SBASE SFEED STOKEN
lists_in_turn() {
	local urls=("$1/api/v1/proposals" "$1/api/v1/proposals?status=open"
		"$1/api/v1/calendar.ics?$2" "$1/api/v1/proposals?$EARLY"
		"$1/api/v1/proposals?$EARLY_DONE"
		"$4/api/v1/proposals" "$4/api/v1/proposals?status=open"
		"$4/api/v1/calendar.ics?$5" "$4/api/v1/proposals?$EARLY"
		"$4/api/v1/proposals?$EARLY_DONE")
	local toks=("$3" "$3" "" "$3" "$3" "$6" "$6" "" "$6" "$6")
	local t=() i k m=()
	for k in {0..9}; do t+=(""); get_first "${urls[$k]}" "${toks[$k]}"; done
	for ((i = 0; i < 25; i++)); do
		for k in {0..9}; do
			t[$k]+=" $(get_w '%{time_total}' "${urls[$k]}" "${toks[$k]}")"
		done
	done
	for k in {0..9}; do m+=("$(median ${t[$k]})"); done
	echo "${m[0]} ${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]},${m[6]},${m[7]},${m[8]},${m[9]}"
}

# measure one store; prints one line of key=value
measure() {
	local name=$1 db events nprop mid sec
	db=$(work_copy "$2" "$1")
	events=$(sqlite3 "$db" "SELECT max(seq) FROM events")
	nprop=$(sqlite3 "$db" "SELECT count(*) FROM proposals")
	mid=$(( (nprop + 1) / 2 ))
	sec=$(head -1 "$db.tokens")
	local show q_show mem q_mem list q_list
	show=$(time3 $COUNCIL --db "$db" show "$mid")
	q_show=$(time3 sqlite3 "$db" "SELECT doc FROM proposals WHERE id = $mid")
	mem=$(time3 $COUNCIL --db "$db" members --at 2023-04-04)
	q_mem=$(time3 sqlite3 "$db" "SELECT record FROM members")
	list=$(time3 $COUNCIL --db "$db" proposals)
	q_list=$(time3 sqlite3 "$db" "SELECT id, body, procedure, status, title FROM proposals")

	# verify the store as generated, before the server writes to it, in
	# turn with sha256sum over its bytes (pairs); peak RSS, a run of its
	# own
	local v vr sh s e
	read -r v sh <<<"$(pairs $COUNCIL --db "$db" verify -- \
		sh -c "cat '$db' '$db-wal' 2>/dev/null | sha256sum")"
	/usr/bin/time -f '%M' -o "$T/rss.$name" $COUNCIL --db "$db" verify >/dev/null
	vr=$(awk '{ printf "%.0f", $1 / 1024 }' "$T/rss.$name")
	# verify --since the first checkpoint at or after 99% of the log
	local cps vs
	cps=$(sqlite3 "$db" "SELECT min(size) FROM checkpoints WHERE size >= $events * 99 / 100")
	sqlite3 "$db" "SELECT note FROM checkpoints WHERE size = $cps" | head -c -1 > "$T/since.$name"
	vs=$(time3 $COUNCIL --db "$db" verify --since "$T/since.$name")

	# export, and verify the export vs sha256sum over it
	local ex vx shx mb
	s=$(now_ns); $COUNCIL --db "$db" log export "$T/x.$name" >/dev/null; e=$(now_ns)
	ex=$(awk -v d=$((e - s)) 'BEGIN { printf "%.3f", d / 1e9 }')
	$COUNCIL --db "$db" log key > "$T/k.$name"
	read -r vx shx <<<"$(pairs $COUNCIL verify --export "$T/x.$name" \
		--log-key "$T/k.$name" -- sha256sum "$T/x.$name")"
	mb=$(awk -v b="$(stat -c %s "$T/x.$name")" 'BEGIN { printf "%.0f", b / 1e6 }')
	rm -f "$T/x.$name"
	sync

	local starts=()
	for _ in 1 2 3; do start_server "$db"; starts+=("$START"); stop_server; done
	local start; start=$(median "${starts[@]}")
	# what the server says its start-up cost: the snapshot's load (ms)
	local load_ms tail tail_ms
	read -r load_ms tail tail_ms <<<"$(opened "$db")"

	# the secretariat's calendar feed (a write: before the server starts)
	local feed; feed=$($COUNCIL --db "$db" token feed 1 --json | jq -r .url | sed 's/.*?//')
	start_server "$db"
	local base="http://127.0.0.1:$PORT"
	local page; page=$(get_median "$base/api/v1/proposals" "$sec")
	# the open ones, as the page reads them, and the calendar: each a
	# filter the index walks (store.h, cn_proposal_order), not the record.
	# The generated stores' silences are due in 2024 (the server's start
	# concluded them): three open for a month and one concluded now, at
	# every size, so both have what to show
	local due; due=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
	for _ in 1 2 3; do
		post "$base/api/v1/proposals" "$sec" "{\"body\":\"NAC\",\"title\":\"scale: open\",\"procedure\":\"silence\",\"deadline\":\"$due\"}" >/dev/null
	done
	local done_id; done_id=$(post "$base/api/v1/proposals" "$sec" '{"body":"NAC","title":"scale: concluded"}' | jq .id)
	post "$base/api/v1/proposals/$done_id/conclude" "$sec" '{}' >/dev/null
	local page_open; page_open=$(get_median "$base/api/v1/proposals?status=open" "$sec")
	local cal; cal=$(get_median "$base/api/v1/calendar.ics?$feed" "")
	local early; early=$(get_median "$base/api/v1/proposals?$EARLY" "$sec")
	local done_early; done_early=$(get_median "$base/api/v1/proposals?$EARLY_DONE" "$sec")
	# Against the family's smallest store (kept, its server started
	# again beside this one), in turn: figures under a millisecond
	# measured minutes apart differed by a third with the host's moment
	local fam=${name:0:1} small=""
	if [ -n "${SMALL_DB[$fam]:-}" ]; then
		start_second "${SMALL_DB[$fam]}"
		local turns
		turns=$(lists_in_turn "$base" "$feed" "$sec" "http://127.0.0.1:$PORT2" \
			"${SMALL_FEED[$fam]}" "$(head -1 "${SMALL_DB[$fam]}.tokens")")
		read -r page page_open cal early done_early small <<<"$turns"
		stop_second
	fi

	# durable writes: 32 delegations on a fresh meeting proposal (again
	# below, the stores in turn: writes_in_turn)
	write_load "$db" "$base" "$T/w.$name"
	local wr wp; wr=$(rps "$T/w.$name"); wp=$(p99 "$T/w.$name")

	# /healthz while 4 clients read the proposal list
	wrk -t1 -c4 -d"${DUR}s" -H "Authorization: Bearer $sec" "$base/api/v1/proposals" > "$T/l.$name" &
	healthz_under $! "$base"
	local hz=$HZ
	local rss; rss=$(rss_mb "$SRV")
	stop_server

	# the family's smallest: kept for the larger ones' lists in turn,
	# under a name of its own (writes_in_turn copies to $T/NAME.db)
	if [ -z "${SMALL_DB[$fam]:-}" ]; then
		local f
		for f in "$db" "$db"-* "$db.key" "$db.tokens"; do
			[ -e "$f" ] && mv "$f" "$T/small-${f#"$T/"}"
		done
		SMALL_DB[$fam]=$T/small-$name.db
		SMALL_FEED[$fam]=$feed
	else
		drop_copy "$db"
	fi
	echo "name=$name events=$events proposals=$nprop show=$show q_show=$q_show" \
	     "members=$mem q_members=$q_mem list=$list q_list=$q_list start=$start" \
	     "page=$page page_open=$page_open cal=$cal early=$early done_early=$done_early ${small:+small=$small }writes=$wr p99=$wp healthz=$hz rss=$rss verify=$v verify_rss=$vr" \
	     "load_ms=${load_ms:-0} empty_start=$EMPTY_START" \
	     "verify_since=$vs since_added=$((events - cps))" \
	     "sha_store=$sh export=$ex verify_export=$vx sha_export=$shx export_mb=$mb"
}

# DURATION seconds of durable writes, 32 delegations stating positions on a
# fresh meeting proposal, through the server at BASE: wrk's report in OUT.
# DB BASE OUT
write_load() {
	local id sec
	sec=$(head -1 "$1.tokens")
	id=$(curl -sf -H "Authorization: Bearer $sec" -H 'Content-Type: application/json' \
		"$2/api/v1/proposals" -d '{"body":"NAC","title":"scale: writes"}' | jq .id)
	TOKENS=$(tail -n +2 "$1.tokens" | tr '\n' ' ') PROPOSAL=$id \
		wrk -t2 -c32 -d"${DUR}s" --latency -s bench/positions.lua "$2" > "$3"
}

# The durable writes again, 5 rounds of the stores in turn, each run on a
# fresh copy: one run a store, minutes apart, varied by a sixth from one
# run to the next of the same build on the same store (2026-12-05: 11,700
# to 16,900/s), more than the 0.9x the target allows; in turn, each store
# meets the machine's moods as often as the others.  Of 3 rounds, the
# medians still put e100000 at 0.86x of e10000 in one run, when four
# rounds of the two alone right after gave 0.87, 1.05, 1.01 and 0.97x.
# Prints "NAME RATE P99" a run.  NAME=STORE...
writes_in_turn() {
	local r pair name db
	for r in 1 2 3 4 5; do
		for pair in "$@"; do
			name=${pair%%=*}
			db=$(work_copy "${pair#*=}" "$name")
			start_server "$db"
			write_load "$db" "http://127.0.0.1:$PORT" "$T/wt.$name"
			stop_server
			drop_copy "$db"
			echo "$name $(rps "$T/wt.$name") $(p99 "$T/wt.$name")"
		done
	done
}

# seconds one GET takes, median of 5: URL [TOKEN]
get5() {
	local a=()
	for _ in 1 2 3 4 5; do
		a+=("$(get_w '%{time_total}' "$1" "${2:-}")")
	done
	median "${a[@]}"
}

# measure a store where nothing but the registry is public
measure_quiet() {
	local name=$1 db=$2 events from sec
	events=$(sqlite3 "$db" "SELECT max(seq) FROM events")
	from=$(sqlite3 "$db" "SELECT min(seq) FROM events WHERE proposal IS NOT NULL")
	sec=$(head -1 "$db.tokens")
	start_server "$db"
	local base="http://127.0.0.1:$PORT"
	local pub sec_page search
	pub=$(get5 "$base/api/v1/log?from=$from")
	sec_page=$(get5 "$base/api/v1/log?from=$from" "$sec")
	search=$(get5 "$base/api/v1/search?q=generated")
	# /healthz while 4 clients page the public's log and search
	cat > "$T/quiet.lua" <<LUA
local paths = {"/api/v1/log?from=$from", "/api/v1/search?q=generated"}
local n = 0
request = function() n = n + 1; return wrk.format("GET", paths[n % 2 + 1]) end
LUA
	wrk -t1 -c4 -d"${DUR}s" -s "$T/quiet.lua" "$base" > "$T/q.$name" &
	healthz_under $! "$base"
	local hz=$HZ
	local lr; lr=$(rps "$T/q.$name")
	stop_server
	echo "name=$name events=$events pub_log=$pub sec_log=$sec_page search=$search" \
	     "healthz=$hz list_rps=$lr"
}

# serve start-up and a CLI write, from the snapshot and from the whole
# log: NAME DB
measure_snapshot() {
	local name=$1 db cp="$T/nosnap.db" events snap kb starts=() w=() i
	db=$(work_copy "$2" "$1")
	events=$(sqlite3 "$db" "SELECT max(seq) FROM events")
	cp "$db" "$cp"; cp "$db.key" "$cp.key"
	[ -f "$db-wal" ] && cp "$db-wal" "$cp-wal"
	sqlite3 "$cp" "CREATE TABLE IF NOT EXISTS snapshots(seq INTEGER PRIMARY KEY,
		hash BLOB NOT NULL, bytes BLOB NOT NULL); DELETE FROM snapshots"
	local before_start after_start before_write after_write load_ms tail tail_ms
	# before: no snapshot, and none written while measuring
	for i in 1 2 3; do
		COUNCIL_SNAPSHOT_EVERY=1000000000000 start_server "$cp"; starts+=("$START"); stop_server
	done
	before_start=$(median "${starts[@]}")
	before_write=$(COUNCIL_SNAPSHOT_EVERY=1000000000000 time3 $COUNCIL --db "$cp" \
		propose --body NAC --title "scale: a write")
	starts=()
	for i in 1 2 3; do start_server "$db"; starts+=("$START"); stop_server; done
	after_start=$(median "${starts[@]}")
	read -r load_ms tail tail_ms <<<"$(opened "$db")"
	after_write=$(time3 $COUNCIL --db "$db" propose --body NAC --title "scale: a write")
	snap=$(sqlite3 "$db" "SELECT max(seq) FROM snapshots")
	# its size: the parts its row lists (src/store/snapparts.h: "CNPARTS1",
	# then per part a SHA-256 and a 4-byte length), added up
	kb=$(sqlite3 "$db" "WITH RECURSIVE e(b, i) AS (SELECT bytes, 0 FROM snapshots
		WHERE seq = (SELECT max(seq) FROM snapshots) UNION ALL SELECT b, i + 1 FROM e
		WHERE 8 + 36 * (i + 2) <= length(b)) SELECT sum(length(p.bytes)) / 1024
		FROM e JOIN snapshot_parts p ON p.hash = substr(e.b, 9 + 36 * e.i, 32)")
	rm -f "$cp" "$cp"-* "$cp.key"
	drop_copy "$db"
	echo "name=$name events=$events snap=${snap:-0} snap_kb=${kb:-0}" \
	     "before_start=$before_start after_start=$after_start" \
	     "before_write=$before_write after_write=$after_write empty_start=$EMPTY_START" \
	     "load_ms=${load_ms:-0} tail=${tail:-0} tail_ms=${tail_ms:-0}"
}

# start-up on a new store (init only), the baseline of the start-up target
empty_start() {
	local db="$T/empty.db" starts=()
	$COUNCIL --db "$db" init >/dev/null 2>&1
	for _ in 1 2 3; do start_server "$db"; starts+=("$START"); stop_server; done
	EMPTY_START=$(median "${starts[@]}")
}

report_snapshot() {
	awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if (NR == 1) printf "\n%-8s %9s | %-22s | %-24s | %-24s | %-22s | %s\n", "store",
			"events", "snapshot at (KB)", "serve start-up before -> after",
			"CLI write before -> after", "start-up / on an empty store",
			"snapshot load; events after it"
		x = f["after_start"] / f["empty_start"]
		printf "%-8s %9d | %9d (%7d KB) | %8.3fs -> %8.3fs    | %8.3fs -> %8.3fs    | %.2fx (empty %.3fs)    | %d ms; %d in %d ms\n",
			f["name"], f["events"], f["snap"], f["snap_kb"], f["before_start"],
			f["after_start"], f["before_write"], f["after_write"], x, f["empty_start"],
			f["load_ms"], f["tail"], f["tail_ms"]
		rows[NR] = sprintf("%s %s %s %s %s", f["name"], f["after_start"], f["empty_start"], f["load_ms"], f["snap"])
	}
	END {
		# issue 14: start-up at most 2x (start-up on an empty store plus
		# the snapshot'"'"'s load), and under 1 s
		for (i = 1; i <= NR; i++) {
			split(rows[i], r, " ")
			bound = 2 * (r[3] + r[4] / 1000)
			t = r[2] <= bound && r[2] < 1
			printf "%-8s serve start-up %.3fs / (empty %.3fs + snapshot load %.3fs): %.2fx (target <= 2x, and < 1 s)  %s\n",
				r[1], r[2], r[3], r[4] / 1000, r[2] / (r[3] + r[4] / 1000), t ? "met" : "NOT MET"
		}
	}' "$1"
}

snapshot_runs() {
	[ -n "${EMPTY_START:-}" ] || empty_start
	: > "$T/snap"
	for n in $EVENTS; do
		measure_snapshot "e$n" "$(store "e$n" $(( n / 32 > 0 ? n / 32 : 1 )) 30)" >> "$T/snap"
	done
	report_snapshot "$T/snap"
}
if [ "${SNAPSHOT_ONLY:-0}" = 1 ]; then
	snapshot_runs
	exit 0
fi

RES="$T/results"
: > "$RES"
empty_start
STORES=()
for n in $EVENTS; do
	STORES+=("e$n=$(store "e$n" $(( n / 32 > 0 ? n / 32 : 1 )) 30)")
	measure "e$n" "${STORES[-1]#*=}" >> "$RES"
done
for p in $PROPOSALS; do
	STORES+=("p$p=$(store "p$p" "$p" 3)")
	measure "p$p" "${STORES[-1]#*=}" >> "$RES"
done
# Each store's writes and p99: the medians of its runs in turn, in place
# of the one run measure took.
writes_in_turn "${STORES[@]}" > "$T/wt"
# and each run's rate, in round order, so that a median can be read
# against the rounds it came from
awk '!($1 in r) { o[++n] = $1 } { r[$1] = r[$1] sprintf(" %7.0f/s", $2) }
     END { print ""; print "durable writes, each round (stores in turn):"
	   for (i = 1; i <= n; i++) printf "%-10s%s\n", o[i], r[o[i]] }' "$T/wt"
awk 'NR == FNR { r[$1] = r[$1] " " $2; q[$1] = q[$1] " " $3; next }
function med(list,   a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return a[int((n + 1) / 2)]
}
{
	split($1, kv, "="); name = kv[2]
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^writes=/ && name in r) $i = "writes=" med(r[name])
		if ($i ~ /^p99=/ && name in q) $i = "p99=" med(q[name])
	}
	print
}' "$T/wt" "$RES" > "$RES.new" && mv "$RES.new" "$RES"
snapshot_runs
QUIET="$T/quiet"
: > "$QUIET"
for n in $EVENTS; do
	q=$(( n / 32 > 0 ? n / 32 : 1 ))
	measure_quiet "q$n" "$(store "q$n" "$q" 30 "$q" meeting)" >> "$QUIET"
done
awk '{
	for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	if (NR == 1) printf "\n%-8s %9s | %-28s | %8s | %8s | %s\n", "store", "events",
		"public log page (secretariat)", "search", "healthz", "4 readers"
	printf "%-8s %9d | %8.4fs (%8.4fs) %6.1fx | %7.4fs | %6.1fms | %.0f/s\n", f["name"], f["events"],
		f["pub_log"], f["sec_log"], f["pub_log"] / f["sec_log"], f["search"], f["healthz"] * 1000,
		f["list_rps"]
}' "$QUIET"

# ---- the table ----------------------------------------------------------------
awk '
function v(k) { return f[NR, k] }
{
	for (i = 1; i <= NF; i++) { split($i, kv, "="); f[NR, kv[1]] = kv[2] }
	n = NR
}
END {
	printf "\n%-8s %9s %6s | %-17s | %-17s | %-17s | %6s | %6s | %-12s | %7s | %5s | %-16s | %-16s\n",
		"store", "events", "props", "show (sqlite3)", "members (sqlite3)", "proposals (sqlite3)",
		"start", "page", "writes, p99", "healthz", "RSS", "verify (sha, RSS)", "verify --export"
	for (r = 1; r <= n; r++)
		printf "%-8s %9d %6d | %6.3f (%6.3f)   | %6.3f (%6.3f)   | %6.3f (%6.3f)   | %5.2fs | %5.3fs | %5.0f/s %4.1fms | %6.3fs | %4dM | %6.2fs (%.2fs, %dM) | %6.2fs (%.2fs)\n",
			f[r,"name"], f[r,"events"], f[r,"proposals"], f[r,"show"], f[r,"q_show"],
			f[r,"members"], f[r,"q_members"], f[r,"list"], f[r,"q_list"], f[r,"start"],
			f[r,"page"], f[r,"writes"], f[r,"p99"], f[r,"healthz"], f[r,"rss"],
			f[r,"verify"], f[r,"sha_store"], f[r,"verify_rss"], f[r,"verify_export"], f[r,"sha_export"]
	print ""
	# the targets, each a ratio measured in this run
	ok = 1
	for (r = 1; r <= n; r++) {
		nm = f[r,"name"]
		x = f[r,"show"] / f[r,"q_show"]; y = f[r,"members"] / f[r,"q_members"]
		t = (x <= 3 && y <= 3); ok = ok && t
		printf "%-8s CLI read / sqlite3: show %.1fx, members %.1fx (target <= 3x)  %s\n", nm, x, y, t ? "met" : "NOT MET"
		t = f[r,"verify_rss"] < 100; ok = ok && t
		printf "%-8s verify RSS %d MB (target < 100 MB)  %s\n", nm, f[r,"verify_rss"], t ? "met" : "NOT MET"
		x = f[r,"sha_store"] / f[r,"verify"]; t = x >= 0.5; ok = ok && t
		printf "%-8s verify throughput / sha256sum over the store: %.2fx (target >= 0.5x)  %s\n", nm, x, t ? "met" : "NOT MET"
		printf "%-8s verify --since, %d events added: %.3fs (the full verify %.3fs)\n", nm, f[r,"since_added"], f[r,"verify_since"], f[r,"verify"]
		x = f[r,"sha_export"] / f[r,"verify_export"]; t = x >= 0.5; ok = ok && t
		printf "%-8s verify --export / sha256sum over the export: %.2fx (target >= 0.5x)  %s\n", nm, x, t ? "met" : "NOT MET"
		t = f[r,"healthz"] <= 0.010; ok = ok && t
		printf "%-8s healthz under 4 list readers: %.1f ms (target <= 10 ms)  %s\n", nm, f[r,"healthz"] * 1000, t ? "met" : "NOT MET"
		t = f[r,"p99"] <= 25; ok = ok && t
		printf "%-8s write p99 %.1f ms (target <= 25 ms)  %s\n", nm, f[r,"p99"], t ? "met" : "NOT MET"
	}
	# against the smallest store of the same family
	for (r = 1; r <= n; r++) {
		nm = f[r,"name"]; fam = substr(nm, 1, 1)
		if (!(fam in first)) { first[fam] = r; continue }
		b = first[fam]
		# issue 14: start-up at most 2x (start-up on an empty store plus
		# the snapshot'"'"'s load, as the server says it), and under 1 s
		x = f[r,"start"] / (f[r,"empty_start"] + f[r,"load_ms"] / 1000)
		t = x <= 2 && f[r,"start"] < 1; ok = ok && t
		printf "%-8s serve start-up %.3fs / (empty %.3fs + snapshot load %.3fs): %.2fx (target <= 2x, and < 1 s)  %s; %.2fx the smallest store'"'"'s\n", nm, f[r,"start"], f[r,"empty_start"], f[r,"load_ms"] / 1000, x, t ? "met" : "NOT MET", f[r,"start"] / f[b,"start"]
		# the lists, each beside the server of the smallest store, in turn
		split(f[r,"small"], sm, ",")
		split("GET proposals first page,GET proposals?status=open,GET calendar.ics,GET proposals?opened_to= (first minutes),GET proposals?status=concluded&concluded_to= (first minutes)", what, ",")
		split("page,page_open,cal,early,done_early", key, ",")
		for (k = 1; k <= 5; k++) {
			x = f[r,key[k]] / sm[k]; t = x <= 1.5; ok = ok && t
			printf "%-8s %s / smallest, in turn: %.2fx, %.2f / %.2f ms (target <= 1.5x)  %s\n", nm, what[k], x, f[r,key[k]] * 1000, sm[k] * 1000, t ? "met" : "NOT MET"
		}
		x = f[r,"writes"] / f[b,"writes"]; t = x >= 0.9; ok = ok && t
		printf "%-8s durable writes / smallest: %.2fx (target >= 0.9x)  %s\n", nm, x, t ? "met" : "NOT MET"
		if (fam == "p") {
			t = f[r,"rss"] < 200; ok = ok && t
			printf "%-8s server RSS %d MB (target < 200 MB)  %s\n", nm, f[r,"rss"], t ? "met" : "NOT MET"
		}
	}
	printf "\n%s\n", ok ? "scale: every target met" : "scale: some targets NOT met"
}' "$RES"
