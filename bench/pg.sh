#!/bin/bash
# bench/pg.sh - `make bench-pg`: durable writes on the PostgreSQL store with
# 1, 2 and 4 `council serve` on one database at CONNS clients, side by side
# in one run with the SQLite store and with pgbench's simple-update rate on
# the same PostgreSQL cluster; and reads with 1 and 2 servers.  Prints a
# table and the ratios the issue asks for.
#
#   cluster: a throwaway PostgreSQL 15 (tests/pg/cluster.sh) with fsync ON
#            (CLUSTER_FSYNC=on): every acknowledged write is durable, as
#            council's and pgbench's commits both wait for it.
#   writes:  wrk posting position changes from the 32 delegations
#            (bench/positions.lua), CONNS connections spread evenly over
#            the servers (one wrk per server, run at once, rates summed).
#   pgbench: -b simple-update, scale 10, at 1 and CONNS clients, in a
#            database of its own on the same cluster, same duration.
#   reads:   wrk on GET /api/v1/proposals/{id} with a secretariat token,
#            CONNS connections over 1, then 2 servers; then 1 server with
#            --read-db on a streaming-replication standby of the cluster
#            (tests/pg/cluster.sh standby), which answers its reads.
# DURATION (seconds per run, default 10) and CONNS (default 32) may be set;
# the whole run takes about 10 x DURATION plus setup.  BEFORE=BINARY (a
# council built from an older commit) adds its PostgreSQL write rows,
# measured in the same run on a database of its own made by it, beside
# this build's: a before/after comparison on the same cluster and load.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DUR=${DURATION:-10}
CONNS=${CONNS:-32}
BUILD=build-bench
PGBIN=/usr/lib/postgresql/15/bin

scripts/install-deps.sh --bench
test -f $BUILD/build.ninja || meson setup $BUILD -Dbuildtype=release -Db_ndebug=if-release >/dev/null
ninja -C $BUILD >/dev/null

T=$(mktemp -d "$ROOT/build-bench/pg.XXXXXX")
PGDIR=$(mktemp -u /tmp/council-bench-pg.XXXXXX)
SBDIR=$(mktemp -u /tmp/council-bench-sb.XXXXXX)
SRVS=""
cleanup() {
	for s in $SRVS; do kill "$s" 2>/dev/null || true; done
	wait 2>/dev/null || true
	"$ROOT/tests/pg/cluster.sh" stop "$SBDIR" 2>/dev/null || true
	"$ROOT/tests/pg/cluster.sh" stop "$PGDIR" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

CLUSTER_FSYNC=on "$ROOT/tests/pg/cluster.sh" start "$PGDIR" >/dev/null
PSQL=("$PGBIN/psql" -X -q -h "$PGDIR" -U council)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE bench ENCODING 'UTF8'"
DB="host=$PGDIR user=council dbname=council"
export COUNCIL_KEY="$T/pg.key"
C="$ROOT/$BUILD/council"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# serve DB [OPTION...]: one more server on DB; its port into $P
serve() {
	local db=$1
	shift
	P=$(port)
	"$C" --db "$db" serve --listen "127.0.0.1:$P" --threads 2 --quiet --web '' "$@" &
	SRVS="$SRVS $!"
	for _ in $(seq 300); do curl -sf "http://127.0.0.1:$P/healthz" >/dev/null && return 0; sleep 0.1; done
	echo "bench: a server on $db did not start" >&2
	exit 1
}
stop_all() {
	for s in $SRVS; do kill "$s" 2>/dev/null || true; done
	for s in $SRVS; do wait "$s" 2>/dev/null || true; done
	SRVS=""
}
# tokens DB: the secretariat's into SEC, the 32 delegations' into TOKENS
tokens() {
	SEC=$("$C" --db "$1" token issue --role secretariat 2>/dev/null)
	TOKENS=$("$C" --db "$1" token issue $("$C" --db "$1" members --json |
		jq -r '.members[] | "--member " + .code') 2>/dev/null | cut -d' ' -f2 | tr '\n' ' ')
}
# proposal PORT: a meeting for the writers; its id into PROPOSAL
proposal() {
	PROPOSAL=$(curl -sf -X POST -H "Authorization: Bearer $SEC" -H "Content-Type: application/json" \
		"http://127.0.0.1:$1/api/v1/proposals" \
		-d '{"body":"NAC","title":"Open a NATO liaison office in Tokyo","effects":[{"type":"open-office","id":"nlo-tokyo","name":"NATO Liaison Office Tokyo","city":"Tokyo","country":"JP","lat":"35.68","lon":"139.69"}]}' | jq .id)
}
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"; }
non2xx() { sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1"; }
# load NAME CONNS SCRIPT PORTS...: one wrk per port at once, CONNS
# connections split evenly; prints the summed rate (and counts non-2xx
# answers into $T/NAME.bad)
load() {
	local name=$1 conns=$2 script=$3 i=0 n
	shift 3
	n=$#
	local pids=""
	for p in "$@"; do
		i=$((i + 1))
		if [ -n "$script" ]; then
			WRK_ID="$i." wrk -t1 -c$((conns / n)) -d"${DUR}s" -s "$script" \
				"http://127.0.0.1:$p" >"$T/$name.$i" &
		else
			wrk -t1 -c$((conns / n)) -d"${DUR}s" -H "Authorization: Bearer $SEC" \
				"http://127.0.0.1:$p/api/v1/proposals/$PROPOSAL" >"$T/$name.$i" &
		fi
		pids="$pids $!"
	done
	for w in $pids; do wait "$w"; done
	local sum=0 bad=0
	for j in $(seq "$n"); do
		sum=$(awk -v a="$sum" -v b="$(rps "$T/$name.$j")" 'BEGIN { printf "%.0f", a + b }')
		local b
		b=$(non2xx "$T/$name.$j")
		bad=$((bad + ${b:-0}))
	done
	echo "$bad" >"$T/$name.bad"
	echo "$sum"
}

# cpu_sample: the machine's CPU ticks (all, idle), and those of the
# council servers (SRVS) and of PostgreSQL's processes, so far
cpu_sample() {
	local ours=0 pg=0 pid
	ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
	for pid in $SRVS; do ours=$((ours + $(ticks "$pid"))); done
	for pid in $(pgrep -x postgres); do pg=$((pg + $(ticks "$pid"))); done
	echo "$(awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat) $ours $pg"
}
# cpu_share BEFORE AFTER: the share of the machine's CPU that was busy
# between two samples, and how much of it the servers and PostgreSQL took
cpu_share() {
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
		t = y[1] - x[1]; printf "busy %.0f%% (council %.0f%%, PostgreSQL %.0f%%, the rest %.0f%%)",
		100 * (1 - (y[2] - x[2]) / t), 100 * (y[3] - x[3]) / t, 100 * (y[4] - x[4]) / t,
		100 * (1 - (y[2] - x[2]) / t - (y[3] - x[3]) / t - (y[4] - x[4]) / t) }'
}

echo "bench-pg: $DUR s per run, $CONNS connections, on this $(nproc)-core machine, shared: load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- SQLite: one server -----------------------------------------------------
SQ="$T/council.db"
"$C" --db "$SQ" init >/dev/null
tokens "$SQ"
serve "$SQ"
proposal "$P"
export TOKENS PROPOSAL
W_SQ=$(load w_sq "$CONNS" bench/positions.lua "$P")
stop_all
"$C" --db "$SQ" verify >/dev/null || { echo "bench: the SQLite store does not verify" >&2; exit 1; }

# pg_writes DB NAME: init DB, its tokens, four servers on it and a
# proposal; the write rates over 1, 2 and 4 of them into NAME1, NAME2 and
# NAME4 (wrk's output in $T/name1...); the servers stay up, in ports[]
pg_writes() {
	local db=$1 name=$2 k
	"$C" --db "$db" init >/dev/null
	tokens "$db"
	ports=()
	for k in 1 2 3 4; do serve "$db"; ports+=("$P"); done
	proposal "${ports[0]}"
	export TOKENS PROPOSAL
	printf -v "${name}1" '%s' "$(load "${name,,}1" "$CONNS" bench/positions.lua "${ports[0]}")"
	printf -v "${name}2" '%s' "$(load "${name,,}2" "$CONNS" bench/positions.lua "${ports[0]}" "${ports[1]}")"
	printf -v "${name}4" '%s' "$(load "${name,,}4" "$CONNS" bench/positions.lua "${ports[@]}")"
}

# ---- an older build's writes, on a database of its own ------------------------
if [ -n "${BEFORE:-}" ]; then
	"${PSQL[@]}" -d postgres -c "CREATE DATABASE before ENCODING 'UTF8'"
	DBB="host=$PGDIR user=council dbname=before"
	NOW=$C C=$BEFORE
	export COUNCIL_KEY="$T/before.key"
	pg_writes "$DBB" B_PG
	stop_all
	"$C" --db "$DBB" verify >/dev/null || { echo "bench: the older build's store does not verify" >&2; exit 1; }
	C=$NOW
	export COUNCIL_KEY="$T/pg.key"
fi

# ---- PostgreSQL: 1, 2, 4 servers on one database ---------------------------
pg_writes "$DB" W_PG
c0=$(cpu_sample)
R_PG1=$(load r_pg1 "$CONNS" "" "${ports[0]}")
c1=$(cpu_sample)
R_PG2=$(load r_pg2 "$CONNS" "" "${ports[0]}" "${ports[1]}")
c2=$(cpu_sample)
stop_all
"$C" --db "$DB" verify >/dev/null || { echo "bench: the PostgreSQL store does not verify" >&2; exit 1; }

# ---- reads from a hot standby -----------------------------------------------
CLUSTER_FSYNC=on "$ROOT/tests/pg/cluster.sh" standby "$PGDIR" "$SBDIR" >/dev/null
serve "$DB" --read-db "host=$SBDIR user=council dbname=council" --max-read-lag 5
for _ in $(seq 600); do
	[ "$(curl -sf "http://127.0.0.1:$P/healthz" | jq -r '.read_db.reads == "standby" and .read_db.lag_bytes == 0')" = true ] && break
	sleep 0.1
done
R_SB=$(load r_sb "$CONNS" "" "$P")
R_SB_WHERE=$(curl -sf "http://127.0.0.1:$P/healthz" | jq -r .read_db.reads)
stop_all
EVENTS=$("${PSQL[@]}" -At -d council -c "SELECT count(*) FROM events")

# ---- pgbench on the same cluster --------------------------------------------
"$PGBIN/pgbench" -h "$PGDIR" -U council -i -q -s 10 bench >/dev/null 2>&1
pgb() { "$PGBIN/pgbench" -h "$PGDIR" -U council -b simple-update -n -c "$1" -j "$2" -T "$DUR" bench 2>/dev/null |
	sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -1 | awk '{ printf "%.0f", $1 }'; }
PGB1=$(pgb 1 1)
PGBN=$(pgb "$CONNS" 2)

printf '\n%-52s %10s %8s\n' "run ($CONNS connections unless said)" "per s" "non-2xx"
printf '%-52s %10s %8s\n' "position writes, SQLite store, 1 server" "$W_SQ" "$(cat "$T/w_sq.bad")"
printf '%-52s %10s %8s\n' "position writes, PostgreSQL store, 1 server" "$W_PG1" "$(cat "$T/w_pg1.bad")"
printf '%-52s %10s %8s\n' "position writes, PostgreSQL store, 2 servers" "$W_PG2" "$(cat "$T/w_pg2.bad")"
printf '%-52s %10s %8s\n' "position writes, PostgreSQL store, 4 servers" "$W_PG4" "$(cat "$T/w_pg4.bad")"
if [ -n "${BEFORE:-}" ]; then
	for k in 1 2 4; do
		v=B_PG$k
		printf '%-52s %10s %8s\n' "  the same, BEFORE build, $k server(s)" "${!v}" "$(cat "$T/b_pg$k.bad")"
	done
fi
printf '%-52s %10s\n' "pgbench simple-update, 1 client" "$PGB1"
printf '%-52s %10s\n' "pgbench simple-update, $CONNS clients" "$PGBN"
printf '%-52s %10s %8s\n' "GET proposal, PostgreSQL store, 1 server" "$R_PG1" "$(cat "$T/r_pg1.bad")"
printf '%-52s %10s %8s\n' "GET proposal, PostgreSQL store, 2 servers" "$R_PG2" "$(cat "$T/r_pg2.bad")"
printf '%-52s %10s %8s\n' "GET proposal, 1 server, --read-db (reads: $R_SB_WHERE)" "$R_SB" "$(cat "$T/r_sb.bad")"
echo
awk -v a="$W_PG4" -v b="$PGBN" -v c="$CONNS" 'BEGIN { printf "writes: PostgreSQL store, 4 servers / pgbench at %d clients = %.2fx (target >= 0.5x)\n", c, a / b }'
[ -n "${BEFORE:-}" ] && awk -v a="$B_PG4" -v b="$PGBN" -v c="$CONNS" 'BEGIN { printf "writes: BEFORE build, 4 servers / pgbench at %d clients = %.2fx\n", c, a / b }'
awk -v a="$W_PG1" -v b="$W_PG2" -v c="$W_PG4" 'BEGIN { printf "writes: 2 servers / 1 = %.2fx, 4 servers / 1 = %.2fx\n", b / a, c / a }'
awk -v a="$W_PG1" -v b="$W_SQ" 'BEGIN { printf "writes: PostgreSQL, 1 server / SQLite = %.2fx\n", a / b }'
awk -v a="$R_PG1" -v b="$R_PG2" 'BEGIN { printf "reads:  2 servers / 1 = %.2fx (target >= 1.6x on 2+ cores)\n", b / a }'
echo "reads over 1 server, the machine's CPU: $(cpu_share "$c0" "$c1")"
echo "reads over 2 servers, the machine's CPU: $(cpu_share "$c1" "$c2")"
awk -v a="$R_PG1" -v b="$R_SB" 'BEGIN { printf "reads:  1 server from a standby / from the primary = %.2fx\n", b / a }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL log after the run: $EVENTS events, verified"
