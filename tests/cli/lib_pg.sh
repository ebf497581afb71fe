# lib_pg.sh - for CLI tests on the PostgreSQL store, sourced after lib.sh:
# a throwaway PostgreSQL 15 cluster started for the run (tests/pg/cluster.sh:
# initdb and pg_ctl in a temporary directory, a Unix socket), stopped at the
# end with every server the test started ($srv: their pids), after the
# test's own before_cleanup when it defines one.  A cluster that
# does not start is a failure, never a skip.
PGDIR=$(mktemp -u /tmp/council-pg.XXXXXX)
srv=""
cleanup() {
	# a test's own last steps first (writers to stop, say)
	if declare -F before_cleanup >/dev/null; then before_cleanup; fi
	for s in $srv; do kill "$s" 2>/dev/null && wait "$s" 2>/dev/null; done
	"$ROOT/tests/pg/cluster.sh" stop "$PGDIR"
	rm -rf "$T"
}
trap cleanup EXIT
if ! "$ROOT/tests/pg/cluster.sh" start "$PGDIR" >/dev/null 2>"$T/cluster.err"; then
	not_ok "a throwaway PostgreSQL cluster starts" "$(head -c 600 "$T/cluster.err")"
	exit 1
fi
ok "a throwaway PostgreSQL cluster starts"
PSQL=(/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -U council)
# newdb NAME: a new database; prints its keyword connection string
newdb() {
	"${PSQL[@]}" -d postgres -c "CREATE DATABASE $1 ENCODING 'UTF8'" >/dev/null &&
		echo "host=$PGDIR user=council dbname=$1"
}

# start_serve DB [ARG...]: `council serve` on DB at a free port, in the
# background, with any further serve options; sets srv (its pid, stopped
# at the end), base, and up (1 once /healthz answers, "" if it never did
# within a generous bound or the server died).
start_serve() {
	local port
	port=$(free_port)
	"$COUNCIL" --db "$1" serve --listen "127.0.0.1:$port" --threads 2 --web '' \
		"${@:2}" 2>"$T/serve.err" &
	srv=$!
	base="http://127.0.0.1:$port"
	wait_up "$base/healthz" "$srv"
}

# init_with_tokens DB: `council init` on DB, then the secretariat's token
# into $sec, the members' codes into $members and each member's token into
# tok[CODE] (the caller declares tok: declare -A tok)
init_with_tokens() {
	c --db "$1" init
	expect_rc "init on the database" 0
	sec=$("$COUNCIL" --db "$1" token issue --role secretariat 2>/dev/null)
	members=$("$COUNCIL" --db "$1" members --json | jq -r '.members[].code')
	for m in $members; do tok[$m]=$("$COUNCIL" --db "$1" token issue --member "$m" 2>/dev/null); done
	check "32 member tokens" test "${#tok[@]}" = 32
}
