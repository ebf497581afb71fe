#!/bin/bash
# The verifiable record (issue 5): signed checkpoints, receipts checked
# offline, exported logs verified without the store, and each way of
# tampering detected and named.
. "$(dirname "$0")/lib.sh"

c init --at 2024-01-01
check "init writes the log key beside the store, private" \
	test "$(stat -c %a "$COUNCIL_DB.key")" = 600
c log key
expect_rc "log key prints the public key" 0
echo "$out" > "$T/vkey"
check "the vkey names its key" grep -q '^council-log-[0-9a-f]*+[0-9a-f]*+' "$T/vkey"
c propose --body NAC --title "A" --at 2024-01-02
c respond 1 --member FR --object --reason "letter" --at 2024-01-03 --receipt "$T/receipt.json"
expect_rc "a position with a receipt" 0
c receipt verify "$T/receipt.json" --log-key "$T/vkey"
expect_rc "the receipt verifies offline" 0
check "and says which event it proves" grep -q "position.stated by delegation:FR" "$T/.out"
c log checkpoint
check "the checkpoint is a C2SP signed note" grep -q "^— council-log-" "$T/.out"
cp "$T/.out" "$T/cp1.note"

# a receipt checked with another log's key, or with a changed event, fails
"$COUNCIL" --db "$T/other.db" init >/dev/null 2>&1
"$COUNCIL" --db "$T/other.db" log key > "$T/otherkey"
c receipt verify "$T/receipt.json" --log-key "$T/otherkey"
expect_err "a receipt does not verify under another log's key" 1 "checkpoint"
jq '.event |= sub("letter"; "lettre")' "$T/receipt.json" > "$T/forged.json"
c receipt verify "$T/forged.json" --log-key "$T/vkey"
expect_err "a receipt whose event was changed does not verify" 1 "does not verify"
c receipt verify "$T/receipt.json"
expect_err "a receipt needs the published key" 1 "--log-key"

# export and verify without the database
c respond 1 --member DE --concur --at 2024-01-04
c log export "$T/log.jsonl"
expect_rc "log export" 0
mv "$COUNCIL_DB" "$T/away.db"
c verify --export "$T/log.jsonl" --log-key "$T/vkey"
expect_rc "an exported log verifies with no store at all" 0
check "every event and checkpoint counted" grep -q "ok: 100 events" "$T/.out"
mv "$T/away.db" "$COUNCIL_DB"
sed '50s/"name":"/"name":"X/' "$T/log.jsonl" > "$T/bad.jsonl"
c verify --export "$T/bad.jsonl" --log-key "$T/vkey"
expect_err "a changed event of an export is named itself (line 50 holds event 49)" 1 "line 50 (event 49): changed"
head -n 60 "$T/log.jsonl" > "$T/short.jsonl"
grep '^{"checkpoint"' "$T/log.jsonl" >> "$T/short.jsonl"
c verify --export "$T/short.jsonl" --log-key "$T/vkey"
expect_err "a truncated export fails against its checkpoints" 1 "truncated"

# the store: append-only, and each tamper named
sqlite3 "$COUNCIL_DB" "DELETE FROM checkpoints" 2>"$T/.trig"
check "checkpoints refuse DELETE" grep -q "append-only" "$T/.trig"
sqlite3 "$COUNCIL_DB" "UPDATE merkle_nodes SET hash = hash" 2>"$T/.trig"
check "the Merkle tree refuses UPDATE" grep -q "append-only" "$T/.trig"
c verify --log-key "$T/vkey"
expect_rc "the store verifies against the published key" 0
c verify --log-key "$T/otherkey"
expect_err "and not against another log's key" 1 "checkpoint at size"
cp "$COUNCIL_DB" "$T/clean.db"
tamper() {
	cp "$T/clean.db" "$COUNCIL_DB"
	rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
	sqlite3 "$COUNCIL_DB" "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;
		DROP TRIGGER IF EXISTS nodes_no_update; DROP TRIGGER IF EXISTS checkpoints_no_update; $1"
}
tamper "CREATE TEMP TABLE sw AS SELECT seq, bytes, hash FROM events WHERE seq IN (30, 31);
	UPDATE events SET bytes = (SELECT bytes FROM sw WHERE seq = 31), hash = (SELECT hash FROM sw WHERE seq = 31) WHERE seq = 30;
	UPDATE events SET bytes = (SELECT bytes FROM sw WHERE seq = 30), hash = (SELECT hash FROM sw WHERE seq = 30) WHERE seq = 31;"
c verify --log-key "$T/vkey"
expect_err "two swapped events are named" 1 "event 30"
tamper "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 3"
c verify --log-key "$T/vkey"
expect_err "a changed Merkle node is named" 1 "Merkle node (2, 3)"
tamper "UPDATE checkpoints SET note = replace(note, substr(note, -10, 4), 'AAAA') WHERE size = (SELECT max(size) FROM checkpoints)"
c verify --log-key "$T/vkey"
expect_err "a replaced checkpoint is named" 1 "checkpoint at size"
# a rollback: an older copy of the store, checked against a checkpoint kept later
cp "$T/clean.db" "$COUNCIL_DB"
cp "$T/clean.db" "$T/old.db"
c respond 1 --member US --concur --at 2024-01-05
c log checkpoint
cp "$T/.out" "$T/later.note"
cp "$T/old.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
c verify --log-key "$T/vkey"
expect_rc "a rolled-back copy is consistent in itself" 0
c verify --log-key "$T/vkey" --checkpoint "$T/later.note"
expect_err "but not with a checkpoint kept from later" 1 "rolled back"
c verify --log-key "$T/vkey" --checkpoint "$T/cp1.note"
expect_rc "and is consistent with an earlier one" 0

# delegation keys: a signed objection, a refused forgery, a forged
# signature in the store named by verify
cp "$T/clean.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
c keygen --name FR-2024 --out "$T/fr.key"
expect_rc "keygen" 0
check "the secret key file is private" test "$(stat -c %a "$T/fr.key")" = 600
c key register --member FR --vkey "$T/fr.key.pub" --at 2024-01-06
expect_rc "the secretariat registers FR's key" 0
c key register --member JP --vkey "$T/fr.key.pub" --at 2024-01-06
expect_err "a partner has no delegation key to register" 1 "unknown member code 'JP'"
c propose --body NAC --title "Signed" --procedure silence --deadline 2024-02-01 --at 2024-01-07
id=$out
c keygen --name someone-else --out "$T/evil.key"
c respond "$id" --member FR --object --reason "letter" --sign "$T/evil.key" --at 2024-01-08
expect_err "a position signed with another key is refused" 1 "does not verify with its registered key FR-2024"
c respond "$id" --member FR --object --reason "letter of objection" --sign "$T/fr.key" --at 2024-01-08 --receipt "$T/signed.json"
expect_rc "FR breaks silence with a signed letter" 0
check "the signature is in the event" grep -q 'signature' "$T/signed.json"
c verify --log-key "$T/vkey"
expect_rc "signed positions verify" 0
# the operator rewrites the letter and fixes up the hash: the signature betrays it
seq=$(sqlite3 "$COUNCIL_DB" "SELECT max(seq) FROM events WHERE type = 'silence.broken'")
forged=$(sqlite3 "$COUNCIL_DB" "SELECT replace(bytes, 'letter of objection', 'letter of support') FROM events WHERE seq = $seq")
hash=$({ printf '\0'; printf '%s' "$forged"; } | sha256sum | cut -c1-64)
sqlite3 "$COUNCIL_DB" "DROP TRIGGER events_no_update; UPDATE events SET bytes = '$forged', hash = X'$hash' WHERE seq = $seq"
c verify --log-key "$T/vkey"
expect_err "a forged delegation signature is named" 1 "event $seq (silence.broken): delegation signature does not verify"

# an exported log: lines after the last checkpoint are refused; a signed
# lift after an unsigned reservation verifies
cp "$T/clean.db" "$COUNCIL_DB"
rm -f "$COUNCIL_DB-wal" "$COUNCIL_DB-shm"
c key register --member FR --vkey "$T/fr.key.pub" --at 2024-01-06
c propose --body NAC --title "Held" --at 2024-01-07
id=$out
c respond "$id" --member FR --reserve --at 2024-01-08
c respond "$id" --member FR --lift --sign "$T/fr.key" --at 2024-01-09
expect_rc "a signed lift" 0
c log export "$T/lift.jsonl"
c verify --export "$T/lift.jsonl" --log-key "$T/vkey"
expect_rc "an export with a signed lift after an unsigned reservation verifies" 0
last=$(grep -v '^{"checkpoint"' "$T/lift.jsonl" | tail -1)
lasthash=$({ printf '\0'; printf '%s' "$last"; } | sha256sum | cut -c1-64)
nseq=$(( $(grep -vc '^{"checkpoint"' "$T/lift.jsonl") ))
{ grep -v '^{"checkpoint"' "$T/lift.jsonl"
  printf '{"actor":"delegation:FR","payload":NOT JSON,"prev":"%s","seq":%d,"time":"x","type":"position.stated"}\n' "$lasthash" "$nseq"
  grep '^{"checkpoint"' "$T/lift.jsonl"; } > "$T/appended.jsonl"
c verify --export "$T/appended.jsonl" --log-key "$T/vkey"
expect_err "an event appended after the last checkpoint is refused" 1 "not covered by any signed checkpoint"
