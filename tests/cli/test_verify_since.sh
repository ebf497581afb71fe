#!/bin/bash
# `council verify --since CHECKPOINT`: only what was added after a
# checkpoint the auditor trusts (docs/MERKLE.md, "verify --since").  A
# change after it is caught; a change before it is out of its scope (the
# full verify names it); a checkpoint that is malformed, of another log or
# of a longer log is refused, naming what differs.
. "$(dirname "$0")/lib.sh"

c init --at 2024-01-01
c propose --body NAC --title "A" --at 2024-01-02
c respond 1 --member FR --concur --at 2024-01-03
c log checkpoint
cp "$T/.out" "$T/trusted.note"
k=$(sqlite3 "$COUNCIL_DB" "SELECT max(seq) FROM events")
c log key
cp "$T/.out" "$T/vkey"
cp "$COUNCIL_DB" "$T/early.db"
c respond 1 --member DE --concur --at 2024-01-04
c propose --body NAC --title "B" --at 2024-01-05
c respond 2 --member US --object --at 2024-01-06
c respond 2 --member GB --concur --at 2024-01-07
c log checkpoint
cp "$T/.out" "$T/later.note"
n=$(sqlite3 "$COUNCIL_DB" "SELECT max(seq) FROM events")
check "the log grew after the trusted checkpoint" test "$n" -gt "$((k + 3))"

c verify --since "$T/trusted.note" --log-key "$T/vkey"
expect_rc "the events since a trusted checkpoint verify" 0
check "it says from where and what it did not check" \
	grep -q "events $((k + 1)) to $n since the trusted checkpoint of size $k.*not checked" "$T/.out"
c verify --since "$T/trusted.note" --json
expect_json "--json: ok" .ok true
expect_json "--json: the trusted size" .since "$k"
expect_json "--json: the log's size" .events "$n"
expect_json "--json: the checkpoints since (one a write, the trusted one too)" \
	.checkpoints "$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM checkpoints WHERE size >= $k")"
c verify --since "$T/later.note"
expect_rc "a checkpoint at the log's end: nothing added, nothing wrong" 0
c verify
check "the full verify counts every checkpoint it checked" \
	grep -q " $(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM checkpoints") signed checkpoints verified" "$T/.out"
# from every checkpoint the store signed: trees of every shape, with one
# more event each (its size's low bits absorbed, or not)
c respond 2 --member PL --concur --at 2024-01-08
n=$(sqlite3 "$COUNCIL_DB" "SELECT max(seq) FROM events")
bad=""
for s in $(sqlite3 "$COUNCIL_DB" "SELECT size FROM checkpoints"); do
	sqlite3 "$COUNCIL_DB" "SELECT note FROM checkpoints WHERE size = $s" | head -c -1 > "$T/cp.note"
	"$COUNCIL" verify --since "$T/cp.note" >/dev/null 2>&1 || bad="$bad $s"
done
check "verify --since holds from every checkpoint signed (failed from:$bad)" test -z "$bad"

cp "$COUNCIL_DB" "$T/clean.db"
tamper() { # SQL to run with the triggers dropped
	cp "$T/clean.db" "$COUNCIL_DB"
	rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
	sqlite3 "$COUNCIL_DB" "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;
		DROP TRIGGER IF EXISTS nodes_no_update; $1"
}
# one byte of an event's time: '2024' becomes '2025'
bump() { echo "UPDATE events SET bytes = replace(bytes, '\"time\":\"2024', '\"time\":\"2025') WHERE seq = $1"; }

tamper "$(bump $((k + 2)))"
c verify --since "$T/trusted.note" --log-key "$T/vkey"
expect_err "a changed event after the trusted checkpoint is caught and named" 1 "event $((k + 2))"
tamper "$(bump 2)"
c verify --since "$T/trusted.note" --log-key "$T/vkey"
expect_rc "a changed event before it is out of --since's scope" 0
c verify --log-key "$T/vkey"
expect_err "and the full verify names it" 1 "event 2"
tamper "$(bump "$k")"
c verify --since "$T/trusted.note" --log-key "$T/vkey"
expect_err "the last event the trusted checkpoint covers is checked: the chain hangs on it" 1 "event $k"
tamper "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = $((k + 1))"
c verify --since "$T/trusted.note" --log-key "$T/vkey"
expect_err "a changed Merkle node of a new event is named" 1 "Merkle node (0, $((k + 1)))"
# the largest perfect subtree under the trusted root: (top, 0)
top=0
while [ $((1 << (top + 1))) -le "$k" ]; do top=$((top + 1)); done
tamper "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = $top AND idx = 0"
c verify --since "$T/trusted.note" --log-key "$T/vkey"
expect_err "a changed node of the trusted tree's frontier: the store no longer gives its root" 1 "another root at that size"

# the checkpoint itself
cp "$T/clean.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
before=$(fingerprint)
sed 's/^\([0-9]*\)$/9\1/' "$T/trusted.note" > "$T/bad.note"
c verify --since "$T/bad.note"
expect_err "a changed size is a bad signature, refused" 1 "the trusted checkpoint:"
printf 'not a checkpoint\n' > "$T/junk.note"
c verify --since "$T/junk.note"
expect_err "a malformed checkpoint is refused" 1 "the trusted checkpoint:"
c verify --since "$T/trusted.note" --checkpoint "$T/later.note"
expect_rc "--since and --checkpoint do not go together" 2
COUNCIL_DB="$T/other.db" c init --at 2024-01-01
COUNCIL_DB="$T/other.db" c log checkpoint
cp "$T/.out" "$T/other.note"
c verify --since "$T/other.note"
expect_err "a checkpoint of another log (key) is refused" 1 "the trusted checkpoint:"
check "and nothing changed" test "$(fingerprint)" = "$before"
cp "$T/early.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
c verify --since "$T/later.note"
expect_err "a store rolled back behind the trusted checkpoint is named" 1 "rolled back"
