#!/bin/bash
# test_migrate.sh - `council migrate` between SQLite and PostgreSQL (issue
# 11), against a real PostgreSQL 15 started for the run (tests/pg/cluster.sh).
#
#  - a store with the Tokyo scenario, silence procedures with positions, a
#    revision, a receipt, tokens (one revoked) and several checkpoints goes
#    SQLite -> PostgreSQL -> SQLite: the three verify, their log exports are
#    byte-identical, their latest checkpoints, registries, proposals and
#    token lists are the same; the key lands where each backend looks for
#    it, private, and is SRC's; the old receipt and checkpoint verify on the
#    migrated stores; the old tokens work on `serve` over the PostgreSQL
#    copy (the revoked one does not) and a new token takes the next id;
#    the migrated stores take new writes signed by the same key;
#  - PostgreSQL -> a schema of another database;
#  - webhooks, their secrets and cursors, the outbox in each state and the
#    delivery log, SQLite -> PostgreSQL -> SQLite row for row, and the
#    copy delivers from where the source stopped: no duplicate, no gap;
#  - refusals, each changing nothing: DST holding events (a database, a
#    file); SRC with an event's bytes changed (named by its seq; DST left
#    without a store or key); SRC whose projection rows, stored tree or a
#    checkpoint are not its log's (named: table and key, root, size); SRC
#    missing, without its key, or with another log's key; a different key
#    at DST's key path (beside a file, and $COUNCIL_KEY for a database);
#    and a refused database then takes a good record;
#  - killed at every sync, rename and unlink (strace), migrate to a file
#    leaves the whole record or nothing that stops a re-run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_pg.sh"

events_in() { "${PSQL[@]}" -At -d "$1" -c "SELECT count(*) FROM events" 2>/dev/null; }
unset COUNCIL_DB COUNCIL_KEY
# A database's key goes to $XDG_CONFIG_HOME/council/STORE_ID.key.
export XDG_CONFIG_HOME="$T/config"
KEYS="$XDG_CONFIG_HOME/council"

# ---- the source: a SQLite store with a history ----------------------------------
A="$T/a.db"
c --db "$A" init --at 2023-01-01
c --db "$A" replay "$ROOT/scenarios/tokyo-2023.json"
expect_rc "the Tokyo scenario is recorded" 0
c --db "$A" propose --body NAC --title "Statement" --text "v1" --procedure silence \
	--deadline 2023-09-01 --at 2023-08-01 --json
sid=$(printf '%s' "$out" | jq -r .id)
c --db "$A" respond "$sid" --member FR --comment "a briefing, please" --at 2023-08-02 \
	--receipt "$T/receipt.json"
expect_rc "a statement with a receipt" 0
c --db "$A" recirculate "$sid" --text "v2" --deadline 2023-09-15 --at 2023-08-03
expect_rc "a revised text" 0
c --db "$A" propose --body NAC --title "Exercise" --at 2023-08-04 --json
mid=$(printf '%s' "$out" | jq -r .id)
c --db "$A" respond "$mid" --member DE --concur --at 2023-08-05
c --db "$A" respond "$mid" --member BE --reserve --at 2023-08-05
c --db "$A" respond "$mid" --member BE --lift --at 2023-08-06
expect_rc "positions on a meeting" 0
c --db "$A" tick --now 2023-09-16T00:00:00Z
c --db "$A" token issue --role secretariat --label "the secretariat"
sec=$out
c --db "$A" token issue --member FR
fr=$out
c --db "$A" token issue --partner JP
c --db "$A" token revoke 2
expect_rc "tokens: three issued, one revoked" 0
# A calendar feed key of the secretariat's token: a row of the tokens
# table that must stay a feed key (never a bearer token) on the copy.
c --db "$A" token feed 1 --url http://feeds --json
feedkey=$(jq -r .url <<<"$out" | sed 's/.*key=//')
check "and a calendar feed key for token 1" test -n "$feedkey"
# People (their password hashes, one disabled) go with the record.
printf 'migrated password\n' >"$T/pw"
c --db "$A" person add --name anne --delegation FR --password-file "$T/pw"
c --db "$A" person add --name sg --secretariat --password-file "$T/pw"
c --db "$A" person disable 1
expect_rc "people: two made, one disabled" 0
ncp=$("$COUNCIL" --db "$A" log export /dev/stdout | grep -c '"checkpoint"')
check "the source holds several checkpoints" test "$ncp" -ge 5
c --db "$A" log key
vkey=$out

# ---- SQLite -> PostgreSQL ----------------------------------------------------------
P=$(newdb mig)
c migrate --from "$A" --to "$P"
expect_rc "migrate SQLite -> PostgreSQL" 0
check "it says what it copied" grep -q "events, $ncp checkpoints, 4 tokens, 2 people" "$T/.out"
pkey=$(ls "$KEYS"/*.key 2>/dev/null | head -1)
check "the key is where a database's key lives (STORE_ID.key)" test -n "$pkey"
check "it is the source's key" cmp -s "$A.key" "$pkey"
check "and private" test "$(stat -c %a "$pkey")" = 600
check "it names the key's place" grep -qF "log key in $pkey" "$T/.out"

# ---- PostgreSQL -> SQLite ----------------------------------------------------------
C="$T/c.db"
c migrate --from "$P" --to "$C"
expect_rc "migrate PostgreSQL -> SQLite" 0
check "the key is beside the new file, the source's, private" \
	sh -c "cmp -s '$A.key' '$C.key' && test \"\$(stat -c %a '$C.key')\" = 600"
check "no temporary file is left" test -z "$(ls -A "$T" | grep migrate)"

# ---- PostgreSQL -> PostgreSQL, into a schema of another database -------------------
S=$(newdb sch)
"${PSQL[@]}" -d sch -c "CREATE SCHEMA b" >/dev/null
S="$S options=-csearch_path=b"
c migrate --from "$P" --to "$S"
expect_rc "migrate PostgreSQL -> a schema of another database" 0
"$COUNCIL" --db "$S" log export "$T/s.jsonl"
"$COUNCIL" --db "$A" log export "$T/a0.jsonl"
check "its export is the first store's" cmp "$T/a0.jsonl" "$T/s.jsonl"
check "its tables are in the schema named" \
	test "$("${PSQL[@]}" -At -d sch -c "SELECT count(*) FROM b.events")" -gt 100
c --db "$S" verify --log-key "$vkey"
expect_rc "and it verifies" 0

# ---- the three are the same record -----------------------------------------------
# every person: one page of the largest, and none after it
"$COUNCIL" --db "$A" person list --limit 1000 --json >"$T/people-a.json"
check "the first store's people are one page" \
	test "$(jq -r '"\(.count > 0) \(.next)"' "$T/people-a.json")" = "true null"
for s in "$P" "$C"; do
	"$COUNCIL" --db "$s" person list --limit 1000 --json >"$T/people-x.json"
	check "its people are the first store's ($(basename "${s##*dbname=}"))" \
		cmp "$T/people-a.json" "$T/people-x.json"
done
for s in "$A" "$P" "$C"; do
	c --db "$s" verify --log-key "$vkey"
	expect_rc "verify passes with the published key ($(basename "${s##*dbname=}"))" 0
done
"$COUNCIL" --db "$A" log export "$T/a.jsonl"
"$COUNCIL" --db "$P" log export "$T/p.jsonl"
"$COUNCIL" --db "$C" log export "$T/c.jsonl"
check "log export: SQLite and PostgreSQL copies byte-identical" cmp "$T/a.jsonl" "$T/p.jsonl"
check "log export: back on SQLite byte-identical" cmp "$T/a.jsonl" "$T/c.jsonl"
for s in "$P" "$C"; do
	n=$(basename "${s##*dbname=}")
	for q in "log checkpoint" "members --json" "bodies --json" "partners --json" \
		"offices --json" "proposals --json" "show $sid --json" "show $mid --json" \
		"token list --json" "log key"; do
		# shellcheck disable=SC2086
		if cmp -s <("$COUNCIL" --db "$A" $q 2>&1) <("$COUNCIL" --db "$s" $q 2>&1); then
			ok "$q: the same on $n"
		else
			not_ok "$q: the same on $n"
		fi
	done
done
# proj FILE OUT: every projection row, token and the log key's meta, in key
# order; fails when sqlite3 does
proj() {
	sqlite3 -bail "$1" "SELECT * FROM alliance; SELECT * FROM members ORDER BY 1;
		SELECT * FROM partners ORDER BY 1; SELECT * FROM bodies ORDER BY 1;
		SELECT * FROM offices ORDER BY 1; SELECT * FROM proposals ORDER BY 1;
		SELECT * FROM positions ORDER BY 1, 2; SELECT * FROM tokens ORDER BY 1;
		SELECT value FROM meta WHERE key IN ('log_vkey', 'registry_seq') ORDER BY key;
		SELECT * FROM merkle_nodes ORDER BY 1, 2; SELECT * FROM checkpoints ORDER BY 1" >"$2"
}
check "every row of A read back (projections, tokens, tree, checkpoints)" proj "$A" "$T/a.rows"
check "every row of the copy read back" proj "$C" "$T/c.rows"
check "the proposals and positions are there to compare" \
	test "$(sqlite3 "$A" "SELECT count(*) FROM positions")" -ge 2 -a "$(sqlite3 "$A" "SELECT count(*) FROM proposals")" -ge 3
check "every row: SQLite before and after the round trip" cmp "$T/a.rows" "$T/c.rows"

# ---- old receipts, checkpoints and tokens on the copies -----------------------------
c receipt verify "$T/receipt.json" --log-key "$("$COUNCIL" --db "$C" log key)"
expect_rc "the old receipt verifies with the migrated store's key" 0
jq -j .checkpoint "$T/receipt.json" >"$T/old.note"
for s in "$P" "$C"; do
	c --db "$s" verify --checkpoint "$T/old.note"
	expect_rc "the receipt's checkpoint is consistent with $(basename "${s##*dbname=}")" 0
	c --db "$s" verify --since "$T/old.note" --log-key "$vkey"
	expect_rc "verify --since the old checkpoint on $(basename "${s##*dbname=}")" 0
done
start_serve "$P"
check "serve starts on the PostgreSQL copy" test -n "$up"
run curl -sf -H "Authorization: Bearer $sec" "$base/api/v1/whoami"
expect_json "the old secretariat token works on the copy" .role secretariat
run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $fr" "$base/api/v1/whoami"
check "the revoked token stays revoked" test "$out" = 401
run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $feedkey" "$base/api/v1/whoami"
check "the feed key is still no bearer token on the copy" test "$out" = 401
run curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/calendar.ics?key=$feedkey"
check "and still reads its calendar there" test "$out" = 200
run curl -sf -X POST -H "Authorization: Bearer $sec" -H "Content-Type: application/json" \
	"$base/api/v1/proposals" -d '{"body":"NAC","title":"After the move"}'
expect_rc "the copy takes a write over the API with the old token" 0
kill "$srv" && wait "$srv" 2>/dev/null
srv=""
c --db "$P" token issue --role secretariat --json
expect_json "a new token on the database takes the next id" .id 5
c --db "$C" propose --body NAC --title "After the move" --at 2023-10-01
expect_rc "the SQLite copy takes a write" 0
for s in "$P" "$C"; do
	c --db "$s" verify --log-key "$vkey"
	expect_rc "after new writes, $(basename "${s##*dbname=}") verifies with the old key" 0
done

# ---- webhooks: copied both ways, delivering from where they stopped ---------------
# A store whose server delivered two events to a receiver, gave up on a
# webhook whose receiver is down (one attempt), and had a webhook revoked;
# then an event recorded by the CLI that no server has passed yet.  Copied
# to PostgreSQL and back, the rows are the same (secrets, cursors, the
# outbox in each state, the delivery log), and the PostgreSQL copy sends
# the third event, once, signed with the old secret, and nothing twice.
W="$T/w.db"
c --db "$W" init --at 2023-01-01
c --db "$W" token issue --role secretariat
wtok=$out
rport=$(free_port)
dport=$(free_port)
"$COUNCIL" --db "$W" webhook add 1 --url "http://127.0.0.1:$rport/m" --allow-local \
	--types proposal.created >"$T/wsecret" 2>/dev/null
"$COUNCIL" --db "$W" webhook add 1 --url "http://127.0.0.1:$dport/down" --allow-local \
	--types proposal.created >/dev/null 2>&1
"$COUNCIL" --db "$W" webhook add 1 --url "http://127.0.0.1:$rport/gone" --allow-local \
	>/dev/null 2>&1
c --db "$W" webhook revoke 3
expect_rc "three webhooks, one revoked" 0
"$PYTHON" "$ROOT/tests/cli/tools/webhook_receiver.py" "$rport" "$T/wsecret" "$T/wgot" 2>/dev/null &
receiver=$!
before_cleanup() { kill "$receiver" 2>/dev/null; }
wait_port "$rport" "$receiver"
check "the webhook receiver listens" test -n "$up"
start_serve "$W" --webhooks-allow-local --webhook-attempts 1
for t in one two; do
	curl -sf -o /dev/null -X POST -H "Authorization: Bearer $wtok" -H "Content-Type: application/json" \
		"$base/api/v1/proposals" -d "{\"body\":\"NAC\",\"title\":\"Hook $t\"}"
done
# wait (bounded) for two deliveries and two attempts given up
for _ in $(seq 600); do
	[ "$(sqlite3 "$W" "SELECT count(*) FROM notices WHERE state IN ('delivered', 'failed')")" = 4 ] && break
	sleep 0.1
done
kill "$srv" && wait "$srv" 2>/dev/null
srv=""
check "the server delivered two events and gave up on the receiver that is down" \
	test "$(sqlite3 "$W" "SELECT group_concat(state) FROM (SELECT state FROM notices ORDER BY state)")" = \
	"delivered,delivered,failed,failed"
check "the receiver got the two, signed" test "$(grep -c '^signed proposal.created ' "$T/wgot")" = 2
c --db "$W" propose --body NAC --title "Hook three"
expect_rc "a third event, recorded while no server runs" 0

# hookrows DB: every row of the three tables, in key order (claims left out)
hookrows() {
	local q="SELECT id, owner, url, secret, types, created, coalesce(revoked, ''), cursor FROM webhooks ORDER BY id;
		SELECT id, channel, kind, target, ref, encode(body, 'hex'), created, state, attempts, next_at FROM notices ORDER BY id;
		SELECT item, attempt, time, coalesce(status, 0), coalesce(error, ''), coalesce(next_at, 0) FROM deliveries ORDER BY item, attempt"
	if [ -f "$1" ]; then
		sqlite3 -bail -separator '|' "$1" "$(sed "s/encode(body, 'hex')/lower(hex(body))/" <<<"$q")"
	else
		"${PSQL[@]}" -At -d "${1##*dbname=}" -c "$q"
	fi
}
WP=$(newdb hooks)
c migrate --from "$W" --to "$WP"
expect_rc "migrate SQLite -> PostgreSQL with webhooks" 0
check "it says what it copied" grep -q "3 webhooks (4 notices, 4 deliveries)" "$T/.out"
check "and that the secrets came along, and claims did not" \
	grep -q "secrets were copied.*claims were not" "$T/.err"
hookrows "$W" >"$T/w.hooks"
hookrows "$WP" >"$T/wp.hooks"
check "the webhooks, the outbox and the delivery log were read back" \
	test "$(grep -c . "$T/w.hooks")" = 11
check "on PostgreSQL, row for row" cmp "$T/w.hooks" "$T/wp.hooks"
W2="$T/w2.db"
c migrate --from "$WP" --to "$W2"
expect_rc "and back to SQLite" 0
hookrows "$W2" >"$T/w2.hooks"
check "on SQLite again, row for row" cmp "$T/w.hooks" "$T/w2.hooks"

start_serve "$WP" --webhooks-allow-local --webhook-attempts 1
curl -sf -o /dev/null -X POST -H "Authorization: Bearer $wtok" -H "Content-Type: application/json" \
	"$base/api/v1/proposals" -d '{"body":"NAC","title":"Hook four"}'
for _ in $(seq 600); do
	[ "$(grep -c . "$T/wgot")" -ge 4 ] && break
	sleep 0.1
done
# the down webhook's two new notices are given up too: then all is done
for _ in $(seq 600); do
	[ "$("${PSQL[@]}" -At -d hooks -c "SELECT count(*) FROM notices WHERE state = 'pending'")" = 0 ] && break
	sleep 0.1
done
kill "$srv" && wait "$srv" 2>/dev/null
srv=""
check "the copy sent the third event and a new fourth, signed with the old secret" \
	test "$(grep -c '^signed proposal.created ' "$T/wgot")" = 4
check "each once: no duplicate, no gap" \
	test "$(sed 's/.*"title":"\(Hook [a-z]*\)".*/\1/' "$T/wgot" | sort | tr '\n' ,)" = \
	"Hook four,Hook one,Hook three,Hook two,"
check "distinct delivery ids: new notices take ids after the copied ones" \
	test "$(cut -d' ' -f3 "$T/wgot" | sort -u | wc -l)" = 4
check "nothing else came (the revoked webhook stayed silent)" test "$(grep -c . "$T/wgot")" = 4
c --db "$W2" webhook add 1 --url https://example.org/next --json
expect_json "a new webhook on the SQLite copy takes the next id" .id 4

# ---- refusals -------------------------------------------------------------------------
before=$(events_in mig)
c migrate --from "$A" --to "$P"
expect_err "a database that holds events is refused" 1 "already holds a council log"
check "and left as it was" test "$(events_in mig)" = "$before"
cp "$C" "$T/c.copy"
c migrate --from "$A" --to "$C"
expect_err "a file that exists is refused" 1 "already exists"
check "and left as it was" cmp -s "$C" "$T/c.copy"

c migrate --from "$T/nope.db" --to "$T/n.db"
expect_err "a missing source is refused" 1 "nope.db: no such store"
check "and makes nothing" test ! -e "$T/n.db" -a ! -e "$T/n.db.key"

cp "$A" "$T/bad.db"
cp "$A.key" "$T/bad.db.key"
sqlite3 "$T/bad.db" "DROP TRIGGER events_no_update;
	UPDATE events SET bytes = replace(bytes, 'briefing', 'BRIEFING')
	WHERE seq = (SELECT max(seq) FROM events WHERE bytes LIKE '%briefing%')"
badseq=$(sqlite3 "$T/bad.db" "SELECT seq FROM events WHERE bytes LIKE '%BRIEFING%'")
nkeys=$(ls "$KEYS" | wc -l)
B2=$(newdb bad)
c migrate --from "$T/bad.db" --to "$B2"
expect_err "a changed event in the source is named (to a database)" 1 "event $badseq:"
check "the database is left without events" test "$(events_in bad)" = 0
check "and without the key migrate wrote for it" test "$(ls "$KEYS" | wc -l)" = "$nkeys"
c migrate --from "$T/bad.db" --to "$T/d.db"
expect_err "a changed event in the source is named (to a file)" 1 "event $badseq:"
check "no file, key or temporary file is left" \
	test -z "$(ls -A "$T" | grep -E '^d\.db|\.d\.db\.migrate')"

# The source's derived tables disagree with its events: the copy, made
# from the events, is compared with them and the first difference named.
# tamper NAME SQL: a copy of A, changed by SQL
tamper() {
	cp "$A" "$T/$1.db" && cp "$A.key" "$T/$1.db.key" && sqlite3 "$T/$1.db" "$2"
}
tamper rowfr "UPDATE members SET name = 'Gaul' WHERE code = 'FR'"
c migrate --from "$T/rowfr.db" --to "$T/f.db"
expect_err "a projection row that is not the log's is named, table and key" 1 \
	"projection members: row 'FR' differs"
check "and no store is made" test ! -e "$T/f.db" -a ! -e "$T/f.db.key"
c migrate --from "$T/rowfr.db" --to "$(newdb rowfr)"
expect_err "the same, into a database" 1 "projection members: row 'FR' differs"
check "which is left without events" test "$(events_in rowfr)" = 0
tamper rowpos "DELETE FROM positions WHERE rowid = (SELECT min(rowid) FROM positions)"
c migrate --from "$T/rowpos.db" --to "$T/f.db"
expect_err "a projection row missing in the source is named" 1 \
	"projection positions: row '$(sqlite3 "$A" "SELECT proposal || ', ' || member FROM positions ORDER BY rowid LIMIT 1")' of the destination is not in the source"
tamper node "DROP TRIGGER nodes_no_update;
	UPDATE merkle_nodes SET hash = zeroblob(32)
	WHERE level = (SELECT max(level) FROM merkle_nodes) AND idx = 0"
c migrate --from "$T/node.db" --to "$T/f.db"
expect_err "a source whose stored tree is not its events' is refused" 1 "Merkle root"
tamper cp "DROP TRIGGER checkpoints_no_update;
	UPDATE checkpoints SET note = (SELECT note FROM checkpoints ORDER BY size LIMIT 1)
	WHERE size = (SELECT max(size) FROM checkpoints)"
c migrate --from "$T/cp.db" --to "$T/f.db"
expect_err "a checkpoint that does not verify is named by its size" 1 \
	"checkpoint at size $(sqlite3 "$A" "SELECT max(size) FROM checkpoints"):"
check "none of them left a store" test ! -e "$T/f.db" -a ! -e "$T/f.db.key"

"$COUNCIL" --db "$T/other.db" init --at 2023-01-01 >/dev/null
cp "$T/other.db.key" "$T/e.db.key"
c migrate --from "$A" --to "$T/e.db"
expect_err "a different key beside the new file is refused" 1 "e.db.key: a different key is there"
check "the store is not made and the key is kept" \
	sh -c "test ! -e '$T/e.db' && cmp -s '$T/other.db.key' '$T/e.db.key'"
E2=$(newdb otherkey)
COUNCIL_KEY="$T/other.db.key" run "$COUNCIL" migrate --from "$A" --to "$E2"
expect_err "a different key at \$COUNCIL_KEY is refused" 1 "a different key is there"
check "the database gets no events" test "$(events_in otherkey)" = 0
check "and the key is kept" cmp -s "$T/other.db.key" "$T/e.db.key"

cp "$A" "$T/nokey.db"
c migrate --from "$T/nokey.db" --to "$T/g.db"
expect_err "a source without its key is refused, naming where it was looked for" 1 \
	"the log's signing key is not at $T/nokey.db.key"
cp "$T/other.db.key" "$T/nokey.db.key"
c migrate --from "$T/nokey.db" --to "$T/g.db"
expect_err "a source whose key file holds another log's key is refused" 1 \
	"is not the key of this log"
check "neither made a store or a key" test ! -e "$T/g.db" -a ! -e "$T/g.db.key"

# A refusal leaves nothing in the way: the same databases then take the
# record.
c migrate --from "$A" --to "$B2"
expect_rc "the database a corrupt source was refused into takes a good one" 0
c --db "$B2" verify --log-key "$vkey"
expect_rc "and it verifies" 0

# ---- killed at any sync, rename or unlink: a whole store or none --------------------
# strace kills migrate at the Nth call of one system call (deterministic);
# what is left must be the whole record, or nothing that stops a re-run.
if ! command -v strace >/dev/null || ! strace -qq -o /dev/null true 2>/dev/null; then
	not_ok "strace is needed (scripts/install-deps.sh --test installs it) and must be allowed to trace"
	exit 0
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 # not under ptrace
SYSCALLS=fsync,fdatasync,rename,renameat,renameat2,unlink
mkdir -p "$T/probe"
strace -f -qq -c -o "$T/counts" -e trace=$SYSCALLS "$COUNCIL" migrate --from "$A" \
	--to "$T/probe/x.db" >/dev/null 2>&1
points=""
for sc in ${SYSCALLS//,/ }; do
	n=$(awk -v s="$sc" '$NF == s {print $4}' "$T/counts")
	for ((k = 1; k <= ${n:-0}; k++)); do points="$points $sc:$k"; done
done
npoints=0 bad=0
for pt in $points; do
	sc=${pt%:*} k=${pt#*:}
	d="$T/kill-$sc-$k"
	mkdir -p "$d"
	{ ( strace -f -qq -o /dev/null -e trace="$sc" -e inject="$sc":signal=KILL:when="$k" \
		"$COUNCIL" migrate --from "$A" --to "$d/x.db" ) >/dev/null 2>&1; } 2>/dev/null
	npoints=$((npoints + 1))
	if [ ! -e "$d/x.db" ]; then
		"$COUNCIL" migrate --from "$A" --to "$d/x.db" >/dev/null 2>&1
	fi
	if [ "$(ls -A "$d" | tr '\n' ' ')" = "x.db x.db.key " ] &&
		"$COUNCIL" --db "$d/x.db" log export "$d/x.jsonl" >/dev/null 2>&1 &&
		cmp -s "$d/x.jsonl" "$T/a.jsonl" && cmp -s "$d/x.db.key" "$A.key" &&
		"$COUNCIL" --db "$d/x.db" verify --log-key "$vkey" >/dev/null 2>&1; then
		:
	else
		bad=$((bad + 1))
		not_ok "migrate killed at $sc #$k: neither a whole store nor a clean re-run" \
			"$(ls -A "$d" | tr '\n' ' ')"
	fi
	rm -rf "$d"
done
check "migrate killed at $npoints points: each left the whole record or nothing in the way" \
	test "$bad" = 0 -a "$npoints" -gt 5
