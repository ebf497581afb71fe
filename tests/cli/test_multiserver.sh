#!/bin/bash
# test_multiserver.sh - three `council serve` on one PostgreSQL database
# (tests/pg/cluster.sh), 32 writers spread over them, the clock's leader
# killed with SIGKILL mid-way and restarted:
#
#  - one server's clock leads (/healthz clock_leader), and another takes
#    the lead within seconds of the leader's death;
#  - every write a server acknowledged is in the log: the event its
#    receipt names is that member's position;
#  - one linear log: `council verify` passes;
#  - a client reads its own write from any other server at once;
#  - every silence deadline is concluded once, dated at its deadline, and
#    committed within a bound of it: one falls due while the leader is
#    dead, and one is opened by the CLI (which runs no clock) while no
#    write comes, so only the leader's clock, told by the CLI's
#    notification, can conclude it on time;
#  - after the database restarts, every watch connects again, one server
#    leads, and a deadline opened then concludes on time;
#  - the servers' snapshots (one every 20 events here, each made on a
#    worker thread and stored by a later commit, one server killed while
#    it may be making one) are the replay's (verify), and a writer opens
#    from the newest without a warning.
#
# Every wait is for a condition, with a generous bound (a loaded 2-CPU
# machine); the only sleeps pace polling.
. "$(dirname "$0")/lib.sh"

declare -a pid port
writers=""
before_cleanup() {
	touch "$T/stop"
	for w in $writers; do wait "$w" 2>/dev/null; done
	for p in "${pid[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
}
. "$(dirname "$0")/lib_pg.sh"
DB=$(newdb multi)
PSQL+=(-At -d multi)
unset COUNCIL_DB
export COUNCIL_KEY="$T/log.key" COUNCIL_SNAPSHOT_EVERY=20

declare -A tok
init_with_tokens "$DB"

# start K: server K on its port, in the background
start() {
	"$COUNCIL" --db "$DB" serve --listen "127.0.0.1:${port[$1]}" --threads 2 \
		--web '' 2>>"$T/serve$1.err" &
	pid[$1]=$!
}
base() { echo "http://127.0.0.1:${port[$1]}"; }
# up K: wait (bounded) until server K answers
up() {
	for _ in $(seq 600); do
		curl -sf "$(base "$1")/healthz" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}
leads() { curl -sf "$(base "$1")/healthz" | jq -r .clock_leader; }
# leader [K...]: the one server of those given that leads, once exactly
# one does (bounded wait); prints nothing if that never happens
leader() {
	local k n who
	for _ in $(seq 300); do
		n=0 who=""
		for k in "$@"; do
			[ "$(leads "$k")" = true ] && { n=$((n + 1)); who=$k; }
		done
		[ "$n" = 1 ] && { echo "$who"; return 0; }
		sleep 0.1
	done
}
post() { # post TOKEN URL BODY
	curl -s -X POST -H "Authorization: Bearer $1" -H "Content-Type: application/json" "$2" -d "$3"
}
# silence K SECONDS TITLE: a silence procedure made on server K, falling
# due SECONDS from now; prints "ID DEADLINE"
silence() {
	local d
	d=$(date -u -d "+$2 seconds" +%Y-%m-%dT%H:%M:%SZ)
	post "$sec" "$(base "$1")/api/v1/proposals" \
		"{\"body\":\"NAC\",\"title\":\"$3\",\"procedure\":\"silence\",\"deadline\":\"$d\"}" |
		jq -r '"\(.id) \(.deadline)"'
}
status() { curl -sf -H "Authorization: Bearer $sec" "$(base "$1")/api/v1/proposals/$2" | jq -r .status; }
# concluded K ID BOUND: wait until server K shows proposal ID concluded
concluded() {
	for _ in $(seq $(($3 * 10))); do
		[ "$(status "$1" "$2")" = concluded ] && return 0
		sleep 0.1
	done
	return 1
}
acks() { cat "$T"/ack.* 2>/dev/null | wc -l; }
# fewest: the fewest writes any writer has had acknowledged (the writers
# keep the count)
fewest() { if [ -e "$T/fewest" ]; then echo "$(<"$T/fewest")"; else echo 0; fi; }
wait_fewest() { # wait_fewest N BOUND
	for _ in $(seq $(($2 * 10))); do
		[ "$(fewest)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- three servers, one leader ---------------------------------------------
for k in 0 1 2; do port[$k]=$(free_port); start "$k"; done
n=0
for k in 0 1 2; do up "$k" && n=$((n + 1)); done
check "three servers start on one database" test "$n" = 3
L=$(leader 0 1 2)
check "exactly one of them leads the clock ($L)" test -n "$L"
F1=$(((L + 1) % 3)) F2=$(((L + 2) % 3))

props=()
for k in 0 1 2 0; do
	props+=("$(post "$sec" "$(base "$k")/api/v1/proposals" '{"body":"NAC","title":"Meeting"}' | jq -r .id)")
done
check "four meetings for the writers (${props[*]})" test "${props[3]}" = 4
# A silence made on a follower, falling due while the writers write.
read -r s1 d1 < <(silence "$F1" 6 "Silence one")

# ---- 32 writers over the three servers ----------------------------------------
# Member M states positions on a proposal through one server until
# $T/stop (tools/writers.py: what each answer was, in $T).
k=0
for m in $members; do
	echo "$m ${tok[$m]} ${port[$((k % 3))]} ${props[$((k % 4))]}"
	k=$((k + 1))
done | "$PYTHON" "$ROOT/tests/cli/tools/writers.py" "$T" &
writers=$!
for _ in $(seq 600); do [ -e "$T/fewest" ] && break; sleep 0.1; done
check "the writers start" test -e "$T/fewest"
wait_fewest 2 180
check "every writer has writes acknowledged ($(acks) so far)" test "$(fewest)" -ge 2

# Read your writes: made on one server, read at once from the others.
ryw=0
for r in 0 1 2 3 4 5; do
	a=$((r % 3)) b=$(((r + 1) % 3))
	id=$(post "$sec" "$(base "$a")/api/v1/proposals" "{\"body\":\"NAC\",\"title\":\"Read me $r\"}" | jq -r .id)
	t1=$(curl -sf -H "Authorization: Bearer $sec" "$(base "$b")/api/v1/proposals/$id" | jq -r .title)
	t2=$(curl -sf "$(base "$b")/api/v1/proposals?limit=1" -H "Authorization: Bearer $sec" | jq -r '.proposals[0].id')
	[ "$t1" = "Read me $r" ] && [ "$t2" -ge "$id" ] && ryw=$((ryw + 1))
done
check "a write on one server is read at once from another, under load ($ryw of 6)" test "$ryw" = 6

# ---- the leader killed mid-way, with a deadline of its own pending --------------
read -r s2 d2 < <(silence "$L" 3 "Silence two")
before=$(acks)
kill -9 "${pid[$L]}"
wait "${pid[$L]}" 2>/dev/null
t0=$(date +%s)
N=$(leader "$F1" "$F2")
took=$(($(date +%s) - t0))
check "another server takes the lead ($N, in ${took}s)" test -n "$N" -a "$took" -le 20
concluded "$N" "$s2" 60
check "the dead leader's silence concludes without it" test "$(status "$N" "$s2")" = concluded
start "$L"
up "$L"
check "the killed server starts again" test $? = 0
wait_fewest $(($(fewest) + 2)) 180
check "every writer goes on being answered, the restarted server's too ($before, then $(acks))" \
	test "$(fewest)" -ge 3
touch "$T/stop"
for w in $writers; do wait "$w"; done
writers=""
check "the leader is still one server ($(leader 0 1 2))" test -n "$(leader 0 1 2)"
refused=$(cat "$T"/refused.* 2>/dev/null)
check "no valid write was refused ($(printf '%s' "$refused" | wc -l): $(printf '%s' "$refused" | head -1 | head -c 300))" \
	test -z "$refused"

# ---- a deadline made beside the servers, with no write coming -------------------
# The CLI, which runs no clock, opens a silence procedure: only the
# leader's clock, told by the CLI's commit's notification, concludes it
# on time (before, a server learnt of it at its next write, or within a
# minute).
N=$(leader 0 1 2)
# 20 s ahead: the CLI's own start on a loaded machine (after a database
# restart, too) must not reach the deadline before it circulates
d3=$(date -u -d "+20 seconds" +%Y-%m-%dT%H:%M:%SZ)
s3=$("$COUNCIL" --db "$DB" propose --body NAC --title "Silence three" --procedure silence \
	--deadline "$d3" --json 2>"$T/.err" | jq -r .id)
check "the CLI opens a silence beside the servers ($s3)" test -n "$s3" -a "$s3" != null
concluded "$N" "$s3" 90
check "the leader concludes it with no write coming" test "$(status "$N" "$s3")" = concluded

# ---- the database restarts under the servers -------------------------------------
# Every watch loses its connection and with it the lead; each connects
# again, one leads again, and a deadline the CLI opens after that is
# concluded on time.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGCTL=(/usr/lib/postgresql/15/bin/pg_ctl -D "$PGDIR/data" -w -t 300)
as_owner "${PGCTL[@]}" -m fast stop >/dev/null
as_owner "${PGCTL[@]}" -l "$PGDIR/server.log" \
	-o "-k $PGDIR -c listen_addresses= -c fsync=off -c max_connections=200" start >/dev/null
check "the database restarts" test $? = 0
n=0
for k in 0 1 2; do
	for _ in $(seq 300); do
		grep -q "the watch is back" "$T/serve$k.err" && { n=$((n + 1)); break; }
		sleep 0.1
	done
done
check "every server's watch connects again ($n of 3)" test "$n" = 3
N=$(leader 0 1 2)
check "one server leads again ($N)" test -n "$N"
# 20 s ahead: the CLI's own start on a loaded machine (after a database
# restart, too) must not reach the deadline before it circulates
d4=$(date -u -d "+20 seconds" +%Y-%m-%dT%H:%M:%SZ)
s4=$("$COUNCIL" --db "$DB" propose --body NAC --title "Silence four" --procedure silence \
	--deadline "$d4" --json 2>"$T/.err" | jq -r .id)
concluded "$N" "$s4" 90
check "a silence opened after the restart concludes ($s4)" test "$(status "$N" "$s4")" = concluded

for k in 0 1 2; do kill "${pid[$k]}"; wait "${pid[$k]}" 2>/dev/null; done
pid=()
reports=$(grep -l "Sanitizer\|runtime error" "$T"/serve*.err)
check "the servers stop without a sanitizer report ($reports)" test -z "$reports"

# ---- the record -------------------------------------------------------------------
"${PSQL[@]}" -F ' ' -c "SELECT convert_from(bytes, 'UTF8')::json->'payload'->>'member', seq,
	convert_from(bytes, 'UTF8')::json->'payload'->>'position'
	FROM events WHERE type = 'position.stated'" | awk '{print $1, $2, $3}' | sort >"$T/logged"
# Each answer's receipt names the event (its bytes) and its leaf index,
# which is its seq - 1: the writer's member, that seq, the position.
for m in $members; do
	jq -r --arg m "$m" '.receipt | (.event | fromjson | .payload) as $p
		| "\(if $p.member == $m then $m else "other:" + $p.member end) \(.index + 1) \($p.position)"' \
		"$T/ack.$m"
done | sort >"$T/acked"
missing=$(comm -23 "$T/acked" "$T/logged" | wc -l)
check "every acknowledged write is in the log ($(wc -l <"$T/acked") acknowledged, $missing missing)" \
	test "$missing" = 0 -a "$(wc -l <"$T/acked")" -gt 64
c --db "$DB" verify
expect_rc "the log three servers wrote, one killed, is one chain and verifies" 0
n=$("${PSQL[@]}" -c "SELECT count(*) = max(seq) FROM events")
check "one linear log: seq 1 to n without a gap" test "$n" = t
n=$("${PSQL[@]}" -c "SELECT count(*) FROM snapshots")
check "the servers stored snapshots ($n), which verify compared with the replay" test "$n" -ge 1
c --db "$DB" propose --body NAC --title "After the three servers"
expect_rc "a CLI write after them" 0
check "opens from their newest snapshot without a warning ($err)" test -z "$err"
for s in "$s1 $d1 30" "$s2 $d2 30" "$s3 $d3 15" "$s4 $d4 15"; do
	set -- $s
	n=$("${PSQL[@]}" -c "SELECT count(*) FROM events WHERE type = 'procedure.concluded' AND proposal = $1")
	check "silence $1 concluded once ($n)" test "$n" = 1
	at=$("$COUNCIL" --db "$DB" show "$1" --json | jq -r .concluded)
	check "silence $1 concluded at its deadline ($at, $2)" test "$at" = "$2"
	# When it was committed: the time of the checkpoint its batch signed,
	# the first over its conclusion (not the earliest time among later
	# ones: each server dates its checkpoint when its batch began, so
	# times need not grow with size across servers).
	late=$("${PSQL[@]}" -c "SELECT c.time - extract(epoch FROM timestamptz '$2')::bigint
		FROM checkpoints c, events e WHERE e.type = 'procedure.concluded'
		AND e.proposal = $1 AND c.size >= e.seq ORDER BY c.size LIMIT 1")
	check "silence $1 committed within $3 s of its deadline (${late} s)" \
		test -n "$late" -a "$late" -ge 0 -a "$late" -le "$3"
done
