#!/bin/bash
# test_readdb.sh - `council serve --read-db`: reads from a hot standby of
# the PostgreSQL store (a real streaming-replication standby made by
# tests/pg/cluster.sh standby: pg_basebackup -R from the throwaway
# primary), with its replay paused and resumed (pg_wal_replay_pause) and
# the standby stopped and started under the servers:
#
#  - --read-db is refused with a SQLite --db, and when it names no standby
#    (the primary itself) or a standby of another store;
#  - /healthz reports the standby's state, lag (bytes, ms) and where reads
#    go;
#  - reads come from the standby: with replay paused, a proposal just
#    written is not found by a delegation that did not write it, while
#    the writer reads its own write at once (read-your-writes), and so
#    does a delegation after its own position; the public's checkpoint
#    and proofs are the standby's tree, the writer's the primary's;
#  - past --max-read-lag, reads go to the primary, and come back to the
#    standby once it has replayed;
#  - with the standby down, reads are answered (from the primary) and
#    /healthz says so; when it is back, reads go to it again.
#
# Every wait is for a condition with a generous bound (a loaded 2-CPU
# machine); the one time bound asserted is --max-read-lag 60 (a read made
# right after a write must come within 60 s of it).
. "$(dirname "$0")/lib.sh"

declare -a pid port
before_cleanup() {
	for p in "${pid[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	"$ROOT/tests/pg/cluster.sh" stop "$SBDIR" 2>/dev/null
}
SBDIR=$(mktemp -u /tmp/council-pgsb.XXXXXX)
. "$(dirname "$0")/lib_pg.sh"
DB=$(newdb readdb)
unset COUNCIL_DB
export COUNCIL_KEY="$T/log.key"
PSQL+=(-At)

c --db "$DB" init
expect_rc "init on the primary" 0
sec=$("$COUNCIL" --db "$DB" token issue --role secretariat 2>/dev/null)
de=$("$COUNCIL" --db "$DB" token issue --member DE 2>/dev/null)
fr=$("$COUNCIL" --db "$DB" token issue --member FR 2>/dev/null)
# A second store in the same cluster: its standby copy is "another store".
OTHER=$(newdb other)
COUNCIL_KEY="$T/other.key" "$COUNCIL" --db "$OTHER" init >/dev/null 2>&1

if "$ROOT/tests/pg/cluster.sh" standby "$PGDIR" "$SBDIR" >/dev/null 2>"$T/sb.err"; then
	ok "a streaming-replication standby starts"
else
	not_ok "a streaming-replication standby starts" "$(head -c 600 "$T/sb.err")"
	exit 1
fi
RDB="host=$SBDIR user=council dbname=readdb"
ROTHER="host=$SBDIR user=council dbname=other"
check "the standby is in recovery" test \
	"$("${PSQL[@]}" -h "$SBDIR" -d readdb -c 'SELECT pg_is_in_recovery()')" = t

# --- refusals ---------------------------------------------------------------
c --db "$T/x.db" init
c --db "$T/x.db" serve --read-db "$RDB"
expect_err "--read-db with a SQLite --db is refused" 2 "SQLite store, which has no standbys"
# (bounded: a server that wrongly started would otherwise run on)
run timeout 60 "$COUNCIL" --db "$DB" serve --listen 127.0.0.1:0 --read-db "$DB"
expect_err "--read-db naming the primary itself is refused" 1 "not a standby"
run timeout 60 "$COUNCIL" --db "$DB" serve --listen 127.0.0.1:0 --read-db "$ROTHER"
expect_err "--read-db naming another store's standby is refused" 1 "another store"
c --db "$DB" serve --max-read-lag 5
expect_err "--max-read-lag without --read-db is a usage error" 2 "give --read-db too"
c --db "$DB" serve --read-db "$RDB" --max-read-lag 61
expect_err "--max-read-lag beyond 60 s is refused, naming it" 2 "--max-read-lag takes seconds"

# --- two servers on the primary, reading from the standby -------------------
# start K LAG: server K with --max-read-lag LAG
start() {
	port[$1]=$(free_port)
	"$COUNCIL" --db "$DB" serve --listen "127.0.0.1:${port[$1]}" --threads 2 \
		--web '' --read-db "$RDB" --max-read-lag "$2" 2>>"$T/serve$1.err" &
	pid[$1]=$!
}
base() { echo "http://127.0.0.1:${port[$1]}"; }
health() { curl -sf "$(base "$1")/healthz"; }
# until K JQ_CONDITION: wait (bounded, 120 s) until server K's /healthz
# satisfies the condition
until_health() {
	for _ in $(seq 1200); do
		[ "$(health "$1" | jq -r "$2" 2>/dev/null)" = true ] && return 0
		sleep 0.1
	done
	return 1
}
# get TOKEN K PATH: prints the status, then the body
get() {
	curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" \
		"$(base "$2")$3"
}
post() { # post TOKEN K PATH BODY
	curl -s -X POST -H "Authorization: Bearer $1" -H "Content-Type: application/json" \
		"$(base "$2")$3" -d "$4"
}
replay() { "${PSQL[@]}" -h "$SBDIR" -d readdb -c "SELECT pg_wal_replay_$1()" >/dev/null; }

start 1 60
start 2 1
check "server 1 (--max-read-lag 60) reads from the caught-up standby" \
	until_health 1 '.read_db.state == "up" and .read_db.reads == "standby" and .read_db.lag_bytes == 0'
check "server 2 (--max-read-lag 1) reads from the caught-up standby" \
	until_health 2 '.read_db.reads == "standby" and .read_db.max_lag_ms == 1000'
out=$(health 1)
expect_json "/healthz reports the lag in bytes and milliseconds" \
	'[.read_db.lag_bytes, .read_db.lag_ms] | map(type) | join(",")' "number,number"

# --- replay paused: the standby stays behind --------------------------------
replay pause
check "/healthz says the standby's replay is paused" until_health 1 '.read_db.replay_paused'
id=$(post "$sec" 1 /api/v1/proposals \
	'{"body":"NAC","title":"Read from a standby","procedure":"meeting"}' | jq -r .id)
check "the secretariat proposes through server 1" test -n "$id" -a "$id" != null
check "the secretariat reads its own write at once (from the primary)" \
	test "$(get "$sec" 1 "/api/v1/proposals/$id")" = 200
check "a delegation that did not write it reads the standby: not there yet" \
	test "$(get "$fr" 1 "/api/v1/proposals/$id")" = 404
get "$fr" 1 "/api/v1/proposals?limit=1000" >/dev/null
check "... nor in its list" test "$(jq "[.proposals[].id] | index($id)" "$T/body")" = null
check "/healthz shows the standby behind, in bytes" until_health 1 '.read_db.lag_bytes > 0'
r=$(post "$de" 1 "/api/v1/proposals/$id/positions" '{"position":"concur"}')
check "a delegation states its position (a write, on the primary)" \
	test "$(printf '%s' "$r" | jq -r '.positions[] | select(.member == "DE") | .position')" = concur
check "that delegation reads its own write at once" \
	test "$(get "$de" 1 "/api/v1/proposals/$id")" = 200
check "... with its position" test "$(jq -r '.positions[] | select(.member == "DE") | .position' "$T/body")" = concur
check "while the other still reads the standby" \
	test "$(get "$fr" 1 "/api/v1/proposals/$id")" = 404

# The record from one database per request: the public's checkpoint is
# the standby's, behind the writer's (the primary's), and the public's
# proof is of the standby's own tree, never of a size it lacks.
pub_size=$(curl -sf "$(base 1)/api/v1/log/checkpoint" | jq -r .size)
get "$sec" 1 /api/v1/log/checkpoint >/dev/null
sec_size=$(jq -r .size "$T/body")
check "the public's checkpoint is the standby's, behind the writer's ($pub_size < $sec_size)" \
	test "$pub_size" -lt "$sec_size"
r=$(curl -s -o "$T/proof" -w '%{http_code}' "$(base 1)/api/v1/log/proof/inclusion?index=0&size=$pub_size")
check "the public's inclusion proof is of the standby's tree (size $pub_size)" \
	test "$r" = 200 -a "$(jq -r .size "$T/proof")" = "$pub_size"
r=$(curl -s -o /dev/null -w '%{http_code}' "$(base 1)/api/v1/log/proof/inclusion?index=0&size=$sec_size")
check "... and none of a tree the standby has not replayed ($r)" test "$r" != 200
r=$(curl -s -o "$T/proof" -w '%{http_code}' -H "Authorization: Bearer $sec" \
	"$(base 1)/api/v1/log/proof/consistency?from=$pub_size&to=$sec_size")
check "the writer's proof from the public's size to its own comes from the primary" test "$r" = 200

# --- the lag bound ---------------------------------------------------------
check "server 2: past --max-read-lag 1, /healthz says reads go to the primary" \
	until_health 2 '.read_db.state == "lagging" and .read_db.reads == "primary" and .read_db.lag_ms > 1000'
check "server 2 then answers the other delegation from the primary" \
	test "$(get "$fr" 2 "/api/v1/proposals/$id")" = 200
check "server 1 (bound 60 s) still reads the standby" \
	test "$(get "$fr" 1 "/api/v1/proposals/$id")" = 404

replay resume
check "replay resumed: server 1's standby catches up" \
	until_health 1 '.read_db.replay_paused == false and .read_db.lag_bytes == 0'
check "... and the other delegation reads the proposal there" \
	test "$(get "$fr" 1 "/api/v1/proposals/$id")" = 200
check "server 2 reads from the standby again" \
	until_health 2 '.read_db.reads == "standby"'

# --- the standby down --------------------------------------------------------
"$ROOT/tests/pg/cluster.sh" down "$SBDIR"
check "standby stopped: /healthz says it is down and reads go to the primary" \
	until_health 1 '.read_db.state == "down" and .read_db.reads == "primary" and .read_db.lag_bytes == null'
id2=$(post "$sec" 1 /api/v1/proposals \
	'{"body":"NAC","title":"While the standby is down","procedure":"meeting"}' | jq -r .id)
check "writes go on" test -n "$id2" -a "$id2" != null
check "reads are answered, from the primary" \
	test "$(get "$fr" 1 "/api/v1/proposals/$id2")" = 200
check "... lists too" test "$(get "$fr" 1 "/api/v1/proposals?limit=5")" = 200
check "... and the log's checkpoint" test "$(get "$fr" 1 /api/v1/log/checkpoint)" = 200
"$ROOT/tests/pg/cluster.sh" up "$SBDIR"
check "the standby back: reads go to it again" \
	until_health 1 '.read_db.state == "up" and .read_db.reads == "standby" and .read_db.lag_bytes == 0'
check "... and it answers what was written while it was down" \
	test "$(get "$fr" 1 "/api/v1/proposals/$id2")" = 200
c --db "$DB" verify
expect_rc "the record verifies" 0
# Stopped cleanly, each server's sanitizers report (leaks too) at exit.
for k in 1 2; do
	kill "${pid[$k]}" && wait "${pid[$k]}"
	check "server $k stops cleanly" test $? = 0
	check "server $k ran without a sanitizer report" \
		bash -c "! grep -q 'Sanitizer' '$T/serve$k.err'"
done
pid=()
