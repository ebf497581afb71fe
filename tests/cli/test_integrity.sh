#!/bin/bash
# Bad input never loses or changes what is stored; tampering is detected
# and named; usage errors exit 2.
. "$(dirname "$0")/lib.sh"

c init --at 2024-01-01
c propose --body NAC --title "A" --at 2024-01-02
c respond 1 --member FR --concur --at 2024-01-03
before=$(fingerprint)

# refused commands change nothing
c respond 1 --member JP --concur --at 2024-01-04
expect_rc "partner refused" 1
c respond 1 --member FR --concur --at 2023-01-01
expect_err "a position before the proposal opened is refused" 1 "before proposal 1 was opened"
c respond 9 --member FR --concur
expect_err "unknown proposal" 1 "no proposal 9"
c propose --body NOPE --title x
expect_err "unknown body" 1 "unknown body 'NOPE'"
c propose --body NAC --title x --at 2024-13-01
expect_err "malformed --at" 1 "--at"
c propose --body NAC --title x --procedure silence --deadline soon
expect_err "malformed deadline" 1 "deadline: 'soon'"
c propose --body NAC --title x --effect 'open-office:id=a,city=Paris'
expect_err "an incomplete effect is refused" 1 "needs id, name, city and country"
c propose --body NAC --title x --effect 'launch-rocket:id=a'
expect_err "an unknown effect is refused" 1 "unknown type 'launch-rocket'"
c propose --body NAC --title x --effect 'open-office:id=a,name=b,city=c,country=JP,lat=95,lon=0'
expect_err "latitude out of range" 1 "outside -90..90"
c propose --body NAC --title x --procedure silence --deadline 2025-01-02 --at 2025-01-01 \
	--effect '{"type":"add-partner","code":"MX","name":"Mexico","framework":"pfp","since":"garbage"}'
expect_err "an effect field the registry could not read is refused when proposed" 1 "since: 'garbage'"
c propose --body NAC --title x --effect '{"type":"open-office","id":"o","name":"O","city":"C","country":"JP","closed":"soon"}'
expect_err "every date of an effect is checked, not only the usual ones" 1 "closed: 'soon'"
printf '{"steps": [{"at": "2024-01-05", "do": "propose", "body": "NAC", "ti' > "$T/trunc.json"
c replay "$T/trunc.json" --db "$COUNCIL_DB"
expect_err "a truncated scenario names line and column" 1 "line 1, column"
cat > "$T/bad.json" <<'EOF2'
{"steps": [
 {"at": "2024-01-05", "do": "propose", "body": "NAC", "title": "ok"},
 {"at": "2024-01-06", "do": "respond", "proposal": 2, "member": "ZZ", "position": "concur"}
]}
EOF2
c replay "$T/bad.json" --db "$COUNCIL_DB"
expect_err "a failing scenario step is named" 1 "step 2 (respond)"
after=$(fingerprint)
check "refused commands and failed replays changed nothing" test "$before" = "$after"
c proposals --json
expect_json "the failed replay's first step was rolled back" .count 1

# usage errors exit 2
c respond 1 --member FR
expect_rc "respond without a position is a usage error" 2
c respond 1 --member FR --concur --object
expect_rc "two positions is a usage error" 2
c frobnicate
expect_rc "unknown command is a usage error" 2
c members --colour
expect_rc "unknown option is a usage error" 2
for cmd in init members bodies partners offices proposals propose respond extend recirculate conclude withdraw tick show log verify replay; do
	c "$cmd" --help
	if [ "$rc" = 0 ] && grep -q "^usage: council $cmd" "$T/.out"; then ok "$cmd --help"; else not_ok "$cmd --help"; fi
done

# corrupt and foreign files
head -c 4096 /dev/urandom > "$T/random.db"
c --db "$T/random.db" members
expect_err "a file of random bytes is refused" 1 "not a council database"
sqlite3 "$T/other.db" "CREATE TABLE invoices(id INTEGER); INSERT INTO invoices VALUES(1);"
c --db "$T/other.db" members
expect_err "another application's SQLite file is refused" 1 "another application"
c --db "$T/other.db" propose --body NAC --title x
check "and it is left untouched" test "$(sqlite3 "$T/other.db" 'SELECT count(*) FROM sqlite_schema')" = 1
c --db "$T/missing.db" members
expect_err "a missing store is refused" 1 "council init"

# verification and tampering
c verify
expect_rc "a clean store verifies" 0
cp "$COUNCIL_DB" "$T/clean.db"
sqlite3 "$COUNCIL_DB" "DELETE FROM events WHERE seq = 3" 2>"$T/.trig"
check "the event log refuses DELETE" grep -q "append-only" "$T/.trig"
sqlite3 "$COUNCIL_DB" "UPDATE events SET bytes = bytes WHERE seq = 3" 2>"$T/.trig"
check "the event log refuses UPDATE" grep -q "append-only" "$T/.trig"

tamper() { # SQL to run with the triggers dropped
	cp "$T/clean.db" "$COUNCIL_DB"
	rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
	sqlite3 "$COUNCIL_DB" "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; $1"
}
# one byte of event 7 (a member record): the first letter of its name + 1
tamper "UPDATE events SET bytes = substr(bytes, 1, instr(bytes, '\"name\":\"') + 7) || char(unicode(substr(bytes, instr(bytes, '\"name\":\"') + 8, 1)) + 1) || substr(bytes, instr(bytes, '\"name\":\"') + 9) WHERE seq = 7"
check "exactly one byte differs" test "$(sqlite3 "$COUNCIL_DB" "SELECT length(bytes) FROM events WHERE seq = 7")" = "$(sqlite3 "$T/clean.db" "SELECT length(bytes) FROM events WHERE seq = 7")"
c verify
expect_err "one changed byte is detected and names event 7" 1 "event 7"
# A read answers from the projection rows without folding the log (so its
# cost does not grow with the record); a write folds the log from its last
# snapshot, and this log is shorter than the snapshot interval.
c tick
expect_err "and the store refuses to open for a write" 1 "event 7"
c members --at 2023-01-01
expect_rc "a read answers from the projections, which verify checks" 0
tamper "DELETE FROM events WHERE seq = 12"
c verify
expect_err "a deleted event is named" 1 "event 12 is missing"
tamper "UPDATE events SET bytes = (SELECT bytes FROM events WHERE seq = 21), hash = (SELECT hash FROM events WHERE seq = 21) WHERE seq = 20"
c verify
expect_err "a copied-over event is detected" 1 "event 20"
tamper "UPDATE members SET name = 'Frankreich' WHERE code = 'FR'"
c verify
expect_err "a changed projection is detected" 1 "projection members"
# verify compares each table through one digest a row, then names the row
# the slow way: every kind of difference must still be found and named.
tamper "UPDATE members SET name = CAST(name AS BLOB) WHERE code = 'FR'"
c verify
expect_err "a value of another type with the same bytes is named" 1 "projection members: row 'FR' differs"
tamper "UPDATE members SET name = CASE code WHEN 'FR' THEN (SELECT name FROM members WHERE code = 'DE') ELSE (SELECT name FROM members WHERE code = 'FR') END WHERE code IN ('FR', 'DE')"
c verify
expect_err "two rows' values swapped (the same values, in other rows) are named" 1 "projection members: row 'DE' differs"
# `show` and `log` read the store alone: not even the registry is folded
# (so their cost is opening the store), and a damaged registry row stops
# the reads that need it, naming it, not those that do not.
tamper "UPDATE members SET record = '{not json' WHERE code = 'FR'"
c members
expect_err "a registry row that is not JSON stops a read of the registry, named" 1 "projection members: bad record"
# A record is read the canonical way, as the projector writes it; one in
# another spelling of the same JSON (spaces around it and after its first
# brace) reads the same, by jansson's way.
cp "$T/clean.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
c members --json
cp "$T/.out" "$T/members.canonical"
tamper "UPDATE members SET record = ' ' || replace(record, '{\"', '{ \"') || char(10) WHERE code = 'FR'"
check "(the FR record is no longer canonical)" test "$(sqlite3 "$COUNCIL_DB" "SELECT substr(record, 1, 3) FROM members WHERE code = 'FR'")" = ' { '
c members --json
expect_rc "a registry record in another spelling still reads" 0
check "... as the same record" cmp -s "$T/members.canonical" "$T/.out"
c show 1
expect_rc "show reads the proposal's stored view all the same" 0
check "... the proposal" grep -q "^Proposal 1:" "$T/.out"
c log
expect_rc "and log the events" 0
# verify opens the store alone too, and names the row among the others
c verify
expect_err "verify names the registry row that is not JSON as the row that differs" 1 "projection members: row 'FR' differs"
tamper "DELETE FROM positions WHERE proposal = 1 AND member = 'FR'"
c verify
expect_err "a deleted projection row is named" 1 "projection positions: row '1, FR' is missing or differs in the store"
tamper "INSERT INTO positions SELECT proposal, 'DE', position, text, at FROM positions WHERE proposal = 1 AND member = 'FR'"
c verify
expect_err "an added projection row is named" 1 "projection positions: row '1, DE' differs from (or is absent in) the replay"
check "the position's text is NULL (so the next case means something)" test "$(sqlite3 "$T/clean.db" "SELECT quote(text) FROM positions WHERE proposal = 1 AND member = 'FR'")" = NULL
tamper "UPDATE positions SET text = '' WHERE proposal = 1 AND member = 'FR'"
c verify
expect_err "an empty text where the replay has NULL is named" 1 "projection positions: row '1, FR' differs"
# proposals and positions (the tables that grow) are compared as one
# digest a table, by runs of their first key column; the small registry
# tables, which the world does not keep in key order, the collected way.
tamper "UPDATE positions SET member = 'DE' WHERE proposal = 1 AND member = 'FR'"
c verify
expect_err "a position moved to another member of the same proposal is named" 1 "projection positions: row '1, DE' differs from (or is absent in) the replay"
tamper "UPDATE proposals SET title = 'B' WHERE id = 1"
c verify
expect_err "a changed proposal row is named" 1 "projection proposals: row '1' differs"
tamper "UPDATE proposals SET id = 2 WHERE id = 1"
c verify
expect_err "a proposal row moved to another id is named" 1 "projection proposals: row '2' differs from (or is absent in) the replay"
cp "$T/clean.db" "$COUNCIL_DB"
c verify --json
expect_json "verify --json" .ok true

# verify keeps a concluded proposal out of memory, in a temporary file
# (app/pager.c; COUNCIL_PAGER_SWEEP=1: from the event that
# concludes it on): a later event naming it (the superseding proposal's
# proposal.superseded) folds as with it in memory, its rows and positions
# are still checked, and a later snapshot that holds it too.
export COUNCIL_DB="$T/paged.db" COUNCIL_PAGER_SWEEP=1 COUNCIL_SNAPSHOT_EVERY=2
c init --at 2024-01-01
c propose --body NAC --title "Early" --at 2024-01-02
c respond 1 --member FR --concur --at 2024-01-03
c withdraw 1 --reason "Redrafted" --at 2024-01-04
c propose --body NAC --title "Between" --at 2024-01-05
c propose --supersedes 1 --at 2024-01-06
c respond 3 --member DE --concur --at 2024-01-07
check "proposal 1 was taken up again after it concluded" test "$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM events WHERE type = 'proposal.superseded' AND seq > (SELECT seq FROM events WHERE type = 'procedure.concluded')")" = 1
c verify
expect_rc "a concluded proposal taken up again later verifies out of memory" 0
cp "$COUNCIL_DB" "$T/clean.db"
tamper "UPDATE proposals SET explanation = 'withdrawn: Redrafted.' WHERE id = 1"
c verify
expect_err "a changed row of a proposal out of verify's memory is named" 1 "projection proposals: row '1' differs"
tamper "UPDATE positions SET position = 'footnote' WHERE proposal = 1 AND member = 'FR'"
c verify
expect_err "a changed position of a proposal out of verify's memory is named" 1 "projection positions: row '1, FR' differs"
# (a snapshot is stored in parts, src/store/snapparts.h: the part that holds
# the text is changed, whichever snapshots share it)
tamper "UPDATE snapshot_parts SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Redrafted', 'Redrafter') AS BLOB) WHERE instr(CAST(bytes AS TEXT), 'Redrafted') > 0"
check "a stored snapshot holds proposal 1's text (so the case means something)" test "$(sqlite3 "$T/clean.db" "SELECT count(*) > 0 FROM snapshot_parts WHERE instr(CAST(bytes AS TEXT), 'Redrafted') > 0")" = 1
c verify
expect_err "a snapshot changed in a proposal out of verify's memory is named" 1 "snapshot at event"
# and verify --export keeps them out of memory the same way
cp "$T/clean.db" "$COUNCIL_DB"
c log export "$T/paged.jsonl"
c verify --export "$T/paged.jsonl"
expect_rc "an export whose concluded proposal is taken up again verifies with it out of memory" 0
TMPDIR=/nonexistent-council-tmp c verify --export "$T/paged.jsonl"
expect_err "with no room for that file, verify --export says so, not that the export is bad" 1 \
	"the temporary file of concluded proposals"
unset COUNCIL_PAGER_SWEEP COUNCIL_SNAPSHOT_EVERY

# A log of more checkpoints than verify's first room for them (16, then
# twice as many each time: verify_stream.c): each CLI write signs one.
# Each checkpoint's root is held beside it while the batch grows; a
# root read from where the batch was before it moved would fail here.
M=(--db "$T/many.db")
c "${M[@]}" init --at 2024-01-01
c "${M[@]}" propose --body NAC --title "Many checkpoints" --at 2024-01-02
# (the 31 allies of 2024-01-02: Sweden joined on 2024-03-07)
for m in BE CA DK FR IS IT LU NL NO PT GB US GR TR DE ES CZ HU PL BG EE LV LT RO SK SI AL HR ME MK FI; do
	c "${M[@]}" respond 1 --member "$m" --concur --at 2024-01-03
done
check "init, a proposal and 31 positions signed 33 checkpoints" \
	test "$(sqlite3 "$T/many.db" "SELECT count(DISTINCT size) FROM checkpoints")" = 33
c "${M[@]}" verify
expect_rc "a store of 33 checkpoints verifies, each at its own root" 0
check "verify says it checked all 33" grep -q "33 signed checkpoints verified" "$T/.out"
