#!/bin/bash
# bench/pg_trips.sh - what one durable write costs the PostgreSQL store in
# statements and round trips: a throwaway cluster (tests/pg/cluster.sh)
# with log_statement=all, one `council serve --threads 1`, and
#
#   1. one position write (POST .../positions, a receipt in its answer)
#      alone: the statements the writer's connection sent for it, and the
#      round trips (each time the process sent to PostgreSQL and waited:
#      the send() calls on its database sockets, counted with strace);
#   2. N position writes at once (N curl in parallel): the writer's
#      statements and round trips over all of them, the batches (COMMITs)
#      they took, and both per write.
#
#   bench/pg_trips.sh [COUNCIL] [N]   (the binary, default build-check's;
#                                     N writes at once, default 32)
#
# Statements are counted from the server's log, the writer's session only
# (the one that took the write lock); round trips from strace -f over the
# whole process, so they include the HTTP threads' reads (the change
# counter, the token), the watch and the webhook thread.  The numbers move
# a little with how the N writes fall into batches.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
C=${1:-$ROOT/build-check/council}
N=${2:-32}
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$C" ] || { echo "pg_trips: $C missing (ninja -C build-check)" >&2; exit 1; }
command -v strace >/dev/null || { echo "pg_trips: strace missing (apt-get install strace)" >&2; exit 1; }

T=$(mktemp -d /tmp/council-trips.XXXXXX)
PGDIR=$(mktemp -u /tmp/council-trips-pg.XXXXXX)
SRV="" TR=""
cleanup() {
	[ -n "$TR" ] && kill "$TR" 2>/dev/null
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
	wait 2>/dev/null || true
	"$ROOT/tests/pg/cluster.sh" stop "$PGDIR" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

"$ROOT/tests/pg/cluster.sh" start "$PGDIR" >/dev/null
PSQL=("$PGBIN/psql" -X -q -h "$PGDIR" -U council -d council)
DB="host=$PGDIR user=council dbname=council"
export COUNCIL_KEY="$T/pg.key"
"$C" --db "$DB" init >/dev/null
SEC=$("$C" --db "$DB" token issue --role secretariat 2>/dev/null)
declare -a TOK
mapfile -t TOK < <("$C" --db "$DB" token issue $("$C" --db "$DB" members --json |
	jq -r '.members[] | "--member " + .code') 2>/dev/null | cut -d' ' -f2)
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$C" --db "$DB" serve --listen "127.0.0.1:$P" --threads 1 --quiet --web '' 2>"$T/serve.err" &
SRV=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$P/healthz" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$P/api/v1/proposals"
PROP=$(curl -sf -X POST -H "Authorization: Bearer $SEC" -H "Content-Type: application/json" "$URL" \
	-d '{"body":"NAC","title":"Round trips","text":"t"}' | jq .id)
# A first write, so every cache a write warms is warm.
curl -sf -o /dev/null -X POST -H "Authorization: Bearer ${TOK[0]}" -H "Content-Type: application/json" \
	"$URL/$PROP/positions" -d '{"position":"footnote","text":"warm"}'

# post K TEXT: member K's footnote
post() {
	curl -sf -o /dev/null -X POST -H "Authorization: Bearer ${TOK[$1]}" \
		-H "Content-Type: application/json" "$URL/$PROP/positions" \
		-d "{\"position\":\"footnote\",\"text\":\"$2\"}"
}

# measure NAME CMD...: statements of the writer's session and the
# process's sends to PostgreSQL while CMD runs
measure() {
	local name=$1
	shift
	"${PSQL[@]}" -c "ALTER SYSTEM SET log_statement = 'all'" -c "ALTER SYSTEM SET log_line_prefix = '%c '" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 0.5
	local from
	from=$(wc -c <"$PGDIR/server.log")
	strace -f -qq -e trace=sendto,sendmsg,write -e signal=none -p "$SRV" -o "$T/$name.strace" &
	TR=$!
	sleep 1 # strace attaches to every thread
	"$@"
	sleep 0.5
	kill "$TR"; wait "$TR" 2>/dev/null || true; TR=""
	"${PSQL[@]}" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
	tail -c +"$((from + 1))" "$PGDIR/server.log" >"$T/$name.log"
	# The writer's session: the one that took the write lock.
	local sess
	sess=$(grep -E 'UPDATE council' "$T/$name.log" | awk '{print $1}' | sort | uniq -c | sort -rn | awk 'NR==1{print $2}')
	STMTS=$(grep -E "^$sess (LOG|STATEMENT): +(statement|execute)" "$T/$name.log" | wc -l)
	COMMITS=$(grep -E "^$sess LOG: +(statement|execute)[^:]*: COMMIT" "$T/$name.log" | wc -l)
	# Sends to PostgreSQL: strace shows no peer, so they are told by
	# their first byte, a libpq message type (Parse, Bind, Describe,
	# Execute, Sync, Query, Close, Terminate, Flush); the HTTP answers
	# start with "HTTP/" or "{", the threads' wakeups with a binary byte.
	SENDS=$(grep -E '(sendto|write)\([0-9]+, "[PBDESQCXH][^T]' "$T/$name.strace" | wc -l)
	echo "$name: writer statements $STMTS, COMMITs $COMMITS, sends to PostgreSQL (all threads) $SENDS" >&2
	cp "$T/$name.log" "/tmp/pg_trips.$name.log" 2>/dev/null || true
	cp "$T/$name.strace" "/tmp/pg_trips.$name.strace" 2>/dev/null || true
}

one() { post 1 "one"; }
measure one one
S1=$STMTS C1=$COMMITS R1=$SENDS

many() {
	local pids="" k
	for k in $(seq 0 $((N - 1))); do post "$k" "many $k" & pids="$pids $!"; done
	for k in $pids; do wait "$k"; done
}
measure many many
SN=$STMTS CN=$COMMITS RN=$SENDS

printf '\n%-44s %10s %10s %10s\n' "" "statements" "round trips" "batches"
printf '%-44s %10s %10s %10s\n' "one position write, alone" "$S1" "$R1" "$C1"
printf '%-44s %10s %10s %10s\n' "$N position writes at once" "$SN" "$RN" "$CN"
awk -v s="$SN" -v r="$RN" -v n="$N" 'BEGIN { printf "%-44s %10.1f %10.1f\n", "  per write", s / n, r / n }'
"$C" --db "$DB" verify >/dev/null && echo "verified: $("${PSQL[@]}" -At -c 'SELECT count(*) FROM events') events"
