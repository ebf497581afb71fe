#!/bin/bash
# test_pg.sh - council on the PostgreSQL store, against a real PostgreSQL 15
# started for the run (tests/pg/cluster.sh: initdb and pg_ctl in a
# temporary directory, a Unix socket, stopped at the end).
#
#  - the store's unit tests (build/test_store) with COUNCIL_TEST_PG: each
#    cmocka case is one check here;
#  - the CLI on a database: init, members, propose, respond, conclude,
#    show, verify, log export and verify --export, tokens, and the key:
#    where it lives ($COUNCIL_KEY), verify without it;
#  - serve on a database: HTTP reads and writes, with CLI writers beside
#    the server's writer and verify/export running meanwhile;
#  - the same scenario replayed on SQLite and on PostgreSQL gives the same
#    proposals, registry and tally, and both stores verify;
#  - snapshots in parts on a database: a damaged part found and written
#    again; a server's snapshot whose parts another writer collected
#    while its worker made it, stored at the next commits with no warning.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_pg.sh"

unset COUNCIL_DB
export COUNCIL_KEY="$T/pg.key"

# ---- the store's unit tests on PostgreSQL ------------------------------------
UNIT=$(dirname "$COUNCIL")/test_store
if [ -x "$UNIT" ]; then
	# bounded: a failed case that leaves a transaction open would otherwise
	# hang its teardown (DROP SCHEMA waits for it) and the whole check
	COUNCIL_TEST_PG=$(newdb unit) timeout 900 "$UNIT" >"$T/unit.log" 2>&1
	urc=$?
	while read -r name; do ok "store unit test on PostgreSQL: $name"; done \
		< <(sed -n 's/^\[       OK \] \(test_[a-z0-9_]*\)$/\1/p' "$T/unit.log")
	while read -r name; do
		not_ok "store unit test on PostgreSQL: $name" \
			"$(grep -B1 -A4 "$name" "$T/unit.log" | head -c 800)"
	done < <(sed -n 's/^\[  FAILED  \] \(test_[a-z0-9_]*\)$/\1/p' "$T/unit.log" | sort -u)
	check "the unit tests ran to their end" grep -q '^\[==========\] .* run\.' "$T/unit.log"
	[ "$urc" = 0 ] || tail -5 "$T/unit.log"
else
	not_ok "store unit tests built" "$UNIT is missing"
fi

# ---- the CLI on a database ---------------------------------------------------
DB=$(newdb cli)
URI="postgresql:///cli?host=$PGDIR&user=council"
c --db "$DB" init --at 2024-01-01
expect_rc "init creates the store in the database" 0
check "init names the key file it wrote" grep -qF "log key in $COUNCIL_KEY" "$T/.out"
check "the key file is private" test "$(stat -c %a "$COUNCIL_KEY")" = 600
c --db "$DB" init --at 2024-01-01
expect_err "a second init refuses to overwrite" 1 "already holds a council store"
# An init cut short before its seed leaves the schema and the log key,
# which the next init reads: when that read fails, init says so, rather
# than take the key file for another log's (or key the log again).
KDB=$(newdb keyread)
COUNCIL_KEY="$T/keyread.key" c --db "$KDB" init --dataset "$T/no-such-dataset.json"
expect_err "an init whose seed fails stops" 1 "cannot read the dataset"
"${PSQL[@]}" -d keyread -c "ALTER TABLE meta RENAME TO meta_kept;
  CREATE VIEW meta AS SELECT key, CASE WHEN key = 'log_vkey'
    THEN (1/0)::text ELSE value END AS value FROM meta_kept"
COUNCIL_KEY="$T/keyread.key" c --db "$KDB" init
expect_err "init reports a log key it cannot read" 1 "reading meta: ERROR:  division by zero"
c --db "$DB" members --json
expect_json "members come back from PostgreSQL" .count 32
c --db "$URI" members --json
expect_json "a postgresql:// URI reaches the same store" .count 32
c --db "$DB" propose --body NAC --title "Office in Tokyo" --at 2024-01-02
expect_rc "propose" 0
pid=$out
c --db "$DB" respond "$pid" --member FR --object --reason "geography" --at 2024-01-03
expect_rc "respond" 0
c --db "$DB" respond "$pid" --member XX --concur --at 2024-01-03
expect_err "a refused respond names the member" 1 "XX"
c --db "$DB" conclude "$pid" --at 2024-01-04
expect_rc "conclude" 0
c --db "$DB" show "$pid" --json
expect_json "show: the objection blocked it" .outcome blocked
expect_json "show: FR's position is kept" '.positions[] | select(.member == "FR") | .position' object
c --db "$DB" verify
expect_rc "verify on PostgreSQL" 0
check "verify checked checkpoints" grep -q "signed checkpoints verified" "$T/.out"
c --db "$DB" log key
vkey=$out
c --db "$DB" log export "$T/cli.jsonl"
expect_rc "log export" 0
c verify --export "$T/cli.jsonl" --log-key "$vkey"
expect_rc "the export verifies offline against the log key" 0
COUNCIL_KEY=$T/none.key c --db "$DB" verify --log-key "$vkey"
expect_rc "verify --log-key needs no signing key" 0
check "and wrote none" test ! -e "$T/none.key"
COUNCIL_KEY=$T/none.key c --db "$DB" propose --body NAC --title x --at 2024-01-05
expect_err "a write without the key is refused, naming the file" 1 "$T/none.key"
c --db "$DB" token issue --role secretariat
expect_rc "token issue" 0
sec=$out
c --db "$DB" token list
check "token list shows it" grep -q secretariat "$T/.out"
# A store made before calendar feed keys: the first open for writing adds
# the tokens' feed_of column (store/pg_query.c).
"${PSQL[@]}" -d cli -c "ALTER TABLE tokens DROP COLUMN feed_of" >/dev/null
c --db "$DB" token feed 1 --json
expect_json "a store made before feed keys gets them" .token 1
# A store made before the lists' indexes (status, body, both, conclusion, opened): the
# first open for writing adds them.
"${PSQL[@]}" -d cli -c "DROP INDEX proposals_status, proposals_body, proposals_concluded, proposals_status_body, proposals_opened" >/dev/null
c --db "$DB" person list
for rel in proposals_status proposals_body proposals_concluded proposals_status_body proposals_opened; do
	check "a store made before $rel gets it" test "$("${PSQL[@]}" -d cli -At -c \
		"SELECT to_regclass('$rel') IS NOT NULL")" = t
done
c --db "host=$PGDIR/nowhere user=council dbname=cli" members
expect_err "an unreachable database is an error, not an empty store" 1 "cannot connect"
c --db "$(newdb other)" members
expect_err "an empty database is not a council store" 1 "create it with 'council init'"
# Two stores in one database, the second in schema b with the first's
# (public) on its search path: the second gets its own search index,
# public record and webhooks index, not a look at the first's.
TWO=$(newdb schemas)
COUNCIL_KEY=$T/two-a.key c --db "$TWO" init
expect_rc "the first store, in public" 0
"${PSQL[@]}" -d schemas -c "CREATE SCHEMA b" >/dev/null
COUNCIL_KEY=$T/two-b.key c --db "$TWO options=-csearch_path=b,public" init
expect_rc "the second, in b, public on its path" 0
for rel in public_record proposals_words tokens_feeds webhooks_owner proposals_status proposals_body proposals_concluded proposals_status_body proposals_opened; do
	check "schema b has its own $rel" test "$("${PSQL[@]}" -d schemas -At -c \
		"SELECT to_regclass('b.$rel') IS NOT NULL")" = t
done
"${PSQL[@]}" -d cli -c "UPDATE events SET type = 'x' WHERE seq = 3" >/dev/null 2>"$T/.err"
check "the database refuses to change an event" grep -q "append-only" "$T/.err"

# ---- writers in parallel on one database -------------------------------------
pids=""
for i in 1 2 3 4 5 6; do
	"$COUNCIL" --db "$DB" propose --body NAC --title "Parallel $i" --at 2024-02-01 \
		>"$T/par$i.out" 2>&1 &
	pids="$pids $!"
done
good=0
for p in $pids; do wait "$p" && good=$((good + 1)); done
check "six CLI writers at once all succeed" test "$good" = 6
ids=$(cat "$T"/par*.out | sort -n | tr '\n' ' ')
check "they got six different proposals, in one sequence ($ids)" test "$ids" = "2 3 4 5 6 7 "
c --db "$DB" verify
expect_rc "and the log verifies after them" 0

# ---- serve on a database -------------------------------------------------------
# Webhooks may reach the receiver below, on 127.0.0.1.
start_serve "$DB" --webhooks-allow-local
check "serve starts on the database" test -n "$up"
run curl -sf "$base/api/v1/members"
expect_json "GET members" .count 32
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/proposals/$pid"
expect_json "GET a proposal" .outcome blocked
run curl -sf -X POST -H "Authorization: Bearer $sec" -H "Content-Type: application/json" \
	"$base/api/v1/proposals" -d '{"body":"NAC","title":"Over HTTP"}'
expect_json "POST a proposal" .title "Over HTTP"
hid=$(printf '%s' "$out" | jq -r .id)
c --db "$DB" token issue --member DE
de=$out
run curl -sf -X POST -H "Authorization: Bearer $de" -H "Content-Type: application/json" \
	"$base/api/v1/proposals/$hid/positions" -d '{"position":"concur"}'
expect_rc "a member token issued while serving is honoured at once" 0
c --db "$DB" propose --body NAC --title "From the CLI beside the server"
cli_id=$out
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/proposals/$cli_id"
expect_json "the server reads what the CLI wrote beside it" .title "From the CLI beside the server"
run curl -sf "$base/api/v1/log/checkpoint"
expect_rc "GET the checkpoint" 0
# A calendar feed made over the API: a store write through the writer
# (pg_tokens.c, in the batch's transaction), read back, then revoked.
run curl -sf -X POST -H "Authorization: Bearer $sec" -H "Content-Type: application/json" \
	"$base/api/v1/calendar/feeds" -d '{"label":"pg"}'
expect_json "POST a calendar feed on PostgreSQL" .label pg
feed_url=$(printf '%s' "$out" | jq -r .url)
feed_id=$(printf '%s' "$out" | jq -r .id)
run curl -sf "$feed_url"
check "its URL serves the calendar on PostgreSQL" grep -q "^END:VCALENDAR" "$T/.out"
run curl -sf -X POST -H "Authorization: Bearer $sec" "$base/api/v1/calendar/feeds/$feed_id/revoke"
expect_json "revoke it over the API" .id "$feed_id"
run curl -s -o /dev/null -w '%{http_code}' "$feed_url"
check "a revoked feed is 404 on PostgreSQL" test "$out" = 404
# A webhook on PostgreSQL (pg_hooks.c): made over the API, its notice
# queued and claimed in the writer's transactions, delivered signed to a
# receiver on 127.0.0.1, and its attempt in the delivery log.
rport=$(free_port)
"$PYTHON" "$ROOT/tests/cli/tools/webhook_receiver.py" "$rport" "$T/secret" "$T/received" 2>/dev/null &
receiver=$!
wait_port "$rport" "$receiver"
check "the webhook receiver listens" test -n "$up"
run curl -sf -X POST -H "Authorization: Bearer $sec" -H "Content-Type: application/json" \
	"$base/api/v1/webhooks" -d "{\"url\":\"http://127.0.0.1:$rport/pg\",\"types\":[\"comment.made\"]}"
expect_json "POST a webhook on PostgreSQL" .types[0] comment.made
hook_id=$(printf '%s' "$out" | jq -r .id)
printf '%s' "$out" | jq -r .secret >"$T/secret"
run curl -sf -X POST -H "Authorization: Bearer $de" -H "Content-Type: application/json" \
	"$base/api/v1/proposals/$hid/positions" -d '{"position":"comment","text":"For the webhook"}'
for _ in $(seq 600); do
	grep -q "For the webhook" "$T/received" 2>/dev/null && break
	sleep 0.1
done
check "the webhook delivers it, signed, on PostgreSQL" \
	grep -q '^signed comment.made .*"text":"For the webhook"' "$T/received"
check "once" test "$(grep -c . "$T/received")" = 1
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/webhooks/$hook_id/deliveries"
expect_json "its delivery log on PostgreSQL" '.deliveries[0].state + " " + (.deliveries[0].status|tostring)' "delivered 204"
kill "$receiver"
# The paged lists, search and the public log on PostgreSQL
# (store/pg_query.c): the same queries as on SQLite.
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/proposals?limit=3"
expect_json "the proposals list on PostgreSQL: the newest 3, in id order" \
	'.proposals | map(.id) | join(",")' "7,$hid,$cli_id"
nxt=$(printf '%s' "$out" | jq -r .next)
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/proposals?limit=3&before=$nxt"
expect_json "and its next page, older" '.proposals | map(.id) | join(",")' "4,5,6"
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/proposals?after=6&limit=2"
expect_json "a page up from a cursor" '.proposals | map(.id) | join(",")' "7,$hid"
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/proposals?status=blocked"
expect_json "filtered by outcome" '.proposals | map(.id) | join(",")' "$pid"
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/proposals?body=nac&limit=1"
expect_json "filtered by body, without case" '.proposals[0].body' NAC
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/search?q=PARALLEL%205"
expect_json "search on PostgreSQL: every word, without case" '.proposals | map(.title) | join(",")' "Parallel 5"
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/search?q=parallel%20%22%20OR%20*"
expect_json "an operator is only a word" '.count' 0
run curl -sf "$base/api/v1/proposals"
expect_json "the public sees no proposal here (none adopted)" '.count' 0
run curl -sf "$base/api/v1/log?limit=5"
expect_json "the public log pages on PostgreSQL" '.events | length' 5
check "and shows the public only registry events" \
	sh -c "printf '%s' \"\$1\" | jq -e '[.events[].type | startswith(\"proposal.\") or startswith(\"position.\")] | any | not' >/dev/null" _ "$out"
check "and the server is still up" curl -sf "$base/healthz" -o /dev/null

# A CLI write beside the server, held between reading the clock and
# taking the database's write lock (strace stops it at its first
# connect(), to PostgreSQL) while the server records an event on the same
# proposal a second later: the CLI's position is dated when it holds the
# lock, after that event, instead of being refused as going back in time.
# (LeakSanitizer cannot run under ptrace: leaks are checked everywhere else.)
ASAN_OPTIONS=detect_leaks=0 strace -f -o "$T/held.strace" -e trace=connect -e inject=connect:signal=SIGSTOP:when=1 \
	"$COUNCIL" --db "$DB" respond "$hid" --member FR --concur >"$T/held.out" 2>"$T/held.err" &
held=$!
# strace says when its tracee has stopped (its group-stop), whatever
# /proc shows of a traced process meanwhile
stopped() { grep -q -- '--- stopped by SIGSTOP ---' "$T/held.strace" 2>/dev/null; }
for _ in $(seq 600); do stopped && break; sleep 0.1; done
check "the CLI write is held before the write lock" stopped
t0=$(date +%s)
while [ "$(date +%s)" -le "$t0" ]; do sleep 0.1; done
run curl -sf -X POST -H "Authorization: Bearer $de" -H "Content-Type: application/json" \
	"$base/api/v1/proposals/$hid/positions" -d '{"position":"comment","text":"While the CLI waits"}'
expect_rc "meanwhile the server records a comment on the same proposal, a second later" 0
pkill -CONT -P "$held"
wait "$held"
held_rc=$?
check "the held CLI write is recorded, not refused as going back in time (rc $held_rc: $(head -c 300 "$T/held.err"))" \
	test "$held_rc" = 0
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/proposals/$hid"
expect_json "FR's position is on the proposal" '.positions[] | select(.member == "FR") | .position' concur

# Writers over HTTP and from the CLI, with verify and export meanwhile.
members="BE CA FR IT NL NO"
declare -A tok
for m in $members; do tok[$m]=$("$COUNCIL" --db "$DB" token issue --member "$m" 2>/dev/null); done
cliwriter() {
	for i in 1 2 3 4; do
		"$COUNCIL" --db "$DB" propose --body NAC --title "Beside $i" >/dev/null || return 1
	done
}
pids=""
for m in $members; do positions "${tok[$m]}" "$base" "$hid" 15 & pids="$pids $!"; done
cliwriter & pids="$pids $!"
rounds=0 bad=0
while [ $rounds -lt 3 ] || kill -0 $pids 2>/dev/null; do
	rounds=$((rounds + 1))
	"$COUNCIL" --db "$DB" verify --log-key "$vkey" >"$T/v.out" 2>&1 || { bad=$((bad + 1)); cp "$T/v.out" "$T/v.bad"; }
	if ! "$COUNCIL" --db "$DB" log export "$T/live.jsonl" 2>"$T/e.out" ||
	   ! "$COUNCIL" verify --export "$T/live.jsonl" --log-key "$vkey" >>"$T/e.out" 2>&1; then
		bad=$((bad + 1))
		cp "$T/e.out" "$T/e.bad"
	fi
done
wrote=0
for p in $pids; do wait "$p" && wrote=$((wrote + 1)); done
check "every HTTP and CLI writer was answered" test "$wrote" = 7
check "verify and export held in all $rounds rounds under writes" test "$bad" = 0
[ "$bad" = 0 ] || cat "$T/v.bad" "$T/e.bad" 2>/dev/null | head -5
n=$("${PSQL[@]}" -d cli -At -c "SELECT count(*) FROM events WHERE type = 'position.stated'")
check "the 90 positions over HTTP are on the record ($n)" test "$n" -ge 91
n=$("${PSQL[@]}" -d cli -At -c "SELECT count(*) FROM events WHERE type = 'proposal.created'")
check "the CLI's proposals beside the server too ($n)" test "$n" = 13
# The writer's connection lost with statements sent and unanswered: a
# session holds the events table (EXCLUSIVE: reads pass, inserts wait), a
# write over HTTP goes into the pipeline and waits on its INSERT, and the
# database then ends that connection (pg_terminate_backend, as a restart
# or a failover would).  The write's answer and the record must agree
# (an error, nothing stored: the transaction died with the connection),
# and the server must write again on a new connection.
mkfifo "$T/hold.in"
"${PSQL[@]}" -d cli <"$T/hold.in" >"$T/hold.out" 2>&1 &
holder=$!
exec 7>"$T/hold.in"
echo "BEGIN; LOCK TABLE events IN EXCLUSIVE MODE; SELECT pg_backend_pid();" >&7
held_lock() {
	"${PSQL[@]}" -d cli -At -c "SELECT count(*) FROM pg_locks WHERE locktype = 'relation'
		AND relation = 'events'::regclass AND mode = 'ExclusiveLock' AND granted" 2>/dev/null | grep -qx 1
}
for _ in $(seq 600); do held_lock && break; sleep 0.1; done
check "a session holds the events table" held_lock
before=$("${PSQL[@]}" -d cli -At -c "SELECT count(*) FROM events")
curl -s -o "$T/lost.body" -w '%{http_code}' -X POST -H "Authorization: Bearer ${tok[NL]}" \
	-H "Content-Type: application/json" "$base/api/v1/proposals/$hid/positions" \
	-d '{"position":"comment","text":"Lost with its connection"}' >"$T/lost.code" &
poster=$!
# the writer's backend, waiting on the lock with its INSERT
waiter() {
	"${PSQL[@]}" -d cli -At -c "SELECT pid FROM pg_stat_activity WHERE datname = 'cli'
		AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO events%'" 2>/dev/null | head -1
}
wpid=""
for _ in $(seq 600); do wpid=$(waiter); [ -n "$wpid" ] && break; sleep 0.1; done
check "the write waits on the lock with its INSERT sent" test -n "$wpid"
[ -n "$wpid" ] && "${PSQL[@]}" -d cli -At -c "SELECT pg_terminate_backend($wpid)" >/dev/null
echo "ROLLBACK;" >&7
exec 7>&-
wait "$holder"
wait "$poster"
code=$(cat "$T/lost.code")
after=$("${PSQL[@]}" -d cli -At -c "SELECT count(*) FROM events")
check "the write whose connection was lost is answered with a server error ($code: $(head -c 200 "$T/lost.body"))" \
	test "$code" -ge 500
check "and nothing of it is stored ($before events before, $after after)" test "$after" = "$before"
check "the answer says what failed" grep -qi 'database\|connection\|postgres' "$T/lost.body"
# PostgreSQL's message goes on with the statement it failed in ("LINE 1:
# INSERT INTO events(...)"): the client is told what failed, never the SQL.
check "and not the statement it failed in" bash -c '! grep -qi "LINE [0-9]\|INSERT\|SELECT" "$1"' _ "$T/lost.body"
run curl -sf -X POST -H "Authorization: Bearer ${tok[NL]}" -H "Content-Type: application/json" \
	"$base/api/v1/proposals/$hid/positions" -d '{"position":"comment","text":"On a new connection"}'
expect_rc "the next write succeeds on a new connection" 0
n=$("${PSQL[@]}" -d cli -At -c "SELECT count(*) FROM events")
check "and is stored once ($after events before it, $n after)" test "$n" = $((after + 1))
check "the server is still up" curl -sf "$base/healthz" -o /dev/null

kill "$srv"
wait "$srv" 2>/dev/null
srv=""
c --db "$DB" verify --log-key "$vkey"
expect_rc "the store verifies at rest" 0

# ---- one scenario, both backends ------------------------------------------------
SCEN="$ROOT/scenarios/tokyo-2023.json"
c --db "$T/a.db" init --at 2023-01-01
expect_rc "init on SQLite" 0
PDB=$(newdb scen)
export COUNCIL_KEY="$T/scen.key"
c --db "$PDB" init --at 2023-01-01
expect_rc "init on PostgreSQL" 0
c --db "$T/a.db" replay "$SCEN" --json
echo "$out" >"$T/replay-sqlite.json"
expect_rc "the scenario on SQLite" 0
c --db "$PDB" replay "$SCEN" --json
echo "$out" >"$T/replay-pg.json"
expect_rc "the scenario on PostgreSQL" 0
check "the replay reports agree" cmp -s "$T/replay-sqlite.json" "$T/replay-pg.json"
same=1
for what in "members --json" "partners --json" "offices --json" "bodies --json" \
	"list --json" "show 1 --json"; do
	# shellcheck disable=SC2086
	"$COUNCIL" --db "$T/a.db" $what >"$T/s.json" 2>&1
	# shellcheck disable=SC2086
	"$COUNCIL" --db "$PDB" $what >"$T/p.json" 2>&1
	cmp -s "$T/s.json" "$T/p.json" || { same=0; echo "    differs: $what"; }
done
check "the same outcomes, registry and views on both backends" test "$same" = 1
n1=$("$COUNCIL" --db "$T/a.db" log --json | wc -l)
n2=$("$COUNCIL" --db "$PDB" log --json | wc -l)
check "the same number of events on both ($n1)" test "$n1" = "$n2"
# The events differ only by their salts (and so by the hashes that link
# them): the same record blinded with other keys.
"$COUNCIL" --db "$T/a.db" log --json | jq -c 'del(.prev)' >"$T/s.ev"
"$COUNCIL" --db "$PDB" log --json | jq -c 'del(.prev)' >"$T/p.ev"
check "event by event the same content, but for the link" cmp -s "$T/s.ev" "$T/p.ev"
# Search finds words without their diacritics on both (unaccent on
# PostgreSQL, FTS5's remove_diacritics on SQLite).
for db in "$T/a.db" "$PDB"; do
	"$COUNCIL" --db "$db" propose --body NAC --title "Coopération renforcée à Chișinău" \
		--at 2023-08-01 >/dev/null
done
"$COUNCIL" --db "$T/a.db" search "cooperation chisinau" --json >"$T/s.json" 2>&1
"$COUNCIL" --db "$PDB" search "cooperation chisinau" --json >"$T/p.json" 2>&1
check "search without diacritics finds it on PostgreSQL" \
	test "$(jq -r '.proposals | map(.title) | join(",")' "$T/p.json")" = "Coopération renforcée à Chișinău"
check "as on SQLite" cmp -s "$T/s.json" "$T/p.json"
"$COUNCIL" --db "$T/a.db" search tokyo --json >"$T/s.json" 2>&1
"$COUNCIL" --db "$PDB" search tokyo --json >"$T/p.json" 2>&1
check "the same search answers on both backends" \
	sh -c 'jq -e ".count >= 1" "$1" >/dev/null && cmp -s "$1" "$2"' _ "$T/s.json" "$T/p.json"
c --db "$T/a.db" verify
expect_rc "the SQLite store verifies" 0
c --db "$PDB" verify
expect_rc "the PostgreSQL store verifies" 0

# ---- snapshots in parts on PostgreSQL (src/store/snapparts.h) -----------------
# A snapshot every 5 events: its row lists its parts ("CNPARTS1", then per
# part a SHA-256 and a 4-byte length), each part stored once; a damaged
# part is found, the world folded from the log, and the next write stores
# its parts again.
SDB=$(newdb snaps)
q() { "${PSQL[@]}" -d snaps -At -c "$1"; }
export COUNCIL_SNAPSHOT_EVERY=5 COUNCIL_KEY="$T/snaps.key"
c --db "$SDB" init --at 2024-01-01
expect_rc "a store for snapshots" 0
for i in 1 2 3 4 5 6; do
	c --db "$SDB" propose --body NAC --title "Snapshot matter $i" --at 2024-01-0$((i + 1))
	c --db "$SDB" respond "$i" --member FR --concur --at 2024-01-0$((i + 1))
done
expect_rc "writes that take snapshots on PostgreSQL" 0
check "the newest two snapshots are kept" test "$(q "SELECT count(*) FROM snapshots")" = 2
check "each row is a list of parts" test "$(q "SELECT count(*) FROM snapshots WHERE substr(bytes, 1, 8) = 'CNPARTS1'::bytea")" = 2
NAMED="WITH RECURSIVE e(seq, b, i) AS (SELECT seq, bytes, 0 FROM snapshots UNION ALL SELECT seq, b, i + 1 FROM e WHERE 8 + 36 * (i + 2) <= length(b)), named AS (SELECT seq, substr(b, 9 + 36 * i, 32) AS hash FROM e)"
check "every part named is stored, and no other" test "$(q "$NAMED SELECT (SELECT count(DISTINCT hash) FROM named) = (SELECT count(*) FROM snapshot_parts) AND NOT EXISTS (SELECT 1 FROM named WHERE hash NOT IN (SELECT hash FROM snapshot_parts))")" = t
c --db "$SDB" propose --body NAC --title "From the snapshot" --at 2024-01-09
expect_rc "a write opens from the snapshot" 0
check "... without a warning" test -z "$err"
c --db "$SDB" verify
expect_rc "the snapshots verify against the replay" 0
q "$NAMED UPDATE snapshot_parts SET bytes = overlay(bytes placing '\\x00'::bytea from 100 for 1) WHERE hash IN (SELECT hash FROM named)" >/dev/null
c --db "$SDB" verify
expect_err "a damaged part: verify names the snapshot" 1 "snapshot at event"
c --db "$SDB" respond 7 --member DE --concur --at 2024-01-10
expect_err "a damaged part: the write works, folded from the log" 0 "folded from the whole log"
c --db "$SDB" verify
expect_rc "the next write stored its parts again: verify passes" 0
c --db "$SDB" respond 7 --member IT --concur --at 2024-01-11
expect_rc "and the write after opens from it" 0
check "... without a warning" test -z "$err"

# A server's snapshot made on its worker while another writer collects
# the parts the worker took for stored (here all of them, by psql): the
# put finds one neither stored nor at hand, and the same commit plans
# the next, which keeps every part: no warning.  (The plan is made at
# the commit, before the write is answered, so the parts it takes for
# stored are read before psql deletes them.)
SDB=$(newdb snapsrv)
export COUNCIL_KEY="$T/snapsrv.key"
c --db "$SDB" init --at 2024-01-01
expect_rc "a store for a server's snapshots" 0
ssec=$("$COUNCIL" --db "$SDB" token issue --role secretariat 2>/dev/null)
start_serve "$SDB"
check "a server with a snapshot every 5 events" test -n "$up"
# spost N: N proposals over HTTP, one request each
spost() {
	for _ in $(seq "$1"); do
		curl -sf -X POST -H "Authorization: Bearer $ssec" -H "Content-Type: application/json" \
			"$base/api/v1/proposals" -d '{"body":"NAC","title":"A matter"}' >/dev/null || return 1
	done
}
# until_snapshot SEQ: one write at a time until a snapshot after event
# SEQ is stored (40 writes at most)
until_snapshot() {
	for _ in $(seq 40); do
		spost 1 || return 1
		[ "$(q "SELECT coalesce(max(seq), 0) FROM snapshots")" -gt "$1" ] && return 0
	done
	return 1
}
q() { "${PSQL[@]}" -d snapsrv -At -c "$1"; }
run until_snapshot "$(q "SELECT coalesce(max(seq), 0) FROM snapshots")"
expect_rc "the server stores a snapshot its worker made" 0
first=$(q "SELECT max(seq) FROM snapshots")
# Each proposal is one event: the commit of the fifth event after the
# snapshot plans the next, its worker taking the stored parts as stored.
run spost $((first + 5 - $(q "SELECT max(seq) FROM events")))
check "writes up to the event that plans the next ($first + 5)" \
	test "$rc" = 0 -a "$(q "SELECT max(seq) FROM events")" = $((first + 5))
q "DELETE FROM snapshots; DELETE FROM snapshot_parts" >/dev/null
run until_snapshot 0
expect_rc "a snapshot is stored after its parts were collected" 0
at=$(q "SELECT max(seq) FROM snapshots")
check "a newer one ($at, after $first)" test "$at" -gt "$first"
check "the server warned of nothing" \
	sh -c '! grep -q "not stored\|not made" "$1"' _ "$T/serve.err"
check "every part it names is stored" test "$(q "$NAMED SELECT count(*) FROM named WHERE hash NOT IN (SELECT hash FROM snapshot_parts)")" = 0
kill "$srv"
wait "$srv" 2>/dev/null
srv=""
c --db "$SDB" verify
expect_rc "verify compares it with the replay" 0
c --db "$SDB" propose --body NAC --title "After the server" --at 2024-01-02
expect_rc "a CLI write after it" 0
check "... opens from it without a warning" test -z "$err"
unset COUNCIL_SNAPSHOT_EVERY

# ---- two stores in two schemas of one database -------------------------------
# The unaccent extension is one per database, made apart from both stores:
# dropping one store's schema leaves the other's search whole.
SDB=$(newdb sch)
"${PSQL[@]}" -d sch -c "CREATE SCHEMA a; CREATE SCHEMA b" >/dev/null
for s in a b; do
	COUNCIL_KEY="$T/sch-$s.key" "$COUNCIL" --db "$SDB options='-csearch_path=$s'" init >/dev/null 2>&1 &&
		COUNCIL_KEY="$T/sch-$s.key" "$COUNCIL" --db "$SDB options='-csearch_path=$s'" \
			propose --body NAC --title "Réunion $s" >/dev/null 2>&1
done
"${PSQL[@]}" -d sch -c "DROP SCHEMA a CASCADE" >/dev/null 2>&1
c --db "$SDB options='-csearch_path=b'" search reunion --json
expect_json "after another store's schema is dropped, search still works" \
	'.proposals | map(.title) | join(",")' "Réunion b"

# ---- two servers on one database ---------------------------------------------
# Each server's writer takes the database's write lock and folds what the
# other appended before appending, and signs its checkpoint in the same
# transaction: one linear log.  A silence deadline that both servers' clocks
# see falls due once: the second finds it concluded.
export COUNCIL_KEY="$T/two.key"
TDB=$(newdb two)
c --db "$TDB" init
expect_rc "init for two servers" 0
sec=$("$COUNCIL" --db "$TDB" token issue --role secretariat 2>/dev/null)
declare -A tok2
for m in BE CA FR IT; do tok2[$m]=$("$COUNCIL" --db "$TDB" token issue --member "$m" 2>/dev/null); done
# The secretariat's webhook, which both servers deliver: each position
# once, whichever server recorded it and whichever delivers it.
rport=$(free_port)
"$COUNCIL" --db "$TDB" webhook add 1 --url "http://127.0.0.1:$rport/two" --allow-local \
	--types position.stated >"$T/secret2" 2>/dev/null
"$PYTHON" "$ROOT/tests/cli/tools/webhook_receiver.py" "$rport" "$T/secret2" "$T/received2" 2>/dev/null &
receiver=$!
wait_port "$rport" "$receiver"
check "the second webhook receiver listens" test -n "$up"
# France's webhook with a reminder 10 s before a deadline (the silence
# below is 15 s ahead, and France says nothing on it): queued by the
# server whose clock leads, unique in the outbox, so sent once.
fport=$(free_port)
"$COUNCIL" --db "$TDB" webhook add 4 --url "http://127.0.0.1:$fport/fr" --allow-local \
	--types procedure.concluded --remind 10s >"$T/secret3" 2>/dev/null
"$PYTHON" "$ROOT/tests/cli/tools/webhook_receiver.py" "$fport" "$T/secret3" "$T/received3" 2>/dev/null &
freceiver=$!
wait_port "$fport" "$freceiver"
check "France's webhook receiver listens" test -n "$up"
# The secretariat's e-mail subscription (docs/MAIL.md) to a real SMTP
# listener: the same 40 positions, each one message, whichever server
# sends it (the outbox's claims, channel email).
mkdir -p "$T/sunk"
/usr/bin/python3 "$ROOT/tests/http/tools/smtp_sink.py" "$T/sunk" >"$T/sinkport" 2>/dev/null &
sinkpid=$!
for _ in $(seq 600); do grep -q '^PORT ' "$T/sinkport" && break; sleep 0.1; done
sport=$(sed -n 's/^PORT //p' "$T/sinkport")
"$COUNCIL" --db "$TDB" webhook add 1 --email sec@two.example --types position.stated >/dev/null 2>&1
srvs="" bases=""
for k in 1 2; do
	p=$(free_port)
	"$COUNCIL" --db "$TDB" serve --listen "127.0.0.1:$p" --threads 2 --web '' \
		--webhooks-allow-local --smtp "smtp://127.0.0.1:$sport" \
		--mail-from council@two.example 2>"$T/serve$k.err" &
	srvs="$srvs $!"
	bases="$bases http://127.0.0.1:$p"
done
srv=$srvs
up=0
for b in $bases; do
	for _ in $(seq 600); do
		curl -sf "$b/healthz" >/dev/null && { up=$((up + 1)); break; }
		sleep 0.1
	done
done
check "two servers start on one database" test "$up" = 2
set -- $bases
b1=$1 b2=$2
deadline=$(date -u -d '+15 seconds' +%Y-%m-%dT%H:%M:%SZ)
sid=$(curl -sf -X POST -H "Authorization: Bearer $sec" -H "Content-Type: application/json" \
	"$b1/api/v1/proposals" -d "{\"body\":\"NAC\",\"title\":\"Silence\",\"procedure\":\"silence\",\"deadline\":\"$deadline\"}" | jq -r .id)
mid=$(curl -sf -X POST -H "Authorization: Bearer $sec" -H "Content-Type: application/json" \
	"$b2/api/v1/proposals" -d '{"body":"NAC","title":"Meeting"}' | jq -r .id)
check "each server took a proposal ($sid, $mid)" test "$sid" = 1 -a "$mid" = 2
pids=""
positions "${tok2[BE]}" "$b1" "$mid" 10 & pids="$pids $!"
positions "${tok2[CA]}" "$b2" "$mid" 10 & pids="$pids $!"
positions "${tok2[FR]}" "$b1" "$mid" 10 & pids="$pids $!"
positions "${tok2[IT]}" "$b2" "$mid" 10 & pids="$pids $!"
wrote=0
for p in $pids; do wait "$p" && wrote=$((wrote + 1)); done
check "writers spread over both servers were all answered" test "$wrote" = 4
n=$("${PSQL[@]}" -d two -At -c "SELECT count(*) FROM events WHERE type = 'position.stated'")
check "their 40 positions are on the record ($n)" test "$n" = 40
for _ in $(seq 600); do
	[ "$(grep -c . "$T/received2" 2>/dev/null)" -ge 40 ] && break
	sleep 0.1
done
check "the webhook got the 40 positions, signed" \
	test "$(grep -c '^signed position.stated ' "$T/received2")" = 40
check "each once, from two servers" \
	test "$(cut -d' ' -f3 "$T/received2" | sort -u | wc -l)" = 40 -a \
	"$(sed 's/.*"seq":\([0-9]*\).*/\1/' "$T/received2" | sort -u | wc -l)" = 40
n=$("${PSQL[@]}" -d two -At -c "SELECT count(*) FROM deliveries d JOIN notices o ON o.id = d.item WHERE o.target = 1")
check "and logged one attempt each ($n)" test "$n" = 40
kill "$receiver"
for _ in $(seq 600); do
	[ "$(ls "$T/sunk" | grep -c '\.json$')" -ge 40 ] && break
	sleep 0.1
done
/usr/bin/python3 "$ROOT/tests/http/tools/mail_parse.py" "$T"/sunk/*.eml >"$T/sunk.json"
check "the e-mail subscription got the 40 positions" \
	test "$(jq '[.[] | select(.headers["Council-Event"] == "position.stated")] | length' "$T/sunk.json")" = 40
check "each once, from two servers (one Message-ID, one seq each)" \
	test "$(jq -r '.[].headers["Message-ID"]' "$T/sunk.json" | sort -u | wc -l)" = 40 -a \
	"$(jq -r '.[].headers["Message-ID"]' "$T/sunk.json" | cut -d. -f3 | sort -u | wc -l)" = 40
kill "$sinkpid"
# The silence falls due; wait (bounded) until a server concluded it.
st=""
for _ in $(seq 1200); do
	st=$(curl -sf -H "Authorization: Bearer $sec" "$b2/api/v1/proposals/$sid" | jq -r .status)
	[ "$st" = concluded ] && break
	sleep 0.1
done
check "the silence procedure concluded at its deadline" test "$st" = concluded
run curl -sf -H "Authorization: Bearer $sec" "$b1/api/v1/proposals/$sid"
expect_json "both servers show it concluded at the deadline" .concluded "$deadline"
# Both clocks have passed the deadline by now; give each a write, so
# each writer has ticked after it.
for b in $b1 $b2; do
	curl -sf -o /dev/null -X POST -H "Authorization: Bearer $sec" -H "Content-Type: application/json" \
		"$b/api/v1/proposals" -d '{"body":"NAC","title":"After"}'
done
n=$("${PSQL[@]}" -d two -At -c "SELECT count(*) FROM events WHERE type = 'procedure.concluded' AND proposal = $sid")
check "it was concluded once, not once per server ($n)" test "$n" = 1
# France's reminder came before the conclusion (which it also gets).
for _ in $(seq 600); do
	grep -q '^signed procedure.concluded ' "$T/received3" 2>/dev/null && break
	sleep 0.1
done
check "France's webhook got the conclusion" grep -q '^signed procedure.concluded ' "$T/received3"
check "and, before it, one reminder, signed, from two servers" \
	test "$(grep -c '^signed reminder .*"proposal":'"$sid"',.*"member":"FR"' "$T/received3")" = 1 -a \
	"$(head -1 "$T/received3" | cut -d' ' -f2)" = reminder
n=$("${PSQL[@]}" -d two -At -c "SELECT count(*) FROM notices WHERE kind = 'reminder'")
check "one reminder in the outbox ($n)" test "$n" = 1
kill "$freceiver"
for s in $srvs; do kill "$s"; wait "$s" 2>/dev/null; done
srv=""
c --db "$TDB" verify
expect_rc "the log two servers wrote is one chain and verifies" 0
