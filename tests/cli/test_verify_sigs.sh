#!/bin/bash
# `council verify` checks a batch of checkpoint signatures on a second
# thread (app/verify_stream.c) while it reads the events: every checkpoint
# is still checked, and the first fault in log order is the one named, in
# the words of a check made in order.  A store with more checkpoints than
# the thread's threshold (8), each fault placed in the middle of them.
. "$(dirname "$0")/lib.sh"

c init --at 2024-01-01
for i in $(seq 1 16); do c propose --body NAC --title "P$i" --at 2024-01-02; done
n=$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM checkpoints")
check "the store has more checkpoints than the thread's threshold" test "$n" -ge 16
c log key
echo "$out" > "$T/vkey"
c verify --log-key "$T/vkey"
expect_rc "the store verifies" 0
check "every checkpoint is counted as checked" grep -q "$n signed checkpoints" "$T/.out"

# the sizes of the 6th and 11th checkpoints
s6=$(sqlite3 "$COUNCIL_DB" "SELECT size FROM checkpoints ORDER BY size LIMIT 1 OFFSET 5")
s11=$(sqlite3 "$COUNCIL_DB" "SELECT size FROM checkpoints ORDER BY size LIMIT 1 OFFSET 10")
cp "$COUNCIL_DB" "$T/clean.db"
tamper() { tamper_copy "$T/clean.db" "$1"; }
edit_note() { # SIZE FROM TO: SQL replacing FROM with TO (SQL terms) in that note
	echo "UPDATE checkpoints SET note = replace(note, $2, $3) WHERE size = $1;"
}
# that checkpoint's signature changed (its text kept)
badsig() { edit_note "$1" "substr(note, -10, 4)" "'AAAA'"; }
# a note that does not parse: no em dash before its signature
unparsed() { edit_note "$1" "'— '" "'-- '"; }
# one that does not parse otherwise: no blank line before its signatures
unblank() { edit_note "$1" "char(10) || char(10)" "char(10)"; }

tamper "$(badsig "$s11")"
c verify --log-key "$T/vkey"
expect_err "a bad signature in the middle of the batch is named by its size" 1 \
	"checkpoint at size $s11: checkpoint: invalid signature by key council-log-"
tamper "$(badsig "$s11") $(badsig "$s6")"
c verify --log-key "$T/vkey"
expect_err "of two bad signatures, the first by size is named" 1 \
	"checkpoint at size $s6: checkpoint: invalid signature"
tamper "$(unparsed "$s6")"
c verify --log-key "$T/vkey"
expect_err "a note that does not parse is named by its size" 1 "checkpoint at size $s6: "
check "and not as a bad signature" sh -c "! grep -q 'invalid signature' '$T/.err'"
# The batch keeps the message of its first note that does not parse only
# (app/verify.h): each fault below is named in its own words.
cp "$T/.err" "$T/unparsed6"
tamper "$(unblank "$s11")"
c verify --log-key "$T/vkey"
expect_err "a note that does not parse otherwise is named in its own words" 1 \
	"checkpoint at size $s11: checkpoint: no blank line"
tamper "$(unparsed "$s6") $(unblank "$s11")"
c verify --log-key "$T/vkey"
expect_rc "of two notes that do not parse, the first by size fails the store" 1
check "and it is named, in the words it had alone" cmp "$T/.err" "$T/unparsed6"
tamper "$(badsig "$s6") $(unblank "$s11")"
c verify --log-key "$T/vkey"
expect_err "a bad signature before a note that does not parse is named" 1 \
	"checkpoint at size $s6: checkpoint: invalid signature"
tamper "$(unparsed "$s6") $(badsig "$s11")"
c verify --log-key "$T/vkey"
expect_rc "a note that does not parse before a bad signature fails the store" 1
check "and it is the one named" cmp "$T/.err" "$T/unparsed6"
tamper "$(badsig "$s6") $(swap_events_sql 30 31)"
c verify --log-key "$T/vkey"
expect_err "an event before a bad checkpoint is named first" 1 "event 30"
check "and the checkpoint is not" sh -c "! grep -q 'checkpoint at size' '$T/.err'"
first=$(sqlite3 "$T/clean.db" "SELECT min(size) FROM checkpoints")
cp "$T/clean.db" "$COUNCIL_DB"
"$COUNCIL" --db "$T/other.db" init >/dev/null 2>&1
"$COUNCIL" --db "$T/other.db" log key > "$T/otherkey"
c verify --log-key "$T/otherkey"
expect_err "under another key, the first checkpoint is named" 1 \
	"checkpoint at size $first: checkpoint: note is not signed by key"

# an export: its checkpoints are checked after its events, a batch at a
# time on two threads; the first bad one named by its place and line
cp "$T/clean.db" "$COUNCIL_DB"
c log export "$T/x.jsonl"
c verify --export "$T/x.jsonl" --log-key "$T/vkey"
expect_rc "the export verifies" 0
check "every checkpoint of the export is counted" grep -q "$n signed checkpoints" "$T/.out"
awk 'BEGIN { k = 0 } /^\{"checkpoint"/ { k++
	if (k == 6 || k == 11) $0 = substr($0, 1, length($0) - 14) "AAAA" substr($0, length($0) - 9) }
	{ print }' "$T/x.jsonl" > "$T/bad.jsonl"
line=$(grep -n '^{"checkpoint"' "$T/x.jsonl" | sed -n 6p | cut -d: -f1)
c verify --export "$T/bad.jsonl" --log-key "$T/vkey"
expect_err "of two bad signatures in an export, the first is named" 1 \
	"line $line: checkpoint 6: checkpoint: invalid signature by key council-log-"

# Each checkpoint after the first names the one before it (its chain
# line, core/checkpoint.h), so verify checks two signatures a batch and
# takes the others through the hashes the checked ones sign.
cp "$T/clean.db" "$COUNCIL_DB"
c verify --log-key "$T/vkey"
expect_rc "the chained store verifies" 0
check "two signatures checked, the others through the chain" \
	grep -q "$n signed checkpoints verified (2 by their signature, the other $((n - 2)) by the hash" "$T/.out"
c verify --json --log-key "$T/vkey"
check "--json counts them" grep -q "\"chained\": $((n - 2))" "$T/.out"
c verify --export "$T/x.jsonl" --log-key "$T/vkey"
check "an export's too" grep -q "(2 by their signature, the other $((n - 2))" "$T/.out"
# A checkpoint whose text lost its chain line no longer verifies.
tamper "UPDATE checkpoints SET note = replace(note, substr(note, instr(note, 'previous '), 54), '') WHERE size = $s11;"
c verify --log-key "$T/vkey"
expect_err "a chain line taken out breaks the note's signature" 1 \
	"checkpoint at size $s11: checkpoint: invalid signature"

# The signer names the last checkpoint only after checking it: a store
# whose last checkpoint's signature was damaged takes no more writes,
# and nothing is written.
last=$(sqlite3 "$T/clean.db" "SELECT max(size) FROM checkpoints")
tamper "$(badsig "$last")"
before=$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM events")
c propose --body NAC --title "After the damage" --at 2024-01-03
expect_err "a write after a damaged last checkpoint is refused" 1 \
	"refusing to sign: the checkpoint signed last (size $last) does not verify under the log key"
check "and nothing was written" test "$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM events")" = "$before"
